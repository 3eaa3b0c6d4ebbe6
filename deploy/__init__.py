"""Deployment helpers: the local trial of several replicas behind nginx (deploy/local.py)."""
