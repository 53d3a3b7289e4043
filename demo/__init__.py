"""The synthetic demo authority, "Demoshire County Council" (``manage.py seed_demo``).

An app of its own on top of the domain apps: it writes children, reviews and disputes through
their services and rule functions, and nothing imports it (the tests may).
"""
