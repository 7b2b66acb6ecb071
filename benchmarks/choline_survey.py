#!/usr/bin/env python
"""Choline of default one-day plans against the person's AI, for one source tree.

    python benchmarks/choline_survey.py TREE [default|children|toddlers]

Plans each day of ``benchmarks/ab_days.py``'s grid (the default grid: the
README's request, the realism personas and load.py's 48) with the bundled
table, in a fresh process per day with ``PYTHONPATH`` set to TREE, and prints
one JSON line per day (CPU, objective, choline total, the AI from the DRI
table, whether the total is a lower bound), then the median and worst share
of the AI, the days that meet it, and the CPU median and sum. Session 36 used
it to weigh choline's soft minimum (``choline_soft_ab_latest.md``).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from ab_days import README_DAY, children_days, toddler_days  # noqa: E402
from load import requests  # noqa: E402
from realism import PERSONAS  # noqa: E402

CHILD = r"""
import json, sys, time, mealplan
body = json.loads(sys.argv[1])
table = mealplan.load_foods()
cpu = time.process_time()
p = mealplan.plan(body, foods=table)
cpu = time.process_time() - cpu
ai = mealplan.targets_for(body["person"], panel="full").get("choline_mg").minimum
tot = next(t for t in p.days[0].totals if t.nutrient == "choline_mg")
print(json.dumps({"cpu": cpu, "obj": p.objective_value, "choline": tot.amount,
                  "ai": ai, "lower_bound": tot.lower_bound}))
"""


def grid(name: str) -> list[dict[str, Any]]:
    if name == "children":
        return children_days()
    if name == "toddlers":
        return toddler_days()
    return [
        README_DAY,
        *(b for _, b in PERSONAS if b.get("days", 1) == 1),
        *requests(48),
    ]


def main(argv: list[str]) -> int:
    tree = argv[0]
    rows = []
    for body in grid(argv[1] if len(argv) > 1 else "default"):
        env = {**os.environ, "PYTHONPATH": tree}
        out = subprocess.run(
            [sys.executable, "-c", CHILD, json.dumps(body)],
            capture_output=True,
            text=True,
            env=env,
            cwd="/tmp",
            check=False,
        )
        if out.returncode:
            print("ERROR", json.dumps(body), out.stderr.strip()[-300:])
            continue
        row = {**json.loads(out.stdout.strip().splitlines()[-1]), "body": body}
        rows.append(row)
        print(json.dumps(row), flush=True)
    shares = [100 * r["choline"] / r["ai"] for r in rows if r["ai"]]
    print(
        f"choline, % of the AI: median {statistics.median(shares):.0f}, "
        f"worst {min(shares):.0f}; {sum(s >= 99.95 for s in shares)} of "
        f"{len(shares)} days meet it"
    )
    cpu = [r["cpu"] for r in rows]
    print(f"CPU s: median {statistics.median(cpu):.3f}, sum {sum(cpu):.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
