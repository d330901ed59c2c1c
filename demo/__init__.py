"""The East Birmingham demo behind ``manage.py seed_demo``.

It sits at the top of the dependency chain (DESIGN section 2) and builds everything through
the services, so the demo obeys the same rules, audit trail and outbox as real data. The steps
it runs, one module per kind of thing, are listed in ``demo.steps``.
"""
