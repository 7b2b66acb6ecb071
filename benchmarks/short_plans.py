#!/usr/bin/env python
"""2- and 3-day plans at the default 10 s limit: before and after, in one run.

    python benchmarks/short_plans.py             # writes benchmarks/short_plans_latest.md
    python benchmarks/short_plans.py --repeats 2

The 200-profile sweep stopped at its limit for nearly every 2- and 3-day plan,
and two profiles got no plan at all. Each case runs twice per repeat,
interleaved: "before" with the rotation seed's repair and the 2-day
re-planning of days switched off (``_weekly_seed._REPAIRS = 0``,
``_weekly._LOCAL_DAYS = 0``, which is the code as it was), "after" as
shipped. Every plan is re-checked by ``tests/checks.py``. Wall and CPU time
and the 1-minute load are reported beside each result; compare within a run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import mealplan  # noqa: E402
from mealplan import _weekly, _weekly_seed  # noqa: E402
from tests.checks import check_plan  # noqa: E402

WOMAN = {"age": 35, "sex": "female"}
CASES: dict[str, dict[str, Any]] = {
    "2 days, default": {"person": WOMAN, "days": 2},
    "2 days, vegetarian woman of 31, fish allergy (sweep)": {
        "person": {"age": 31, "sex": "female"},
        "diet": "vegetarian",
        "allergies": ["fish"],
        "days": 2,
    },
    "same, first plan (mip_gap 1)": {
        "person": {"age": 31, "sex": "female"},
        "diet": "vegetarian",
        "allergies": ["fish"],
        "days": 2,
        "mip_gap": 1,
    },
    "3 days, pescatarian man of 57, 3 allergies (sweep), first plan": {
        "person": {"age": 57, "sex": "male"},
        "diet": "pescatarian",
        "allergies": ["sesame", "shellfish", "fish"],
        "days": 3,
        "mip_gap": 1,
    },
    "3 days, vegetarian man of 59, milk allergy (mushrooms every day), first plan": {
        "person": {"age": 59, "sex": "male"},
        "diet": "vegetarian",
        "allergies": ["milk"],
        "days": 3,
        "mip_gap": 1,
    },
    "7 days, default, first plan": {"person": WOMAN, "days": 7, "mip_gap": 1},
    "2 days, vegetarian man of 70": {
        "person": {"age": 70, "sex": "male"},
        "diet": "vegetarian",
        "days": 2,
    },
    "3 days, vegan": {"person": WOMAN, "days": 3, "diet": "vegan"},
}


def _set(before: bool) -> None:
    _weekly_seed._REPAIRS = 0 if before else 4
    _weekly._LOCAL_DAYS = 0 if before else 2


def _one(request: dict[str, Any], foods: mealplan.FoodTable) -> list[str]:
    load = os.getloadavg()[0]
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        plan = mealplan.plan(request, foods)
        check_plan(plan, foods)
        gap = "-" if plan.gap is None else f"{100 * plan.gap:.1f} %"
        out = [plan.status.value, gap]
    except mealplan.MealPlanError as exc:
        out = [type(exc).__name__, "-"]  # InfeasiblePlanError: a diagnosis
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return [*out, f"{wall:.2f} s", f"{cpu:.2f} s", f"{load:.1f}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument(
        "--out", type=Path, default=REPO / "benchmarks" / "short_plans_latest.md"
    )
    args = parser.parse_args()
    foods = mealplan.load_foods()
    rows = []
    for _ in range(args.repeats):
        for name, request in CASES.items():
            for label in ("before", "after"):
                _set(label == "before")
                row = [name, label, *_one(request, foods)]
                print(" | ".join(row), flush=True)
                rows.append(row)
    _set(False)
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short=10", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    lines = [
        f"# 2- and 3-day plans, before and after ({now})",
        "",
        f"mealplan {commit}; 2 shared cores, load beside each row (other sessions "
        "share the machine). Default 10 s limit. Every plan re-checked by "
        "tests/checks.py. before = rotation seed without its repair and no "
        "2-day re-planning (the code as it was); after = as shipped.",
        "",
        "| case | code | status | gap | wall | CPU | 1-min load |",
        "|---|---|---|---:|---:|---:|---:|",
        *("| " + " | ".join(r) + " |" for r in rows),
        "",
    ]
    args.out.write_text("\n".join(lines))


if __name__ == "__main__":
    main()
