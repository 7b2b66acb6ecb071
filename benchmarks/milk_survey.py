#!/usr/bin/env python
"""Whole or 2 % milk, and sweetened milks, in default one-day plans.

    python benchmarks/milk_survey.py TREE

Plans the README's request, the realism personas and load.py's 48 requests
(one day each) with TREE's code and bundled table, in this process, and
prints each item of a plain whole or 2 % cow's milk and of a sweetened or
flavoured milk or plant milk (read by the words of TREE's own
``mealplan._child_milks.WHOLE_MILK`` and ``mealplan._sweet_milks`` masks),
then the counts. Session 38 used it to weigh charging whole milk from age 2
at every age (``low_fat_milk_ab_latest.md``).
"""

from __future__ import annotations

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
    from mealplan._child_milks import WHOLE_MILK
    from mealplan._planner import parse_request
    from mealplan._sweet_milks import sweet_milks

    table = mealplan.load_foods()
    names = dict(zip(table.ids, table.texts("name"), strict=True))
    bases = dict(zip(table.ids, table.texts("base"), strict=True))
    # The children's words (the widest): every sweetened or flavoured milk.
    child = parse_request({"person": {"age": 10, "sex": "female"}})
    mask = sweet_milks(child, table)
    sweet = {f for f, s in zip(table.ids, mask, strict=True) if s}
    planned = whole = sweetened = 0
    for one, plan in planned_days(table):
        planned += 1
        for item in plan.items:
            fid = item.food_id
            if bases.get(fid) == "milk" and WHOLE_MILK.search(names[fid]):
                whole += 1
                print("whole", round(item.grams), fid, json.dumps(one))
            if fid in sweet:
                sweetened += 1
                print("sweet", round(item.grams), fid, json.dumps(one))
    print(
        f"{planned} days planned; {whole} whole or 2 % milk items; "
        f"{sweetened} sweetened milk items"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
