#!/usr/bin/env python
"""What a change to ``foods/portion_caps.csv`` costs the large eaters' days.

    python benchmarks/caps_cost.py OTHER_CAPS.csv           # bundled vs OTHER
    python benchmarks/caps_cost.py OTHER_CAPS.csv --repeats 2
    python benchmarks/caps_cost.py OTHER_CAPS.csv --load-days --realism  # + 48 + 15

``--load-days`` adds the 48 one-day requests of ``benchmarks/load.py``
(``requests(48)``) and ``--realism`` the realism benchmark's personas; the
summary gives median and p95 CPU of each side, the requests that lost their
plan, and the items over their RACC allowance (``generous``, the independent
rule of ``tests/checks.py``) of each side's plans.

Each one-day request (large eaters, for whom the energy-scaled caps grow,
and the realism benchmark's slow days) is planned with the bundled caps and
with ``OTHER_CAPS.csv``, interleaved in one process so the load is the same;
the script reports CPU seconds (``time.process_time``: HiGHS runs in this
process), wall seconds, objective, the realism defects of each plan under
ITS OWN caps, and the largest grain side and lunch/dinner plate of each
plan. The caps are swapped by replacing the planner's cached caps
(``mealplan._meal_structure._caps``); nothing else changes.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from day_grid import Row, interleaved, timed_plan  # noqa: E402

import mealplan  # noqa: E402
from mealplan import _meal_structure  # noqa: E402
from mealplan._realism import realism_defects  # noqa: E402
from mealplan._structure import is_drink, load_caps  # noqa: E402
from tests.checks import generous_items  # noqa: E402

REQUESTS: list[tuple[str, dict[str, Any]]] = [
    ("teen-15", {"person": {"age": 15, "sex": "male"}}),
    ("teen-17 active", {"person": {"age": 17, "sex": "male", "activity": "active"}}),
    ("man-35", {"person": {"age": 35, "sex": "male"}}),
    (
        "man-50 active 90 kg",
        {"person": {"age": 50, "sex": "male", "activity": "active", "weight_kg": 90}},
    ),
    (
        "milk-egg-allergy-man-25",
        {"person": {"age": 25, "sex": "male"}, "allergies": ["milk", "egg"]},
    ),
    (
        "lactating-28-vegetarian",
        {
            "person": {"age": 28, "sex": "female", "lactation": True},
            "diet": "vegetarian",
        },
    ),
    ("vegan-man-40", {"person": {"age": 40, "sex": "male"}, "diet": "vegan"}),
    (
        "22 male vegetarian",
        {"person": {"age": 22, "sex": "male"}, "diet": "vegetarian"},
    ),
    (
        "woman-35 (README)",
        {"person": {"age": 35, "sex": "female"}, "diet": "vegetarian"},
    ),
]


def _shape(plan: mealplan.MealPlan, table: mealplan.FoodTable) -> tuple[float, float]:
    """The largest grain side (cups) and lunch/dinner plate (grams) of ``plan``."""
    cups = 0.0
    plates: dict[tuple[int, str | None], float] = {}
    slots = {m.name: m.slot.value for m in plan.request.meals or ()}
    for day in plan.days:
        for i in day.items:
            f = table.food(i.food_id)
            if f.category == "grains_pasta" and "cup" in i.portion_description:
                cups = max(cups, i.portions)
            if slots.get(i.meal or "") in ("lunch", "dinner") and not is_drink(
                frozenset(f.roles), f.base or ""
            ):
                key = (day.day, i.meal)
                plates[key] = plates.get(key, 0.0) + i.grams
    return cups, max(plates.values(), default=0.0)


def _one(body: dict[str, Any], table: mealplan.FoodTable, caps: tuple[Any, ...]) -> Row:
    _meal_structure._caps = lambda: caps  # type: ignore[assignment]

    def describe(plan: mealplan.MealPlan) -> Row:
        cups, plate = _shape(plan, table)
        return {
            "objective": plan.objective_value,
            "defects": sum(realism_defects(plan, table, caps=list(caps)).values()),
            "generous": len(generous_items(plan, table)),
            "status": str(plan.status),
            "cups": cups,
            "plate": plate,
        }

    return timed_plan(body, table, describe)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks/caps_cost.py")
    parser.add_argument("other")
    parser.add_argument("--base", help="the base caps (default: the bundled ones)")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--limit", type=float, default=60.0)
    parser.add_argument("--dishes", action="store_true")
    parser.add_argument("--load-days", action="store_true", help="+ load.py's 48")
    parser.add_argument("--realism", action="store_true", help="+ realism personas")
    parser.add_argument("--only-extra", action="store_true", help="skip REQUESTS")
    args = parser.parse_args(argv)
    cases = [] if args.only_extra else list(REQUESTS)
    if args.realism:
        from realism import PERSONAS

        cases += [(f"realism {n}", r) for n, r in PERSONAS]
    if args.load_days:
        from load import requests

        cases += [(f"load #{i}", r) for i, r in enumerate(requests(48))]
    table = mealplan.load_foods(dishes=args.dishes)
    base = tuple(load_caps(args.base))
    other = tuple(load_caps(args.other))
    print(
        f"load {os.getloadavg()}; limit {args.limit:g} s; "
        f"{'with' if args.dishes else 'without'} dishes"
    )
    print(
        "| request | CPU base | CPU other | wall base | wall other | objective base "
        "| objective other | defects base/other | grain cups base/other "
        "| plate g base/other | generous base/other |"
    )
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    ratios = []
    rows: list[tuple[Row, Row]] = []
    names: list[str] = []

    def f(r: Row, k: str, fmt: str = "{:.2f}") -> str:
        return fmt.format(r[k]) if k in r and r[k] is not None else r["status"]

    for name, a, b, ratio in interleaved(
        cases,
        time_limit=args.limit,
        base=lambda body: _one(body, table, base),
        other=lambda body: _one(body, table, other),
        repeats=args.repeats,
    ):
        ratios.append(ratio)
        rows.append((a, b))
        names.append(name)
        print(
            f"| {name} | {a['cpu']:.2f} | {b['cpu']:.2f} | {a['wall']:.2f} | "
            f"{b['wall']:.2f} | {f(a, 'objective', '{:.3f}')} | "
            f"{f(b, 'objective', '{:.3f}')} | {f(a, 'defects', '{}')}/"
            f"{f(b, 'defects', '{}')} | {f(a, 'cups', '{:.1f}')}/"
            f"{f(b, 'cups', '{:.1f}')} | {f(a, 'plate', '{:.0f}')}/"
            f"{f(b, 'plate', '{:.0f}')} | {f(a, 'generous', '{}')}/"
            f"{f(b, 'generous', '{}')} |",
            flush=True,
        )
    for side, k in (("base", 0), ("other", 1)):
        cpu = sorted(r[k]["cpu"] for r in rows)
        p95 = cpu[min(len(cpu) - 1, math.ceil(0.95 * len(cpu)) - 1)]
        lost = [n for n, r in zip(names, rows, strict=True) if "objective" not in r[k]]
        generous = sum(r[k].get("generous", 0) for r in rows)
        print(
            f"\n{side}: {len(cpu)} runs, CPU median {statistics.median(cpu):.2f} s, "
            f"p95 {p95:.2f} s, total {sum(cpu):.1f} s; without a plan: "
            f"{lost or 'none'}; items over their RACC allowance: {generous}"
        )
    print(
        f"\nCPU ratio other/base: median {statistics.median(ratios):.2f}, "
        f"max {max(ratios):.2f}. load {os.getloadavg()}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
