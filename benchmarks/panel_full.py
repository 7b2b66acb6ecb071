#!/usr/bin/env python
"""Can the default plan the AI minimums and the sodium floor from age 4?

Issue 12, section 1: minimums for every nutrient with an RDA or AI and "the
sodium AI as a floor where it can be met". Today ``auto`` is ``rda`` from
age 4 (the AI-only nutrients and the sodium AI reported, not planned). This
plans the default one-day requests of ``panel_default.py`` (its 14 persons
and its 32-day diet grid; ``--ages`` keeps only ages from 4, where ``auto``
would change) three ways, interleaved per request in one process:

- ``rda``: today's ``auto`` from age 4;
- ``rda+na``: ``rda`` plus the sodium AI as a floor (a caller's minimum at
  the AI, capped at the CDRR, the floor ``full`` plans);
- ``full``: every RDA and AI and the sodium floor.

Per request: status, objective, gap, whether the request's clock ran out
(wall time at 95 % of the limit or more) and which AI-only floors (and the
sodium AI) the plan misses. Then per variant the median CPU ratio to
``rda``, with the load before and after.

    python benchmarks/panel_full.py
    python benchmarks/panel_full.py --diets --ages 4
    python benchmarks/panel_full.py --out benchmarks/panel_full_run.md
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

from day_grid import run_grid  # noqa: E402
from panel_default import DIET_GRID, PEOPLE  # noqa: E402

import mealplan  # noqa: E402
from mealplan._panel import PANEL_MINIMUMS, panel_bounds, sodium_floor  # noqa: E402

OUTCOMES: Counter[tuple[str, str]] = Counter()
_STARTED = [0.0]


def _floors(person: mealplan.Person) -> dict[str, float]:
    """The AI-kind panel minimums and the sodium AI for ``person``."""
    out = {
        b.nutrient: b.minimum
        for b in panel_bounds(person, [], minimums=True, ai_minimums=True)
        if b.minimum is not None
        and b.minimum_kind is not None
        and b.minimum_kind.value == "AI"
        and b.nutrient in {n.value for n in PANEL_MINIMUMS}
    }
    floor = sodium_floor(person)
    if floor is not None:
        out["sodium_mg"] = floor[0]
    return out


def _prepare(body: dict[str, Any]) -> dict[str, float]:
    return _floors(mealplan.Person(**body["person"]))


def _run(floors: dict[str, float], body: dict[str, Any], variant: str) -> Any:
    _STARTED[0] = time.perf_counter()
    request = {**body, "panel": "full" if variant == "full" else "rda"}
    if variant == "rda+na":
        # The CDRR (2,300 mg from 14 y) is above every sodium AI, so the floor
        # never needs capping here; 'full' caps it in _target_panel.add_panel.
        request["bounds"] = {"sodium_mg": {"minimum": floors["sodium_mg"]}}
    try:
        return mealplan.plan(request)
    except mealplan.MealPlanError as exc:
        return exc


def _short(plan: mealplan.MealPlan, floors: dict[str, float]) -> str:
    totals = {t.nutrient: t.amount for t in plan.average}
    missed = [
        f"{name.split('_')[0]} {totals[name]:.0f}/{value:g}"
        for name, value in floors.items()
        if name in totals and totals[name] < value * (1 - 1e-6)
    ]
    return ", ".join(missed) or "-"


def _describe(
    _name: str, body: dict[str, Any], _mode: str, variant: str, result: Any
) -> list[str]:
    if isinstance(result, mealplan.MealPlan):
        late = time.perf_counter() - _STARTED[0] >= 0.95 * body["time_limit"]
        OUTCOMES[variant, "plan, clock ran out" if late else "plan"] += 1
        gap = "-" if result.gap is None else f"{result.gap:.3f}"
        value = result.objective_value
        floors = _floors(mealplan.Person(**body["person"]))
        return [
            result.status.value,
            "-" if value is None else f"{value:.3f}",
            gap,
            "yes" if late else "no",
            _short(result, floors),
        ]
    late = time.perf_counter() - _STARTED[0] >= 0.95 * body["time_limit"]
    OUTCOMES[variant, type(result).__name__ + (" at the clock" if late else "")] += 1
    return [type(result).__name__, "-", "-", "yes" if late else "no", "-"]


def main() -> None:
    """Run the grid and print (and optionally write) it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", default="rda,rda+na,full")
    parser.add_argument("--limit", type=float, default=10.0)
    parser.add_argument("--ages", type=float, default=0.0, help="only from this age")
    parser.add_argument("--diets", action="store_true", help="the 32-day diet grid")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    people = [
        p
        for p in (DIET_GRID if args.diets else PEOPLE)
        if p[1]["person"]["age"] >= args.ages
    ]
    variants = args.variants.split(",")
    mealplan.plan({"person": {"age": 30, "sex": "female"}})  # warm caches, untimed
    grid = run_grid(
        people,
        ["default"],
        variants,
        time_limit=args.limit,
        columns="status | objective | gap | clock ran out | AI floors missed",
        prepare=_prepare,
        run=_run,
        describe=_describe,
    )
    grid.add(
        "| variant | median CPU ratio to rda | median CPU s | max CPU s "
        "| summed CPU s | outcomes |"
    )
    grid.add("|---|---|---|---|---|---|")
    for variant in variants:
        ratio = grid.median_ratio(("default", variant), ("default", "rda"))
        cpu = grid.cpu.get(("default", variant), [0.0])
        seen = ", ".join(
            f"{n} {what}" for (v, what), n in sorted(OUTCOMES.items()) if v == variant
        )
        grid.add(
            f"| {variant} | {ratio} | {statistics.median(cpu):.2f} | {max(cpu):.2f} "
            f"| {sum(cpu):.1f} | {seen} |"
        )
    grid.finish(args.out)


if __name__ == "__main__":
    main()
