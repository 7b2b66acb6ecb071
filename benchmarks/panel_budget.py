#!/usr/bin/env python
"""What planning the RDAs costs a budgeted default request, against other code.

Budgeted ``auto`` plans the panel's RDAs as the default's own floors (lifted
with a note when the budget cannot meet them; ``mealplan._ai_floors``); it
used to plan ``limits``. This plans the same one-day requests (four persons,
three diets, a $3 and a $5 budget and the cost objective) on this tree and
on another checkout (``--base``, for example a ``git worktree`` of the
commit before), interleaved, each request in a fresh process per side so
neither side warms the other's caches. Per request it prints the status,
how many panel RDAs the day falls short of (recomputed here from the plan's
totals against ``targets_for(..., panel="rda")``), whether a note lifted
them, and the CPU seconds of ``mealplan.plan`` (``time.process_time``:
HiGHS runs in the process). Read the sums and ratios beside the load.

    git worktree add /tmp/base HEAD~1
    python benchmarks/panel_budget.py --base /tmp/base
    python benchmarks/panel_budget.py --base /tmp/base --out benchmarks/panel_budget_latest.md
"""

from __future__ import annotations

import argparse
import os
import statistics
from pathlib import Path
from typing import Any

from day_grid import run_in_tree

REPO = Path(__file__).resolve().parents[1]

PERSONS: list[tuple[str, dict[str, Any]]] = [
    ("woman 35", {"age": 35, "sex": "female"}),
    ("man 45", {"age": 45, "sex": "male"}),
    ("girl 10", {"age": 10, "sex": "female"}),
    ("woman 70", {"age": 70, "sex": "female"}),
]
DIETS = ("omnivore", "vegetarian", "vegan")
MONEY: list[tuple[str, dict[str, Any]]] = [
    ("$3", {"budget_per_day": 3.0}),
    ("$5", {"budget_per_day": 5.0}),
    ("cost", {"objective": "cost"}),
]

# Run in the child: plan one request, report what the table needs.
CHILD = r"""
import json, sys, time
import mealplan
from mealplan._panel import PANEL_MINIMUMS
req = json.loads(sys.argv[1])
rda = mealplan.targets_for(mealplan.Person(**req["person"]), panel="rda")
panel = {n.value for n in PANEL_MINIMUMS}
floors = {b.nutrient: b.minimum for b in rda.bounds
          if b.nutrient in panel and b.minimum is not None
          and str(b.minimum_kind) in ("RDA", "BoundKind.RDA")}
start = time.process_time()
try:
    plan = mealplan.plan(req)
except mealplan.InfeasiblePlanError:
    out = {"status": "infeasible"}
except mealplan.SolverError:
    out = {"status": "no plan in time"}
else:
    totals = {t.nutrient: t.amount for t in plan.days[0].totals}
    short = sorted(n for n, v in floors.items()
                   if n in totals and totals[n] < v * (1 - 1e-6))
    lifted = any(" not planned: " in n and "RDA of" in n for n in plan.notes)
    out = {"status": plan.status.value, "short": short, "lifted": lifted}
out["cpu"] = time.process_time() - start
print(json.dumps(out))
"""


def _run(tree: Path, req: dict[str, Any]) -> dict[str, Any]:
    return run_in_tree(tree, CHILD, req)


def _cell(r: dict[str, Any]) -> str:
    if r["status"] in ("infeasible", "no plan in time"):
        return f"{r['status']}, {r['cpu']:.2f} s"
    short = len(r["short"])
    lifted = " (lifted)" if r["lifted"] else ""
    return f"{r['status']}, {short} short{lifted}, {r['cpu']:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True, help="the other tree")
    parser.add_argument("--out", type=Path, help="also write the table here")
    args = parser.parse_args()
    lines = [
        "| request | base | this tree |",
        "| --- | --- | --- |",
    ]
    load = [os.getloadavg()[0]]
    sums = {"base": 0.0, "new": 0.0}
    planned = {"base": 0, "new": 0}
    short_days = {"base": 0, "new": 0}
    ratios = []
    for pname, person in PERSONS:
        for diet in DIETS:
            for mname, money in MONEY:
                req = {"person": person, "diet": diet, **money}
                base = _run(args.base, req)
                new = _run(REPO, req)
                for side, r in (("base", base), ("new", new)):
                    sums[side] += r["cpu"]
                    if "short" in r:
                        planned[side] += 1
                        short_days[side] += bool(r["short"])
                if "short" in base and "short" in new and base["cpu"] > 0:
                    ratios.append(new["cpu"] / base["cpu"])
                row = f"| {pname} {diet} {mname} | {_cell(base)} | {_cell(new)} |"
                print(row, flush=True)
                lines.append(row)
    load.append(os.getloadavg()[0])
    summary = [
        "",
        f"Planned: base {planned['base']}, this tree {planned['new']} of "
        f"{len(PERSONS) * len(DIETS) * len(MONEY)}. Days short of a panel RDA: "
        f"base {short_days['base']}, this tree {short_days['new']}. CPU sum: "
        f"base {sums['base']:.1f} s, this tree {sums['new']:.1f} s "
        f"({sums['new'] / max(sums['base'], 1e-9):.2f}x); median ratio on "
        f"days both planned {statistics.median(ratios) if ratios else 0:.2f}x. "
        f"Load (1 min) {load[0]:.1f} before, {load[1]:.1f} after.",
    ]
    print("\n".join(summary))
    if args.out:
        args.out.write_text(
            "# Budgeted `auto`: the RDAs as default floors (panel_budget.py)\n\n"
            + "\n".join(lines + summary)
            + "\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
