#!/usr/bin/env python
"""Whether a week plans with the FNDDS dishes by default: weeks with and without.

    python benchmarks/dishes_week.py            # 3 weeks at the default 10 s
    python benchmarks/dishes_week.py --limit 30

Each 7-day request is planned on the bundled table without dishes, then at
once with them, in this process (``day_grid.interleaved``: the same load for
both). A week ends at its time limit either way (the weak LP bound proves no
gap), so what decides is the plan: its objective, its gap, its realism
defects (``_realism.realism_defects``) and how many dishes it uses.
Writes ``benchmarks/dishes_week_latest.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from day_grid import Row, interleaved, timed_plan  # noqa: E402

import mealplan  # noqa: E402
from mealplan._realism import realism_defects  # noqa: E402

WEEKS: list[tuple[str, dict[str, Any]]] = [
    ("woman-35", {"person": {"age": 35, "sex": "female"}, "days": 7}),
    (
        "vegan-man-40",
        {"person": {"age": 40, "sex": "male"}, "diet": "vegan", "days": 7},
    ),
    (
        "boy-8-vegetarian",
        {"person": {"age": 8, "sex": "male"}, "diet": "vegetarian", "days": 7},
    ),
]


def _load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def _one(body: dict[str, Any], table: mealplan.FoodTable) -> Row:
    def describe(plan: mealplan.MealPlan) -> Row:
        return {
            "gap": plan.gap,
            "objective": plan.objective_value,
            "defects": sum(realism_defects(plan, table).values()),
            "dishes": sum(1 for i in plan.items if table.food(i.food_id).fndds_code),
        }

    return timed_plan(body, table, describe)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks/dishes_week.py")
    parser.add_argument("--limit", type=float, default=10.0)
    parser.add_argument("--out", default=str(REPO / "benchmarks"))
    args = parser.parse_args(argv)
    off = mealplan.load_foods(dishes=False)
    on = mealplan.load_foods(dishes=True)
    lines = [
        "# Weeks with and without the FNDDS dishes "
        f"({dt.datetime.now(dt.UTC).isoformat(timespec='seconds')})",
        "",
        f"`python benchmarks/dishes_week.py` (time limit {args.limit:g} s; each "
        "7-day request without then with dishes, in one process). Load "
        f"average at the start: {_load()}.",
        "",
        "| week | CPU off | CPU on | wall off | wall on | status off | status on "
        "| gap off | gap on | objective off | objective on | defects off "
        "| defects on | dishes on |",
        "|---|--:|--:|--:|--:|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    print("\n".join(lines), flush=True)

    def num(r: Row, key: str, fmt: str) -> str:
        v = r.get(key)
        return "" if v is None else format(v, fmt)

    for name, a, b, _ in interleaved(
        WEEKS,
        time_limit=args.limit,
        base=lambda body: _one(body, off),
        other=lambda body: _one(body, on),
    ):
        line = (
            f"| {name} | {a['cpu']:.1f} | {b['cpu']:.1f} | {a['wall']:.1f} | "
            f"{b['wall']:.1f} | {a['status']} | {b['status']} | "
            f"{num(a, 'gap', '.0%')} | {num(b, 'gap', '.0%')} | "
            f"{num(a, 'objective', '.3f')} | {num(b, 'objective', '.3f')} | "
            f"{a.get('defects', '')} | {b.get('defects', '')} | "
            f"{b.get('dishes', '')} |"
        )
        lines.append(line)
        print(line, flush=True)
    tail = ["", f"Load average at the end: {_load()}.", ""]
    lines += tail
    print("\n".join(tail), flush=True)
    Path(args.out, "dishes_week_latest.md").write_text(
        "\n".join(lines), encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
