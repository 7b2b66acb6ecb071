#!/usr/bin/env python
"""Daily plans for children: CPU time per age and diet, beside an adult's.

    python benchmarks/children.py                    # ages 1 2 4 8 13, 4 diets
    python benchmarks/children.py --ages 1 2 --diets vegan --steps
    python benchmarks/children.py --time-limit 30 --out children.md

Each cell is one ``mealplan.plan()`` of a one-day request (girl of that age,
that diet, the bundled table already loaded), measured in CPU seconds of this
process (``time.process_time``: HiGHS runs in it), so a loaded machine shows
less than in wall time; the load average is printed beside the table. The
reference is a 35-year-old woman of the same diet in the same run, so the
ratio column is what to compare across machines.

``--steps`` also lists every solve of the guided start (LP relaxation,
restricted MILPs with and without the cutoff, the full MILP): its columns,
cutoff, status, objective, bound and CPU seconds, which is how the young
children's slow days were traced to the small-child ULs (copper 1 mg,
manganese 2 mg, zinc 7 mg) against the potassium, fiber, calcium and
vitamin D minimums at ~900 kcal: the integer plans sit 30-50 % above the LP
bound and neither HiGHS nor CBC closes that in seconds.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import solver_knobs  # noqa: E402

import mealplan  # noqa: E402
from mealplan import _solution  # noqa: E402

STEPS: list[str] = []


def _trace() -> None:
    """Wrap the optimiser's single-solve helper to record each step."""
    run = _solution._run  # the function _optimiser imported

    def traced(*args: Any, **kwargs: Any) -> Any:
        model, options = args[1], args[4]
        began = time.process_time()
        solution, result = run(*args, **kwargs)
        STEPS.append(
            f"    cols={model.num_cols:5d} presolve={options.presolve!s:5} "
            f"cutoff={options.cutoff if options.cutoff is None else round(options.cutoff, 4)} "
            f"-> {solution.status.name} obj={solution.objective} bound={solution.bound} "
            f"({solution.solver_status}) cpu={time.process_time() - began:.2f}"
        )
        return solution, result

    solver_knobs.set_everywhere("_run", traced)


def one(age: float, diet: str, time_limit: float, foods: Any) -> tuple[float, str]:
    request = {
        "person": {"age": age, "sex": "female"},
        "diet": diet,
        "time_limit": time_limit,
    }
    began = time.process_time()
    try:
        plan = mealplan.plan(request, foods)
        gap = "-" if plan.gap is None else f"{plan.gap:.4f}"
        limited = any("time limit" in note for note in plan.notes)
        what = (
            f"{plan.status.value} | {gap} | {plan.objective_value:.4f} | "
            f"{'yes' if limited else 'no'}"
        )
    except mealplan.MealPlanError as exc:
        what = f"{type(exc).__name__} | - | - | -"
    return time.process_time() - began, what


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ages", type=float, nargs="+", default=[1, 2, 4, 8, 13])
    parser.add_argument(
        "--diets",
        nargs="+",
        default=["omnivore", "pescatarian", "vegetarian", "vegan"],
    )
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--steps", action="store_true")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.steps:
        _trace()
    foods = mealplan.load_foods()
    one(35, "omnivore", args.time_limit, foods)  # warm caches and imports
    lines = [
        f"load before: {os.getloadavg()}",
        "",
        "| age | diet | CPU s | adult CPU s | ratio | status | gap | objective "
        "| time limit hit |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    adult = {d: one(35, d, args.time_limit, foods)[0] for d in args.diets}
    for age in args.ages:
        for diet in args.diets:
            STEPS.clear()
            cpu, what = one(age, diet, args.time_limit, foods)
            row = (
                f"| {age:g} | {diet} | {cpu:.2f} | {adult[diet]:.2f} | "
                f"{cpu / max(adult[diet], 1e-6):.0f}x | {what} |"
            )
            print(row, flush=True)
            if STEPS:
                print("\n".join(STEPS), flush=True)
            lines.append(row)
    lines.append(f"\nload after: {os.getloadavg()}")
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
