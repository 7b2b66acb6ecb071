#!/usr/bin/env python
"""Why a toddler's vegetarian or vegan day is slow: one bound removed at a time.

A 2-year-old's day (issue 12: 1.47 s CPU vegetarian, 0.06 s without the
copper, manganese and zinc ULs) is built exactly as ``mealplan.plan`` builds
it and solved with the product's strategy (``mealplan._optimiser.solve``),
in variants that each remove one bound (a diagnosis of the cause, not a
product setting: every UL here applies to food):

* ``current``: the product's model;
* ``no-cu``, ``no-mn``, ``no-zn``, ``no-cu-mn-zn``: the copper, manganese,
  zinc ULs removed (1, 2 and 7 mg a day at 1-3 y; total intake);
* ``no-k``, ``no-fiber``, ``no-d``: the potassium AI (2,000 mg), the fiber
  AI (19 g) or the vitamin D RDA (15 µg) removed as a minimum.

For each: the LP relaxation's bound, the plan's objective and status, which
of the panel's rows bind in the LP, and CPU seconds (``time.process_time``:
HiGHS runs in this process). Rounds interleave the variants; read the ratio
to ``current`` of the same round, and the load printed beside it.

    python benchmarks/toddler_why.py
    python benchmarks/toddler_why.py --diets vegan --rounds 1
    python benchmarks/toddler_why.py --out benchmarks/toddler_why_latest.md
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Any

from mealplan import PlanRequest, load_foods
from mealplan._optimiser import solve
from mealplan._planner import resolve_targets
from mealplan._problem import build_problem

VARIANTS: dict[str, dict[str, Any]] = {
    "current": {},
    "no-cu": {"copper_mg": {"remove": True}},
    "no-mn": {"manganese_mg": {"remove": True}},
    "no-zn": {"zinc_mg": {"remove": True}},
    "no-cu-mn-zn": {
        "copper_mg": {"remove": True},
        "manganese_mg": {"remove": True},
        "zinc_mg": {"remove": True},
    },
    "no-k": {"potassium_mg": {"minimum": 0.0}},
    "no-fiber": {"fiber_g": {"minimum": 0.0}},
    "no-d": {"vitamin_d_ug": {"minimum": 0.0}},
}


def _one(diet: str, variant: str, foods: Any) -> dict[str, Any]:
    req = PlanRequest.model_validate(
        {
            "person": {"age": 2, "sex": "male"},
            "diet": diet,
            "bounds": VARIANTS[variant],
            "time_limit": 60,
        }
    )
    targets = resolve_targets(req, foods)
    problem = build_problem(req, targets, foods)
    start = time.process_time()
    lp = solve(problem, relax=True)
    day = solve(problem, time_limit=60, mip_gap=1e-4)
    cpu = time.process_time() - start
    binding = []
    for row in problem.bounds:
        total = sum(problem.coef[row.key][f] * u for (_, _, f), u in lp.units.items())
        if abs(total - row.value) <= 1e-6 * max(1.0, abs(row.value)):
            binding.append(f"{row.key}{row.sense}{row.value:g}")
    return {
        "lp": lp.objective,
        "objective": day.objective,
        "status": day.status.value,
        "cpu": cpu,
        "binding": binding,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--diets", default="vegetarian,vegan")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out")
    args = parser.parse_args()
    diets = args.diets.split(",")
    variants = args.variants.split(",")
    foods = load_foods()
    _one(diets[0], "no-cu-mn-zn", foods)  # warm: imports and caches
    runs: dict[tuple[str, str], list[dict[str, Any]]] = {}
    loads = [os.getloadavg()[0]]
    for _ in range(args.rounds):
        for diet in diets:
            for variant in variants:
                runs.setdefault((diet, variant), []).append(_one(diet, variant, foods))
        loads.append(os.getloadavg()[0])
    lines = [
        "# A toddler's day: which bound makes it slow",
        "",
        f"Age 2, male; {args.rounds} interleaved round(s); load average "
        f"{min(loads):.1f}-{max(loads):.1f} (2 cores). CPU: median of the rounds; "
        "ratio: to `current` of the same diet.",
        "",
        "| diet | variant | LP bound | plan objective | gap | status | CPU s | ratio | rows binding in the LP |",
        "| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | --- |",
    ]
    for diet in diets:
        base = statistics.median(r["cpu"] for r in runs[diet, "current"])
        for variant in variants:
            rs = runs[diet, variant]
            cpu = statistics.median(r["cpu"] for r in rs)
            last = rs[-1]
            gap = (
                f"{last['objective'] - last['lp']:.3f}"
                if last["objective"] is not None and last["lp"] is not None
                else "-"
            )
            lines.append(
                f"| {diet} | {variant} | {last['lp']:.3f} | "
                f"{last['objective'] if last['objective'] is None else round(last['objective'], 3)} | "
                f"{gap} | {last['status']} | {cpu:.2f} | {cpu / base:.2f} | "
                f"{', '.join(last['binding'])} |"
            )
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(text)


if __name__ == "__main__":
    main()
