#!/usr/bin/env python
"""Toddlers' default days (ages 1-3): before and after a change, interleaved.

Plans one-day requests (``mealplan.plan``, the product's strategy) for ages
1, 2 and 3 in each diet, once per mode, interleaved per person in one
process, timed in CPU (``time.process_time``: HiGHS runs in this process)
and wall seconds, with the load before and after. Prints the status, the
gap, whether the clock ran out, the median CPU ratio after/before and the
days with a plan. Read the ratios and the plan counts beside the load, not
the seconds.

``--compare caps`` (the default): the children's caps of
``foods/life_stage_caps.csv`` off (``before``: the bundled caps replaced by
none and an adult's 10 g protein minimum at lunch and dinner, in this
process only) against on (``after``: the caps, and 6 g at ages 1-3). ``--compare modes``:
``portion_mode`` half (``before``) against the default (quarter at 1-3).

    python benchmarks/toddlers.py                 # 10 s limit (the default)
    python benchmarks/toddlers.py --limit 60      # CPU not capped by the clock
    python benchmarks/toddlers.py --out benchmarks/toddlers_latest.md
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import mealplan  # noqa: E402
from mealplan import _life_stage_caps, _problem, _structure  # noqa: E402
from mealplan._life_stage_caps import LifeStageCap  # noqa: E402
from mealplan._structure import MIN_MAIN_MEAL_PROTEIN_G  # noqa: E402

DIETS = ("omnivore", "vegetarian", "vegan", "pescatarian")
MODES: dict[str, dict[str, Any]] = {"before": {}, "after": {}}
BUNDLED_CAPS = _life_stage_caps.load_life_stage_caps
BUNDLED_PROTEIN = _structure.main_meal_protein_g  # the function _problem imported


def _no_caps(path: str | Path | None = None) -> tuple[LifeStageCap, ...]:
    """No life-stage caps (main's behaviour before them)."""
    del path
    return ()


def _caps(on: bool) -> None:
    """Switch the children's caps on or off (this process only).

    Off is main's behaviour before them: no caps, and an adult's 10 g of
    protein at lunch and dinner at every age.
    """
    _life_stage_caps.load_life_stage_caps = BUNDLED_CAPS if on else _no_caps
    # The name _problem looks up (imported there from _structure).
    vars(_problem)["main_meal_protein_g"] = (
        BUNDLED_PROTEIN if on else lambda age: MIN_MAIN_MEAL_PROTEIN_G
    )


def _one(body: dict[str, Any]) -> tuple[float, float, str, str, str]:
    cpu, wall = time.process_time(), time.perf_counter()
    try:
        plan = mealplan.plan(body)
    except mealplan.MealPlanError as exc:
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        return cpu, wall, type(exc).__name__, "-", "-"
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    gap = "-" if plan.gap is None else f"{plan.gap:.3f}"
    late = wall >= 0.95 * body["time_limit"]
    mode = plan.request.portion_mode.value
    return cpu, wall, f"{plan.status.value} ({mode})", gap, "yes" if late else "no"


def main() -> None:
    """Run the grid and print (and optionally write) it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=float, default=10.0)
    parser.add_argument("--ages", default="1,2,3")
    parser.add_argument("--diets", default=",".join(DIETS))
    parser.add_argument("--out", type=Path)
    parser.add_argument("--compare", choices=("caps", "modes"), default="caps")
    args = parser.parse_args()
    if args.compare == "modes":
        MODES["before"] = {"portion_mode": "half"}
    mealplan.plan({"person": {"age": 30, "sex": "female"}})  # warm caches, untimed
    lines = [
        f"## `benchmarks/toddlers.py --limit {args.limit:g} --compare {args.compare}`, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "",
        f"load before: {tuple(round(x, 2) for x in os.getloadavg())}",
        "",
        "| person | mode | CPU s | wall s | status | gap | clock ran out |",
        "|---|---|---|---|---|---|---|",
    ]
    print("\n".join(lines), flush=True)
    cpu: dict[str, list[float]] = {m: [] for m in MODES}
    plans = dict.fromkeys(MODES, 0)
    for age in (int(a) for a in args.ages.split(",")):
        for diet in args.diets.split(","):
            sex = "female" if (age + DIETS.index(diet)) % 2 else "male"
            name = f"{age} {sex} {diet}"
            for mode, extra in MODES.items():
                body = {
                    "person": {"age": age, "sex": sex},
                    "diet": diet,
                    "time_limit": args.limit,
                    **extra,
                }
                _caps(args.compare == "modes" or mode == "after")
                c, w, status, gap, late = _one(body)
                cpu[mode].append(c)
                plans[mode] += not status[0].isupper()
                row = f"| {name} | {mode} | {c:.2f} | {w:.2f} | {status} | {gap} | {late} |"
                lines.append(row)
                print(row, flush=True)
    ratios = [q / h for q, h in zip(cpu["after"], cpu["before"], strict=True) if h]
    tail = [
        "",
        f"load after: {tuple(round(x, 2) for x in os.getloadavg())}",
        "",
        f"days with a plan: before {plans['before']} of {len(cpu['before'])}, "
        f"after {plans['after']} of {len(cpu['after'])}; "
        f"median CPU ratio after/before {statistics.median(ratios):.2f}; "
        f"summed CPU before {sum(cpu['before']):.1f} s, after {sum(cpu['after']):.1f} s",
    ]
    print("\n".join(tail), flush=True)
    if args.out:
        with args.out.open("a") as fh:
            fh.write("\n".join(lines + tail) + "\n\n")


if __name__ == "__main__":
    main()
