#!/usr/bin/env python
"""Fish a day (issue 12): one FDA/EPA serving a day, before and after, interleaved.

``before``: the bundled caps table without the rows the daily fish cap
added (``pregnancy_fish_day``, ``pregnancy_fish_item``, ``child_fish_day_8``,
``child_fish_day_11``, ``child_fish_item_11``), given as a caller's table;
``after``: the bundled table (given the same way, so both plan alike). Each
case is planned as a caller asks it (the product's default 10 s limit unless
the case says otherwise); the most fish on a day (a dish: its recipe's fish)
shows what the cap changed, the CPU what it costs.

CPU seconds (``getrusage``, this process and its children: HiGHS runs in
this process) and the load average beside them; rounds interleave the cases
and, within a case, before and after. The table gives the median over rounds.

    python benchmarks/fish_day.py
    python benchmarks/fish_day.py --rounds 3 --out benchmarks/fish_day_latest.md
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
from typing import Any

import mealplan
from mealplan._fish_choices import fish_foods
from mealplan._life_stage_caps import load_life_stage_caps

OZ = 28.349523125
NEW_ROWS = frozenset(
    {
        "pregnancy_fish_day",
        "pregnancy_fish_item",
        "child_fish_day_8",
        "child_fish_day_11",
        "child_fish_item_11",
    }
)
PREGNANT = {"age": 30, "sex": "female", "pregnancy": True}
LACTATING = {"age": 30, "sex": "female", "lactation": True}
CASES: list[tuple[str, dict[str, Any]]] = [
    ("pregnant day", {"person": PREGNANT}),
    (
        "pregnant pescatarian day, likes fish",
        {"person": PREGNANT, "diet": "pescatarian", "likes": ["fish"]},
    ),
    ("lactating day, likes fish", {"person": LACTATING, "likes": ["fish"]}),
    ("pregnant 7 days, likes fish", {"person": PREGNANT, "days": 7, "likes": ["fish"]}),
    (
        "9-year-old pescatarian day, likes fish",
        {"person": {"age": 9, "sex": "male"}, "diet": "pescatarian", "likes": ["fish"]},
    ),
    (
        "11-year-old day, likes fish",
        {"person": {"age": 11, "sex": "female"}, "likes": ["fish"]},
    ),
    (
        "2-year-old 7 days, mip_gap 1 (tests/test_toddler_week.py)",
        {
            "person": {"age": 2, "sex": "female"},
            "days": 7,
            "mip_gap": 1.0,
            "time_limit": 600,
        },
    ),
]


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _run(request: dict[str, Any], table: mealplan.FoodTable) -> dict[str, Any]:
    start = _cpu()
    try:
        plan = mealplan.plan(request, table)
    except mealplan.MealPlanError as exc:
        return {"cpu": _cpu() - start, "result": type(exc).__name__, "most": None}
    fish = fish_foods(table)
    days = [
        sum(i.grams * fish[i.food_id].share for i in d.items if i.food_id in fish) / OZ
        for d in plan.days
    ]
    limited = any("time limit" in n.lower() for n in plan.notes)
    return {
        "cpu": _cpu() - start,
        "result": f"plan, {sum(days):.2f} oz in all"
        + (", time limit hit" if limited else ""),
        "most": max(days),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--out", help="write the table here as Markdown")
    args = parser.parse_args()
    caps = load_life_stage_caps()
    foods = mealplan.load_foods()
    tables = {
        "before": foods.using_life_stage_caps(
            tuple(c for c in caps if c.cap_id not in NEW_ROWS)
        ),
        "after": foods.using_life_stage_caps(caps),
    }
    mealplan.plan({"person": {"age": 30, "sex": "female"}, "mip_gap": 1.0})  # warm
    runs: dict[tuple[str, str], list[dict[str, Any]]] = {}
    loads = []
    for _ in range(args.rounds):
        for name, request in CASES:
            for label, table in tables.items():
                row = _run(request, table)
                runs.setdefault((name, label), []).append(row)
                print(f"{name} {label}: {row['cpu']:.2f} s CPU, {row['result']}")
        loads.append(os.getloadavg()[0])
        print(f"round done, load {loads[-1]:.1f}", flush=True)
    lines = [
        "# Fish a day: one FDA/EPA serving a day, before and after",
        "",
        f"{args.rounds} round(s), cases and before/after interleaved; load "
        f"(1 min) after each round: {', '.join(f'{x:.1f}' for x in loads)}. "
        "CPU: getrusage, self and children, median over rounds. Most fish: "
        "the most on one day of the first round's plan (a dish counts its "
        "recipe's fish).",
        "",
        "| case | before CPU s | after CPU s | before most fish | after most fish "
        "| after result |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, _ in CASES:
        b, a = runs[name, "before"], runs[name, "after"]

        def most(rows: list[dict[str, Any]]) -> str:
            value = rows[0]["most"]
            return "-" if value is None else f"{value:.2f} oz"

        lines.append(
            f"| {name} | {statistics.median(r['cpu'] for r in b):.2f} | "
            f"{statistics.median(r['cpu'] for r in a):.2f} | {most(b)} | {most(a)} "
            f"| {a[0]['result']} |"
        )
    lines.append("")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines))


if __name__ == "__main__":
    main()
