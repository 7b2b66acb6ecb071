"""Diagnosis time for a day and a week: conflict search plus verified advice.

    python benchmarks/diagnosis.py [--out FILE.json]

For each infeasible request (bundled table, default time limit of 10 s) it
times plan() until InfeasiblePlanError, split into the conflict search
(``_planner.diagnose``) and the advice (``_advice.advise``), and counts the
suggestions and how many were verified. Each is given as a ratio to the
request's time limit (the contract: the whole diagnosis ends within it) and
to a reference measured in the same run: plan() of the same person, diet and
days with nothing infeasible. Nothing here is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import mealplan
from mealplan import _advice, _planner

ADULT = {"age": 35, "sex": "female"}
CASES: dict[str, dict[str, Any]] = {
    "day: $1 budget": {"person": ADULT, "budget_per_day": 1.0},
    "day: vegan, no fortified foods": {
        "person": ADULT,
        "diet": "vegan",
        "allow_fortified": False,
    },
    "day: at most 3 foods": {"person": ADULT, "max_foods": 3},
    "week: vegan, no fortified foods": {
        "person": ADULT,
        "diet": "vegan",
        "allow_fortified": False,
        "days": 7,
    },
    "week: $1 budget": {"person": ADULT, "budget_per_day": 1.0, "days": 7},
    "day: pregnant vegan, no fortified foods": {
        "person": {**ADULT, "pregnancy": True, "trimester": 2},
        "diet": "vegan",
        "allow_fortified": False,
    },
}


def _timed(fn: Callable[..., Any], sink: list[float]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        began = time.monotonic()
        try:
            return fn(*args, **kwargs)
        finally:
            sink.append(time.monotonic() - began)

    return wrapper


def run_case(request: dict[str, Any], table: mealplan.FoodTable) -> dict[str, Any]:
    conflicts: list[float] = []
    advice: list[float] = []
    saved = (_planner.diagnose, _advice.advise)
    _planner.diagnose = _timed(_planner.diagnose, conflicts)  # type: ignore[assignment]
    _advice.advise = _timed(_advice.advise, advice)  # type: ignore[assignment]
    began = time.monotonic()
    try:
        mealplan.plan(request, table)
        outcome: dict[str, Any] = {"infeasible": False}
    except mealplan.InfeasiblePlanError as exc:
        d = exc.diagnosis
        outcome = {
            "infeasible": True,
            "conflicts": [c.constraint for c in d.conflicts],
            "suggestions": len(d.suggestions),
            "verified": sum(s.verified for s in d.suggestions),
            "best": d.suggestions[0].description if d.suggestions else None,
            "minimal": d.minimal,
            "unproven": [c.constraint for c in d.conflicts if not c.proven],
            "safety_rules": [r.rule for r in d.safety],
        }
    except mealplan.SolverError as exc:
        outcome = {"infeasible": None, "error": str(exc)}
    finally:
        _planner.diagnose, _advice.advise = saved
    outcome["seconds"] = round(time.monotonic() - began, 2)
    outcome["load_1min"] = round(os.getloadavg()[0], 2)
    outcome["conflict_search_s"] = round(sum(conflicts), 2)
    outcome["advice_s"] = round(sum(advice), 2)
    return outcome


def reference(request: dict[str, Any], table: mealplan.FoodTable) -> float:
    base = {
        "person": request["person"],
        "diet": request.get("diet", "omnivore"),
        "days": request.get("days", 1),
    }
    began = time.monotonic()
    mealplan.plan(base, table)
    return time.monotonic() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    table = mealplan.load_foods()
    rows = {}
    for name, request in CASES.items():
        ref = reference(request, table)
        result = run_case(request, table)
        limit = float(request.get("time_limit", 10.0))
        result["reference_plan_s"] = round(ref, 2)
        result["x_time_limit"] = round(result["seconds"] / limit, 2)
        result["x_reference"] = round(result["seconds"] / ref, 2) if ref else None
        rows[name] = result
        print(f"{name}: {json.dumps(result)}", flush=True)
    meta = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "python": platform.python_version(),
        "cores": os.cpu_count(),
        "load": os.getloadavg(),
    }
    lines = [
        "| case | diagnosis s | conflict search s | advice s | x time limit "
        "| x reference plan | suggestions (verified) |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in rows.items():
        lines.append(
            f"| {name} | {r['seconds']} | {r['conflict_search_s']} | {r['advice_s']} "
            f"| {r['x_time_limit']} | {r['x_reference']} "
            f"| {r.get('suggestions', '-')} ({r.get('verified', '-')}) |"
        )
    print("\n".join(lines))
    if args.out is not None:
        args.out.write_text(json.dumps({"meta": meta, "cases": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
