"""Entrypoints of the scenarios service, one mixin per aggregate (composed in service.py)."""
