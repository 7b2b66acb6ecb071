#!/usr/bin/env python
"""Does every default week plan? (issue 16: never infeasible by surprise)

Plans a default 7-day request (``plan()``'s own defaults: 10 s, the
default variety rule) for two lists of people, one after another in this
process, and records for each its status, its gap, whether the variety rule
was widened (a sole source, a milk-type drink's slot, or a base no day does
without) and its wall and CPU time, with the load average beside them:

- the 14 persons x diets of the session-11 weeks check (ages 2-80, every
  diet, pregnancy and lactation);
- ``--grid``: every diet x {woman 35, man 35, boy 2, girl 8, girl 15,
  pregnant 30, lactating 30, woman 75} (32 weeks);
- ``--toddlers``: every diet x ages 1, 2, 3 x both sexes (24 plans).

``--days N`` plans N days instead of 7 (a toddler's 3 days are the hardest
multi-day requests measured: see ``weeks_toddlers_3_latest.md``).

Beside each week, how much it repeats itself (:func:`repeats`): the pairs of
identical days (every meal the same foods) and the lunches and dinners that
come back on a later, not the next, day (the variety rule forbids only the
next day's). A week of two days in rotation (ABABABA) has 9 identical pairs.

A week's time is the whole 10 s by design (the whole-plan search improves
the plan to the limit); what matters is a plan, not its speed. CPU above
the wall time is HiGHS's second thread.

    python benchmarks/weeks_default.py [--grid | --toddlers] [--days N] [--out FILE.md]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import mealplan  # noqa: E402

PERSONS: list[tuple[dict[str, Any], str]] = [
    ({"age": 2, "sex": "female"}, "vegan"),
    ({"age": 3, "sex": "male"}, "vegetarian"),
    ({"age": 5, "sex": "female"}, "pescatarian"),
    ({"age": 8, "sex": "male"}, "vegetarian"),
    ({"age": 8, "sex": "female"}, "vegan"),
    ({"age": 12, "sex": "male"}, "omnivore"),
    ({"age": 16, "sex": "male"}, "vegan"),
    ({"age": 15, "sex": "female"}, "vegetarian"),
    ({"age": 30, "sex": "male"}, "pescatarian"),
    ({"age": 40, "sex": "male"}, "vegan"),
    ({"age": 28, "sex": "female", "pregnancy": True, "trimester": 2}, "vegetarian"),
    ({"age": 32, "sex": "female", "lactation": True}, "vegan"),
    ({"age": 75, "sex": "female"}, "omnivore"),
    ({"age": 80, "sex": "male"}, "vegetarian"),
]
GRID_PERSONS: list[dict[str, Any]] = [
    {"age": 35, "sex": "female"},
    {"age": 35, "sex": "male"},
    {"age": 2, "sex": "male"},
    {"age": 8, "sex": "female"},
    {"age": 15, "sex": "female"},
    {"age": 30, "sex": "female", "pregnancy": True, "trimester": 2},
    {"age": 30, "sex": "female", "lactation": True},
    {"age": 75, "sex": "female"},
]
DIETS = ("omnivore", "pescatarian", "vegetarian", "vegan")
WIDENED = (
    "a day without it has no plan",
    "Only ",
    "Without ",
    "recur on more days",
)
LIFTED = " not planned: no plan "


def repeats(plan: mealplan.MealPlan) -> tuple[int, int]:
    """Return (identical day pairs, lunches and dinners back on a later day)."""
    days: list[dict[str | None, frozenset[str]]] = []
    for day in plan.days:
        meals: dict[str | None, set[str]] = {}
        for item in day.items:
            if item.kind == "food":
                meals.setdefault(item.meal, set()).add(item.food_id)
        days.append({m: frozenset(f) for m, f in meals.items()})
    pairs = [(a, b) for a in range(len(days)) for b in range(a + 1, len(days))]
    same = sum(days[a] == days[b] for a, b in pairs)
    back = sum(
        1
        for a, b in pairs
        if b > a + 1
        for meal in ("lunch", "dinner")
        if days[a].get(meal) and days[a].get(meal) == days[b].get(meal)
    )
    return same, back


def one(
    person: dict[str, Any], diet: str, table: mealplan.FoodTable, days: int = 7
) -> str:
    """Plan one default week; return its markdown row."""
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        plan = mealplan.plan({"person": person, "diet": diet, "days": days}, table)
        result = plan.status.value
        if plan.gap is not None:
            result += f", gap {plan.gap:.2f}"
        widened = [n for n in plan.notes if n.startswith(WIDENED) or WIDENED[0] in n]
        result += f", {len(widened)} widening(s)" if widened else ""
        # A default floor lifted (for time, or proven unmet): name it.
        lifted = [n.split(" not planned: ")[0] for n in plan.notes if LIFTED in n]
        result += f", lifted: {'; '.join(lifted)}" if lifted else ""
        same, back = repeats(plan)
        shown = f"{same} / {back}"
    except mealplan.MealPlanError as error:
        result = f"**{type(error).__name__}**: {str(error)[:100]}"
        shown = "-"
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    load = os.getloadavg()[0]
    who = ", ".join(f"{k} {v}" for k, v in person.items())
    return (
        f"| {who} | {diet} | {result} | {shown} | {wall:.1f} | {cpu:.1f} | {load:.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--grid", action="store_true", help="the 32-week diet grid")
    parser.add_argument(
        "--toddlers", action="store_true", help="every diet x ages 1-3 x both sexes"
    )
    parser.add_argument("--days", type=int, default=7, help="days a plan (7)")
    parser.add_argument("--out", type=Path, help="write the markdown table here")
    args = parser.parse_args()
    table = mealplan.load_foods()
    cases = [(p, d) for p in GRID_PERSONS for d in DIETS] if args.grid else PERSONS
    if args.toddlers:
        cases = [
            ({"age": age, "sex": sex}, d)
            for age in (1, 2, 3)
            for sex in ("female", "male")
            for d in DIETS
        ]
    lines = [
        f"Default {args.days}-day requests, {len(cases)} plans; load before "
        f"{os.getloadavg()[0]:.1f}, {os.cpu_count()} cores.",
        "",
        "| person | diet | result | same days / meals back | wall s | CPU s | load |",
        "|---|---|---|--:|--:|--:|--:|",
    ]
    print("\n".join(lines), flush=True)
    failed = 0
    for person, diet in cases:
        row = one(person, diet, table, args.days)
        failed += "**" in row
        print(row, flush=True)
        lines.append(row)
    summary = f"\n{len(cases) - failed} of {len(cases)} plans planned."
    print(summary)
    lines.append(summary)
    if args.out is not None:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
