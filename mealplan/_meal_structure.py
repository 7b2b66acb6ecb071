"""Meal structure as model data: what the structure blocks of the formulation read.

:func:`prepare` turns a request's meal structure (the parts of each meal slot,
:func:`~mealplan._models.default_meal_structure` unless the request overrides
a slot), the companion rules, the portion caps (``foods/portion_caps.csv``)
and the food table's ``base``, ``roles`` and ``whole_units`` columns into a
:class:`StructureData` of candidate indices, which the blocks in
:mod:`mealplan._structure_blocks` turn into rows. What each candidate is in a
meal (its :class:`~mealplan._meal_rules.Kinds`) is read here; the rules of a
structured meal are :mod:`mealplan._meal_rules`. Nothing here builds rows or
knows a solver.

Constraint groups (named ``structure:<name>`` so the diagnosis can say which
rule blocks a plan): ``structure:<meal>`` (the meal's parts, companions and
meal caps; a snack's drink with something to eat; butter only with a cooked
item; one protein main at lunch and dinner), ``structure:one_form`` (one form of a base food a day),
``structure:milk`` (one milk-type drink a day), ``structure:starch`` (one
grain or starch item at a lunch or dinner, the ``starch:`` rows of
portion_caps.csv),
``structure:portions`` (whole units), ``structure:items`` (fat, sugar and
condiments are never items of their own) and ``structure:cereal`` (one cereal,
hot or ready-to-eat, a meal: :data:`~mealplan._meal_rules.OWN_GROUP_CAPS`).
"""

from __future__ import annotations

import functools
import math
import weakref
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from mealplan._fat_hosts import (
    COOKING_FAT_ROLE,
    fat_class,
    host_kinds_of,
)
from mealplan._fped import dish_equivalents
from mealplan._meal_rules import (
    OWN_GROUP_CAPS,
    CompanionRow,
    Kinds,
    MealCapRow,
    PartRow,
    loose_fat_rules,
    meal_rules,
    structures_by_slot,
)
from mealplan._structure import (
    HALF_SERVED_CATEGORIES,
    MAIN_SERVING_CAP_ID,
    STARCH_ROLES,
    Cap,
    dish_starch_oz_eq,
    grown,
    is_breakfast_grain,
    is_dish_or_legume_main,
    is_drink,
    is_milk_drink,
    is_protein_main,
    is_starch,
    is_toast,
    load_caps,
    main_serving_grams,
    piece_step,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from numpy.typing import NDArray

    from mealplan._catalog import FoodTable
    from mealplan._models import PlanRequest
    from mealplan._problem import MealRow

__all__ = [
    "NEVER_ITEM_ROLES",
    "StructureData",
    "base_of",
    "cached_host_kinds",
    "default_seed",
    "has_roles",
    "liked",
    "never_items",
    "prepare",
    "role_sets",
    "whole_piece_units",
]

NEVER_ITEM_ROLES = frozenset({"sugar", "ingredient"})
"""A food with one of these roles is never an item of its own: sugar, and a
food as purchased, not as served (``ingredient``: dry rolled oats, which
are cooked into oatmeal; the table's cooked form is the item). A fat (oil,
butter, dressing) is one only as the cooking fat, dressing or spread of an
item of its meal: the ``cooking fat`` part of a meal's structure (at most one
a meal), the fat companion rule and the 1 tbsp ``fat_item`` cap; meals with
no such part get no fat at all (:func:`restrict_meals`)."""

# Foods whose only role is a condiment (ketchup, mustard, salt) are not items either.
_CONDIMENT_ONLY = frozenset({"condiment"})


@dataclass(frozen=True)
class StructureData:
    """The structure rules over candidate indices; arrays are per candidate."""

    parts: tuple[PartRow, ...] = ()
    companions: tuple[CompanionRow, ...] = ()
    meal_caps: tuple[MealCapRow, ...] = ()
    base: NDArray[np.int64] | None = None
    """Base id per candidate (one form a day, bases in the variety rule)."""
    whole: NDArray[np.bool_] | None = None
    """Whole portions only (``structure:portions``)."""
    halves: NDArray[np.bool_] | None = None
    """Of the ``whole`` foods, those served in half pieces (``portion_mode``
    quarter, pieces over :data:`~mealplan._structure.HALF_PIECE_GRAMS`)."""
    like: NDArray[np.float64] | None = None
    """1.0 for foods the request likes."""
    jitter: NDArray[np.float64] | None = None
    """Seeded per-food preference in [0, 1) (``variety_seed``)."""
    milk: NDArray[np.bool_] | None = None
    """Milk-type drinks (plant milks, milks): in one meal a day at most
    (``structure:milk``)."""
    main_serving: NDArray[np.float64] | None = None
    """Least grams of each meat, poultry or fish at a lunch or dinner it is in
    (0: none; :func:`~mealplan._structure.main_serving_grams`,
    ``structure:portions``)."""


# A table is immutable, and one plan asks for its role sets five times (on
# all of SR28, 8,789 frozensets each time): keep them while the table lives.
_ROLE_SETS: weakref.WeakKeyDictionary[FoodTable, tuple[frozenset[str], ...]] = (
    weakref.WeakKeyDictionary()
)


def role_sets(table: FoodTable) -> tuple[frozenset[str], ...]:
    """Return each food's roles as a frozenset, in ``table.ids`` order (cached)."""
    cached = _ROLE_SETS.get(table)
    if cached is not None:
        return cached
    if not table.has_column("roles"):
        out: tuple[frozenset[str], ...] = (frozenset(),) * len(table)
    else:
        interned: dict[tuple[str, ...], frozenset[str]] = {}
        out = tuple(interned.setdefault(r, frozenset(r)) for r in table.tags("roles"))
    _ROLE_SETS[table] = out
    return out


_HOST_KINDS: weakref.WeakKeyDictionary[FoodTable, list[frozenset[str]]] = (
    weakref.WeakKeyDictionary()
)


def cached_host_kinds(table: FoodTable) -> list[frozenset[str]]:
    """Return host_kinds_of(table), kept while the table lives."""
    cached = _HOST_KINDS.get(table)
    if cached is None:
        cached = _HOST_KINDS[table] = host_kinds_of(table)
    return cached


def base_of(table: FoodTable) -> dict[str, str]:
    """Return food id -> its base food (the id itself when the table names none)."""
    if not table.has_column("base"):
        return {fid: fid for fid in table.ids}
    return {
        fid: b or fid for fid, b in zip(table.ids, table.texts("base"), strict=True)
    }


def has_roles(table: FoodTable) -> bool:
    """Return whether the table says which roles its foods play (else no meal parts)."""
    return any(role_sets(table))


def never_items(table: FoodTable) -> set[str]:
    """Return the ids of foods that are never items of their own (fat, sugar, condiment)."""
    out = set()
    for fid, roles in zip(table.ids, role_sets(table), strict=True):
        if roles & NEVER_ITEM_ROLES or (roles and roles <= _CONDIMENT_ONLY):
            out.add(fid)
    return out


def liked(table: FoodTable, words: Sequence[str]) -> set[str]:
    """Return the ids the ``likes`` entries match (ids, name words, categories)."""
    if not words:
        return set()
    return set(table.ids) - set(table.allowed(exclude=words))


def item_cap_grams(
    table: FoodTable, candidates: Sequence[str], scale: float = 1.0
) -> NDArray[np.float64]:
    """Return the tightest per-item gram cap of each candidate (inf: none).

    ``scale`` multiplies the caps marked ``scales_with_energy`` (see
    :func:`~mealplan._structure.energy_scale`).
    """
    caps = [
        grown(c, scale)
        for c in _caps()
        if c.scope == "item" and (c.max_grams is not None or c.max_portions)
    ]
    index = {fid: i for i, fid in enumerate(table.ids)}
    every = role_sets(table)
    rows = [index[fid] for fid in candidates]
    roles = [every[i] for i in rows]
    bases = table.texts("base") if table.has_column("base") else [""] * len(index)
    cats = table.texts("category")
    out = np.full(len(candidates), math.inf)
    # One pass per cap over the candidates (not one call per food and cap:
    # 97,000 on all of SR28); role sets repeat, so each is tested once.
    for cap in caps:
        hit = _cap_hits(cap, candidates, rows, roles, bases, cats)
        if cap.max_grams is not None:
            out[hit] = np.minimum(out[hit], float(cap.max_grams))
        if cap.max_portions:
            # In the food's own default portions (a banana, a cup of rice).
            for k in np.flatnonzero(hit).tolist():
                grams = cap.max_portions * table.default_portion(candidates[k])[1]
                out[k] = min(out[k], grams + 1e-6)
    return out


def whole_piece_units(
    max_units: NDArray[np.float64], units_per_portion: float, structure: StructureData
) -> NDArray[np.float64]:
    """Return ``max_units`` with each countable food's cap in whole pieces.

    The whole-unit rule (``v = step * w``, w integer) already holds such a
    food to whole pieces, but its link row ``v <= max_units * y`` kept the
    cap in half units: a banana capped at 1½ pieces (fresh fruit's 1.5 RACC,
    213 g at 2,035 kcal) let the relaxation eat 1½ bananas, or one at the
    snack and a half at breakfast with ``y`` summing below 1, where a plan
    has one. On the same pieces the big-M is the plan's own: a tighter
    relaxation, no plan lost.
    """
    if structure.whole is None:
        return max_units
    step = np.full(len(max_units), float(units_per_portion))
    if structure.halves is not None:
        step = np.where(structure.halves, step / 2, step)
    pieces = np.floor(max_units / step + 1e-9) * step
    return np.where(structure.whole, np.minimum(pieces, max_units), max_units)


def _cap_hits(
    cap: Cap,
    candidates: Sequence[str],
    rows: Sequence[int],
    roles: Sequence[frozenset[str]],
    bases: Sequence[str],
    cats: Sequence[str],
) -> NDArray[np.bool_]:
    """Return which candidates ``cap`` selects, by its kind of selector."""
    values = cap.values
    if cap.kind == "role":
        memo: dict[frozenset[str], bool] = {}
        hits = [memo.setdefault(r, bool(r & values)) for r in roles]
    elif cap.kind == "base":
        hits = [bases[i] in values for i in rows]
    elif cap.kind == "id":
        hits = [fid in values for fid in candidates]
    elif cap.kind == "category":
        hits = [cats[i] in values for i in rows]
    else:
        hits = [cap.kind == "slot"] * len(candidates)
    return np.array(hits, dtype=bool).reshape(len(candidates))


@functools.cache
def _caps() -> tuple[Cap, ...]:
    # The bundled caps are read once per process (they are data, not input).
    return tuple(load_caps())


def _jitter(seed: int, candidates: Sequence[str]) -> NDArray[np.float64]:
    # crc32 of "seed:id" is stable across processes and platforms (unlike hash()).
    return np.array(
        [zlib.crc32(f"{seed}:{fid}".encode()) / 2**32 for fid in candidates]
    )


def default_seed(request: PlanRequest) -> int:
    """Return the seed a structured request without ``variety_seed`` uses.

    Without one, every person got the same near-optimal foods (banana and
    millet in 14 of 15 realism plans): among the many plans the structure
    and the pattern band leave equally good, the tie-breaks always chose the
    same. A seed drawn from who the plan is for (person, diet, allergies)
    spreads different people over different foods, and the same person
    always gets the same plan.
    """
    who = request.model_dump_json(include={"person", "targets", "diet", "allergies"})
    return zlib.crc32(who.encode())


def restrict_meals(
    request: PlanRequest,
    table: FoodTable,
    rows: NDArray[np.int_],
    meals: tuple[MealRow, ...],
    impose: Callable[[str], bool],
) -> tuple[tuple[MealRow, ...], dict[int, bool]]:
    """Keep in each structured meal only the foods that fill one of its parts.

    Returns the meals and, per meal index, whether its structure is imposed.
    """
    from dataclasses import replace

    if not request.structure or not has_roles(table):
        return meals, {}
    if len(meals) <= 1:
        return meals, {}
    roles = role_sets(table)
    slots = structures_by_slot(request)
    out: list[MealRow] = []
    on: dict[int, bool] = {}
    for m, meal in enumerate(meals):
        spec = slots.get(meal.slot.value) if meal.slot is not None else None
        if spec is None or not impose(meal.name):
            out.append(meal)
            continue
        on[m] = True
        fill = frozenset().union(*(frozenset(p.roles) for p in spec.parts))
        members = tuple(f for f in meal.foods if roles[int(rows[f])] & fill)
        out.append(replace(meal, foods=members))
    return tuple(out), on


def prepare(
    request: PlanRequest,
    table: FoodTable,
    rows: NDArray[np.int_],
    meals: tuple[MealRow, ...],
    structured: dict[int, bool],
    impose: Callable[[str], bool],
    cap_scale: float = 1.0,
) -> StructureData | None:
    """Return the structure rules for the candidates ``rows`` of ``table``.

    ``cap_scale`` multiplies the meal caps marked ``scales_with_energy``.
    """
    n = len(rows)
    ids = table.ids  # a copy per call: take it once, not once per candidate
    candidates = [ids[int(i)] for i in rows]
    like = np.zeros(n)
    if request.likes:
        hits = liked(table, request.likes)
        like = np.array([1.0 if fid in hits else 0.0 for fid in candidates])
    jitter = (
        _jitter(request.variety_seed, candidates)
        if request.variety_seed is not None
        else None
    )
    if not request.structure:
        return StructureData(like=like, jitter=jitter)
    texts = table.texts("base") if table.has_column("base") else []
    names = (
        [texts[int(i)] or candidates[k] for k, i in enumerate(rows)] if texts else []
    )
    # Under the structure the seed draws one preference per base food, so a
    # base with many records (five cow's milks) is not five times as likely.
    seed = request.variety_seed
    jitter = _jitter(
        default_seed(request) if seed is None else seed, names or candidates
    )
    every = role_sets(table)
    roles = [every[int(i)] for i in rows]
    kinds = _kinds(table, rows, roles, names or candidates, candidates)
    selected = _meal_cap_hits(table, candidates, rows, roles)
    parts, companions, meal_caps = meal_rules(
        request,
        meals,
        structured,
        roles,
        kinds,
        cap_scale,
        selected,
        [c for c in _caps() if c.scope == "meal"],
    )
    # The starch group and the caps of OWN_GROUP_CAPS are groups of their own,
    # which exist only where they have rows (the starch rows: with dishes), so
    # the diagnosis gets no empty group to try.
    own = {"starch", *OWN_GROUP_CAPS.values()}
    for group in sorted({c.group for c in meal_caps} & own):
        if not impose(group):
            meal_caps = tuple(c for c in meal_caps if c.group != group)
    if impose("items"):
        loose = loose_fat_rules(meals, structured, roles, kinds)
        parts += loose[0]
        companions += loose[1]
    milk = None
    if kinds.milk.sum() > 1 and impose("milk"):
        milk = kinds.milk
    base = None
    # Only a table that gives two candidates one base has a rule to impose.
    if len(set(names)) < len(names) and impose("one_form"):
        lookup = {b: j for j, b in enumerate(sorted(set(names)))}
        base = np.array([lookup[b] for b in names], dtype=np.int64)
    whole = None
    halves = None
    mode = request.portion_mode.value
    if table.has_column("whole_units") and mode in ("half", "quarter"):
        flags = table.flags("whole_units")
        cats = table.texts("category")
        counted = np.array(
            [
                bool(flags[int(i)]) and cats[int(i)] not in HALF_SERVED_CATEGORIES
                for i in rows
            ],
            dtype=bool,
        )
        if counted.any() and impose("portions"):
            whole = counted
            pieces = [table.default_portion(fid)[1] for fid in candidates]
            halves = np.array([piece_step(mode, g) < 1.0 for g in pieces]) & whole
    return StructureData(
        parts=parts,
        companions=companions,
        meal_caps=meal_caps,
        base=base,
        whole=whole,
        halves=halves,
        like=like,
        jitter=jitter,
        milk=milk,
        main_serving=_main_servings(request, candidates)
        if impose("portions")
        else None,
    )


def _main_servings(
    request: PlanRequest, candidates: Sequence[str]
) -> NDArray[np.float64] | None:
    """Return the least grams of each candidate at a lunch or dinner, or None.

    The meats, poultry and fish of the bundled cap
    :data:`~mealplan._structure.MAIN_SERVING_CAP_ID` (a caller's own table
    brings its own foods, as that cap does), at the person's
    :func:`~mealplan._structure.main_serving_grams`; not those the request
    includes or pins.
    """
    person = request.person
    grams = main_serving_grams(person.age if person is not None else None)
    cap = next((c for c in _caps() if c.cap_id == MAIN_SERVING_CAP_ID), None)
    if grams <= 0 or cap is None:
        return None
    # A food the caller includes (every day) or pins is theirs to size: a
    # pregnant woman's halibut on both days of two, within the week's 4 oz of
    # Good Choices (FDA/EPA), is 2 oz a day at most, which a half portion
    # step may not reach.
    asked = {*request.include, *(p.food for p in request.pins)}
    hits = np.array(
        [fid in cap.values and fid not in asked for fid in candidates], dtype=bool
    )
    if not hits.any():
        return None
    return np.where(hits, grams, 0.0)


def _kinds(
    table: FoodTable,
    rows: NDArray[np.int_],
    roles: list[frozenset[str]],
    bases: Sequence[str],
    candidates: Sequence[str],
) -> Kinds:
    hosts = cached_host_kinds(table)
    cats = table.texts("category")
    grains = _dish_grains(table, rows)
    starch = _starches(roles, grains)
    return Kinds(
        np.array([is_drink(r, b) for r, b in zip(roles, bases, strict=True)], bool),
        np.array(
            [is_milk_drink(r, b) for r, b in zip(roles, bases, strict=True)], bool
        ),
        tuple(hosts[int(i)] for i in rows),
        tuple(
            fat_class(b) if COOKING_FAT_ROLE in r else ""
            for r, b in zip(roles, bases, strict=True)
        ),
        tuple(
            is_protein_main(r, cats[int(i)]) for r, i in zip(roles, rows, strict=True)
        ),
        tuple(
            is_dish_or_legume_main(r, cats[int(i)])
            for r, i in zip(roles, rows, strict=True)
        ),
        starch,
        tuple(
            is_toast(r, table.default_portion(fid)[0]) if STARCH_ROLES & r else False
            for r, fid in zip(roles, candidates, strict=True)
        ),
        tuple(
            is_breakfast_grain(r, cats[int(i)], s, g)
            for r, i, s, g in zip(roles, rows, starch, grains, strict=True)
        ),
    )


def _starches(roles: list[frozenset[str]], grains: Sequence[float]) -> tuple[bool, ...]:
    """Return :func:`~mealplan._structure.is_starch` of each candidate.

    A dish's grains (and white potatoes, :func:`~mealplan._structure.dish_starch_oz_eq`)
    are its FPED ounce-equivalents per 100 g times its default serving
    (:func:`_dish_grains`).
    """
    return tuple(is_starch(r, g) for r, g in zip(roles, grains, strict=True))


def _dish_grains(table: FoodTable, rows: NDArray[np.int_]) -> tuple[float, ...]:
    """Return each candidate's grains a serving in FPED ounce-equivalents (0: none).

    The lookup is done for dishes only (foods with an FNDDS code), so a
    table of single foods costs one pass.
    """
    codes = table.texts("fndds_code") if table.has_column("fndds_code") else []
    if not codes:
        return (0.0,) * len(rows)
    ids = table.ids
    out = []
    for i in rows:
        code = codes[int(i)]
        values = dish_equivalents(code) if code else None
        grams = table.default_portion(ids[int(i)])[1] if values is not None else 0.0
        out.append(dish_starch_oz_eq(values, grams))
    return tuple(out)


def _meal_cap_hits(
    table: FoodTable,
    candidates: Sequence[str],
    rows: NDArray[np.int_],
    roles: Sequence[frozenset[str]],
) -> dict[str, NDArray[np.bool_]]:
    """Return, per meal cap chosen by id, base or category, the candidates it holds.

    The meal rows select by role, slot or kind of item themselves; a cap such
    as ``cooked_greens_per_meal`` names its foods, as the item caps do, so it
    is matched the item caps' way (:func:`_cap_hits`) once per request.
    """
    caps = [
        c for c in _caps() if c.scope == "meal" and c.kind in ("id", "base", "category")
    ]
    if not caps:
        return {}
    at = [int(i) for i in rows]
    bases = table.texts("base") if table.has_column("base") else [""] * len(table.ids)
    cats = table.texts("category")
    return {c.cap_id: _cap_hits(c, candidates, at, roles, bases, cats) for c in caps}
