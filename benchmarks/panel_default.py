#!/usr/bin/env python
"""What the whole DRI panel costs a default daily plan, per life stage.

Plans one-day default requests (``mealplan.plan``, the product as shipped)
for a spread of people (adults, a vegan, pregnant and lactating women,
toddlers, 70-year-olds) in each panel mode, interleaved in one process and
one run, timed in CPU (``time.process_time``: HiGHS runs in this process)
and wall seconds, with the load before and after. Prints per request the
status, the absolute gap and whether the request's clock ran out, then the
median CPU ratio of each mode to ``limits`` (today's default). Read the
ratios, not the seconds, and the load printed beside them.

    python benchmarks/panel_default.py
    python benchmarks/panel_default.py --modes limits,full --limit 10
    python benchmarks/panel_default.py --out benchmarks/panel_default_latest.md
    python benchmarks/panel_default.py --people "2 male" --trace   # each solve step
    python benchmarks/panel_default.py --diets --modes limits,rda,full  # 4 diets x 8

``--trace`` prints, under each request, every HiGHS solve the optimiser's
strategy made (``mealplan._optimiser``: the LP, the restricted MILPs with
their cutoff and node limit, the full MILP from its start): columns, status
and CPU seconds, to see which step spends the time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import solver_knobs  # noqa: E402
from day_grid import run_grid  # noqa: E402

import mealplan  # noqa: E402

PEOPLE: list[tuple[str, dict[str, Any]]] = [
    (name, {"person": person, "diet": diet})
    for name, person, diet in (
        ("29 male omnivore", {"age": 29, "sex": "male"}, "omnivore"),
        ("35 female omnivore", {"age": 35, "sex": "female"}, "omnivore"),
        ("45 male pescatarian", {"age": 45, "sex": "male"}, "pescatarian"),
        ("20 female vegetarian", {"age": 20, "sex": "female"}, "vegetarian"),
        ("35 male vegan", {"age": 35, "sex": "male"}, "vegan"),
        ("70 female vegan", {"age": 70, "sex": "female"}, "vegan"),
        ("70 male omnivore", {"age": 70, "sex": "male"}, "omnivore"),
        (
            "30 pregnant omnivore",
            {"age": 30, "sex": "female", "pregnancy": True},
            "omnivore",
        ),
        (
            "28 pregnant vegan",
            {"age": 28, "sex": "female", "pregnancy": True},
            "vegan",
        ),
        (
            "32 lactating vegetarian",
            {"age": 32, "sex": "female", "lactation": True},
            "vegetarian",
        ),
        ("12 female vegetarian", {"age": 12, "sex": "female"}, "vegetarian"),
        ("2 male omnivore", {"age": 2, "sex": "male"}, "omnivore"),
        ("2 female vegetarian", {"age": 2, "sex": "female"}, "vegetarian"),
        ("2 male vegan", {"age": 2, "sex": "male"}, "vegan"),
    )
]

STAGES: list[tuple[str, dict[str, Any]]] = [
    ("35 woman", {"age": 35, "sex": "female"}),
    ("35 man", {"age": 35, "sex": "male"}),
    ("2 boy", {"age": 2, "sex": "male"}),
    ("8 girl", {"age": 8, "sex": "female"}),
    ("15 girl", {"age": 15, "sex": "female"}),
    ("30 pregnant", {"age": 30, "sex": "female", "pregnancy": True}),
    ("30 lactating", {"age": 30, "sex": "female", "lactation": True}),
    ("75 woman", {"age": 75, "sex": "female"}),
]
"""``--diets``: every single diet for each of these (issue 16's "never infeasible")."""

DIET_GRID: list[tuple[str, dict[str, Any]]] = [
    (f"{name} {diet}", {"person": person, "diet": diet})
    for name, person in STAGES
    for diet in ("omnivore", "pescatarian", "vegetarian", "vegan")
]


OUTCOMES: Counter[tuple[str, str]] = Counter()
"""(panel mode, outcome) -> days, for the summary."""


def _traced(real: Any) -> Any:
    """Wrap ``_optimiser._run`` to print each solve step (``--trace``)."""

    def run(
        problem: Any,
        model: Any,
        backend: Any,
        deadline: Any,
        options: Any,
        start: Any = None,
    ) -> Any:
        cpu = time.process_time()
        solution, result = real(problem, model, backend, deadline, options, start)
        kind = "MILP" if model.is_mip else "LP"
        extra = "".join(
            (
                f" cutoff {options.cutoff:.3f}" if options.cutoff is not None else "",
                f" nodes<={options.node_limit}"
                if options.node_limit is not None
                else "",
                " from a start" if start else "",
                "" if options.presolve else " presolve off",
            )
        )
        print(
            f"    {kind} {model.num_cols} cols{extra}: {solution.status.value} "
            f"(objective {solution.objective}, bound {solution.bound}) "
            f"{time.process_time() - cpu:.2f} s CPU",
            flush=True,
        )
        return solution, result

    return run


_STARTED = [0.0]
"""Wall clock at the start of the request being run, for "clock ran out"."""


def _run(_ctx: None, body: dict[str, Any], _variant: str) -> Any:
    _STARTED[0] = time.perf_counter()
    try:
        return mealplan.plan(body)
    except mealplan.MealPlanError as exc:
        return exc


def _describe(
    _name: str, body: dict[str, Any], _mode: str, _variant: str, result: Any
) -> list[str]:
    if isinstance(result, mealplan.MealPlan):
        gap = "-" if result.gap is None else f"{result.gap:.3f}"
        # The whole request's wall clock: solve_seconds leaves out the set-up
        # the deadline also counts, so a plan stopped by the clock can show 9.4 s.
        late = time.perf_counter() - _STARTED[0] >= 0.95 * body["time_limit"]
        OUTCOMES[body["panel"], "plan, clock ran out" if late else "plan"] += 1
        value = result.objective_value
        shown = "-" if value is None else f"{value:.3f}"
        return [result.status.value, shown, gap, "yes" if late else "no"]
    OUTCOMES[body["panel"], type(result).__name__] += 1
    return [type(result).__name__, "-", "-", "-"]


def main() -> None:
    """Run the grid and print (and optionally write) it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", default="limits,full")
    parser.add_argument("--limit", type=float, default=10.0)
    parser.add_argument("--people", default="", help="comma-separated name prefixes")
    parser.add_argument("--out", type=Path)
    parser.add_argument(
        "--diets", action="store_true", help="every diet x 8 life stages instead"
    )
    parser.add_argument("--trace", action="store_true", help="print each solve step")
    args = parser.parse_args()
    if args.trace:
        solver_knobs.set_everywhere("_run", _traced(solver_knobs.get("_run")))
    people = [
        p
        for p in (DIET_GRID if args.diets else PEOPLE)
        if not args.people or any(p[0].startswith(x) for x in args.people.split(","))
    ]
    mealplan.plan({"person": {"age": 30, "sex": "female"}})  # warm caches, untimed
    grid = run_grid(
        people,
        args.modes.split(","),
        ["product"],
        time_limit=args.limit,
        columns="status | objective | gap | clock ran out",
        prepare=lambda _body: None,
        run=_run,
        describe=_describe,
    )
    modes = args.modes.split(",")
    grid.add(
        "| panel | median CPU ratio to limits | median CPU s | max CPU s "
        "| summed CPU s | outcomes |"
    )
    grid.add("|---|---|---|---|---|---|")
    for mode in modes:
        ratio = grid.median_ratio((mode, "product"), ("limits", "product"))
        total = sum(grid.cpu.get((mode, "product"), []))
        seen = ", ".join(
            f"{n} {what}" for (m, what), n in sorted(OUTCOMES.items()) if m == mode
        )
        cpu = grid.cpu.get((mode, "product"), [0.0])
        grid.add(
            f"| {mode} | {ratio} | {statistics.median(cpu):.2f} | {max(cpu):.2f} "
            f"| {total:.1f} | {seen} |"
        )
    grid.finish(args.out)


if __name__ == "__main__":
    main()
