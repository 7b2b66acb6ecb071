"""Meal structure as model data: what the structure blocks of the formulation read.

:func:`prepare` turns a request's meal structure (the parts of each meal slot,
:func:`~mealplan._models.default_meal_structure` unless the request overrides
a slot), the companion rules, the portion caps (``foods/portion_caps.csv``)
and the food table's ``base``, ``roles`` and ``whole_units`` columns into a
:class:`StructureData` of candidate indices, which the blocks in
:mod:`mealplan._structure_blocks` turn into rows. Nothing here builds rows or
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
hot or ready-to-eat, a meal: :data:`OWN_GROUP_CAPS`).
"""

from __future__ import annotations

import functools
import itertools
import math
import weakref
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from mealplan._fat_hosts import (
    COOKING_FAT_ROLE,
    FAT_GOES_WITH,
    FAT_HOST_ROLES,
    fat_class,
    host_kinds_of,
)
from mealplan._fped import dish_equivalents
from mealplan._models import MealStructure, default_meal_structure
from mealplan._structure import (
    HALF_SERVED_CATEGORIES,
    ONE_MAIN_SLOTS,
    SNACK_FOOD_G,
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
    piece_step,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from numpy.typing import NDArray

    from mealplan._catalog import FoodTable
    from mealplan._models import PlanRequest
    from mealplan._problem import MealRow

__all__ = [
    "BREAKFAST_BREAD_WORDS",
    "BREAKFAST_CEREAL_WORDS",
    "COMPANIONS",
    "NEVER_ITEM_ROLES",
    "PAIRING_WORDS",
    "SNACK_DRINK_WORDS",
    "SNACK_FOOD_MIN_GRAMS",
    "Companion",
    "CompanionRow",
    "MealCapRow",
    "PartRow",
    "StructureData",
    "base_of",
    "breakfast_grain_rule",
    "cached_host_kinds",
    "default_seed",
    "has_roles",
    "liked",
    "never_items",
    "prepare",
    "role_sets",
    "structures_by_slot",
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
class Companion:
    """A food of role ``needs`` comes with a food of a ``with_roles`` role in its meal."""

    needs: str
    with_roles: frozenset[str]
    words: str


COMPANIONS: tuple[Companion, ...] = (
    Companion(
        "cereal_rte",
        frozenset({"dairy", "plant_milk"}),
        "ready-to-eat cereal with milk, yogurt or a plant milk",
    ),
    Companion("spread", frozenset({"bread"}), "a spread with bread"),
    Companion(
        COOKING_FAT_ROLE,
        FAT_HOST_ROLES,
        "oil, butter or dressing only with an item it is cooked with, dresses "
        "or is spread on",
    ),
)
"""The companion rules (reviewed with the roles vocabulary of foods/structure.csv)."""

SNACK_DRINK_WORDS = "a drink at a snack with something to eat"
SNACK_FOOD_MIN_GRAMS = SNACK_FOOD_G
"""A snack's drink comes with at least this much food (20 g: about the
lightest real snack, 5 saltines are 15 g, 1 oz of nuts or cheese 28 g)."""


@dataclass(frozen=True)
class PartRow:
    """``min_items <= sum of y over foods`` of ``meal`` ``<= max_items`` every day."""

    group: str
    meal: int
    name: str
    foods: tuple[int, ...]
    min_items: int
    max_items: int


@dataclass(frozen=True)
class CompanionRow:
    """``y[needs food] <= sum of y[providers]`` in ``meal`` every day.

    ``pooled``: one row, ``sum of y[needs] <= sum of y[providers]`` (each fat
    with an item of its own to go with).
    """

    group: str
    meal: int
    needs: tuple[int, ...]
    providers: tuple[int, ...]
    words: str
    pooled: bool = False
    min_grams: float = 0.0
    """Also ``min_grams * y[needs food] <= grams of the providers`` (a snack's
    drink comes with a real amount of food, not 2 g of a dried apricot)."""
    no_heavier: bool = False
    """Pooled rows only: also ``grams of the needs <= grams of the providers``
    (a fat weighs no more than the items it may go with: not 1 tbsp of
    mayonnaise on ¼ cup, 5 g, of arugula)."""


OWN_GROUP_CAPS = {"cereal_per_meal": "cereal"}
"""Meal caps of ``foods/portion_caps.csv`` (by cap_id) that are a constraint
group of their own (``structure:cereal``), not part of their meal's: the
diagnosis names the rule ("one cereal a meal") when two pinned cereals clash."""


@dataclass(frozen=True)
class MealCapRow:
    """At most ``max_grams`` (or ``max_items`` items) of ``foods`` in ``meal``."""

    group: str
    meal: int
    cap_id: str
    foods: tuple[int, ...]
    max_grams: float | None
    max_items: int | None


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


def structures_by_slot(request: PlanRequest) -> dict[str, MealStructure]:
    """Return the structure of each slot: the request's, else the default."""
    out = {s.slot.value: s for s in default_meal_structure()}
    for s in request.meal_structure or ():
        out[s.slot.value] = s
    return out


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
    parts, companions, meal_caps = _meal_rules(
        request, meals, structured, roles, kinds, cap_scale, selected
    )
    # The starch group and the caps of OWN_GROUP_CAPS are groups of their own,
    # which exist only where they have rows (the starch rows: with dishes), so
    # the diagnosis gets no empty group to try.
    own = {"starch", *OWN_GROUP_CAPS.values()}
    for group in sorted({c.group for c in meal_caps} & own):
        if not impose(group):
            meal_caps = tuple(c for c in meal_caps if c.group != group)
    if impose("items"):
        loose = _loose_fat_rules(meals, structured, roles, kinds)
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
    )


@dataclass(frozen=True)
class _Kinds:
    """Per candidate: drinks, milk-type drinks, what a fat it takes, fat class."""

    drink: NDArray[np.bool_]
    milk: NDArray[np.bool_]
    hosts: tuple[frozenset[str], ...]
    """:func:`~mealplan._fat_hosts.host_kinds` of each candidate."""
    fat: tuple[str, ...]
    """:func:`~mealplan._fat_hosts.fat_class` of each fat candidate ('' else)."""
    main: tuple[bool, ...] = ()
    """:func:`~mealplan._structure.is_protein_main` of each candidate."""
    plate: tuple[bool, ...] = ()
    """:func:`~mealplan._structure.is_dish_or_legume_main` of each candidate."""
    starch: tuple[bool, ...] = ()
    """:func:`~mealplan._structure.is_starch` of each candidate."""
    toast: tuple[bool, ...] = ()
    """:func:`~mealplan._structure.is_toast` of each candidate."""
    grain: tuple[bool, ...] = ()
    """:func:`~mealplan._structure.is_breakfast_grain` of each candidate."""


def _kinds(
    table: FoodTable,
    rows: NDArray[np.int_],
    roles: list[frozenset[str]],
    bases: Sequence[str],
    candidates: Sequence[str],
) -> _Kinds:
    hosts = cached_host_kinds(table)
    cats = table.texts("category")
    grains = _dish_grains(table, rows)
    starch = _starches(roles, grains)
    return _Kinds(
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


CEREAL_ROLES = frozenset({"cereal_hot", "cereal_rte"})
BREAKFAST_BREAD_WORDS = "one bread or grain dish at breakfast"
BREAKFAST_CEREAL_WORDS = "a cereal at breakfast only with toast"

PAIRING_WORDS = (
    "each fat with an item it goes with: a dressing on a salad, vegetables "
    "or a grain side, oil on a cooked item or a salad, butter on a cooked item, "
    "bread or porridge, mayonnaise on bread or a salad"
)


def _pairing_rows(
    group: str, m: int, foods: Sequence[int], k: _Kinds, most: int
) -> list[CompanionRow]:
    """Each fat with an item of the meal it goes with (FAT_GOES_WITH), one each.

    For every set S of fat classes (of at most ``most`` classes, the meal's
    most fats): the fats of S are no more than the items any of S goes with.
    With at most ``most`` fats in the meal, these are Hall's conditions: a
    plan meeting them has a fat-to-item matching (mealplan._fat_attach.attach_fats).
    """
    classes = sorted({k.fat[f] for f in foods if k.fat[f]})
    rows = []
    for size in range(1, min(most, len(classes)) + 1):
        for subset in itertools.combinations(classes, size):
            takes = frozenset().union(*(FAT_GOES_WITH[c] for c in subset))
            needs = tuple(f for f in foods if k.fat[f] in subset)
            providers = tuple(f for f in foods if not k.fat[f] and k.hosts[f] & takes)
            rows.append(
                CompanionRow(
                    group,
                    m,
                    needs,
                    providers,
                    PAIRING_WORDS,
                    pooled=True,
                    no_heavier=True,
                )
            )
    return rows


def _loose_fat_rules(
    meals: tuple[MealRow, ...],
    structured: dict[int, bool],
    roles: list[frozenset[str]],
    kinds: _Kinds,
) -> tuple[tuple[PartRow, ...], tuple[CompanionRow, ...]]:
    """Each fat with an item of its own to go with, in unstructured meals.

    A structured meal's parts and companions already say so; a meal without
    a slot (a plan with no meal split is one such meal a day) gets the same
    two rules here, so a fat is never an item of its own there either.
    """
    fat_rule = next(c for c in COMPANIONS if c.needs == COOKING_FAT_ROLE)
    parts: list[PartRow] = []
    companions: list[CompanionRow] = []
    for m, meal in enumerate(meals):
        if structured.get(m):
            continue
        fats = tuple(f for f in meal.foods if COOKING_FAT_ROLE in roles[f])
        if not fats:
            continue
        hosts = tuple(
            f
            for f in meal.foods
            if roles[f] & FAT_HOST_ROLES and COOKING_FAT_ROLE not in roles[f]
        )
        parts.append(PartRow("items", m, "cooking fat", fats, 0, len(fats)))
        companions.append(
            CompanionRow("items", m, fats, hosts, fat_rule.words, pooled=True)
        )
        companions.extend(_pairing_rows("items", m, meal.foods, kinds, len(fats)))
    return tuple(parts), tuple(companions)


def _meal_rules(
    request: PlanRequest,
    meals: tuple[MealRow, ...],
    structured: dict[int, bool],
    roles: list[frozenset[str]],
    kinds: _Kinds,
    cap_scale: float,
    selected: dict[str, NDArray[np.bool_]],
) -> tuple[tuple[PartRow, ...], tuple[CompanionRow, ...], tuple[MealCapRow, ...]]:
    slots = structures_by_slot(request)
    own = {s.slot.value for s in request.meal_structure or ()}
    caps = [c for c in _caps() if c.scope == "meal"]
    grains = breakfast_grain_rule(request)
    parts: list[PartRow] = []
    companions: list[CompanionRow] = []
    meal_caps: list[MealCapRow] = []
    for m, meal in enumerate(meals):
        if not structured.get(m) or meal.slot is None:
            continue
        spec = slots[meal.slot.value]
        for part in spec.parts:
            want = frozenset(part.roles)
            foods = tuple(f for f in meal.foods if roles[f] & want)
            parts.append(
                PartRow(meal.name, m, part.name, foods, part.min_items, part.max_items)
            )
        if meal.slot.value in ONE_MAIN_SLOTS and meal.slot.value not in own:
            # One protein main a meal (the default structure; a caller's own
            # structure for the slot says what it wants).
            mains = tuple(f for f in meal.foods if kinds.main[f])
            parts.append(PartRow(meal.name, m, "protein main", mains, 0, 1))
            # And one main dish or legume item: beans beside chicken are a
            # plate, beans beside a curry or other beans two mains.
            plates = tuple(f for f in meal.foods if kinds.plate[f])
            parts.append(PartRow(meal.name, m, "main dish or legumes", plates, 0, 1))
        if meal.slot.value == "breakfast" and grains:
            parts.extend(_breakfast_grains(meal.name, m, meal.foods, roles, kinds))
        for rule in COMPANIONS:
            needs = tuple(f for f in meal.foods if rule.needs in roles[f])
            if needs:
                providers = tuple(
                    f
                    for f in meal.foods
                    if roles[f] & rule.with_roles and rule.needs not in roles[f]
                )
                pooled = rule.needs == COOKING_FAT_ROLE
                companions.append(
                    CompanionRow(meal.name, m, needs, providers, rule.words, pooled)
                )
        most = sum(p.max_items for p in spec.parts if COOKING_FAT_ROLE in p.roles)
        companions.extend(_pairing_rows(meal.name, m, meal.foods, kinds, most))
        if meal.slot.value == "snack":
            # A drink at a snack comes with something to eat (a sweetened
            # almond milk on its own is not a snack).
            drinks = tuple(f for f in meal.foods if kinds.drink[f])
            food = tuple(f for f in meal.foods if not kinds.drink[f])
            if drinks:
                companions.append(
                    CompanionRow(
                        meal.name,
                        m,
                        drinks,
                        food,
                        SNACK_DRINK_WORDS,
                        min_grams=SNACK_FOOD_MIN_GRAMS,
                    )
                )
        for cap in caps:
            if (
                cap.kind in ("slot", "plate", "drinks", "starch")
                and meal.slot.value not in cap.values
            ) or (
                # As the one-main rules: a caller's own structure for the
                # slot says how many grains it wants.
                cap.kind == "starch" and meal.slot.value in own
            ):
                continue
            foods = tuple(
                f
                for f in meal.foods
                if cap.kind == "slot"
                or (cap.kind == "plate" and not kinds.drink[f])
                or (cap.kind == "drinks" and kinds.drink[f])
                or (cap.kind == "starch" and kinds.starch[f])
                or (cap.kind == "role" and roles[f] & cap.values)
                or (cap.cap_id in selected and selected[cap.cap_id][f])
            )
            if foods and cap.kind == "starch" and _implied(parts, m, foods, cap):
                continue
            if foods:
                # grown: a cap stated at a larger day (stated_kcal) grows only
                # past it.
                grams = grown(cap, cap_scale).max_grams
                # The starch rule and the caps of OWN_GROUP_CAPS are groups of
                # their own, which the diagnosis names ("one grain or starch
                # item at a lunch or dinner", "one cereal a meal").
                group = OWN_GROUP_CAPS.get(
                    cap.cap_id, "starch" if cap.kind == "starch" else meal.name
                )
                _add_cap(
                    meal_caps,
                    MealCapRow(group, m, cap.cap_id, foods, grams, cap.max_items),
                )
    return tuple(parts), tuple(companions), tuple(meal_caps)


def breakfast_grain_rule(request: PlanRequest) -> bool:
    """Return whether the default breakfast holds its grain rows for ``request``.

    Not under a caller's own breakfast structure (it says what it wants, as
    for the one-main rules), nor for a child of 1-3 (quarter portions: a quarter tortilla beside a
    few spoonfuls of cereal is a toddler's breakfast): the rule cost the
    pescatarian boy of 2's default 3-day plan its plan at 10 s in 2 of 2
    runs (session 28), where those plans already sit at the time limit.
    """
    from mealplan._safety import life_stages

    own = {s.slot.value for s in request.meal_structure or ()}
    return "breakfast" not in own and "toddler" not in life_stages(request.person)


def _breakfast_grains(
    name: str,
    m: int,
    foods: tuple[int, ...],
    roles: Sequence[frozenset[str]],
    kinds: _Kinds,
) -> tuple[PartRow, ...]:
    """Return the default breakfast's rows: one bread or grain dish, a cereal only with toast.

    Cereal with toast is a breakfast; a bowl of Special K beside a tortilla,
    a bagel or pancakes, or toast beside pancakes, is two (session 28: 12 of
    the 127 default days had a cereal beside a tortilla, a bagel, a muffin, a
    croissant or pancakes). Eggs and other breakfast dishes
    without grains stay free (eggs with toast, oatmeal or pancakes).
    """
    grains = tuple(f for f in foods if kinds.grain[f])
    with_cereal = tuple(
        f
        for f in foods
        if (kinds.grain[f] and not kinds.toast[f]) or roles[f] & CEREAL_ROLES
    )
    return (
        PartRow(name, m, BREAKFAST_BREAD_WORDS, grains, 0, 1),
        PartRow(name, m, BREAKFAST_CEREAL_WORDS, with_cereal, 0, 1),
    )


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


def _implied(
    parts: Sequence[PartRow], m: int, foods: tuple[int, ...], cap: Cap
) -> bool:
    """Return whether a part of meal ``m`` already holds ``foods`` to the cap.

    Without dishes, a lunch's grain or starch items are exactly its ``grain
    or starch`` part (roles grain_side and bread, at most one): the starch
    row would repeat that row, so the model of a single-food table is left
    as it was.
    """
    limit = cap.max_items
    return limit is not None and any(
        p.meal == m and p.max_items <= limit and set(p.foods) == set(foods)
        for p in parts
    )


def _add_cap(rows: list[MealCapRow], row: MealCapRow) -> None:
    """Append ``row`` unless a gram cap on the same foods of the meal is tighter.

    Two gram caps on one set of foods (a caller's caps file may hold a grown
    and a fixed one for the same plate) hold as the tighter one: a second row
    that can never bind would only change the model HiGHS and CBC search.
    """
    if row.max_grams is None or row.max_items is not None:
        rows.append(row)
        return
    for k, other in enumerate(rows):
        if (
            other.meal == row.meal
            and other.foods == row.foods
            and other.max_items is None
            and other.max_grams is not None
        ):
            if other.max_grams > row.max_grams:
                rows[k] = row
            return
    rows.append(row)
