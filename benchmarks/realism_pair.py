#!/usr/bin/env python
"""Realism personas planned by this tree and another, interleaved, judged alike.

    python benchmarks/realism_pair.py OTHER_TREE --dishes --time-limit 40
    python benchmarks/realism_pair.py OTHER_TREE --only 0 1 2   # some personas

``OTHER_TREE`` is a checkout of another commit (``git archive <commit> | tar
-x -C DIR``). Each persona of ``benchmarks/realism.py`` is planned in a fresh
process by each tree in turn (the order alternates persona by persona, so a
change in the machine's load falls on both), and both plans are judged by
this tree's :func:`mealplan._realism.realism_defects`: a rule this tree
adds is counted on the other tree's plans too. The CPU seconds are the
planning process's own (``time.process_time``), which a loaded machine moves
less than wall time; say the load (printed) beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import mealplan  # noqa: E402
from mealplan._realism import realism_defects  # noqa: E402

_ONE = """
import importlib.util, json, sys, time
root, idx, out, limit, dishes = sys.argv[1:6]
sys.path.insert(0, root)
import mealplan
spec = importlib.util.spec_from_file_location("realism", root + "/benchmarks/realism.py")
realism = importlib.util.module_from_spec(spec); spec.loader.exec_module(realism)
name, req = realism.PERSONAS[int(idx)]
table = mealplan.load_foods(dishes=dishes == "1")
body = dict(req)
body["time_limit"] = max(float(limit), body.get("time_limit", 0))
c, w = time.process_time(), time.perf_counter()
rec = {"persona": name}
try:
    plan = mealplan.plan(mealplan.PlanRequest(**body), foods=table)
    rec.update(status=str(plan.status), objective=plan.objective_value,
               gap=plan.gap, plan=plan.model_dump_json())
except mealplan.MealPlanError as e:
    rec.update(status=type(e).__name__)
rec.update(cpu=time.process_time() - c, wall=time.perf_counter() - w)
open(out, "w").write(json.dumps(rec))
"""


def _run(tree: Path, index: int, args: argparse.Namespace, out: Path) -> dict[str, Any]:
    subprocess.run(
        [
            sys.executable,
            "-c",
            _ONE,
            str(tree),
            str(index),
            str(out),
            str(args.time_limit),
            "1" if args.dishes else "0",
        ],
        check=True,
    )
    rec: dict[str, Any] = json.loads(out.read_text())
    rec["load"] = os.getloadavg()[0]
    return rec


def main(argv: list[str] | None = None) -> int:
    """Run the pairs; print one Markdown row a persona and a summary."""
    parser = argparse.ArgumentParser(prog="benchmarks/realism_pair.py")
    parser.add_argument("other", help="the other tree (a checkout of main)")
    parser.add_argument("--dishes", action="store_true")
    parser.add_argument("--time-limit", type=float, default=40.0)
    parser.add_argument("--only", type=int, nargs="*", help="persona indices")
    args = parser.parse_args(argv)
    from realism import PERSONAS

    table = mealplan.load_foods(dishes=args.dishes)
    trees = {"other": Path(args.other).resolve(), "this": REPO}
    indices = args.only if args.only else range(len(PERSONAS))
    print("| persona | load | tree | status | CPU s | objective | defects |")
    print("|---|---|---|---|---|---|---|")
    ratios = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in indices:
            order = ("other", "this") if k % 2 == 0 else ("this", "other")
            recs = {}
            for name in order:
                rec = _run(trees[name], k, args, Path(tmp) / f"{name}-{k}.json")
                if "plan" in rec:
                    plan = mealplan.MealPlan.model_validate_json(rec["plan"])
                    found = realism_defects(plan, table)
                    rec["defects"] = {d: n for d, n in found.items() if n}
                recs[name] = rec
            for name in ("other", "this"):
                r = recs[name]
                objective = r.get("objective")
                print(
                    f"| {r['persona']} | {r['load']:.1f} | {name} | {r['status']} "
                    f"| {r['cpu']:.2f} "
                    f"| {'' if objective is None else f'{objective:.3f}'} "
                    f"| {r.get('defects', '-')} |",
                    flush=True,
                )
            ratios.append(recs["this"]["cpu"] / max(recs["other"]["cpu"], 1e-9))
    if ratios:
        print(
            f"\nCPU this/other: median {statistics.median(ratios):.2f}, "
            f"min {min(ratios):.2f}, max {max(ratios):.2f} over {len(ratios)} personas."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
