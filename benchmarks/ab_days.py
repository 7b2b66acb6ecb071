#!/usr/bin/env python
"""A/B of the default one-day requests between two source trees.

    python benchmarks/ab_days.py BASE_TREE NEW_TREE [--out FILE.md]
    python benchmarks/ab_days.py BASE_TREE NEW_TREE --grid toddlers
    python benchmarks/ab_days.py BASE_TREE NEW_TREE --grid children
    python benchmarks/ab_days.py BASE_TREE NEW_TREE --grid large
    python benchmarks/ab_days.py BASE_TREE NEW_TREE --grid maternal
    python benchmarks/ab_days.py BASE_TREE NEW_TREE --grid toddlers --dishes

The README's first request (a vegetarian woman of 35), the 14 one-day
realism personas and load.py's 48 requests (63 days), or with ``--grid
toddlers`` the 24 default toddler days (ages 1, 2 and 3, both sexes, four
diets), or with ``--grid children`` 40 default days of ages 4-12 (4, 6, 8, 10
and 12, both sexes, four diets), or with ``--grid large`` 24 default days of
large eaters (men of 25 of 80 and 100 kg, active and very active, a very
active boy of 17 and a lactating very active woman of 30, four diets), or
with ``--grid maternal`` 20 default days in pregnancy (25 in the first
trimester, 31 in the third, 17 in the second) and lactation (31, 19), four
diets, each
planned with the bundled table in a fresh process per side (``PYTHONPATH``
set to the tree), the two sides interleaved so they see the same load.
Reports per side: days planned, days whose panel RDAs were lifted for want
of time (``mealplan._ai_floors.rda_reserve``), CPU median and sum (``time.process_time``
of the child: HiGHS runs in it), CPU p95 and max, how many days fall short
of each DRI minimum (``dri_status`` "short": an RDA, an AI, the sodium AI),
and the days whose objective differs.
Make BASE_TREE with ``git worktree add /tmp/base SHA``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from day_grid import run_in_tree  # noqa: E402
from load import requests  # noqa: E402
from realism import PERSONAS  # noqa: E402

README_DAY: dict[str, Any] = {
    "person": {"age": 35, "sex": "female"},
    "diet": "vegetarian",
}

CHILD = r"""
import json, sys, time, mealplan
body = json.loads(sys.argv[1])
table = mealplan.load_foods(dishes=body.pop("_dishes", False))
cpu = time.process_time()
try:
    p = mealplan.plan(body, foods=table)
    out = {"ok": True, "obj": p.objective_value,
           "lifted": sum(" not planned: no plan meeting" in n for n in p.notes),
           "short": sorted({t.nutrient for d in p.days for t in d.totals
                            if t.dri_status.value == "short"})}
except mealplan.MealPlanError as exc:
    out = {"ok": False, "error": type(exc).__name__}
out["cpu"] = time.process_time() - cpu
print(json.dumps(out))
"""


def _run(tree: str, body: dict[str, Any]) -> dict[str, Any]:
    try:
        return run_in_tree(tree, CHILD, body)
    except subprocess.CalledProcessError as exc:
        return {"ok": False, "error": str(exc.stderr).strip()[-200:], "cpu": 0.0}


DIETS = ("omnivore", "vegetarian", "pescatarian", "vegan")


def toddler_days() -> list[dict[str, Any]]:
    """The 24 default one-day requests of ages 1-3 (the planner's own panel)."""
    return [
        {"person": {"age": age, "sex": sex}, "diet": diet}
        for age in (1, 2, 3)
        for sex in ("female", "male")
        for diet in DIETS
    ]


def children_days() -> list[dict[str, Any]]:
    """40 default one-day requests of ages 4-12 (the child-sized caps' ages)."""
    return [
        {"person": {"age": age, "sex": sex}, "diet": diet}
        for age in (4, 6, 8, 10, 12)
        for sex in ("female", "male")
        for diet in DIETS
    ]


LARGE_EATERS: tuple[dict[str, Any], ...] = (
    {"age": 25, "sex": "male", "weight_kg": 80, "height_cm": 180, "activity": "active"},
    {
        "age": 25,
        "sex": "male",
        "weight_kg": 80,
        "height_cm": 180,
        "activity": "very_active",
    },
    {
        "age": 25,
        "sex": "male",
        "weight_kg": 100,
        "height_cm": 190,
        "activity": "active",
    },
    {
        "age": 25,
        "sex": "male",
        "weight_kg": 100,
        "height_cm": 190,
        "activity": "very_active",
    },
    {
        "age": 17,
        "sex": "male",
        "weight_kg": 75,
        "height_cm": 180,
        "activity": "very_active",
    },
    {
        "age": 30,
        "sex": "female",
        "lactation": True,
        "weight_kg": 70,
        "height_cm": 172,
        "activity": "very_active",
    },
)


def large_days() -> list[dict[str, Any]]:
    """24 default one-day requests of large eaters (about 2,900-4,500 kcal)."""
    return [
        {"person": person, "diet": diet} for person in LARGE_EATERS for diet in DIETS
    ]


MATERNAL: tuple[dict[str, Any], ...] = (
    {"age": 25, "sex": "female", "pregnancy": True, "trimester": 1},
    {"age": 31, "sex": "female", "pregnancy": True, "trimester": 3},
    {"age": 17, "sex": "female", "pregnancy": True, "trimester": 2},
    {"age": 31, "sex": "female", "lactation": True},
    {"age": 19, "sex": "female", "lactation": True},
)


def maternal_days() -> list[dict[str, Any]]:
    """20 default one-day requests in pregnancy and lactation (choline's floor)."""
    return [{"person": person, "diet": diet} for person in MATERNAL for diet in DIETS]


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks/ab_days.py")
    parser.add_argument("base")
    parser.add_argument("new")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "ab_days_latest.md"))
    parser.add_argument(
        "--grid",
        choices=("default", "toddlers", "children", "large", "maternal"),
        default="default",
    )
    parser.add_argument(
        "--dishes",
        action="store_true",
        help="plan with the bundled FNDDS dishes (load_foods(dishes=True))",
    )
    args = parser.parse_args(argv)
    bodies = (
        toddler_days()
        if args.grid == "toddlers"
        else children_days()
        if args.grid == "children"
        else large_days()
        if args.grid == "large"
        else maternal_days()
        if args.grid == "maternal"
        else [
            # The README's own first request: what every new user runs first (a
            # change once made it 4x slower while the 62 days stayed even).
            README_DAY,
            *(b for _, b in PERSONAS if b.get("days", 1) == 1),
            *requests(48),
        ]
    )
    if args.dishes:
        bodies = [{**b, "_dishes": True} for b in bodies]
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    rows = []
    for body in bodies:
        rows.append((body, _run(args.base, body), _run(args.new, body)))
        print(json.dumps(rows[-1]), flush=True)
    lines = [
        f"# One-day default requests, A/B ({dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC)",
        "",
        f"`python benchmarks/ab_days.py {args.base} {args.new} --grid {args.grid}"
        f"{' --dishes' if args.dishes else ''}`; "
        "load at the start "
        f"{load}, at the end " + " / ".join(f"{x:.1f}" for x in os.getloadavg()) + ".",
        "",
        "| side | planned | RDAs lifted for time | CPU median s | CPU p95 s | CPU max s "
        "| CPU sum s |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for k, name in ((1, "base"), (2, "new")):
        side = [r[k] for r in rows]
        ok = [s for s in side if s["ok"]]
        lines.append(
            f"| {name} | {len(ok)} of {len(side)} | {sum(s['lifted'] for s in ok)} | "
            f"{statistics.median(s['cpu'] for s in side):.3f} | "
            f"{_p95([s['cpu'] for s in side]):.2f} | "
            f"{max(s['cpu'] for s in side):.2f} | "
            f"{sum(s['cpu'] for s in side):.1f} |"
        )
    lines += [
        "",
        "Days short of a DRI minimum (RDA, AI or the sodium AI), by nutrient:",
        "",
    ]
    for k, name in ((1, "base"), (2, "new")):
        counts: dict[str, int] = {}
        for r in rows:
            for nutrient in r[k].get("short", []):
                counts[nutrient] = counts.get(nutrient, 0) + 1
        shorts = ", ".join(f"{n} {c}" for n, c in sorted(counts.items())) or "none"
        lines.append(f"- {name}: {shorts}")
    lines += ["", "Days whose objective differs:", ""]
    for body, a, b in rows:
        if a.get("obj") != b.get("obj"):
            lines.append(f"- `{json.dumps(body)}`: {a.get('obj')} -> {b.get('obj')}")
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
