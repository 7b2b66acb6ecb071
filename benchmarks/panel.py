"""The DRI panel's cost: one-day plans under each ``panel`` mode, interleaved.

For each request of a fixed set (people of every life stage x diets x
fortified foods or not), plans the day with ``panel`` = off, limits (the
default), rda and full, one after the other, so the modes share the machine's
load; prints per-mode medians, how many requests reached the time limit, how
many were proven optimal, and each mode's median ratio to ``limits`` over the
requests that stayed under the limit in both. Read the ratios, not the
seconds; print ``uptime`` beside them.

    python benchmarks/panel.py [--limit 3] [--repeats 1] [--modes off,limits,rda,full]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Any

import mealplan

PEOPLE: list[dict[str, Any]] = [
    {"age": 1.5, "sex": "female"},
    {"age": 6, "sex": "male"},
    {"age": 12, "sex": "female"},
    {"age": 16, "sex": "male"},
    {"age": 30, "sex": "female", "pregnancy": True},
    {"age": 25, "sex": "female", "lactation": True},
    {"age": 35, "sex": "female"},
    {"age": 40, "sex": "male"},
    {"age": 80, "sex": "female"},
]
DIETS = ["omnivore", "vegetarian", "vegan", "pescatarian"]


def _one(request: dict[str, Any], foods: mealplan.FoodTable) -> tuple[float, str]:
    began = time.perf_counter()
    try:
        status = mealplan.plan(request, foods).status.value
    except mealplan.InfeasiblePlanError:
        status = "infeasible"
    except mealplan.MealPlanError as exc:
        status = type(exc).__name__
    return time.perf_counter() - began, status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=float, default=3.0, help="time_limit, s")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--modes", default="off,limits,rda,full")
    args = parser.parse_args()
    modes = args.modes.split(",")
    foods = mealplan.load_foods()
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    runs: dict[str, list[tuple[float, str]]] = {m: [] for m in modes}
    for _ in range(args.repeats):
        for person in PEOPLE:
            for diet in DIETS:
                for fortified in (True, False):
                    base = {
                        "person": person,
                        "diet": diet,
                        "allow_fortified": fortified,
                        "time_limit": args.limit,
                    }
                    for mode in modes:
                        runs[mode].append(_one({**base, "panel": mode}, foods))
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    hit = 0.9 * args.limit
    reference = runs.get("limits")
    for mode, results in runs.items():
        seconds = [s for s, _ in results]
        line = (
            f"{mode:7s} median {statistics.median(seconds) * 1000:7.0f} ms  "
            f"at the limit {sum(s >= hit for s in seconds):3d}/{len(seconds)}  "
            f"optimal {sum(st == 'optimal' for _, st in results):3d}  "
            f"infeasible {sum(st == 'infeasible' for _, st in results):3d}"
        )
        if reference is not None:
            ratios = [
                s / r
                for (s, _), (r, _) in zip(results, reference, strict=True)
                if s < hit and r < hit
            ]
            if ratios:
                line += f"  median ratio to limits {statistics.median(ratios):.2f}"
        print(line)


if __name__ == "__main__":
    main()
