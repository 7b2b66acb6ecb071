"""A saved plan given to ``regenerate`` must be the plan its request gives.

The model validation of a :class:`~mealplan._models.MealPlan` checks each
field and the plan's shape (days, meals, finite portions). What it cannot
check without the food table is that the kept days are what the planner
wrote: a kept item's grams made ten times its portions, a portion of 1.3
half servings, a meat item in a vegetarian plan, totals or targets edited by
hand. ``regenerate`` kept such days silently (or rounded them), and the new
plan's averages were computed from the edited grams. :func:`check_saved_plan`
recomputes every item, every day's totals and the targets from the table
and the plan's own request, and names the first difference.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from mealplan._errors import RequestError, UnknownFoodError

if TYPE_CHECKING:
    from mealplan._catalog import FoodTable
    from mealplan._models import MealPlan, NutrientTargets, PlanItem
    from mealplan._problem import Problem
    from mealplan._results import ItemColumns

__all__ = ["AGAIN_HINT", "check_saved_plan"]

AGAIN_HINT = "plan again with 'mealplan plan' (or plan())"
"""How a caller makes a new plan, in the CLI's and Python's words (the HTTP
service says its own route instead: :mod:`mealplan._pool`)."""
_AGAIN = f"the plan was edited; {AGAIN_HINT}"
_NO_DRI: dict[str, object] = dict.fromkeys(
    ("dri_minimum", "dri_minimum_kind", "dri_maximum")
)
_COMPARED = (
    "name",
    "ndb_no",
    "portions",
    "portion_description",
    "grams",
    "cost",
    "energy_kcal",
    "kind",
)


def _fail(message: str, loc: str) -> RequestError:
    sentence = message[0].upper() + message[1:]
    return RequestError(f"{sentence}; {_AGAIN}.", [{"loc": loc, "msg": message}])


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _ruled_out_by(item: PlanItem, previous: MealPlan, table: FoodTable) -> str:
    req = previous.request
    fid = item.food_id
    if fid not in table.allowed(diet=req.diet):
        return f"its {req.diet.value} diet"
    if fid not in table.allowed(allergies=req.allergies):
        return "its allergies"
    if fid not in table.allowed(exclude=[*req.exclude, *req.dislikes]):
        return "its exclude or dislikes"
    if not req.allow_fortified and fid not in table.allowed(allow_fortified=False):
        return "its 'no fortified foods'"
    return "its life stage, free_from, budget or another rule"


def _check_item(
    item: PlanItem,
    previous: MealPlan,
    columns: ItemColumns,
    problem: Problem,
) -> None:
    from mealplan._results import plan_item

    table = columns.table
    where = f"item {item.food_id!r} of day {item.day}"
    if item.food_id not in table:
        msg = (
            f"Food {item.food_id!r} of the previous plan is not in the food "
            "table; regenerate with the table the plan was made with."
        )
        raise UnknownFoodError(msg, item.food_id)
    try:
        f = problem.food_ids.index(item.food_id)
    except ValueError:
        reason = _ruled_out_by(item, previous, table)
        msg = f"{where} is a food the plan's own request rules out ({reason})"
        raise _fail(msg, "plan.days") from None
    units = item.portions * problem.units_per_portion
    if previous.request.portion_mode.value != "continuous" and not math.isclose(
        units, round(units), abs_tol=1e-6
    ):
        step = 1 / problem.units_per_portion
        msg = (
            f"{where} has {item.portions} portions, not a multiple of {step:g} portion"
        )
        raise _fail(msg, "plan.days")
    # The meal index plan_item reads back as the item's meal name (None: no meals).
    meals = [
        m.name if m.slot is not None or m.kind == "supplements" else None
        for m in problem.meals
    ]
    m = meals.index(item.meal) if item.meal in meals else 0
    expected = plan_item(columns, problem, item.day - 1, m, f, units)
    for field in _COMPARED:
        saved, fresh = getattr(item, field), getattr(expected, field)
        same = (
            math.isclose(saved, fresh, rel_tol=1e-6, abs_tol=1e-4)
            if isinstance(saved, float) and isinstance(fresh, float)
            else saved == fresh
        )
        if not same:
            msg = f"{where} has {field} {_shown(saved)} where its food and portions give {_shown(fresh)}"
            raise _fail(msg, "plan.days")


def _check_salt(
    day: int,
    items: list[PlanItem],
    previous: MealPlan,
    table: FoodTable,
    targets: NutrientTargets,
) -> None:
    """Check a day's added salt is what its foods need (mealplan._salt)."""
    from mealplan._salt import with_salt

    def salt(of: list[PlanItem]) -> list[PlanItem]:
        return [i for i in of if i.kind == "salt"]

    foods = [i for i in items if i.kind != "salt"]
    if not salt(items):
        # A day without added salt: a plan saved before the planner added
        # any (its request reads added_salt as the default), or one whose
        # salt was taken out, which only lowers its sodium. The days that
        # are planned again get theirs.
        return
    if salt(items) != salt(with_salt(foods, table, previous.request, targets)):
        msg = (
            f"day {day}'s added salt differs from what its foods need for the sodium AI"
        )
        raise _fail(msg, "plan.days")


def check_saved_plan(
    previous: MealPlan, table: FoodTable, problem: Problem, targets: NutrientTargets
) -> None:
    """Check that ``previous`` is what the planner wrote for its request.

    Args:
        previous: The saved plan (already a validated model).
        table: The food table, supplements joined as the plan had them.
        problem: The plan's request built on ``table`` (candidates, portions).
        targets: The targets the request gives (``resolve_targets``).

    Raises:
        UnknownFoodError: An item's food is not in the table.
        RequestError: An item, a day's totals or the targets differ from what
            the table and the request give; the message names the first.

    """
    from mealplan._dri_reference import dri_references
    from mealplan._models import NutrientStatus
    from mealplan._results import ItemColumns, day_plan

    if previous.targets != targets:
        saved = {b.nutrient: b for b in previous.targets.bounds}
        fresh = {b.nutrient: b for b in targets.bounds}
        changed = sorted(set(saved) ^ set(fresh)) or sorted(
            n for n in saved if saved[n] != fresh[n]
        )
        what = f"the bound on {changed[0]!r}" if changed else "macro_shares or notes"
        msg = f"the saved plan's targets differ from those its request gives ({what})"
        raise _fail(msg, "plan.targets")
    columns = ItemColumns(table)
    for day in previous.days:
        for item in day.items:
            if item.kind != "salt":  # no candidate: checked as the day's salt
                _check_item(item, previous, columns, problem)
        _check_salt(day.day, day.items, previous, table, targets)
    absorbable = previous.request.absorbable_calcium
    room = previous.request.room_for_unmeasured
    references = dri_references(previous.request.person)
    for day in previous.days:
        fresh_day = day_plan(
            day.day,
            list(day.items),
            table,
            targets,
            absorbable=absorbable,
            room=room,
            references=references,
        )
        if fresh_day.cost != day.cost:
            msg = f"day {day.day} has cost {_shown(day.cost)} where its items give {_shown(fresh_day.cost)}"
            raise _fail(msg, "plan.days")
        fresh_totals = fresh_day.totals
        if all(t.unmeasured_allowance is None for t in day.totals):
            # A plan saved before totals reported the room kept for
            # unmeasured foods (session 34) has none to compare: the rest is.
            fresh_totals = [
                t.model_copy(update={"unmeasured_allowance": None})
                for t in fresh_totals
            ]
        if all(t.dri_minimum is None and t.dri_maximum is None for t in day.totals):
            # Nor a plan saved before totals carried the person's DRIs
            # (session 40): those fields keep their defaults.
            fresh_totals = [
                t.model_copy(update=_NO_DRI | {"dri_status": NutrientStatus.NO_BOUND})
                for t in fresh_totals
            ]
        if fresh_totals != day.totals:
            pairs = zip(day.totals, fresh_totals, strict=False)
            first = next(
                (a for a, b in pairs if a != b), day.totals[0] if day.totals else None
            )
            what = (
                f"the total of {first.nutrient!r}"
                if first is not None
                else "its totals"
            )
            msg = f"day {day.day}'s totals do not match its items ({what})"
            raise _fail(msg, "plan.days")
