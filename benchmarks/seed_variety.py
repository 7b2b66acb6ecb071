#!/usr/bin/env python
"""The structure's seeded preference: its cost in CPU against the variety it buys.

Plans the realism personas' one-day requests (``benchmarks/realism.py``, the
week left out) through ``mealplan.plan``, per panel mode, in variants of the
seeded preference, all in one process and one run:

* ``today``: the product's: a charge of ``SEED_WEIGHT`` (0.3) x a uniform
  draw per serving of each base food (random food prices);
* ``favour`` / ``favour-A-O`` / ``favour-A-O-T`` (a candidate, not in the
  product): the seed draws the person's favoured base foods (one the article
  names with probability A = 0.7, any other with O = 0.5); a favoured food
  costs nothing per serving, any other the article bonus (0.1), the two
  price levels of the unseeded model, plus T (1e-4) x the draw per serving
  as the tie-break;
* ``menu-K-W`` (a candidate, not in the product): a per-person menu: the
  seed keeps each base food with probability K (0.5), a serving off it costs
  W (0.3);
* ``today-X``: today's preference, proven only within X of the bound (the
  product's ``abs_tolerance`` under a seed is 0.3);
* ``levels-N``: today's charge with the draw rounded down to N price levels
  (0, ..., 0.3 per serving);
* ``item-W``: W (0.3) x the draw per item chosen (the food-used binary),
  not per serving;
* ``none``: the article's foods favoured, the rest not, as without a seed
  (the seed only orders exact ties).

It prints, per request, CPU seconds (``time.process_time``: HiGHS runs in
this process), wall seconds, status, objective and the absolute gap (proven
when within the 0.3 tolerance); per variant and mode, the median CPU ratio to
``limits``/``today`` over the same requests, how many days were not proven;
and the variety: the share of plans holding the most shared base food
(cooking fats, part of an item, apart, as in realism.py). Read ratios, not
seconds, and the load beside them.

    python benchmarks/seed_variety.py
    python benchmarks/seed_variety.py --variants today,favour,menu --modes limits,full
    python benchmarks/seed_variety.py --out benchmarks/seed_variety_latest.md
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402
import solver_knobs  # noqa: E402

import mealplan  # noqa: E402
from mealplan import _formulation, _structure_blocks  # noqa: E402
from mealplan._models import Objective  # noqa: E402

sys.path.insert(0, str(REPO / "benchmarks"))
from day_grid import PANEL_REQUESTS, run_grid  # noqa: E402
from realism import PERSONAS  # noqa: E402

if TYPE_CHECKING:
    from mealplan._arrays import ModelBuilder

TOLERANCE = 0.3
"""The product's absolute tolerance under a seed (``abs_tolerance``)."""


def _menu_taste(b: ModelBuilder) -> None:
    """A per-person menu: off it, a serving costs ``MENU[1]`` (measured, not kept).

    The seed keeps each base food with probability ``MENU[0]``.
    """
    p = b.problem
    s = p.structure
    if s is None or b.goal is not None or not len(b.keys):
        return
    f = b.keys[:, 2]
    if s.like is not None and s.like.any():
        hit = s.like[f] > 0
        if b.need_y:
            b.add_cost(b.y[hit], -_structure_blocks.LIKE_BONUS)
        else:
            b.add_cost(b.v[hit], -_structure_blocks.LIKE_BONUS / p.units_per_portion)
    if s.jitter is not None:
        weight = MENU[1] * (1e-3 if p.objective is Objective.COST else 1.0)
        off_menu = s.jitter[f] >= MENU[0]
        b.add_cost(b.v[off_menu], weight / p.units_per_portion)
        b.add_cost(b.v, 1e-4 * s.jitter[f] / p.units_per_portion)


def _favour_taste(b: ModelBuilder) -> None:
    """Two price levels as without a seed; the favoured set drawn per person.

    A base food is favoured with probability ``FAVOUR[0]`` if the article
    names it, ``FAVOUR[1]`` if not; a favoured food costs nothing per
    serving, any other the article bonus (the objective's own two levels),
    plus ``FAVOUR[2]`` x the seed's draw per serving as the tie-break.
    """
    p = b.problem
    s = p.structure
    if s is None or b.goal is not None or not len(b.keys):
        return
    f = b.keys[:, 2]
    if s.like is not None and s.like.any():
        hit = s.like[f] > 0
        if b.need_y:
            b.add_cost(b.y[hit], -_structure_blocks.LIKE_BONUS)
        else:
            b.add_cost(b.v[hit], -_structure_blocks.LIKE_BONUS / p.units_per_portion)
    if s.jitter is not None:
        scale = 1e-3 if p.objective is Objective.COST else 1.0
        level = _formulation.ARTICLE_BONUS * scale
        article = p.article[f]
        draw = s.jitter[f]
        favoured = np.where(article, draw < FAVOUR[0], draw < FAVOUR[1])
        # The objective charges the article bonus to foods the article does
        # not name: move it from the person's favoured foods to the rest.
        b.add_cost(b.v[article & ~favoured], level / p.units_per_portion)
        b.add_cost(b.v[~article & favoured], -level / p.units_per_portion)
        b.add_cost(b.v, FAVOUR[2] * scale * draw / p.units_per_portion)


def _levels_taste(b: ModelBuilder) -> None:
    """Today's charge with the draw rounded down to ``LEVELS[0]`` price levels."""
    p = b.problem
    s = p.structure
    if s is None or b.goal is not None or not len(b.keys):
        return
    f = b.keys[:, 2]
    if s.like is not None and s.like.any():
        hit = s.like[f] > 0
        if b.need_y:
            b.add_cost(b.y[hit], -_structure_blocks.LIKE_BONUS)
        else:
            b.add_cost(b.v[hit], -_structure_blocks.LIKE_BONUS / p.units_per_portion)
    if s.jitter is not None:
        scale = 1e-3 if p.objective is Objective.COST else 1.0
        n = int(LEVELS[0])
        level = np.floor(s.jitter[f] * n) / max(n - 1, 1)
        b.add_cost(b.v, 0.3 * scale * level / p.units_per_portion)
        b.add_cost(b.v, 1e-4 * scale * s.jitter[f] / p.units_per_portion)


LEVELS = [3.0]


def _item_taste(b: ModelBuilder) -> None:
    """Today's draw as a charge of ``ITEM[0]`` x draw per item chosen (on ``y``)."""
    p = b.problem
    s = p.structure
    if s is None or b.goal is not None or not len(b.keys):
        return
    f = b.keys[:, 2]
    if s.like is not None and s.like.any():
        hit = s.like[f] > 0
        if b.need_y:
            b.add_cost(b.y[hit], -_structure_blocks.LIKE_BONUS)
        else:
            b.add_cost(b.v[hit], -_structure_blocks.LIKE_BONUS / p.units_per_portion)
    if s.jitter is not None:
        scale = 1e-3 if p.objective is Objective.COST else 1.0
        if b.need_y:
            has = b.y >= 0
            b.add_cost(b.y[has], ITEM[0] * scale * s.jitter[f][has])
        b.add_cost(b.v, 1e-4 * scale * s.jitter[f] / p.units_per_portion)


ITEM = [0.3]
MENU = [0.5, 0.3]
FAVOUR = [0.7, 0.5, 1e-4]
TASTES = (
    "taste",
    "_menu_taste",
    "_favour_taste",
    "_levels_taste",
    "_item_taste",
)


def _use(variant: str) -> None:
    """Put ``variant``'s taste block and parameters in place."""
    blocks = _formulation.BLOCKS
    i = next(k for k, blk in enumerate(blocks) if blk.__name__ in TASTES)
    numbers = [float(x) for x in variant.split("-")[1:]]
    blocks[i] = _structure_blocks.taste
    solver_knobs.set_everywhere("SEED_WEIGHT", TOLERANCE)
    if variant.startswith("today-"):
        # Today's preference, proven only within this much of the bound.
        solver_knobs.set_everywhere("SEED_WEIGHT", numbers[0])
    elif variant.startswith("item"):
        blocks[i] = _item_taste
        ITEM[:] = numbers or [0.3]
    elif variant.startswith("levels"):
        blocks[i] = _levels_taste
        LEVELS[:] = numbers or [3.0]
    elif variant.startswith("menu"):
        blocks[i] = _menu_taste
        MENU[:] = (numbers + [0.5, 0.3][len(numbers) :])[:2]
    elif variant.startswith("favour"):
        blocks[i] = _favour_taste
        FAVOUR[:] = (numbers + [0.7, 0.5, 1e-4][len(numbers) :])[:3]
    elif variant == "none":
        blocks[i] = _favour_taste
        FAVOUR[:] = [1.0, 0.0, 1e-4]  # the article's foods, as without a seed


def _bases(plan: mealplan.MealPlan, foods: mealplan.FoodTable) -> set[str]:
    return {
        foods.food(i.food_id).base or i.food_id for i in plan.items if not i.part_of
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", default="today,favour,favour-0.6-0.4")
    parser.add_argument("--modes", default="limits,full")
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--only", help="comma-separated persona names")
    parser.add_argument(
        "--people",
        choices=("realism", "panel"),
        default="realism",
        help="the realism personas, or panel_why.py's eight requests",
    )
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    foods = mealplan.load_foods()
    mealplan.plan({"person": {"age": 35, "sex": "female"}}, foods)  # warm up
    people = PERSONAS if args.people == "realism" else PANEL_REQUESTS
    personas = [
        (name, req)
        for name, req in people
        if req.get("days", 1) == 1 and (not args.only or name in args.only.split(","))
    ]
    unproven: Counter[tuple[str, str]] = Counter()
    shared: dict[tuple[str, str], Counter[str]] = {}
    count: Counter[tuple[str, str]] = Counter()

    def run(
        _: None, body: dict[str, Any], variant: str
    ) -> mealplan.MealPlan | mealplan.MealPlanError:
        _use(variant)
        try:
            return mealplan.plan(body, foods)
        except mealplan.MealPlanError as exc:
            return exc

    def describe(
        name: str,
        body: dict[str, Any],
        mode: str,
        variant: str,
        plan: mealplan.MealPlan | mealplan.MealPlanError,
    ) -> list[str]:
        key = (mode, variant)
        if isinstance(plan, mealplan.MealPlanError):
            unproven[key] += 1
            return [type(plan).__name__, "-", "-", "-"]
        obj = plan.objective_value
        gap = None if plan.gap is None or obj is None else plan.gap * abs(obj)
        # The cost objective has no seed tolerance (0.02).
        tol = 0.02 if body.get("objective") == "cost" else TOLERANCE
        tol = max(tol, solver_knobs.get("SEED_WEIGHT") if tol > 0.02 else tol)
        proven = gap is not None and gap <= tol + 1e-6
        if not proven:
            unproven[key] += 1
        shared.setdefault(key, Counter()).update(_bases(plan, foods))
        count[key] += 1
        return [
            plan.status.value,
            "-" if obj is None else f"{obj:.3f}",
            "-" if gap is None else f"{gap:.3f}",
            "yes" if proven else "no",
        ]

    grid = run_grid(
        personas,
        args.modes.split(","),
        args.variants.split(","),
        time_limit=args.time_limit,
        columns="status | objective | abs gap | proven",
        who="persona",
        prepare=lambda body: None,
        run=run,
        describe=describe,
    )
    _use("today")
    lines = grid.lines
    ref = ("limits", "today")
    lines.append(
        "| panel | variant | median CPU s | median CPU ratio to limits/today "
        "| ratio of summed CPU | not proven (or no plan) | most shared base food |"
    )
    lines.append("|---|---|---|---|---|---|---|")
    for (mode, variant), values in grid.cpu.items():
        ratio = grid.median_ratio((mode, variant), ref)
        base = grid.cpu.get(ref)
        total = "-" if ratio == "-" or not base else f"{sum(values) / sum(base):.2f}"
        top = shared.get((mode, variant), Counter()).most_common(2)
        n = count[(mode, variant)]
        words = ", ".join(f"{b} {c}/{n} ({100 * c / n:.0f} %)" for b, c in top)
        lines.append(
            f"| {mode} | {variant} | {statistics.median(values):.2f} | {ratio} "
            f"| {total} | {unproven[(mode, variant)]}/{len(values)} | {words} |"
        )
    grid.finish(args.out)


if __name__ == "__main__":
    main()
