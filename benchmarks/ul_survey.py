#!/usr/bin/env python
"""Which default days sit near an upper limit with a total that is a lower bound?

    python benchmarks/ul_survey.py

Plans the toddler, children and maternal grids of ``ab_days.py`` and the 48
one-day requests of ``load.py`` on the bundled table, and prints each day's
limits whose total is a lower bound (a chosen food has no USDA value) at 80 %
of the limit or more, with the foods and the room their stand-ins take
(``unmeasured_allowance``, ``foods/ul_standins.csv``), then the count by
nutrient. Session 34's count before the stand-ins: 53 of 132 days for
manganese, 10 retinol, 6 fiber, 2 folic acid, 1 selenium, 1 zinc.
"""

from __future__ import annotations

import collections
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import ab_days
from load import requests

import mealplan

NEAR = 0.8


def main() -> None:
    """Print the near-limit lower bounds of every survey day, then the counts."""
    table = mealplan.load_foods()
    days = (
        ab_days.toddler_days()
        + ab_days.children_days()
        + ab_days.maternal_days()
        + requests(48)
    )
    hits: collections.Counter[str] = collections.Counter()
    planned = 0
    for body in days:
        try:
            plan = mealplan.plan(body, table)
        except mealplan.MealPlanError as exc:
            print("no plan:", json.dumps(body), type(exc).__name__, flush=True)
            continue
        planned += 1
        for day in plan.days:
            for t in day.totals:
                if t.maximum and t.lower_bound and t.amount >= NEAR * t.maximum:
                    hits[t.nutrient] += 1
                    print(
                        json.dumps(body["person"]),
                        body.get("diet"),
                        t.nutrient,
                        round(t.amount, 2),
                        t.maximum,
                        "room",
                        t.unmeasured_allowance,
                        t.foods_missing_data,
                        flush=True,
                    )
    print(
        f"{planned} of {len(days)} days planned; near-limit lower bounds: {dict(hits)}"
    )


if __name__ == "__main__":
    main()
