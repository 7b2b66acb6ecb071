#!/usr/bin/env python
"""What the one-grain-or-starch rule costs a daily plan with dishes, in CPU time.

    python benchmarks/starch_cost.py                 # realism's days + load.py's 48
    python benchmarks/starch_cost.py --only realism  # the 14 realism days only
    python benchmarks/starch_cost.py --limit 10      # the default time limit

The rule is the ``starch_per_meal`` row of ``foods/portion_caps.csv`` (at most
one grain or starch item at a lunch or dinner, :func:`mealplan._structure.is_starch`).
Without dishes it repeats the ``grain or starch`` part of lunch and dinner
and adds no row, so it is measured on the bundled table with its dishes.
Each one-day request is planned twice in this process, interleaved (without
the row, then with it), so the load is the same for both; the script
reports CPU seconds (``time.process_time``), wall seconds, status, the
realism defects (``two_starches`` apart) and the median and p95 CPU ratio of
the rule against no rule. Writes ``benchmarks/starch_cost_latest.md``.
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
from mealplan import _meal_structure  # noqa: E402
from mealplan._realism import realism_defects  # noqa: E402

_WITH = _meal_structure._caps()
_WITHOUT = tuple(c for c in _WITH if c.kind != "starch")


def _load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def _one(body: dict[str, Any], table: mealplan.FoodTable, rule: bool) -> Row:
    def describe(plan: mealplan.MealPlan) -> Row:
        defects = realism_defects(plan, table)
        return {
            "objective": plan.objective_value,
            "starches": defects["two_starches"],
            "defects": sum(defects.values()) - defects["two_starches"],
        }

    caps = _WITH if rule else _WITHOUT
    # The bundled caps are read once per process; the A/B swaps them.
    _meal_structure._caps = lambda: caps  # type: ignore[assignment]
    return timed_plan(body, table, describe)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks/starch_cost.py")
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
    table = mealplan.load_foods(dishes=True)
    lines = [
        f"# Daily plans with dishes, without and with the starch rule "
        f"({dt.datetime.now(dt.UTC).isoformat(timespec='seconds')})",
        "",
        f"`python benchmarks/starch_cost.py` (time limit {args.limit:g} s; "
        f"each request without then with starch_per_meal, in one process). "
        f"Load average at the start: {_load()}.",
        "",
        "| request | CPU off | CPU on | ratio | wall off | wall on | status off "
        "| status on | two starches off | two starches on | other defects off "
        "| other defects on | objective off | objective on |",
        "|---|--:|--:|--:|--:|--:|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    print("\n".join(lines), flush=True)
    ratios: list[float] = []
    cpu_off: list[float] = []
    cpu_on: list[float] = []
    lost: list[str] = []
    lost_off: list[str] = []

    def obj(r: Row) -> str:
        o = r.get("objective")
        return "" if o is None else f"{o:.3f}"

    for name, a, b, ratio in interleaved(
        cases,
        time_limit=args.limit,
        base=lambda body: _one(body, table, rule=False),
        other=lambda body: _one(body, table, rule=True),
    ):
        cpu_off.append(a["cpu"])
        cpu_on.append(b["cpu"])
        ratios.append(ratio)
        if "starches" not in b:
            lost.append(f"{name} ({b['status']}; without: {a['status']})")
        if "starches" not in a:
            lost_off.append(name)
        line = (
            f"| {name} | {a['cpu']:.2f} | {b['cpu']:.2f} | {ratio:.2f} | "
            f"{a['wall']:.2f} | {b['wall']:.2f} | {a['status']} | {b['status']} | "
            f"{a.get('starches', '')} | {b.get('starches', '')} | "
            f"{a.get('defects', '')} | {b.get('defects', '')} | {obj(a)} | {obj(b)} |"
        )
        lines.append(line)
        print(line, flush=True)
    tail = [
        "",
        f"CPU without the rule: median {statistics.median(cpu_off):.2f} s, p95 "
        f"{percentile(cpu_off, 0.95):.2f} s, total {sum(cpu_off):.1f} s; with it: "
        f"median {statistics.median(cpu_on):.2f} s, p95 "
        f"{percentile(cpu_on, 0.95):.2f} s, total {sum(cpu_on):.1f} s. "
        f"Ratio (on/off) per request: median {statistics.median(ratios):.2f}, "
        f"p95 {percentile(ratios, 0.95):.2f}; of totals "
        f"{sum(cpu_on) / max(sum(cpu_off), 1e-9):.2f}.",
        "",
        f"Days without a plan with the rule: {len(lost)}"
        + (f" ({'; '.join(lost)})" if lost else "")
        + f"; without it: {len(lost_off)}"
        + (f" ({', '.join(lost_off)})" if lost_off else "")
        + ".",
        "",
        f"Load average at the end: {_load()}.",
        "",
    ]
    lines += tail
    print("\n".join(tail), flush=True)
    Path(args.out, "starch_cost_latest.md").write_text(
        "\n".join(lines), encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
