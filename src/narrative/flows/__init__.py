"""Prefect 3 flows: the only layer that reads settings and composes extractors, models, warehouse and digest."""
