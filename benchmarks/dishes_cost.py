#!/usr/bin/env python
"""What planning with the FNDDS dishes costs a daily plan, in CPU time.

    python benchmarks/dishes_cost.py                 # realism's days + load.py's 48
    python benchmarks/dishes_cost.py --only realism  # the 14 realism days only
    python benchmarks/dishes_cost.py --limit 10      # the default time limit

Each one-day request is planned twice in this process, interleaved (the
bundled table without dishes, then with them), so the load is the same for
both; the script reports CPU seconds (``time.process_time``: this process and
HiGHS's threads, steadier than wall time on the shared machine), wall seconds,
status, the realism defects of each plan (``_realism.realism_defects``) and
the median and p95 CPU ratio of dishes against no dishes. Writes
``benchmarks/dishes_cost_latest.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from day_grid import Row, interleaved, timed_plan  # noqa: E402
from load import percentile, requests  # noqa: E402
from realism import PERSONAS  # noqa: E402

import mealplan  # noqa: E402
from mealplan._realism import realism_defects  # noqa: E402


def _load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def _one(body: dict[str, Any], table: mealplan.FoodTable) -> Row:
    def describe(plan: mealplan.MealPlan) -> Row:
        return {
            "gap": plan.gap,
            "objective": plan.objective_value,
            "defects": sum(realism_defects(plan, table).values()),
            "dishes": sum(1 for i in plan.items if table.food(i.food_id).fndds_code),
            "items": len(plan.items),
        }

    return timed_plan(body, table, describe)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks/dishes_cost.py")
    parser.add_argument("--only", choices=("realism", "load"), default=None)
    parser.add_argument("--limit", type=float, default=10.0)
    parser.add_argument("--out", default=str(REPO / "benchmarks"))
    args = parser.parse_args(argv)
    cases: list[tuple[str, dict[str, Any]]] = []
    if args.only in (None, "realism"):
        cases += [(n, r) for n, r in PERSONAS if r.get("days", 1) == 1]
    if args.only in (None, "load"):
        for r in requests(48):
            p = r["person"]
            name = f"{p['age']} {p['sex']} {r['diet']}" + (
                " pregnant" if p.get("pregnancy") else ""
            )
            cases.append((name, r))
    off = mealplan.load_foods(dishes=False)
    on = mealplan.load_foods(dishes=True)
    lines = [
        f"# Daily plans with and without the FNDDS dishes "
        f"({dt.datetime.now(dt.UTC).isoformat(timespec='seconds')})",
        "",
        f"`python benchmarks/dishes_cost.py` (time limit {args.limit:g} s; "
        f"each request without then with dishes, in one process). "
        f"Load average at the start: {_load()}.",
        "",
        "| request | CPU off | CPU on | ratio | wall off | wall on | status off "
        "| status on | defects off | defects on | dishes on | gap off | gap on "
        "| objective off | objective on |",
        "|---|--:|--:|--:|--:|--:|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    print("\n".join(lines), flush=True)
    ratios: list[float] = []
    cpu_off: list[float] = []
    cpu_on: list[float] = []

    def gap(r: Row) -> str:
        g = r.get("gap")
        return "" if g is None else f"{100 * g:.1f} %"

    def obj(r: Row) -> str:
        o = r.get("objective")
        return "" if o is None else f"{o:.3f}"

    for name, a, b, ratio in interleaved(
        cases,
        time_limit=args.limit,
        base=lambda body: _one(body, off),
        other=lambda body: _one(body, on),
    ):
        cpu_off.append(a["cpu"])
        cpu_on.append(b["cpu"])
        ratios.append(ratio)
        line = (
            f"| {name} | {a['cpu']:.2f} | {b['cpu']:.2f} | {ratio:.2f} | "
            f"{a['wall']:.2f} | {b['wall']:.2f} | {a['status']} | {b['status']} | "
            f"{a.get('defects', '')} | {b.get('defects', '')} | "
            f"{b.get('dishes', '')} | {gap(a)} | {gap(b)} | {obj(a)} | {obj(b)} |"
        )
        lines.append(line)
        print(line, flush=True)
    tail = [
        "",
        f"CPU, without dishes: median {statistics.median(cpu_off):.2f} s, p95 "
        f"{percentile(cpu_off, 0.95):.2f} s, total {sum(cpu_off):.1f} s; with dishes: "
        f"median {statistics.median(cpu_on):.2f} s, p95 "
        f"{percentile(cpu_on, 0.95):.2f} s, total {sum(cpu_on):.1f} s. "
        f"Ratio (on/off) per request: median {statistics.median(ratios):.2f}, "
        f"p95 {percentile(ratios, 0.95):.2f}; of totals "
        f"{sum(cpu_on) / max(sum(cpu_off), 1e-9):.2f}.",
        "",
        f"Load average at the end: {_load()}.",
        "",
    ]
    lines += tail
    print("\n".join(tail), flush=True)
    Path(args.out, "dishes_cost_latest.md").write_text(
        "\n".join(lines), encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
