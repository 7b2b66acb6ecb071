"""Re-plan one day or one meal of a plan, keeping the rest byte for byte.

Split from :mod:`mealplan._planner` (which builds and solves whole plans):
the regenerated part is planned with every other item fixed, under the
targets and the variety limits the plan was made under
(:func:`mealplan._sources.kept_variety`), and must differ from what it
replaces.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mealplan._ai_floors import (
    auto_minimums,
    default_floors,
    floors_out_of_reach,
    without_floors,
)
from mealplan._arguments import day_number, food_ids, food_table, saved_plan
from mealplan._catalog_load import bundled_for
from mealplan._checked_floors import (
    checked_floors,
    floor_subsets,
    regenerated_short_notes,
    with_floors,
)
from mealplan._deadline import Deadline
from mealplan._diagnose import raise_infeasible
from mealplan._errors import RequestError
from mealplan._models import MealPlan, PortionMode
from mealplan._nutrients import Nutrient
from mealplan._optimiser import SolveStatus
from mealplan._plan_search import reach_builder, solve_plan
from mealplan._planner import _meets, resolve_targets
from mealplan._problem import Restrictions, build_problem
from mealplan._results import assemble
from mealplan._saved_plan import check_saved_plan
from mealplan._sources import kept_variety, widened_week_note, yielded_for_time
from mealplan._supplements import with_supplements

if TYPE_CHECKING:
    from collections.abc import Collection

    from mealplan._catalog import FoodTable
    from mealplan._models import NutrientBound, NutrientTargets, PlanRequest

__all__ = ["regenerate"]


def regenerate(
    previous: MealPlan,
    *,
    day: int,
    meal: str | None = None,
    reject: Collection[str] = (),
    foods: FoodTable | None = None,
) -> MealPlan:
    """Re-plan one day, or one meal of one day, keeping the rest unchanged.

    The new day or meal differs from the old one (at least one of its foods
    is swapped), ``reject`` foods are banned from it, and the whole plan still
    meets every constraint of the original request.

    Args:
        previous: The plan to change.
        day: The day to re-plan, from 1.
        meal: The meal of that day to re-plan; None re-plans the whole day.
        reject: Food ids the user does not want in the re-planned part.
        foods: The food table the plan was made with (bundled when None).

    Raises:
        RequestError: ``day`` or ``meal`` is not in the plan, or an argument
            has the wrong type.
        FoodTableError: ``foods`` is not a FoodTable.
        InfeasiblePlanError: No different day/meal fits with the rest fixed.

    """
    previous = saved_plan(previous)
    reject = food_ids(reject)
    req = previous.request
    table = food_table(foods, "regenerate")
    table = table if table is not None else bundled_for(req.solver)
    table = with_supplements(table, req)
    day = day_number(day, req.days)
    meal_names = [m.name for m in req.meals or []]
    if meal is not None and meal not in meal_names:
        names = ", ".join(meal_names) or "none (the plan has no meals)"
        msg = f"meal {meal!r} is not in the plan; use one of its meals: {names}."
        raise RequestError(msg, [{"loc": "meal", "msg": msg}])
    for fid in reject:
        if fid not in table:
            table.food(fid)  # raises UnknownFoodError with a suggestion
    targets = previous.targets
    d0 = day - 1
    deadline = Deadline(req.time_limit)
    base = build_problem(req, targets, table)
    # A tampered plan is an error that says what is wrong, never a silent keep.
    fresh = resolve_targets(req, table)
    floor_notes: list[str] = []
    checks = checked_floors(req, fresh, table)
    # The default's checked floors (vitamin K's and choline's AIs) join a
    # plan's targets where it meets them (mealplan._checked_floors): the same
    # targets with any of them.
    fresh = _with_checks_held(previous.targets, fresh, checks)
    if previous.targets != fresh:
        # A plan whose AI floors were out of reach was planned without them
        # (mealplan._ai_floors): the same check gives the same targets.
        reached = floors_out_of_reach(
            fresh, reach_builder(req, table), solver=req.solver, deadline=deadline
        )
        if reached is not None:
            fresh, floor_notes = reached
            fresh = _with_checks_held(previous.targets, fresh, checks)
    lifted: set[str] = set()
    if previous.targets != fresh:
        found = _lifted_targets(previous.targets, fresh, req, checks)
        if found is not None:
            fresh, lifted = found
    check_saved_plan(previous, table, base, fresh)
    if lifted:
        # The plan's own notes on the lift (which floors, why) hold for the
        # regenerated plan too, which is made under the same targets.
        labels = [Nutrient(n).label for n in lifted]
        floor_notes += [
            n
            for n in previous.notes
            if " not planned: " in n and any(x in n for x in labels)
        ]
        floor_notes.append(_still_lifted_note(lifted))
    # Those floors are checked, not planned, here too: a regenerated meal
    # with them as hard floors left a vegetarian week's lunch without a plan
    # in 20 s (session 18), where without them it plans at once.
    checked = [b for b in checks if targets.get(b.nutrient) == b]
    solved = without_floors(targets, {b.nutrient for b in checked})
    meal_idx = (
        {m.name: k for k, m in enumerate(base.meals)} if req.meals is not None else {}
    )
    m0 = meal_idx[meal] if meal is not None else None
    rejects = [(d0, m0, fid) for fid in reject]
    integer = req.portion_mode is not PortionMode.CONTINUOUS
    per_portion = {PortionMode.HALF: 2.0, PortionMode.QUARTER: 4.0}.get(
        req.portion_mode, 1.0
    )
    fixed = []
    for item in previous.items:
        if item.kind == "salt":
            continue  # no column of the model: the day is salted afresh
        units = item.portions * per_portion
        fixed.append(
            (
                item.day - 1,
                item.meal,
                item.food_id,
                float(round(units)) if integer else units,
            )
        )
    old = tuple(
        sorted(
            {
                i.food_id
                for i in previous.items
                if i.day == day and (meal is None or i.meal == meal)
            }
        )
    )
    # The variety limits the plan was made under (its sole sources, and a
    # base no day does without): the default would rule out the days kept.
    wider, variety_notes = kept_variety(previous, solved, table)
    restrictions = Restrictions(
        fixed=tuple(fixed),
        free=(d0, meal),
        must_differ=(((d0, meal), old),) if old else (),
        wider_days=tuple(sorted(wider.items())),
    )
    problem = build_problem(
        req, solved, table, reject=rejects, restrictions=restrictions
    )
    solution = solve_plan(problem, req, deadline)
    if solution.status is SolveStatus.INFEASIBLE:
        raise_infeasible(
            req,
            solved,
            table,
            deadline,
            restrictions=restrictions,
            reject=rejects,
        )
    keep_days = {d.day: d for d in previous.days if d.day != day}
    keep_items = None
    if meal is not None:
        keep_items = {day: [i for i in previous.days[d0].items if i.meal != meal]}
    what = f"day {day}" + (f" {meal}" if meal else "")
    # A plan the default variety rule yielded for says so again, with the
    # days of the plan as regenerated (its own note, on its own foods).
    note = (
        widened_week_note(req, problem, solution.units, table)
        if yielded_for_time(previous)
        else None
    )
    widened = [note] if note else []
    extra = [
        *floor_notes,
        f"Regenerated {what}"
        + (f", without {', '.join(sorted(reject))}." if reject else "."),
        *variety_notes,
        *widened,
    ]
    result = assemble(
        req,
        targets,
        table,
        problem,
        solution,
        keep_days=keep_days,
        keep_items=keep_items,
        extra_notes=extra,
    )
    if not checked or _meets(result, checked):
        return result
    # Every checked floor is lifted (the targets a saved plan is recognised
    # by), but the note names only those the regenerated day falls short of.
    missed = {b.nutrient for b in checked if not _meets(result, [b])}
    short = regenerated_short_notes(targets, missed)
    return assemble(
        req,
        solved,
        table,
        problem,
        solution,
        keep_days=keep_days,
        keep_items=keep_items,
        extra_notes=[*extra, *short],
    )


# ------------------------------------------------------------------------ diagnosis


def _lifted_targets(
    saved: NutrientTargets,
    fresh: NutrientTargets,
    req: PlanRequest,
    checks: list[NutrientBound],
) -> tuple[NutrientTargets, set[str]] | None:
    """Return the saved targets and the floors lifted, if the plan's own lift explains them.

    A plan whose search ran out of time with the default's RDAs and AIs (or
    was proven unable to meet them within its budget) is made without some
    of them (:func:`~mealplan._planner._search_or_lift_rdas`) and says so in
    its notes. Such a plan holds its request's targets with exactly those
    minimums lifted, every maximum kept; regenerating it failed as "edited"
    (session 19: a day lifted under load could not have a meal swapped).
    None: the difference is not such a lift.
    """
    own = {b.nutrient: b for b in saved.bounds}
    # The default's own floors too (a mother's choline AI): a pregnant day
    # under load lifted choline and five RDAs/AIs, and its meal could not be
    # regenerated ("edited") because choline was not counted here.
    liftable = auto_minimums(req, fresh) | default_floors(req, fresh)
    names = {n for n in liftable if n not in own or own[n].minimum is None}
    if not names:
        return None
    targets = _holding_checks(saved, without_floors(fresh, names), checks)
    return None if targets is None else (targets, names)


def _holding_checks(
    saved: NutrientTargets, base: NutrientTargets, checks: list[NutrientBound]
) -> NutrientTargets | None:
    """Return ``base`` with the checked floors ``saved`` holds, if that is ``saved``."""
    for held in floor_subsets(checks):
        if (targets := with_floors(base, held)) == saved:
            return targets
    return None


def _with_checks_held(
    saved: NutrientTargets, fresh: NutrientTargets, checks: list[NutrientBound]
) -> NutrientTargets:
    """Return ``fresh`` with the checked floors ``saved`` holds, or ``fresh`` as it is."""
    held = _holding_checks(saved, fresh, checks)
    return fresh if held is None else held


def _still_lifted_note(names: set[str]) -> str:
    """Say that the regenerated part is planned without the floors the plan lifted."""
    labels = ", ".join(sorted(Nutrient(n).label for n in names))
    return (
        f"The minimums this plan was made without ({labels}) stay lifted in the "
        "regenerated part, as in the rest of the plan (the note above says why); "
        "plan again to plan them."
    )
