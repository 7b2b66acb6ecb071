"""Diagnosis time for a day and a week: conflict search plus verified advice.

    python benchmarks/diagnosis.py [--out FILE.json]

For each infeasible request (bundled table, default time limit of 10 s) it
times plan() until InfeasiblePlanError, split into the conflict search
(``_diagnose.diagnose``) and the advice (``_advice.advise``), and counts the
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
from mealplan import _advice, _diagnose

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
    "day: two conflicts ($1 budget; vegan, no fortified foods)": {
        "person": ADULT,
        "budget_per_day": 1.0,
        "diet": "vegan",
        "allow_fortified": False,
    },
    "day: pregnant vegan, no fortified foods": {
        "person": {**ADULT, "pregnancy": True, "trimester": 2},
        "diet": "vegan",
        "allow_fortified": False,
    },
    # Every day needs mushrooms (the only vitamin D without milk under the
    # meal structure's caps), allowed on 2 of 3 days (the rotation seed's
    # NoRotation proof; the conflict search starts from that day's conflict).
    "3 days: vegetarian, milk allergy (every day needs mushrooms)": {
        "person": {"age": 59, "sex": "male"},
        "diet": "vegetarian",
        "allergies": ["milk"],
        "days": 3,
    },
    # Issue 15's hard day (mealplan._cover proves it with no solve).
    "day: woman of 73, pescatarian, no fortified foods, at most 4 foods": {
        "person": {"age": 73, "sex": "female"},
        "diet": "pescatarian",
        "allow_fortified": False,
        "max_foods": 4,
    },
}


def _timed(
    fn: Callable[..., Any], sink: list[float], inside: list[int]
) -> Callable[..., Any]:
    """Time the outermost calls of ``fn`` only (not one nested in a timed call).

    ``inside`` is shared by every timed function: a diagnosis nested in
    another (a multi-day plan's day, the advice's search for a second
    conflict) is part of the outer call's time, not a second conflict
    search (it was counted twice).
    """

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if inside[0]:
            return fn(*args, **kwargs)
        inside[0] += 1
        began = time.monotonic()
        try:
            return fn(*args, **kwargs)
        finally:
            inside[0] -= 1
            sink.append(time.monotonic() - began)

    return wrapper


def _counted(sink: dict[str, int]) -> Callable[..., Any]:
    """Wrap HighsBackend.solve to count LP and MILP solves and MILP nodes."""
    from mealplan._backend_highs import HighsBackend

    solve = HighsBackend.solve

    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = solve(self, *args, **kwargs)
        mip = bool(self._model is not None and self._model.is_mip)
        sink["milp" if mip else "lp"] += 1
        if mip:
            sink["nodes"] += max(int(self._h.getInfo().mip_node_count), 0)
        return result

    return wrapper


def run_case(request: dict[str, Any], table: mealplan.FoodTable) -> dict[str, Any]:
    from mealplan._backend_highs import HighsBackend

    conflicts: list[float] = []
    advice: list[float] = []
    counts = {"lp": 0, "milp": 0, "nodes": 0}
    saved = (_diagnose.diagnose, _advice.advise, HighsBackend.solve)
    inside = [0]
    _diagnose.diagnose = _timed(_diagnose.diagnose, conflicts, inside)
    _advice.advise = _timed(_advice.advise, advice, inside)
    HighsBackend.solve = _counted(counts)  # type: ignore[method-assign]
    began = time.monotonic()
    cpu = time.process_time()
    try:
        mealplan.plan(request, table)
        outcome: dict[str, Any] = {"infeasible": False}
    except mealplan.InfeasiblePlanError as exc:
        d = exc.diagnosis
        assert d is not None
        outcome = {
            "infeasible": True,
            "conflicts": [c.constraint for c in d.conflicts],
            "suggestions": len(d.suggestions),
            "verified": sum(s.verified for s in d.suggestions),
            "best": d.suggestions[0].description if d.suggestions else None,
            "best_smallest": d.suggestions[0].smallest if d.suggestions else None,
            "minimal": d.minimal,
            "unproven": [c.constraint for c in d.conflicts if not c.proven],
            "safety_rules": [r.rule for r in d.safety],
        }
    except mealplan.SolverError as exc:
        outcome = {"infeasible": None, "error": str(exc)}
    finally:
        _diagnose.diagnose, _advice.advise, HighsBackend.solve = saved  # type: ignore[method-assign]
    outcome["seconds"] = round(time.monotonic() - began, 2)
    # CPU of this process, HiGHS's threads included: on a loaded machine
    # the wall time is mostly waiting for a core.
    outcome["cpu_s"] = round(time.process_time() - cpu, 2)
    outcome["lp_solves"] = counts["lp"]
    outcome["milp_solves"] = counts["milp"]
    outcome["milp_nodes"] = counts["nodes"]
    outcome["load_1min"] = round(os.getloadavg()[0], 2)
    outcome["conflict_search_s"] = round(sum(conflicts), 2)
    outcome["advice_s"] = round(sum(advice), 2)
    return outcome


def reference(request: dict[str, Any], table: mealplan.FoodTable) -> float | None:
    base = {
        "person": request["person"],
        "diet": request.get("diet", "omnivore"),
        "days": request.get("days", 1),
    }
    began = time.monotonic()
    try:
        mealplan.plan(base, table)
    except mealplan.MealPlanError:
        return None  # e.g. out of time on a loaded machine
    return time.monotonic() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--only", default="", help="run the cases whose name contains this"
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        default=None,
        help="each request's time_limit (default 10 s); a long one measures the "
        "CPU a diagnosis needs to finish, whatever the machine's load",
    )
    parser.add_argument(
        "--dishes",
        action="store_true",
        help="plan on the bundled table with its FNDDS dishes (issue 11: what "
        "the dishes would cost the diagnosis if they were the default)",
    )
    args = parser.parse_args()
    table = mealplan.load_foods(dishes=args.dishes)
    rows = {}
    for name, request in CASES.items():
        if args.only not in name:
            continue
        if args.time_limit is not None:
            request = {**request, "time_limit": args.time_limit}
        ref = reference(request, table)
        result = run_case(request, table)
        limit = float(request.get("time_limit", 10.0))
        result["reference_plan_s"] = None if ref is None else round(ref, 2)
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
        "| case | diagnosis s | CPU s | conflict search s | advice s | x time limit "
        "| x reference plan | LP / MILP solves (nodes) | suggestions (verified) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in rows.items():
        lines.append(
            f"| {name} | {r['seconds']} | {r['cpu_s']} | {r['conflict_search_s']} "
            f"| {r['advice_s']} | {r['x_time_limit']} | {r['x_reference']} "
            f"| {r['lp_solves']} / {r['milp_solves']} ({r['milp_nodes']}) "
            f"| {r.get('suggestions', '-')} ({r.get('verified', '-')}) |"
        )
    print("\n".join(lines))
    if args.out is not None:
        args.out.write_text(json.dumps({"meta": meta, "cases": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
