"""How each constraint group of a conflict can be relaxed, smallest change first.

Each function searches the smallest change of one group alone that makes the
whole request plannable, with :class:`~mealplan._oracle.Oracle` as the
judge: numbers by a galloping or bisection search (plan witnesses let the
search jump), lists by a deletion filter, switches by one re-plan. Safety
limits (UL, CDRR, and the caffeine limit) are never raised, and allergies never relaxed.
The nutrient bounds' searches are :mod:`mealplan._relax_bounds`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from mealplan._models import (
    MealPlan,
)
from mealplan._nutrients import Diet, Nutrient
from mealplan._relax_base import (
    Context,
    Found,
    _gallop,
    _toggle,
    suggest,
)
from mealplan._relax_bounds import (
    bound_flag,
    bound_patch,
    lower_minimum,
    nice,
    raise_maximum,
)
from mealplan._relax_budget import budget_relaxation
from mealplan._relax_count import max_foods_advice as _max_foods
from mealplan._report import nutrient_label, portions_text

if TYPE_CHECKING:
    pass


__all__ = ["LISTS", "Context", "Found", "full_relaxation", "relax_group", "suggest"]

_LESS_STRICT = {
    Diet.VEGAN: (Diet.VEGETARIAN, Diet.PESCATARIAN, Diet.OMNIVORE),
    Diet.VEGETARIAN: (Diet.PESCATARIAN, Diet.OMNIVORE),
    Diet.PESCATARIAN: (Diet.OMNIVORE,),
}
_DIET_WORDS = {
    Diet.VEGETARIAN: "eat vegetarian (adds dairy and eggs)",
    Diet.PESCATARIAN: "eat pescatarian (adds dairy, eggs and fish)",
    Diet.OMNIVORE: "lift the diet restriction",
}


def _variety(ctx: Context) -> Found:
    from mealplan._problem import default_max_days

    req = ctx.request
    old = req.max_days_per_food or default_max_days(req.days)
    n, verified, smallest = _gallop(
        lambda n: ctx.oracle.feasible({"max_days_per_food": n}), old + 1, req.days
    )
    if n is None:
        return Found(
            note="Letting a food appear on every day alone does not give a plan "
            "(the rule that a meal is not repeated on consecutive days stays)."
        )
    text = f"let a food appear on up to {n} of the {req.days} days (from {old})"
    return Found(
        suggest(
            ctx,
            ["variety"],
            text,
            "max_days_per_food",
            f"--max-days-per-food {n}",
            {"max_days_per_food": n},
            (n - old) / old,
            verified,
            smallest=smallest,
        )
    )


def _portion_text(ctx: Context, witness: MealPlan) -> tuple[str, float]:
    """Name the foods eaten beyond their usual cap, and the largest excess.

    E.g. ('... eat up to 3 x 1 cup of milk', 0.5) when milk's cap is 2 cups.
    """
    from mealplan._problem import DEFAULT_MAX_PORTIONS
    from mealplan._problem_foods import served_as_they_come
    from mealplan._structure import large_eater_scale, served_portions

    table = ctx.table
    caps: dict[str, float] = {}
    if table.has_column("max_portions"):
        caps = dict(zip(table.ids, table.numbers("max_portions"), strict=True))
    # A larger eater's caps are grown past 3,000 kcal (mealplan._problem_foods):
    # only what is past the grown cap is beyond the usual.
    energy = witness.targets.get("energy_kcal")
    scale = large_eater_scale(energy.minimum, energy.maximum) if energy else 1.0
    # Pieces, containers and drinks keep their caps (mealplan._problem_foods).
    pieces: set[str] = set()
    if scale > 1.0:
        kept = served_as_they_come(table, np.arange(len(table))).tolist()
        pieces = {f for f, same in zip(table.ids, kept, strict=True) if same}
    over: dict[str, tuple[float, str, str, float]] = {}
    for item in witness.items:
        cap = caps.get(item.food_id, math.nan)
        cap = DEFAULT_MAX_PORTIONS if math.isnan(cap) else cap
        grows = item.kind != "supplement" and item.food_id not in pieces
        if scale > 1.0 and grows:
            cap = served_portions(cap, scale)
        if item.portions > cap + 1e-9:
            best = over.get(item.food_id)
            if best is None or item.portions > best[0]:
                over[item.food_id] = (
                    item.portions,
                    item.portion_description,
                    item.name,
                    item.portions / cap - 1.0,
                )
    if not over:
        return "allow larger portions than the usual caps", 0.5
    # One line whatever a caller's table holds (a fuzzed name "a\nb" broke
    # the message across lines): whitespace runs read as one space.
    parts = [
        " ".join(f"{portions_text(p, desc)} of {name}".split())
        for p, desc, name, _ in sorted(over.values(), key=lambda v: v[2])
    ]
    excess = max(v[3] for v in over.values())
    text = "allow larger portions than the usual caps: eat up to " + ", ".join(parts)
    return text, max(0.5, excess)


def _portion_limits(ctx: Context) -> Found:
    patch = {"portion_limits": False}
    witness = ctx.oracle.run(patch)
    if witness is False:
        return Found(note="Lifting the portion caps alone does not give a plan.")
    text, size = (
        _portion_text(ctx, witness)
        if isinstance(witness, MealPlan)
        else ("allow larger portions than the usual caps", 0.5)
    )
    # Sized by the largest excess over a cap: 16 cups of broccoli is a big ask.
    return Found(
        suggest(
            ctx,
            ["portion_limits"],
            text,
            "portion_limits",
            "--no-portion-limits",
            patch,
            size,
            None if witness is None else True,
        )
    )


def _diet(ctx: Context) -> Found:
    for diet in _LESS_STRICT.get(ctx.request.diet, ()):
        ok = ctx.oracle.feasible({"diet": diet.value})
        if ok is False:
            continue
        steps = _LESS_STRICT[ctx.request.diet].index(diet) + 1
        return Found(
            suggest(
                ctx,
                ["diet"],
                _DIET_WORDS[diet],
                "diet",
                f"--diet {diet.value}",
                {"diet": diet.value},
                float(steps),
                ok,
            )
        )
    return Found(note="No less strict diet alone gives a plan.")


def _spec(entry: Mapping[str, Any]) -> str:
    text = str(entry["food"])
    if entry.get("meal"):
        text += f":{entry['meal']}"
    if entry.get("days"):
        text += "@" + ",".join(str(d) for d in entry["days"])
    return text


LISTS = {
    "exclude": (
        "exclude",
        "--exclude",
        "--no-exclude",
        "allow {n} of your excluded foods: {items}",
    ),
    "include": (
        "include",
        "--include",
        "--no-include",
        "stop requiring {items} every day",
    ),
    "pins": ("pins", "--pin", "--no-pins", "drop the pin(s) on {items}"),
    "bans": ("bans", "--ban", "--no-bans", "lift the ban(s) on {items}"),
}


def _shrink_list(ctx: Context, group: str) -> Found:
    """Find the fewest entries of a list to drop for a plan."""
    name, opt, clear, words = LISTS[group]
    entries: list[Any] = [
        e if isinstance(e, str) else e.model_dump(mode="json", exclude_defaults=True)
        for e in getattr(ctx.request, name)
    ]
    ok = ctx.oracle.feasible({name: []})
    if ok is False:
        return Found(note=f"Dropping every entry of {name} alone does not give a plan.")
    if ok is None:
        return Found(
            note=f"The time limit ran out before {name} could be checked.",
            timed_out=True,
        )
    keep: list[int] = []
    dropped: list[int] = []
    smallest = True
    for k in range(len(entries)):
        # Entries after k stay dropped while k is tried back in.
        trial = [entries[i] for i in [*keep, k]]
        status = ctx.oracle.feasible({name: trial})
        if status is True:
            keep.append(k)
        else:
            dropped.append(k)
            smallest = smallest and status is False
    remaining = [entries[i] for i in keep]
    items = ", ".join(
        repr(entries[i]) if isinstance(entries[i], str) else repr(_spec(entries[i]))
        for i in dropped
    )
    text = words.format(n=len(dropped), items=items)
    flags = (
        " ".join(f"{opt} {e if isinstance(e, str) else _spec(e)}" for e in remaining)
        or clear
    )
    return Found(
        suggest(
            ctx,
            [group],
            text,
            name,
            flags,
            {name: remaining},
            len(dropped) / max(len(entries), 1),
            True,
            smallest=smallest,
        )
    )


def _meals(ctx: Context) -> Found:
    meals = [m.model_dump(mode="json") for m in ctx.request.meals or []]
    wide = [{**m, "energy_share": [0.0, 1.0]} for m in meals]
    found = _toggle(
        ctx,
        "meals",
        "let any meal take any share of the day's energy",
        "meals",
        "",
        {"meals": wide},
    )
    if found.suggestion is not None:
        return found
    wider = [
        {**m, "energy_share": [0.0, 1.0], "min_foods": 0, "max_foods": 20}
        for m in meals
    ]
    return _toggle(
        ctx,
        "meals",
        "let any meal take any share of the energy and any number of foods",
        "meals",
        "",
        {"meals": wider},
    )


def relax_group(ctx: Context, group: str) -> Found:
    if group == "budget":
        return budget_relaxation(ctx)
    if group == "max_foods":
        return _max_foods(ctx)
    if group == "variety":
        return _variety(ctx)
    if group == "portion_limits":
        return _portion_limits(ctx)
    if group == "diet":
        return _diet(ctx)
    if group == "meals":
        return _meals(ctx)
    if group in LISTS:
        return _shrink_list(ctx, group)
    if group == "fortified":
        return _toggle(
            ctx,
            "fortified",
            "allow fortified foods",
            "allow_fortified",
            "--fortified",
            {"allow_fortified": True},
        )
    if group.startswith("macro:"):
        return _toggle(
            ctx,
            group,
            "drop the AMDR energy shares of protein, fat and carbohydrate",
            "macro_limits",
            "--no-macro-limits",
            {"macro_limits": False},
        )
    if group == "priced":
        if ctx.request.budget_per_day is not None:
            return Found()  # the budget's advice covers it
        return _toggle(
            ctx,
            "priced",
            "plan for typical servings instead of the lowest cost "
            "(foods without a known price then count too)",
            "objective",
            "--objective typical",
            {"objective": "typical"},
        )
    if group == "allergies":
        return Found(
            note="Allergies are never relaxed by the advice; check them with your doctor."
        )
    if group == "weekly_caps":
        return Found(
            note="The weekly fish limit (FDA/EPA advice for the life stage) is a "
            "safety rule the advice never lifts; include less fish or fewer days."
        )
    if group == "daily_fish_caps":
        return Found(
            note="The daily fish limit (one FDA/EPA serving a day for the life "
            "stage) is a safety rule the advice never lifts; include less fish."
        )
    side, _, nutrient = group.partition(":")
    if side in ("min", "max") and nutrient in ctx.targets:
        return (
            lower_minimum(ctx, nutrient)
            if side == "min"
            else raise_maximum(ctx, nutrient)
        )
    return Found(note=f"No automatic advice for {group!r}.")


def full_relaxation(ctx: Context, group: str) -> tuple[dict[str, Any], str, str] | None:
    """Return the furthest relaxation the advice allows: (patch, words, flag)."""
    req = ctx.request
    simple: dict[str, tuple[dict[str, Any], str, str]] = {
        "budget": (
            {"budget_per_day": None, "objective": "typical"},
            "drop the budget",
            "--no-budget --objective typical",
        ),
        "max_foods": (
            {"max_foods": 100},
            "allow up to 100 foods a day",
            "--max-foods 100",
        ),
        "variety": (
            {"max_days_per_food": req.days},
            "let a food appear on every day",
            f"--max-days-per-food {req.days}",
        ),
        "portion_limits": (
            {"portion_limits": False},
            "lift the portion caps",
            "--no-portion-limits",
        ),
        "diet": ({"diet": "omnivore"}, "lift the diet restriction", "--diet omnivore"),
        "fortified": (
            {"allow_fortified": True},
            "allow fortified foods",
            "--fortified",
        ),
    }
    if group in simple:
        return simple[group]
    if group.startswith("macro:"):
        return (
            {"macro_limits": False},
            "drop the AMDR energy shares",
            "--no-macro-limits",
        )
    if group in LISTS:
        name, _, clear, _ = LISTS[group]
        return {name: []}, f"drop every entry of {name}", clear
    side, _, nutrient = group.partition(":")
    if side == "min" and nutrient in ctx.targets:
        old = ctx.targets[nutrient].minimum or 0.0
        value = nice(old * 0.01, up=False) if nutrient == Nutrient.ENERGY.value else 0.0
        return (
            bound_patch(ctx, nutrient, "minimum", value),
            f"drop the {nutrient_label(nutrient)} minimum",
            bound_flag(ctx, nutrient, "minimum", value)[1],
        )
    return None
