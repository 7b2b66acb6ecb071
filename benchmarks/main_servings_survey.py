#!/usr/bin/env python
"""Meats, poultry and fish under 2 oz at a lunch or dinner of default one-day plans.

    python benchmarks/main_servings_survey.py TREE

Plans the README's request, the realism personas and load.py's 48 requests
(one day each) with TREE's code and bundled table, in this process, and
prints each lunch or dinner item of a food of the ``racc_meat_fish`` cap
(TREE's ``foods/portion_caps.csv``) that weighs under 56 g, then the count.
Session 37 used it to weigh the rule that serves such a food as a serving
(``main_servings_ab_latest.md``): 8 of 64 days before, none after.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    tree = Path(sys.argv[1]).resolve()
    sys.path.insert(0, str(tree))
    sys.path.insert(1, str(REPO / "benchmarks"))
    from survey import planned_days

    import mealplan

    with (tree / "foods" / "portion_caps.csv").open(encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if r["cap_id"] == "racc_meat_fish")
    ids = set(row["selector"].removeprefix("id:").split("|"))
    planned = small = 0
    for one, plan in planned_days(mealplan.load_foods()):
        planned += 1
        for item in plan.items:
            main_meal = item.meal in ("lunch", "dinner")
            if item.food_id in ids and main_meal and item.grams < 56.0:
                small += 1
                print(round(item.grams), item.food_id, item.meal, json.dumps(one))
    print(f"{planned} days planned; {small} meat, poultry or fish items under 56 g")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
