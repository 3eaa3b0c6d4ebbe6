"""DuckDB persistence: connection, migrations, repositories, workflows, demo data, CLI."""
