#!/usr/bin/env python
"""Toddler days (ages 1-3, both sexes, four diets) on two code trees, A/B.

Each request in a fresh process per side, interleaved (the child is
``panel_budget.py``'s); per day the status, the panel RDAs it falls short of
(recomputed against ``targets_for(..., panel="rda")``), whether a note
lifted floors (L), and the CPU of ``mealplan.plan``; then the CPU sum,
median, p95 and max per side. Session 15 used it to weigh the toddlers'
RDAs as default floors (not adopted: ``toddler_floors_latest.md``).

    python benchmarks/toddler_floors.py BASE_TREE OTHER_TREE
"""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from day_grid import run_in_tree
from panel_budget import CHILD

DIETS = ("omnivore", "vegetarian", "pescatarian", "vegan")


def _run(tree: str, req: dict[str, Any]) -> dict[str, Any]:
    return run_in_tree(tree, CHILD, req)


def _cell(r: dict[str, Any]) -> str:
    short = r.get("short", [])
    lifted = " L" if r.get("lifted") else ""
    return f"{r['status']}, {len(short)} short{lifted} {short}, {r['cpu']:.2f} s"


def main() -> None:
    base, other = sys.argv[1], sys.argv[2]
    cpu: dict[str, list[float]] = {"base": [], "other": []}
    short = {"base": 0, "other": 0}
    print(f"load {os.getloadavg()[0]:.1f}")
    for age in (1, 2, 3):
        for sex in ("female", "male"):
            for diet in DIETS:
                req = {"person": {"age": age, "sex": sex}, "diet": diet}
                results = {"base": _run(base, req), "other": _run(other, req)}
                for side, r in results.items():
                    cpu[side].append(r["cpu"])
                    short[side] += bool(r.get("short"))
                print(
                    f"| {age} {sex} {diet} | {_cell(results['base'])} | "
                    f"{_cell(results['other'])} |",
                    flush=True,
                )
    print(f"days short of a panel RDA: {short}")
    for side, values in cpu.items():
        p95 = sorted(values)[int(0.95 * (len(values) - 1))]
        print(
            f"{side}: CPU sum {sum(values):.1f} s, median "
            f"{statistics.median(values):.2f} s, p95 {p95:.2f} s, max "
            f"{max(values):.2f} s"
        )
    print(f"load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
