"""Seeds the template database the bench databases are copied from: the demo authority
(``manage.py seed_demo``, 300 children in care, its services and proportions), with five years of
history instead of the demo's four, leavers scaled to keep the demo's leaving rate per year.

Run by ``benchmarks.build`` in its own process, with ``DJANGO_SETTINGS_MODULE`` set to the local
settings (seed_demo refuses production settings) and ``DATABASE_URL`` the template database.
"""

from __future__ import annotations

import sys
from datetime import date

HISTORY_YEARS = 5


def main(today: str, seed: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from demo import children, dispute_facts, leavers, protection, protection_plans, shape, summary

    # The demo's history is four years with 1.4 leavers per child in care; the bench wants five
    # years at the same rate. The demo reads these module constants at run time.
    rate = shape.LEAVERS_PER_CHILD_IN_CARE / shape.HISTORY_YEARS
    for module in (shape, leavers, dispute_facts, summary, protection, protection_plans):
        setattr(module, "HISTORY_YEARS", HISTORY_YEARS)  # noqa: B010 (a module constant the demo reads)
    children.LEAVERS_PER_CHILD_IN_CARE = round(rate * HISTORY_YEARS, 3)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_demo", seed=seed, today=date.fromisoformat(today))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
