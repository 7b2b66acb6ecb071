#!/usr/bin/env python
"""Several caps files against each other on the same one-day requests.

    python benchmarks/caps_variants.py OUT.jsonl BASE.csv OTHER.csv [MORE.csv ...]
    python benchmarks/caps_variants.py OUT.jsonl A.csv B.csv --limit 30
    python benchmarks/caps_variants.py --summary OUT.jsonl   # Markdown table

Each request (``benchmarks/run.py``'s profiles but the $4 cost day, the
README's vegetarian woman, the realism personas' one-day requests and
``benchmarks/load.py``'s 48 days) is planned under every caps file in turn,
in one process so the load is the same for all, the order rotated request by
request. One JSON line per request: per caps file the status, objective,
CPU seconds (``time.process_time``: HiGHS runs in this process), wall
seconds and the items over their RACC allowance (``tests/checks.py``
``generous_items``, held groups and not). The summary gives each file's
median and p95 CPU, the plans lost at the limit, and the median CPU ratio
and objective change against the first file. The caps are swapped by
replacing the planner's cached caps (``mealplan._meal_structure._caps``),
as ``caps_cost.py`` does (it compares two files, with more columns).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import mealplan  # noqa: E402
from mealplan import _meal_structure  # noqa: E402
from mealplan._structure import load_caps  # noqa: E402
from tests.checks import generous_items  # noqa: E402

# Time-limited in every variant (a week, the cost objective): no comparison.
_SKIP = {"low budget $4/day, cost", "week-woman-35", "cost-objective-woman-22"}


def _cases() -> list[tuple[str, dict[str, Any]]]:
    from load import requests
    from realism import PERSONAS
    from run import PROFILES

    cases = [(f"run {n}", r) for n, r in PROFILES.items() if n not in _SKIP]
    woman = {"age": 35, "sex": "female"}
    cases.append(
        ("README woman-35 vegetarian", {"person": woman, "diet": "vegetarian"})
    )
    cases += [(f"realism {n}", r) for n, r in PERSONAS if n not in _SKIP]
    cases += [(f"load #{i}", r) for i, r in enumerate(requests(48))]
    return cases


def _plan(body: dict[str, Any], table: mealplan.FoodTable) -> dict[str, Any]:
    cpu, wall = time.process_time(), time.perf_counter()
    try:
        plan = mealplan.plan(mealplan.PlanRequest(**body), foods=table)
    except mealplan.MealPlanError as exc:
        row: dict[str, Any] = {"status": type(exc).__name__}
    else:
        over = generous_items(plan, table) + generous_items(
            plan, table, unenforced=True
        )
        row = {
            "status": str(plan.status),
            "obj": plan.objective_value,
            "generous": len(over),
            "items": [
                f"{i.meal}:{i.food_id}:{i.grams:g}" for d in plan.days for i in d.items
            ],
        }
    row["cpu"] = round(time.process_time() - cpu, 3)
    row["wall"] = round(time.perf_counter() - wall, 2)
    return row


def run(out: Path, paths: list[str], limit: float) -> None:
    """Plan every case under every caps file; append one JSON line per case."""
    caps = {p: tuple(load_caps(p)) for p in paths}
    table = mealplan.load_foods()
    with out.open("a", encoding="utf-8") as handle:
        for k, (name, request) in enumerate(_cases()):
            body = {"time_limit": limit, **request}
            row: dict[str, Any] = {"name": name, "load": os.getloadavg()[0]}
            for p in paths[k % len(paths) :] + paths[: k % len(paths)]:
                # Replaces its cached reader of the caps file (types differ).
                vars(_meal_structure)["_caps"] = lambda c=caps[p]: c
                row[Path(p).stem] = _plan(body, table)
            print(json.dumps({"name": name, "load": row["load"]}), flush=True)
            handle.write(json.dumps(row) + "\n")
            handle.flush()


def summary(path: Path) -> str:
    """Return the Markdown summary of a run's JSON lines."""
    rows = [json.loads(line) for line in path.read_text().splitlines() if line]
    names = [k for k in rows[0] if k not in ("name", "load")]
    lines = [
        "| request | " + " | ".join(f"{n} CPU s / objective" for n in names) + " |",
        "|---|" + "--:|" * len(names),
    ]
    for r in rows:
        cells = [
            f"{r[n]['cpu']:.2f} / "
            + (f"{r[n]['obj']:.3f}" if "obj" in r[n] else r[n]["status"])
            for n in names
        ]
        lines.append(f"| {r['name']} | " + " | ".join(cells) + " |")
    lines.append("")
    loads = [r["load"] for r in rows]
    lines.append(
        f"{len(rows)} requests, load {min(loads):.1f}-{max(loads):.1f} (1-min average)."
    )
    first = names[0]
    for n in names:
        cpu = sorted(r[n]["cpu"] for r in rows)
        p95 = cpu[min(len(cpu) - 1, math.ceil(0.95 * len(cpu)) - 1)]
        lost = [r["name"] for r in rows if "obj" not in r[n]]
        ratio = statistics.median(
            r[n]["cpu"] / max(r[first]["cpu"], 1e-3) for r in rows
        )
        both = [r for r in rows if "obj" in r[n] and "obj" in r[first]]
        worse = [r for r in both if r[n]["obj"] > r[first]["obj"] + 0.05]
        lines.append(
            f"- {n}: CPU median {statistics.median(cpu):.2f} s, p95 {p95:.2f} s, "
            f"total {sum(cpu):.1f} s; median ratio to {first} {ratio:.2f}; "
            f"without a plan: {', '.join(lost) or 'none'}; objective over "
            f"{first}'s by more than 0.05 on {len(worse)} of {len(both)}; "
            f"items over their RACC allowance: "
            f"{sum(r[n].get('generous', 0) for r in rows)}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks/caps_variants.py")
    parser.add_argument("out", type=Path)
    parser.add_argument("caps", nargs="*")
    parser.add_argument("--limit", type=float, default=30.0)
    parser.add_argument("--summary", action="store_true")
    args = parser.parse_args(argv)
    if args.summary:
        print(summary(args.out))
        return 0
    if len(args.caps) < 2:
        parser.error("give at least two caps files")
    run(args.out, args.caps, args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
