"""Demo data for ``manage.py seed_demo``: real public bodies, invented people."""
