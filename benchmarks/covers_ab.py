#!/usr/bin/env python
"""The count covers (mealplan._covers) on and off, interleaved in one process.

    python benchmarks/covers_ab.py                        # load.py's 48 days
    python benchmarks/covers_ab.py --only 3,11,19 --panel full
    python benchmarks/covers_ab.py --dishes --time-limit 30
    python benchmarks/covers_ab.py --lp-only              # the LP bounds alone

For each one-day request: the LP relaxation's bound without and with the
covers, then ``plan()`` once each way (alternating which goes first, so
machine load hits both alike): CPU seconds (this process, HiGHS's threads
included), wall seconds, status and objective, and whether the plan passes
``tests/checks.check_plan``. One JSON line per day on stdout, a summary
(medians, p95, plans lost or gained, objectives better/worse) at the end,
with the load average beside. "Off" removes the covers from the formulation
(``mealplan._covers.ENABLED``, off by default).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO))

from load import requests  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="", help="comma-separated day numbers")
    ap.add_argument("--panel", default="", help='e.g. "full"')
    ap.add_argument("--dishes", action="store_true", help="load_foods(dishes=True)")
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--lp-only", action="store_true")
    args = ap.parse_args()

    import mealplan
    import mealplan._formulation as formulation
    from mealplan import _covers
    from mealplan._backend import SolveOptions
    from mealplan._backend_highs import HighsBackend
    from mealplan._deadline import Deadline
    from mealplan._planner import parse_request, resolve_targets
    from mealplan._problem import build_problem
    from tests.checks import check_plan

    def covers(on: bool) -> None:
        _covers.ENABLED = on

    table = mealplan.load_foods(dishes=True) if args.dishes else mealplan.load_foods()
    mealplan.plan({"person": {"age": 35, "sex": "female"}}, foods=table)
    days = [int(x) for x in args.only.split(",")] if args.only else range(48)
    rows: list[dict[str, Any]] = []
    print(f"# load before: {os.getloadavg()}", flush=True)
    for i in days:
        req: dict[str, Any] = dict(requests(48)[i])
        req["time_limit"] = args.time_limit
        if args.panel:
            req["panel"] = args.panel
        row: dict[str, Any] = {
            "day": i,
            "who": f"{req['person']['age']} {req['person']['sex']} {req['diet']}",
        }
        parsed = parse_request(req)
        problem = build_problem(parsed, resolve_targets(parsed, table), table)
        for on in (False, True):
            covers(on)
            backend = HighsBackend()
            backend.load(formulation.formulate(problem, relax=True))
            lp = backend.solve(
                Deadline(60), SolveOptions(presolve=False, interruptible=False)
            )
            row["lp_on" if on else "lp_off"] = lp.objective
        if not args.lp_only:
            for on in (True, False) if i % 2 else (False, True):
                covers(on)
                cpu0, wall0 = time.process_time(), time.perf_counter()
                try:
                    plan = mealplan.plan(req, foods=table)
                    try:
                        check_plan(plan, table)
                        ok = True
                    except AssertionError:
                        ok = False
                    result = {
                        "status": plan.status.value,
                        "objective": plan.objective_value,
                        "checks": ok,
                    }
                except mealplan.MealPlanError as exc:
                    result = {"status": type(exc).__name__, "objective": None}
                result["cpu"] = round(time.process_time() - cpu0, 3)
                result["wall"] = round(time.perf_counter() - wall0, 2)
                row["on" if on else "off"] = result
        covers(False)
        row["load"] = round(os.getloadavg()[0], 1)
        rows.append(row)
        print(json.dumps(row), flush=True)
    summary(rows, args.lp_only)
    print(f"# load after: {os.getloadavg()}", flush=True)
    return 0


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def summary(rows: list[dict[str, Any]], lp_only: bool) -> None:
    moved = [r["lp_on"] - r["lp_off"] for r in rows if r["lp_on"] and r["lp_off"]]
    print(
        f"# LP bound moved: median {pct(moved, 0.5):+.4f}, max {max(moved):+.4f}, "
        f"{sum(m > 1e-6 for m in moved)} of {len(moved)} days up",
        flush=True,
    )
    if lp_only:
        return
    for arm in ("off", "on"):
        cpu = [r[arm]["cpu"] for r in rows]
        planned = sum(r[arm]["objective"] is not None for r in rows)
        failed = sum(r[arm].get("checks") is False for r in rows)
        print(
            f"# {arm}: CPU median {pct(cpu, 0.5):.3f} s, p95 {pct(cpu, 0.95):.2f} s, "
            f"total {sum(cpu):.1f} s; {planned} of {len(rows)} planned, "
            f"{failed} failing tests/checks",
            flush=True,
        )
    both = [
        (r["on"]["objective"], r["off"]["objective"])
        for r in rows
        if r["on"]["objective"] is not None and r["off"]["objective"] is not None
    ]
    better = sum(a < b - 1e-6 for a, b in both)
    worse = sum(a > b + 1e-6 for a, b in both)
    print(
        f"# objectives with covers: {better} better, {worse} worse, "
        f"{len(both) - better - worse} equal (of {len(both)} planned both ways)",
        flush=True,
    )


if __name__ == "__main__":
    raise SystemExit(main())
