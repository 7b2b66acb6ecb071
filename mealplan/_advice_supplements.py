"""Advice to allow a supplement, when a nutrient one supplies blocks the plan.

A conflict whose nutrient minimum (vitamin B12, D, magnesium or calcium) is
one a bundled single-nutrient supplement supplies (``foods/supplements.csv``)
gets the advice "allow a supplement": the request's ``supplements`` list with
that supplement added (the ``--supplement ID`` flag), verified like every
other suggestion, by re-planning the whole request with it.

Only what the planner itself would offer the person is advised: a supplement
the life-stage filter excludes (under its minimum age, a dose over the
person's UL, no UL set for the life stage) never is, nor one the diet or the
allergies rule out (a lanolin vitamin D3 for a vegan), nor any when the
request has no person, already allows every supplement, or plans by cost (a
budget or the cost objective leaves supplements out: none has a sourced
price). The lowest dose that plans is advised, one nutrient at a time; when
no nutrient's supplement alone is enough, the lowest doses of all of them
together are tried once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mealplan._models import Suggestion
from mealplan._nutrients import Diet
from mealplan._report import nutrient_label
from mealplan._supplements import (
    Supplement,
    is_supplement,
    load_supplements,
    unsafe_supplements,
)

if TYPE_CHECKING:
    from mealplan._models import PlanRequest
    from mealplan._relax import Context


__all__ = ["SUPPLEMENT_SIZE", "supplement_advice", "too_young_note"]

SUPPLEMENT_SIZE = 0.25
"""Size of the change "allow a supplement": smaller than switching a rule
(0.5): the person keeps every food choice they made (no fortified foods, the
diet) and adds one tablet a day."""

_MAX_TRIES = 4
"""Oracle solves the supplement advice may take in all (one per dose tried)."""


def _diet_ok(s: Supplement, diet: Diet) -> bool:
    if diet is Diet.VEGAN:
        return s.vegan
    if diet is Diet.VEGETARIAN:
        return s.vegetarian
    if diet is Diet.PESCATARIAN:
        return s.pescatarian
    return True


def candidates(
    request: PlanRequest, nutrients: Sequence[str], table_ids: frozenset[str] | None
) -> dict[str, list[Supplement]]:
    """Return, per blocking nutrient, the supplements the person may take, lowest dose first.

    ``table_ids``: the supplement rows the table already holds, when it holds
    some (the request allowed a few): only those can be planned on it.
    """
    if request.person is None or request.supplements is True:
        return {}
    if request.budget_per_day is not None or request.objective.value == "cost":
        return {}
    allowed = set(_listed(request))
    every = _suitable(request, nutrients)
    unsafe = unsafe_supplements(request.person, every)
    out: dict[str, list[Supplement]] = {}
    for s in sorted(every, key=lambda s: (s.daily_dose, s.id)):
        if s.id in allowed or s.id in unsafe:
            continue
        if table_ids is not None and s.id not in table_ids:
            continue
        out.setdefault(s.nutrient, []).append(s)
    return out


def _suitable(request: PlanRequest, nutrients: Sequence[str]) -> list[Supplement]:
    """Return the bundled supplements of ``nutrients`` the diet and allergies allow."""
    allergies = {str(getattr(a, "value", a)) for a in request.allergies}
    return [
        s
        for s in load_supplements()
        if s.nutrient in nutrients
        and _diet_ok(s, request.diet)
        and not allergies & set(s.allergens)
    ]


def _listed(request: PlanRequest) -> list[str]:
    wanted = request.supplements
    return [] if isinstance(wanted, bool) else list(wanted)


def _words(s: Supplement) -> str:
    per_day = f"{s.units_per_day} {s.unit}" + ("" if s.units_per_day == 1 else "s")
    return (
        f"take a {nutrient_label(s.nutrient)} supplement on a doctor's or "
        f"dietitian's advice: {s.name}, at most {per_day} a day"
    )


def _suggestion(
    ctx: Context, chosen: Sequence[Supplement], verified: bool
) -> Suggestion:
    from mealplan._relax import suggest

    listed = [*_listed(ctx.request), *(s.id for s in chosen)]
    text = " and ".join(_words(s) for s in chosen)
    flag = " ".join(f"--supplement {sid}" for sid in listed)
    return suggest(
        ctx,
        [f"min:{s.nutrient}" for s in chosen],
        text,
        "supplements",
        flag,
        {"supplements": listed},
        SUPPLEMENT_SIZE * len(chosen),
        verified,
    )


def _table_ids(ctx: Context) -> frozenset[str] | None:
    mask = is_supplement(ctx.table)
    if not mask.any():
        return None
    return frozenset(fid for fid, s in zip(ctx.table.ids, mask, strict=True) if s)


def supplement_advice(ctx: Context, groups: Sequence[str]) -> list[Suggestion]:
    """Return verified "allow a supplement" suggestions for the conflict ``groups``."""
    nutrients = [g.partition(":")[2] for g in groups if g.startswith("min:")]
    offer = candidates(ctx.request, nutrients, _table_ids(ctx))
    if not offer:
        return []
    tries = 0
    out: list[Suggestion] = []
    failed = True
    for nutrient in nutrients:
        bound = ctx.targets.get(nutrient)
        need = bound.minimum if bound is not None else None
        tried: set[float] = set()
        for s in offer.get(nutrient, []):
            # The same dose again (another form or label) changes nothing the
            # plan counts; past a dose that alone meets the minimum, a bigger
            # one cannot help (the minimum is already slack).
            if tries >= _MAX_TRIES or s.daily_dose in tried:
                continue
            if need is not None and any(d >= need for d in tried):
                break
            tries += 1
            tried.add(s.daily_dose)
            ok = ctx.oracle.feasible({"supplements": [*_listed(ctx.request), s.id]})
            if ok is None:
                failed = False  # out of time: unknown, say nothing
                break
            if ok:
                out.append(_suggestion(ctx, [s], True))
                break
    if out or not failed or len(offer) < 2:
        return out
    # No single nutrient's supplement is enough: the lowest doses together.
    together = [offer[n][0] for n in nutrients if n in offer]
    patch: dict[str, Any] = {
        "supplements": [*_listed(ctx.request), *(s.id for s in together)]
    }
    if ctx.oracle.feasible(patch) is True:
        out.append(_suggestion(ctx, together, True))
    return out


def too_young_note(request: PlanRequest, groups: Sequence[str]) -> str | None:
    """Say when a blocking nutrient's supplement exists, but not at the person's age.

    The bundled tablets carry adult label doses and are offered from their
    ``min_age_years`` (9 y), so a younger child's conflict gets no "allow a
    supplement" advice: a vegan girl of 7 with a tree-nut allergy has no
    vitamin B12 source at all, and the only advice was to eat vegetarian.
    The note says a child's dose is a paediatrician's call, without naming
    one (none is sourced here).
    """
    person = request.person
    if person is None:
        return None
    names: list[str] = []
    ages: list[float] = []
    for nutrient in (g.partition(":")[2] for g in groups if g.startswith("min:")):
        fitting = _suitable(request, [nutrient])
        if fitting and all(person.age < s.min_age_years for s in fitting):
            names.append(nutrient_label(nutrient))
            ages.append(min(s.min_age_years for s in fitting))
    if not names:
        return None
    youngest = min(ages)
    return (
        f"The bundled {' and '.join(names)} supplements carry adult doses and are "
        f"offered from age {youngest:g}; for a child of {person.age:g}, a "
        "paediatrician or dietitian can advise one in a child's dose."
    )
