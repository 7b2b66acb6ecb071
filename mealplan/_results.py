"""A plan's results: its items, totals and notes, recomputed from the food table.

:func:`assemble` turns a solution into a :class:`~mealplan.MealPlan`: each
item's grams and nutrients come from the table, never read back from the
solver, every day's totals are judged against the targets (a total that
misses a food's value is a lower bound, and says so), and the notes say what
the plan was made under. Used by :func:`mealplan._planner.plan`, by
``regenerate()`` and by the saved-plan check (:mod:`mealplan._saved_plan`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from mealplan._absorption import milk_equivalents
from mealplan._catalog import FoodTable
from mealplan._child_milks import plant_milk_note
from mealplan._dri_reference import dri_references
from mealplan._exclusions import kept_by_exception
from mealplan._fat_attach import attach_fats
from mealplan._fish_day_caps import fish_day_notes
from mealplan._life_stage_advice import (
    disclaimer_for,
    fortified_b12_note,
    supplement_room_note,
)
from mealplan._life_stage_cap_rows import life_stage_cap_notes
from mealplan._meal_titles import meal_titles
from mealplan._models import (
    DayPlan,
    MealPlan,
    NutrientBound,
    NutrientPeriod,
    NutrientStatus,
    NutrientTargets,
    NutrientTotal,
    PlanItem,
    PlanRequest,
    PlanStatus,
    PortionMode,
)
from mealplan._nutrients import Nutrient
from mealplan._optimiser import DISH_BOX_SECONDS, Solution, SolveStatus
from mealplan._problem import Problem
from mealplan._salt import Salter, salt_note, unsalted_note
from mealplan._soft_minimums import soft_note
from mealplan._supplements import SUPPLEMENT_CATEGORY
from mealplan._ul_standins import allowance_per_100g
from mealplan._vitamin_k_note import vitamin_k_note
from mealplan._week_caps import week_cap_notes

if TYPE_CHECKING:
    pass

__all__ = ["TODDLER_SERVING_NOTE", "ItemColumns", "assemble", "day_plan", "plan_item"]

_TOL = 1e-6
_GRAMS_DECIMALS = 4
"""An item's grams are rounded to this many decimals (:func:`plan_item`)."""
_MODE_WORDS = {"half": "half", "whole": "whole", "quarter": "quarter"}

TODDLER_SERVING_NOTE = (
    "For a child under 4, cut food into small pieces (about ½ inch) and cook "
    "vegetables until soft: chunks of meat, cheese or fruit are choking "
    "hazards at this age, as are the whole nuts, nut butters, grapes, "
    "popcorn, hard raw vegetables and hot dogs the plan leaves out (American "
    "Academy of Pediatrics, Choking Prevention, healthychildren.org)."
)
"""The note of every plan for ages 1-3: how to serve what it plans."""


def _food_values(table: FoodTable, rows: list[int], col: str) -> np.ndarray:
    if not table.has_column(col):
        return np.full(len(rows), np.nan)
    values: np.ndarray = table.numbers(col)[rows]
    return values


def _allowance(
    table: FoodTable, rows: list[int], col: str, grams: np.ndarray, scale: float
) -> float | None:
    """Return what the unmeasured foods add at their stand-ins (None: none has one)."""
    per_100g = allowance_per_100g(table, rows, col)
    if per_100g is None:
        return None
    added = float(np.sum(per_100g * grams) / 100.0) * scale
    return round(added, 6)


def _rows(table: FoodTable) -> dict[str, int]:
    """Return food id -> row of the table's array accessors."""
    return {fid: i for i, fid in enumerate(table.ids)}


def _totals(
    table: FoodTable,
    targets: NutrientTargets,
    grams: Mapping[str, float],
    *,
    scale: float = 1.0,
    names: Mapping[str, str] | None = None,
    absorbable: bool = False,
    room: bool = False,
    references: Mapping[str, NutrientBound] | None = None,
) -> list[NutrientTotal]:
    """Nutrient totals of ``grams`` (food id -> g), recomputed from the table.

    ``references``: the person's DRIs (:func:`~mealplan._dri_reference.dri_references`),
    judged beside the targets whether the plan was held to them or not.

    With ``absorbable`` the calcium minimum is judged on milk-equivalent
    calcium (see :func:`~mealplan._absorption.milk_equivalents`), as planned;
    the amount shown stays the total. With ``room`` a limit's total says
    what its unmeasured foods add at their stand-ins (``unmeasured_allowance``,
    :mod:`mealplan._ul_standins`), as planned.
    """
    ids = list(grams)
    g = np.array([grams[i] for i in ids], dtype=float)
    where = _rows(table)
    rows = [where[i] for i in ids]
    cols = list(table.nutrients)
    for b in targets.bounds:
        if b.nutrient not in cols:
            cols.append(b.nutrient)
    out = []
    frame_names = names or {}
    for col in cols:
        values = _food_values(table, rows, col)
        missing = np.isnan(values) & (g > 0)
        amount = float(np.nansum(values * g) / 100.0) * scale
        bound = targets.get(col)
        lo = bound.minimum if bound else None
        hi = bound.maximum if bound else None
        judged = amount
        # Totals read the items' rounded grams, so a bound the solver met
        # exactly can read a hair short or over from them (a random table's
        # 2 mg of calcium came to 1.9999875): a last decimal of every food's
        # grams (two items' rounding) counts as met.
        rounding = (
            float(np.nansum(np.abs(values[g > 0])))
            * 10.0**-_GRAMS_DECIMALS
            / 100.0
            * scale
        )
        if absorbable and col == Nutrient.CALCIUM.value:
            weights = milk_equivalents(table, ids)
            judged = float(np.nansum(values * g * weights) / 100.0) * scale
        status = _standing(bound is not None, lo, hi, judged, amount, rounding)
        ref = (references or {}).get(col)
        out.append(
            NutrientTotal(
                nutrient=col,
                unit=table.nutrients.get(col, col.rsplit("_", 1)[-1]),
                amount=round(amount, 6),
                minimum=lo,
                maximum=hi,
                status=status,
                percent_of_minimum=round(100 * judged / lo, 1) if lo else None,
                lower_bound=bool(missing.any()),
                foods_missing_data=sorted(
                    frame_names.get(i, i)
                    for i, m in zip(ids, missing, strict=True)
                    if m
                ),
                unmeasured_allowance=_allowance(table, rows, col, g, scale)
                if room and hi is not None and missing.any()
                else None,
                # Within the solver's tolerance a bound counts as met, and
                # then nothing is reported missing or in excess.
                shortfall=round(lo - judged, 6)
                if lo and status is NutrientStatus.SHORT
                else 0.0,
                excess=round(amount - hi, 6)
                if hi is not None and status is NutrientStatus.OVER
                else 0.0,
                **_dri_fields(ref, judged, amount, rounding),
            )
        )
    return out


def _dri_fields(
    ref: NutrientBound | None, judged: float, amount: float, rounding: float
) -> dict[str, Any]:
    """Return a total's DRI fields: the reference and where the total stands."""
    if ref is None:
        return {}  # the model's defaults: none, no bound
    kind = ref.minimum_kind if ref.minimum is not None else None
    return {
        "dri_minimum": ref.minimum,
        "dri_minimum_kind": None if kind is None else kind.value,
        "dri_maximum": ref.maximum,
        "dri_status": _standing(
            True, ref.minimum, ref.maximum, judged, amount, rounding
        ),
    }


def _standing(
    bounded: bool,
    lo: float | None,
    hi: float | None,
    judged: float,
    amount: float,
    rounding: float,
) -> NutrientStatus:
    """Return where a total stands against ``lo`` and ``hi``, within the tolerance.

    ``judged`` is the amount a minimum is judged on (milk-equivalent calcium
    when absorbable); ``rounding`` what the items' rounded grams may miss by.
    """
    if not bounded:
        return NutrientStatus.NO_BOUND
    if lo is not None and judged < lo * (1 - _TOL) - _TOL - rounding:
        return NutrientStatus.SHORT
    if hi is not None and amount > hi * (1 + _TOL) + _TOL + rounding:
        return NutrientStatus.OVER
    return NutrientStatus.MET


def day_plan(
    day: int,
    items: list[PlanItem],
    table: FoodTable,
    targets: NutrientTargets,
    *,
    absorbable: bool = False,
    room: bool = False,
    references: Mapping[str, NutrientBound] | None = None,
) -> DayPlan:
    grams: dict[str, float] = {}
    for item in items:
        grams[item.food_id] = grams.get(item.food_id, 0.0) + item.grams
    # Added salt has no USDA price (PP-NAP has none); the day's cost is its
    # food's, as the plan's salt note says.
    costs = [i.cost for i in items if i.kind != "salt"]
    cost = (
        None
        if any(c is None for c in costs)
        else round(sum(c or 0.0 for c in costs), 4)
    )
    names = {i.food_id: i.name for i in items}
    return DayPlan(
        day=day,
        items=items,
        totals=_totals(
            table,
            targets,
            grams,
            names=names,
            absorbable=absorbable,
            room=room,
            references=references,
        ),
        cost=cost,
        meals=meal_titles(items, table),
    )


def _number(value: Any) -> float | None:
    """Return a float, or None for a missing (None/NaN) cell."""
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def plan_item(
    columns: ItemColumns, problem: Problem, d: int, m: int, f: int, units: float
) -> PlanItem:
    fid = problem.food_ids[f]
    r = columns.rows[fid]
    grams = round(units * float(problem.unit_grams[f]), _GRAMS_DECIMALS)
    price_f = _number(columns.price[r])
    energy_f = _number(columns.energy[r])
    description, _ = columns.table.default_portion(fid)
    ndb = columns.ndb[r]
    pill = columns.category[r] == SUPPLEMENT_CATEGORY
    meal = problem.meals[m]
    return PlanItem(
        day=d + 1,
        meal=meal.name if meal.slot is not None or meal.kind == "supplements" else None,
        food_id=fid,
        name=columns.name[r],
        ndb_no=ndb or None,
        portions=round(units / problem.units_per_portion, 6),
        portion_description=description,
        grams=grams,
        cost=round(price_f * grams / 100.0, 4) if price_f is not None else None,
        energy_kcal=round(energy_f * grams / 100.0, 4)
        if energy_f is not None
        else None,
        kind="supplement" if pill else "food",
    )


class ItemColumns:
    """The table columns a plan's items read, fetched once per plan."""

    def __init__(self, table: FoodTable) -> None:
        self.table = table
        self.rows = _rows(table)
        self.price = table.numbers("price_per_100g")
        self.energy = table.numbers(Nutrient.ENERGY.value)
        self.name = table.texts("name")
        self.ndb = table.texts("ndb_no")
        self.category = table.texts("category")


def _day_items(
    table: FoodTable | ItemColumns, problem: Problem, solution: Solution, d: int
) -> list[PlanItem]:
    columns = table if isinstance(table, ItemColumns) else ItemColumns(table)
    keys = sorted(
        (k for k in solution.units if k[0] == d),
        key=lambda k: (k[1], problem.food_ids[k[2]]),
    )
    items = [plan_item(columns, problem, *k, solution.units[k]) for k in keys]
    # Without a minimum portion (continuous mode, no food limit) a solver may
    # add a trace of a food to meet a tiny bound; below the reported precision
    # it weighs 0 g, adds nothing to the totals and is no item to serve.
    items = [i for i in items if i.portions > 0 and i.grams > 0]
    # A cooking fat is shown with the item it is cooked with (issue 11).
    structured = problem.structure is not None and problem.structure.parts
    return attach_fats(items, columns.table) if structured else items


def _notes(
    req: PlanRequest,
    targets: NutrientTargets,
    problem: Problem,
    solution: Solution,
    table: FoodTable,
) -> list[str]:
    notes = list(targets.notes)
    if problem.unpriced_left_out:
        notes.append(
            f"{problem.unpriced_left_out} foods without a known price were left out "
            "because the request sets a budget or a cost objective."
        )
    if solution.status is SolveStatus.FEASIBLE:
        gap = (
            f"gap {solution.gap * 100:.2f} %"
            if solution.gap is not None
            else "no bound was proven, so the gap is unknown"
        )
        if solution.boxed:
            box = (
                f"{solution.checked_box_seconds:g} s to plan again with the "
                "default's checked floors the first plan was short of"
                if solution.checked_box_seconds is not None
                else f"{solution.floor_box_seconds:g} s after the first plan that "
                "meets the default's own floors"
                if solution.floor_box_seconds is not None
                else f"{DISH_BOX_SECONDS:g} s after the first plan, on a day with dishes"
                if solution.box_cpu_seconds is None
                else f"{solution.box_cpu_seconds:g} s of CPU after the first plan, "
                + ("on a one-day plan" if req.days == 1 else "on the re-planned day")
            )
            notes.append(
                f"The search for a better plan stopped at its time box ({box}) "
                f"before it proved this plan optimal; it may not be optimal "
                f"({gap})."
                + (
                    ""
                    if solution.checked_box_seconds is not None
                    else " A mip_gap below 1e-4 turns the box off (the search "
                    "then runs on, up to time_limit)."
                )
            )
        elif solution.time_limited:
            notes.append(
                f"The time limit ({req.time_limit:g} s) stopped the solver before it "
                f"proved this plan optimal; it may not be optimal ({gap})."
            )
        elif not solution.within_abs_gap and req.first_plan_only:
            # Asked for: not a solver that gave up early.
            notes.append(
                "This is the first plan found, as mip_gap 1 asks (no search for a "
                f"better one); it may not be optimal ({gap})."
            )
        elif not solution.within_abs_gap:
            notes.append(
                "The solver stopped before it proved this plan optimal; it may not "
                f"be optimal ({gap})."
            )
        else:
            # Stopped by the absolute tolerance, not by time: say so rather
            # than calling a plan optimal whose relative gap is above mip_gap.
            # Said as what it is: a plan close to the best in absolute terms,
            # whose relative gap is large because the objective is small (a
            # 2-year-old's "within 0.3 servings ... (gap 37.19 %)" read as a
            # contradiction in the dietitian's review).
            rel = (
                f" ({solution.gap * 100:.0f} % of this plan's small objective, "
                "above the requested relative gap)"
                if solution.gap is not None
                else ""
            )
            notes.append(
                f"The search stopped with this plan at most {solution.abs_gap:g} "
                f"servings from the best possible one in the objective{rel}: "
                "close enough to stop, though it may not be optimal."
            )
    if req.days > 1:
        if req.nutrient_period is NutrientPeriod.AVERAGE:
            notes.append(
                "Magnesium, calcium, vitamin D and vitamin B12 are met as an average "
                f"over the {req.days} days, with at least {req.daily_floor:.0%} of "
                "the target every day (DRIs are average intakes over time)."
            )
        else:
            notes.append(
                "Magnesium, calcium, vitamin D and vitamin B12 are met every day."
            )
    if req.portion_mode.value != "continuous":
        notes.append(
            f"Amounts are {_MODE_WORDS[req.portion_mode.value]} "
            "household portions from USDA SR28 measures."
        )
    if req.portion_mode is PortionMode.QUARTER:
        notes.append(
            "Quarter portions are the default at ages 1-3 (a toddler's serving "
            "is about a quarter of an adult's, AAP): countable foods over 50 g, "
            "such as a banana, in half pieces, an egg or a slice of bread whole; "
            "set portion_mode to choose."
        )
    if req.person is not None and 1 <= req.person.age < 4:
        # The rules leave out whole nuts, grapes, popcorn, hard raw vegetables
        # and hot dogs, but any food served in chunks can choke a toddler:
        # how it is cut is the cook's part, so the plan says it.
        notes.append(TODDLER_SERVING_NOTE)
    if req.portion_limits:
        notes.extend(
            life_stage_cap_notes(
                req.person,
                table.life_stage_caps,
                table=table,
                candidates=problem.food_ids,
                diet=req.diet,
            )
        )
    notes.extend(fish_day_notes(problem))
    notes.extend(week_cap_notes(problem))
    notes.extend(soft_note(problem.soft_minimums))
    return notes


def _added_b12(table: FoodTable, item: PlanItem, fortified: bool) -> bool:
    """Whether an item's B12 is added (crystalline), as the over-50 advice means.

    A B12 tablet; a food SR28 marks as fortified with B12 (a breakfast
    cereal); or a fortified plant food (soy milk: plants have no B12 of
    their own). Not milk "with vitamin D added", whose B12 is its own.
    """
    if item.kind == "supplement":
        return True
    food = table.food(item.food_id)
    marks = set(food.fortified)
    if marks & {"vitamin_b12_ug", "vitamin_b_12_added"}:
        return True
    return fortified and food.vegan


def _fortified_b12(
    req: PlanRequest, targets: NutrientTargets, table: FoodTable, days: list[DayPlan]
) -> list[str]:
    """Return the over-50 note on the plan's B12 from fortified foods (or a tablet)."""
    person = req.person
    if person is None or person.age <= 50:
        return []
    b12 = Nutrient.VITAMIN_B12.value
    bound = targets.get(b12)
    if bound is None or b12 not in table.nutrients:
        return []
    per_100g = table.numbers(b12)
    fortified = table.fortified_mask()
    rows = _rows(table)
    per_day = []
    for day in days:
        items = []
        for item in day.items:
            k = rows.get(item.food_id)
            if k is None or item.kind == "salt":
                continue
            value = float(per_100g[k])
            amount = 0.0 if math.isnan(value) else value * item.grams / 100.0
            items.append(
                (item.name, amount, _added_b12(table, item, bool(fortified[k])))
            )
        per_day.append(items)
    return fortified_b12_note(person, per_day, bound.minimum)


def assemble(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    problem: Problem,
    solution: Solution,
    *,
    keep_days: Mapping[int, DayPlan] | None = None,
    keep_items: Mapping[int, list[PlanItem]] | None = None,
    extra_notes: Sequence[str] = (),
    unplanned_minimums: Sequence[str] = (),
) -> MealPlan:
    days: list[DayPlan] = []
    columns = ItemColumns(table)
    salter = Salter.of(table, req, targets)
    references = dri_references(req.person)
    for d in range(req.days):
        if keep_days and d + 1 in keep_days:
            days.append(keep_days[d + 1])
            continue
        items = _day_items(columns, problem, solution, d)
        kept_meals: frozenset[str | None] | None = None
        if keep_items and d + 1 in keep_items:
            order = {m.name: k for k, m in enumerate(problem.meals)}
            kept = keep_items[d + 1]
            kept_meals = frozenset(i.meal for i in kept)
            new_meals = {i.meal for i in items} - {i.meal for i in kept}
            # A stable sort by meal keeps each meal's own order (a cooking
            # fat right after its item; otherwise by food id, as planned).
            items = sorted(
                [*kept, *(i for i in items if i.meal in new_meals)],
                key=lambda i: order.get(i.meal or "", 0),
            )
        # Measured salt where the day's foods fall short of the sodium AI
        # (a regenerated meal's other meals keep their salt).
        items = (
            salter.season(items, kept_meals=kept_meals)
            if salter is not None
            else [i for i in items if i.kind != "salt"]
        )
        days.append(
            day_plan(
                d + 1,
                items,
                table,
                targets,
                absorbable=req.absorbable_calcium,
                room=req.room_for_unmeasured,
                references=references,
            )
        )
    grams: dict[str, float] = {}
    names: dict[str, str] = {}
    for day in days:
        for item in day.items:
            grams[item.food_id] = grams.get(item.food_id, 0.0) + item.grams
            names[item.food_id] = item.name
    average = _totals(
        table,
        targets,
        grams,
        scale=1.0 / req.days,
        names=names,
        absorbable=req.absorbable_calcium,
        room=req.room_for_unmeasured,
        references=references,
    )
    costs = [d.cost for d in days]
    cost = (
        None
        if any(c is None for c in costs)
        else round(sum(c or 0.0 for c in costs) / req.days, 4)
    )
    shortfall = any(v > 1e-6 for v in solution.slacks.values())
    status = (
        PlanStatus.SHORTFALL
        if shortfall
        else PlanStatus.OPTIMAL
        if solution.status is SolveStatus.OPTIMAL
        else PlanStatus.FEASIBLE
    )
    notes = [
        *_notes(req, targets, problem, solution, table),
        *extra_notes,
    ]
    notes.extend(supplement_room_note(req.person, [d.totals for d in days]))
    notes.extend(plant_milk_note(req, table, [d.items for d in days]))
    notes.extend(vitamin_k_note(req.person, [d.totals for d in days]))
    notes.extend(_fortified_b12(req, targets, table, days))
    salted = salt_note([i for d in days for i in d.items], req.days)
    if salted is not None:
        notes.append(salted)
    if salter is None:
        sodium = [
            t.amount
            for d in days
            for t in d.totals
            if t.nutrient == Nutrient.SODIUM.value
        ]
        unsalted = unsalted_note(table, req, sodium)
        if unsalted is not None:
            notes.append(unsalted)
    notes.extend(
        kept_by_exception(
            table,
            [*req.exclude, *(f.value for f in req.free_from)],
            [i.food_id for d in days for i in d.items],
        )
    )
    if shortfall:
        short = sorted(
            {
                t.nutrient
                for d in days
                for t in d.totals
                if t.status is not NutrientStatus.MET
                and t.status is not NutrientStatus.NO_BOUND
            }
        )
        notes.append(
            "allow_shortfall: no plan meets every bound; this is the closest one, "
            f"missing: {', '.join(short) or 'none after rounding'}."
        )
    if any(t.lower_bound for t in average if t.minimum is not None):
        notes.append(
            "Some chosen foods have no USDA value for a nutrient; those totals are "
            "lower bounds (see foods_missing_data)."
        )
    return MealPlan(
        request=req,
        targets=targets,
        status=status,
        gap=solution.gap
        if solution.gap is not None
        else (0.0 if status is PlanStatus.OPTIMAL else None),
        solve_seconds=round(
            solution.build_seconds + solution.solve_seconds + solution.extract_seconds,
            4,
        ),
        timings={
            "build": round(solution.build_seconds, 4),
            "solve": round(solution.solve_seconds, 4),
            "extract": round(solution.extract_seconds, 4),
        },
        objective_value=(
            round(solution.objective / req.days, 6)
            if solution.objective is not None
            else None
        ),
        days=days,
        average=average,
        cost_per_day=cost,
        unpriced_foods_left_out=problem.unpriced_left_out,
        unplanned_minimums=list(unplanned_minimums),
        sodium_ai_by_salt=salter is not None,
        notes=notes,
        disclaimer=disclaimer_for(req.person),
    )
