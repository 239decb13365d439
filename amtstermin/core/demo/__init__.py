"""Demo data: a fictional town to try Amtstermin with (`manage.py seed_demo`).

`spec` defines the shapes, `musterstadt` holds the town as plain data, `seed` writes it
(idempotently) and fills the calendar through the booking core.
"""
