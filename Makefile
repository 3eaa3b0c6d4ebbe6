.PHONY: run test lint bench replicas
run:
	python3 tasks.py run
test:
	python3 tasks.py test
lint:
	python3 tasks.py lint
bench:
	python3 tasks.py bench
replicas:
	python3 tasks.py replicas
