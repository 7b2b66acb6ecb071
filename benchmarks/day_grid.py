"""Shared by the benchmarks that time one-day plans against each other.

``run_grid`` (``panel_why.py``, ``panel_default.py``, ``seed_variety.py``):
each one-day request, in each panel mode, in each variant of the model, all
in one process, timed in CPU (``time.process_time``: HiGHS runs in this
process) and wall seconds, with the load before and after, one Markdown row
per run as it comes, then a summary of median CPU ratios against a reference
variant. Each script says how to prepare a (request, mode) pair, how to run
one variant and what to print about its result.

``interleaved`` and ``timed_plan`` (``caps_cost.py``, ``dishes_cost.py``):
each request planned in a base set-up then in another, one right after the
other in one process so the load is the same for both, with the CPU ratio.

``run_in_tree`` (``panel_budget.py``, ``toddler_floors.py``, ``ab_days.py``):
one request in a fresh process on another source tree, for A/B runs
between two commits.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import mealplan

Ctx = TypeVar("Ctx")
Result = TypeVar("Result")

PANEL_REQUESTS: list[tuple[str, dict[str, Any]]] = [
    (f"{p['age']} {p['sex']} {diet}", {"person": p, "diet": diet})
    for p, diet in (
        ({"age": 29, "sex": "male"}, "omnivore"),
        ({"age": 35, "sex": "female"}, "omnivore"),
        ({"age": 45, "sex": "male"}, "pescatarian"),
        ({"age": 12, "sex": "female"}, "vegetarian"),
        ({"age": 70, "sex": "female"}, "vegan"),
        ({"age": 60, "sex": "male"}, "omnivore"),
        ({"age": 20, "sex": "female"}, "vegetarian"),
        ({"age": 2, "sex": "female"}, "vegetarian"),
    )
]
"""The eight one-day requests of ``panel_why.py`` (named "age sex diet")."""


def _load() -> tuple[float, ...]:
    return tuple(round(x, 2) for x in os.getloadavg())


@dataclass
class Grid:
    """The Markdown lines so far and each (mode, variant)'s CPU seconds, in order."""

    lines: list[str]
    cpu: dict[tuple[str, str], list[float]] = field(default_factory=dict)

    def add(self, line: str) -> None:
        """Print a line now and keep it for the file."""
        print(line, flush=True)
        self.lines.append(line)

    def median_ratio(self, key: tuple[str, str], ref: tuple[str, str]) -> str:
        """Median of ``key``'s CPU over ``ref``'s, request by request ("-" if unknown)."""
        values, base = self.cpu.get(key, []), self.cpu.get(ref)
        if not values or base is None or len(base) != len(values):
            return "-"
        ratios = [v / r for v, r in zip(values, base, strict=True)]
        return f"{statistics.median(ratios):.2f}"

    def finish(self, out: Path | None) -> None:
        """Print the part after the rows; write the whole text to ``out``."""
        text = "\n".join(self.lines)
        print(text[text.index("load after") :])
        if out:
            out.write_text(text + "\n")


def run_grid(
    people: Sequence[tuple[str, dict[str, Any]]],
    modes: Sequence[str],
    variants: Sequence[str],
    *,
    time_limit: float,
    columns: str,
    who: str = "request",
    prepare: Callable[[dict[str, Any]], Ctx],
    run: Callable[[Ctx, dict[str, Any], str], Result],
    describe: Callable[[str, dict[str, Any], str, str, Result], list[str]],
) -> Grid:
    """Run every (person, mode, variant); return the rows and CPU seconds.

    ``prepare(body)`` is called once per (person, mode), untimed; ``run(ctx,
    body, variant)`` is what is timed; ``describe(name, body, mode, variant,
    result)`` returns the row's cells after the timings (and may tally what
    it needs). ``columns`` names those cells ("status | objective | ..."),
    ``who`` the first column.
    """
    count = columns.count("|") + 1
    grid = Grid([])
    grid.add(f"load before: {_load()}")
    grid.add("")
    grid.add(f"| {who} | panel | variant | CPU s | wall s | {columns} |")
    grid.add("|---|---|---|---|---|" + "---|" * count)
    for name, request in people:
        for mode in modes:
            body = {**request, "panel": mode, "time_limit": time_limit}
            ctx = prepare(body)
            for variant in variants:
                c0, w0 = time.process_time(), time.perf_counter()
                result = run(ctx, body, variant)
                cpu, wall = time.process_time() - c0, time.perf_counter() - w0
                grid.cpu.setdefault((mode, variant), []).append(cpu)
                cells = describe(name, body, mode, variant, result)
                grid.add(
                    f"| {name} | {mode} | {variant} | {cpu:.2f} | {wall:.2f} | "
                    + " | ".join(cells)
                    + " |"
                )
    grid.lines += ["", f"load after: {_load()}", ""]
    return grid


Row = dict[str, Any]
"""One timed plan: status, cpu and wall seconds, then what the script adds."""


def timed_plan(
    body: dict[str, Any],
    table: mealplan.FoodTable,
    describe: Callable[[mealplan.MealPlan], Row],
) -> Row:
    """Plan ``body`` over ``table``, timed in CPU and wall seconds.

    A plan's row adds ``describe(plan)``, computed after the clocks stop; a
    request that raises a ``MealPlanError`` gets the error's class name as
    its status and nothing more.
    """
    cpu, wall = time.process_time(), time.perf_counter()
    try:
        plan = mealplan.plan(mealplan.PlanRequest(**body), foods=table)
    except mealplan.MealPlanError as exc:
        return {
            "status": type(exc).__name__,
            "cpu": time.process_time() - cpu,
            "wall": time.perf_counter() - wall,
        }
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return {"status": str(plan.status), "cpu": cpu, "wall": wall, **describe(plan)}


def interleaved(
    cases: Sequence[tuple[str, dict[str, Any]]],
    *,
    time_limit: float,
    base: Callable[[dict[str, Any]], Row],
    other: Callable[[dict[str, Any]], Row],
    repeats: int = 1,
) -> Iterator[tuple[str, Row, Row, float]]:
    """Each case run by ``base`` then at once by ``other``, ``repeats`` times.

    The body is the case's request with ``time_limit`` unless it sets its
    own. Yields the case's name, both rows and the CPU ratio other/base (a
    base under a millisecond counts as one).
    """
    for name, request in cases:
        body = {"time_limit": time_limit, **request}
        for _ in range(repeats):
            a = base(body)
            b = other(body)
            yield name, a, b, b["cpu"] / max(a["cpu"], 1e-3)


def run_in_tree(
    tree: str | Path, child: str, request: dict[str, Any]
) -> dict[str, Any]:
    """Run ``child`` (Python code) in a fresh process importing ``tree``'s mealplan.

    The child gets the request as JSON in ``argv[1]`` and prints one JSON
    object as its last line, which is returned. Raises CalledProcessError
    when the child fails.
    """
    done = subprocess.run(
        [sys.executable, "-c", child, json.dumps(request)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(tree)},
        cwd="/",
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result
