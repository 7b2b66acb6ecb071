#!/usr/bin/env python
"""The guided start's HiGHS choices, A/B, interleaved over the day grid, in CPU.

    python benchmarks/guided_ab.py                        # the support's cuts and jump
    python benchmarks/guided_ab.py "old:_CUTS_ON_SUPPORT=true,_JUMP_ON_SUPPORT=true" \\
        "new:_CUTS_ON_SUPPORT=false"

Each arm is a name and settings of ``mealplan._optimiser``'s module constants
(JSON values). Every request of run.py's profiles and load.py's 48 days is
planned once per arm, one right after the other in one process, the order
alternating, so both see the same load; CPU time (``time.process_time``:
HiGHS runs in this process) is what is compared, and each plan is checked by
``tests/checks.check_plan``. Prints one line per request, then per arm the
median, p95 and total CPU, the median ratio to the first arm, how many
planned, and how the objective moved against the first arm.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO))

import solver_knobs  # noqa: E402
from load import requests  # noqa: E402
from run import PROFILES  # noqa: E402

import mealplan  # noqa: E402
from tests.checks import check_plan  # noqa: E402

DEFAULT_ARMS = (
    "old:_CUTS_ON_SUPPORT=true,_JUMP_ON_SUPPORT=true",
    "new:_CUTS_ON_SUPPORT=false,_JUMP_ON_SUPPORT=false",
)


def _arm(spec: str) -> tuple[str, dict[str, Any]]:
    name, _, sets = spec.partition(":")
    values: dict[str, Any] = {}
    for item in filter(None, sets.split(",")):
        key, value = item.split("=", 1)
        if not solver_knobs.has(key):
            msg = f"the solving strategy has no {key}"
            raise SystemExit(msg)
        values[key] = json.loads(value)
    return name, values


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("arms", nargs="*", default=list(DEFAULT_ARMS))
    parser.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args()
    arms = [_arm(a) for a in args.arms]
    grid = [(f"load.py #{i}", r) for i, r in enumerate(requests(48))]
    grid += [(k, dict(v)) for k, v in PROFILES.items()]
    foods = mealplan.load_foods()
    mealplan.plan({"person": {"age": 30, "sex": "male"}}, foods)  # warm-up
    rows: dict[str, list[tuple[float, float | None, bool]]] = {n: [] for n, _ in arms}
    print("load before", os.getloadavg(), flush=True)
    for i, (label, request) in enumerate(grid):
        cells = []
        for name, values in arms if i % 2 == 0 else arms[::-1]:
            for key, value in values.items():
                solver_knobs.set_everywhere(key, value)
            began = time.process_time()
            plan = mealplan.plan({**request, "time_limit": args.time_limit}, foods)
            cpu = time.process_time() - began
            try:
                check_plan(plan, foods)
                ok = True
            except AssertionError:
                ok = False
            rows[name].append((cpu, plan.objective_value, ok))
            cells.append(
                f"{name} {cpu:.3f}s {plan.status.value} {plan.objective_value}"
            )
        print(label, " | ".join(cells), flush=True)
    print("load after", os.getloadavg())
    base = rows[arms[0][0]]
    for name, _ in arms:
        got = rows[name]
        cpus = sorted(c for c, _, _ in got)
        ratio = statistics.median(a[0] / b[0] for a, b in zip(got, base, strict=True))
        moved = [
            a[1] - b[1]
            for a, b in zip(got, base, strict=True)
            if a[1] is not None and b[1] is not None
        ]
        print(
            f"{name}: CPU median {statistics.median(cpus):.3f} s, "
            f"p95 {cpus[int(0.95 * len(cpus))]:.3f} s, total {sum(cpus):.1f} s, "
            f"median ratio {ratio:.2f}; planned {sum(o is not None for _, o, _ in got)}"
            f"/{len(got)}, check_plan failures {sum(not ok for _, _, ok in got)}; "
            f"objective - first arm's: min {min(moved):+.4f}, "
            f"median {statistics.median(moved):+.4f}, max {max(moved):+.4f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
