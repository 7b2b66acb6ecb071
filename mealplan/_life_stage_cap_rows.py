"""Life-stage caps applied: which caps hold for a person, and their model rows.

:mod:`mealplan._life_stage_caps` reads the reviewed caps table (its
docstring says what each scope and selector means); this module picks the
caps that hold for a person, turns them into item caps in grams and day or
week rows over a problem's candidates, the food pattern's ceilings, and the
plan's note.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from mealplan._arrays import INF, Block
from mealplan._fish_choices import fish_foods
from mealplan._fped import JUICE, dish_equivalents
from mealplan._life_stage_caps import (
    TEXT_COLUMNS,
    DayCapRow,
    LifeStageCap,
    load_life_stage_caps,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

    from numpy.typing import NDArray

    from mealplan._arrays import ModelBuilder
    from mealplan._catalog import FoodTable
    from mealplan._models import Person
    from mealplan._nutrients import Diet
    from mealplan._problem_groups import ConstraintGroup

__all__ = [
    "UNIT_WORDS",
    "caps_for",
    "day_cap_rows",
    "item_cap_grams",
    "life_stage_cap_notes",
    "life_stage_day_caps",
    "pattern_ceiling",
]


def caps_for(
    person: Person | None,
    caps: Sequence[LifeStageCap] | None = None,
    diet: Diet | None = None,
) -> tuple[LifeStageCap, ...]:
    """Return the caps that hold for ``person`` on ``diet`` (none without a person).

    Without a diet, a cap limited to some diets holds (in doubt, capped).
    """
    if person is None:
        return ()
    every = load_life_stage_caps() if caps is None else caps
    return tuple(c for c in every if c.holds_for(person, diet))


def pattern_ceiling(
    pattern: Mapping[str, float],
    person: Person | None,
    caps: Sequence[LifeStageCap] | None = None,
) -> dict[str, float]:
    """Return ``pattern`` (servings a day per group) under the person's pattern rows."""
    out = dict(pattern)
    for cap in caps_for(person, caps):
        if cap.scope != "pattern":
            continue
        for _, groups in cap.selectors:
            for group in groups & out.keys():
                out[group] = min(out[group], cap.amount)
    return out


UNIT_WORDS = {
    "g": "g",
    "oz": "oz",
    "ml": "mL",
    "fl_oz": "fl oz",
    "cup": "cup",
    "tbsp": "tbsp",
    "tsp": "tsp",
}


def life_stage_cap_notes(
    person: Person | None,
    table_caps: Sequence[LifeStageCap] | None = None,
    *,
    table: FoodTable | None = None,
    candidates: Sequence[str] = (),
    diet: Diet | None = None,
) -> list[str]:
    """Return one plan note naming the life stage's portion caps that held, if any.

    The day rows of the fish advice have their own note (they hold with the
    portion caps off: :func:`mealplan._fish_day_caps.fish_day_notes`). Given
    the ``table`` and the plan's ``candidates``, a cap that picks none of
    them is not named (a vegan's plan listed the fish caps of pregnancy).
    """
    caps = [
        c
        for c in caps_for(person, table_caps, diet)
        if (c.scope == "item" or (c.scope == "day" and not c.fish_advice))
        and (table is None or next(_each_hit(c, table, candidates), None))
    ]
    if not caps:
        return []
    words = ", ".join(
        f"{c.cap_id} {c.amount:g} {UNIT_WORDS[c.unit]}"
        + (" a day" if c.scope == "day" else " a serving")
        for c in caps
    )
    if table_caps is not None:
        return [f"Portion caps for this life stage (the caller's caps table): {words}."]
    return [
        f"Portion caps for this life stage (foods/life_stage_caps.csv, each "
        f"with its source: AAP, HER 2019, FDA/EPA, USDA): {words}."
    ]


def _text_columns(table: FoodTable) -> list[list[str]]:
    """Return the columns a ``word`` selector reads: ids, texts and base."""
    return [table.ids] + [
        table.texts(c) for c in (*TEXT_COLUMNS, "base") if table.has_column(c)
    ]


def _juice(table: FoodTable, candidates: Sequence[str]) -> list[float]:
    """Each candidate's FPED juice, cup-eq per 100 g (0: none, or not a dish)."""
    if not table.has_column("fndds_code"):
        return [0.0] * len(candidates)
    index = {fid: i for i, fid in enumerate(table.ids)}
    codes = table.texts("fndds_code")
    out = []
    for fid in candidates:
        code = codes[index[fid]]
        values = dish_equivalents(code) if code else None
        out.append(values.get(JUICE, 0.0) if values is not None else 0.0)
    return out


def _hits(
    cap: LifeStageCap, table: FoodTable, candidates: Sequence[str]
) -> list[tuple[int, float]]:
    """(position in ``candidates``, the cap's unit per gram) of the foods ``cap`` selects."""
    return list(_each_hit(cap, table, candidates))


def _each_hit(
    cap: LifeStageCap, table: FoodTable, candidates: Sequence[str]
) -> Iterator[tuple[int, float]]:
    """Yield :func:`_hits` one by one (a note asks only whether there is one).

    A food counts its whole weight unless only a ``fish`` or ``fped`` part
    picks it: then its fish share (a tuna casserole counts its tuna) or its
    juice (a smoothie counts the juice of its recipe).
    """
    has = table.has_column
    index = {fid: i for i, fid in enumerate(table.ids)}
    roles = table.tags("roles") if has("roles") else None
    bases = table.texts("base") if has("base") else None
    cats = table.texts("category") if has("category") else None
    kinds = {k for k, _ in (*cap.selectors, *cap.exclude)}
    fish = fish_foods(table) if "fish" in kinds else {}
    juice = _juice(table, candidates) if "fped" in kinds else [0.0] * len(candidates)
    # Lowercased, hyphens as spaces: "orange-juice" holds the word "juice".
    texts = _text_columns(table) if "word" in kinds else []
    for k, fid in enumerate(candidates):
        i = index[fid]
        food = (
            fid,
            frozenset(roles[i]) if roles is not None else frozenset(),
            (bases[i] if bases is not None else "") or fid,
            cats[i] if cats is not None else "",
            " | ".join(c[i] for c in texts).lower().replace("-", " "),
        )
        found = fish.get(fid)
        if not cap.selects(*food, found.choice if found else "", juice[k]):
            continue
        per_gram = cap.amount_per_gram(table.default_portion(fid))
        if cap.only_by_share(*food):
            # Picked by its fish or its juice alone (a dish may hold both).
            fish_part = per_gram * found.share if found is not None else 0.0
            juice_part = cap.juice_per_gram(juice[k]) if juice[k] > 0 else 0.0
            per_gram = max(fish_part, juice_part)
        if per_gram > 0:
            yield k, per_gram


def item_cap_grams(
    table: FoodTable,
    candidates: Sequence[str],
    person: Person | None,
    diet: Diet | None = None,
) -> NDArray[np.float64]:
    """Return the tightest life-stage item cap of each candidate in grams (inf: none)."""
    out = np.full(len(candidates), math.inf)
    for cap in caps_for(person, table.life_stage_caps, diet):
        if cap.scope != "item":
            continue
        for k, per_gram in _hits(cap, table, candidates):
            out[k] = min(out[k], cap.amount / per_gram)
    return out


def day_cap_rows(
    table: FoodTable,
    candidates: Sequence[str],
    unit_grams: NDArray[np.float64],
    person: Person | None,
    scope: str = "day",
    fish: bool | None = None,
) -> tuple[DayCapRow, ...]:
    """Return the whole-day caps (or ``scope`` ``week``: the weekly ones) on the candidates.

    ``fish``: only the rows of FDA/EPA's fish advice (True), only the others
    (False), or every row (None; :attr:`LifeStageCap.fish_advice`).
    """
    rows = []
    for cap in caps_for(person, table.life_stage_caps):
        if cap.scope != scope or fish not in (None, cap.fish_advice):
            continue
        hits = _hits(cap, table, candidates)
        if not hits:
            continue
        per_unit = tuple(per_gram * float(unit_grams[k]) for k, per_gram in hits)
        foods = tuple(k for k, _ in hits)
        rows.append(DayCapRow(cap.cap_id, foods, per_unit, cap.amount, cap.unit))
    return tuple(rows)


def life_stage_day_caps(b: ModelBuilder) -> None:
    """Each day, ``sum per_unit * v <= limit`` over a day cap's foods.

    The portion caps' rows (group ``portion_limits``) and the fish advice's
    (group ``daily_fish_caps``, :mod:`mealplan._fish_day_caps`).
    """
    from mealplan._problem import ConstraintGroup, GroupKind

    p = b.problem
    portion = ConstraintGroup(GroupKind.PORTION_LIMITS)
    fish = ConstraintGroup(GroupKind.DAILY_FISH_CAPS)
    for rows, group in ((p.day_caps, portion), (p.fish_day_caps, fish)):
        _day_rows(b, rows, group)


def _day_rows(
    b: ModelBuilder, rows: Sequence[DayCapRow], group: ConstraintGroup
) -> None:
    p = b.problem
    foods = b.keys[:, 2]
    for row in rows:
        weight = np.zeros(len(p.food_ids))
        weight[list(row.foods)] = row.per_unit
        for d in range(p.days):
            if all((d, m) in p.fixed_scopes for m in range(len(p.meals))):
                continue  # a day regenerate keeps whole
            ks = np.flatnonzero((b.keys[:, 0] == d) & (weight[foods] > 0))
            if not len(ks):
                continue
            # Relative slack: a cap met exactly (2 quarter cups of juice is
            # 4 fl oz) must not fail by rounding.
            upper = row.limit * (1 + 1e-9)
            b.add_row(
                b.v[ks], weight[foods[ks]], -INF, upper, Block.DAY_GROUP_CAP, group
            )
