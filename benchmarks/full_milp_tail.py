#!/usr/bin/env python
"""What the full MILP buys once the guided start holds a restricted plan.

    python benchmarks/full_milp_tail.py --time-limit 30            # load.py's 48
    python benchmarks/full_milp_tail.py --profiles --panel full    # run.py's

For every day whose guided start falls through to the full MILP with a plan in
hand, records (CPU of this process and HiGHS's threads, from the request's
start): the best restricted plan's objective and when it was found, the full
MILP's start, every improvement of its incumbent (from HiGHS's MIP callback),
and its final objective and bound. One JSON line per day on stdout; the load
average beside.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from load import requests  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--profiles", action="store_true")
    ap.add_argument("--panel", default="")
    ap.add_argument("--only", default="")
    ap.add_argument(
        "--ab",
        action="store_true",
        help="each day twice, interleaved: 'today' (the full MILP runs to the "
        "deadline) and 'rule' (_optimiser._FULL_STALL_SECONDS)",
    )
    args = ap.parse_args()

    import solver_knobs

    import mealplan
    from mealplan import _optimiser, _solution

    table = mealplan.load_foods()
    mealplan.plan({"person": {"age": 35, "sex": "female"}}, foods=table)
    if args.profiles:
        from run import PROFILES

        items = list(PROFILES.items())
    else:
        items = [
            (f"{i} {r['person']['age']} {r['person']['sex']} {r['diet']}", r)
            for i, r in enumerate(requests(48))
        ]
    if args.only:
        keep = {int(i) for i in args.only.split(",")}
        items = [x for i, x in enumerate(items) if i in keep]
    run = _solution._run  # the function _optimiser imported
    log: dict[str, Any] = {}

    def traced(
        problem: Any,
        model: Any,
        backend: Any,
        deadline: Any,
        options: Any,
        start: Any = None,
    ) -> Any:
        full = model.is_mip and bool(start)
        if full:
            log["full_start"] = time.process_time() - log["t0"]
            seen = [float("inf")]
            inner = options.stop

            def stop(primal: float, dual: float) -> bool:
                if primal < seen[0] - 1e-9:
                    seen[0] = primal
                    log["improved"].append(
                        (
                            round(time.process_time() - log["t0"], 3),
                            round(primal, 4),
                            round(dual, 4),
                        )
                    )
                return bool(inner(primal, dual)) if inner else False

            options = dataclasses.replace(options, stop=stop)
        s, r = run(problem, model, backend, deadline, options, start)
        now = round(time.process_time() - log["t0"], 3)
        if full:
            log["full"] = (s.status.value, s.objective, s.bound, now)
        elif (
            model.is_mip
            and s.objective is not None
            and (log["best"] is None or s.objective < log["best"][0] - 1e-9)
        ):
            log["best"] = (round(s.objective, 4), now)
        return s, r

    solver_knobs.set_everywhere("_run", traced)
    stall = _optimiser._FULL_STALL_SECONDS
    # Without --ab: today's behaviour alone, to see what the full MILP buys.
    arms = [("today", None), ("rule", stall)] if args.ab else [("today", None)]
    runs = [
        (name, req, arm)
        for k, (name, req) in enumerate(items)
        for arm in (arms if k % 2 == 0 else arms[::-1])
    ]
    for name, req, (arm, seconds) in runs:
        _optimiser._FULL_STALL_SECONDS = seconds
        req = {**req, "time_limit": args.time_limit}
        if args.panel:
            req["panel"] = args.panel
        log.clear()
        log.update(t0=time.process_time(), best=None, improved=[], full=None)
        w0 = time.perf_counter()
        try:
            p = mealplan.plan(req, foods=table)
            out = (p.status.value, p.objective_value, p.gap)
        except mealplan.MealPlanError as exc:
            out = (type(exc).__name__, None, None)
        row = {
            "name": name,
            "arm": arm,
            "cpu": round(time.process_time() - log["t0"], 3),
            "wall": round(time.perf_counter() - w0, 3),
            "plan": out,
            "best_restricted": log["best"],
            "full_start": log.get("full_start"),
            "full": log["full"],
            "improved": log["improved"],
            "load": os.getloadavg()[0],
        }
        print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
