"""Optional single-nutrient supplements as plan candidates (off by default).

A request with ``supplements`` on (``true`` for every bundled supplement, or a
list of supplement ids) lets the planner choose, beside food, a tablet of
vitamin D3, vitamin B12, magnesium or calcium from ``foods/supplements.csv``:
a vegan can take a B12 tablet instead of three cups of fortified drink. No
multivitamin: each row is one nutrient at one dose.

The data: each row is a product specification (a dose per tablet as printed
on the Supplement Facts of common single-nutrient retail products, its form,
and the label claims to buy by, such as "labelled vegan"); the forms and the
upper limits are those of the NIH Office of Dietary Supplements (ODS) health
professional fact sheets, cited per row. A supplement adds only its labelled
dose: its other nutrients count as 0, since a Supplement Facts panel must
declare every nutrient present in a significant amount (21 CFR 101.36(b)(2)).
No row has a price (none is sourced), so a budget or the cost objective
leaves supplements out and the plan says so.

Safety, per life stage (the person is required):

- a supplement is offered only from its ``min_age_years`` (9 y for the
  bundled adult-strength products; from 1 y only vitamin D's 10 µg (400 IU)
  liquid drops, the dose the AAP advises for children who do not get it
  from fortified milk and foods);
- its daily dose must fit the UL for the person's age, sex and life stage
  from ``foods/dri_full.csv``: the supplement-only magnesium UL (350 mg a day
  from 9 y, 65 mg at 1-3 y, 110 mg at 4-8 y; food magnesium has no UL), the
  total-intake ULs of vitamin D and calcium, none for B12 (no UL was set);
  where the table has no UL for that life stage (ND) a magnesium, calcium or
  vitamin D supplement is not offered;
- the plan keeps magnesium from supplements under that UL as a bound
  (:data:`SUPPLEMENTAL_MAGNESIUM`), and vitamin D and calcium from food and
  supplements together under their ULs, as for food alone.

A caller's own table (pint style: bundled data a caller can override):
:func:`load_supplements` reads a CSV file or a pandas DataFrame with the
bundled file's columns, validated as strictly as a food table (a typed
one-line :class:`~mealplan.FoodTableError` naming the row and column; no row
or column is dropped silently; every row cites its dose and its form and UL
source, and says which UL applies to its nutrient: ``ul_applies_to``,
``adult_ul`` and ``ul_source``, checked against ``foods/dri_full.csv``). :meth:`FoodTable.using_supplements <mealplan.FoodTable.using_supplements>`
returns a food table that plans with it instead of the bundled one (the CLI:
``--supplements-file PATH``); the request's ``supplements`` field then picks
from it, and every report given that table reads it.

Supplements are never food: they sit in their own ``supplements`` part of
each day (not a meal; no meal rule, variety rule or pattern serving applies),
each plan item says ``kind: "supplement"``, and every report lists them in
their own section.

The table itself (its rows, their checks and the ULs) is
:mod:`mealplan._supplement_data`; its names are re-exported here.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from mealplan._errors import FoodTableError, RequestError
from mealplan._supplement_data import (
    SUPPLEMENTS_FILE,
    Supplement,
    catalog_of,
    load_supplements,
    supplement_ul,
    unsafe_supplements,
)
from mealplan._tabletext import Columns, PortionRows

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from mealplan._catalog import FoodTable
    from mealplan._models import NutrientTargets, PlanItem, PlanRequest

__all__ = [
    "SUPPLEMENTAL_MAGNESIUM",
    "SUPPLEMENTS_ADVICE",
    "SUPPLEMENTS_FILE",
    "SUPPLEMENTS_HEADING",
    "SUPPLEMENTS_MEAL",
    "SUPPLEMENT_CATEGORY",
    "Supplement",
    "SupplementLine",
    "catalog_of",
    "chosen_supplements",
    "is_supplement",
    "load_supplements",
    "offered_supplements",
    "supplement_lines",
    "supplement_notes",
    "supplement_targets",
    "supplement_ul",
    "unsafe_supplements",
    "with_supplements",
]

SUPPLEMENT_CATEGORY = "supplements"
"""The ``category`` of a supplement row in a table :func:`with_supplements` built."""
SUPPLEMENTS_MEAL = "supplements"
"""The part of each day supplements are planned in (not a meal)."""
SUPPLEMENTAL_MAGNESIUM = "magnesium_supplemental_mg"
"""Column and bound of magnesium from supplements only (its UL applies to them)."""
UNIT_GRAMS = 1.0
"""Grams of one tablet in the table: a bookkeeping unit, not the tablet's
weight (labels do not print it); reports show supplements in tablets."""


def chosen_supplements(
    request: PlanRequest, table: FoodTable | None = None
) -> tuple[Supplement, ...]:
    """Return the supplements a request allows (none when ``supplements`` is off).

    From ``table``'s supplements (:func:`catalog_of`: the caller's or the
    bundled ones).

    Raises:
        RequestError: A listed id is not one of those supplements.

    """
    wanted = request.supplements
    if wanted is False:
        return ()
    every = catalog_of(table)
    if wanted is True:
        return every
    by_id = {s.id: s for s in every}
    for sid in wanted:
        if sid not in by_id:
            close = difflib.get_close_matches(sid, list(by_id), n=3)
            hint = f"did you mean {', '.join(close)}?" if close else ""
            msg = (
                f"Unknown supplement {sid!r}; use one of {', '.join(sorted(by_id))}"
                + (f" ({hint})" if hint else "")
                + "."
            )
            raise RequestError(msg, [{"loc": "supplements", "msg": msg}])
    keep = set(wanted)
    return tuple(s for s in every if s.id in keep)


# ------------------------------------------------------------ table and targets


def is_supplement(table: FoodTable) -> NDArray[np.bool_]:
    """Return a mask of the table's supplement rows."""
    # Only a table with_supplements built has supplement rows (and this column).
    if not table.has_column(SUPPLEMENTAL_MAGNESIUM) or not table.has_column("category"):
        return np.zeros(len(table), dtype=bool)
    return np.array(
        [c == SUPPLEMENT_CATEGORY for c in table.texts("category")], dtype=bool
    )


def _columns(
    table: FoodTable, supplements: Sequence[Supplement]
) -> tuple[Columns, PortionRows]:
    base: Columns = table._columns  # same package, read only
    n = len(supplements)
    units = dict(base.units)
    units.setdefault(SUPPLEMENTAL_MAGNESIUM, "mg")
    numbers: dict[str, NDArray[np.float64]] = {}
    for column, values in base.numbers.items():
        if column in units:
            # Only the labelled dose: a Supplement Facts panel declares every
            # nutrient present in a significant amount (21 CFR 101.36(b)(2)).
            extra = np.array(
                [
                    s.dose * 100 / UNIT_GRAMS if s.nutrient == column else 0.0
                    for s in supplements
                ]
            )
        elif column == "max_portions":
            extra = np.array([float(s.units_per_day) for s in supplements])
        else:
            extra = np.full(n, np.nan)  # no sourced price
        numbers[column] = np.concatenate([values, extra])
    if SUPPLEMENTAL_MAGNESIUM not in base.numbers:
        numbers[SUPPLEMENTAL_MAGNESIUM] = np.concatenate(
            [
                np.zeros(len(base.ids)),
                [
                    s.dose * 100 / UNIT_GRAMS if s.nutrient == "magnesium_mg" else 0.0
                    for s in supplements
                ],
            ]
        )
    for values in numbers.values():
        values.flags.writeable = False
    flags: dict[str, NDArray[np.bool_]] = {}
    for column, marks in base.flags.items():
        own = {
            "vegan": [s.vegan for s in supplements],
            "vegetarian": [s.vegetarian for s in supplements],
            "pescatarian": [s.pescatarian for s in supplements],
        }.get(column, [column == "whole_units"] * n)
        flags[column] = np.concatenate([marks, np.array(own, dtype=bool)])
        flags[column].flags.writeable = False
    tags: dict[str, list[tuple[str, ...]]] = {}
    for column, lists in base.tags.items():
        own_tags = [s.allergens if column == "allergens" else () for s in supplements]
        tags[column] = [*lists, *own_tags]
    texts: dict[str, list[str]] = {}
    for column, cells in base.texts.items():
        own_texts = {
            "name": [s.name for s in supplements],
            "food_group": ["Dietary supplements"] * n,
            "category": [SUPPLEMENT_CATEGORY] * n,
            "base": [s.id for s in supplements],
            "provenance": [
                f"mealplan foods/{SUPPLEMENTS_FILE}: {s.dose_source}; {s.form_source}"
                for s in supplements
            ],
        }.get(column, [""] * n)
        texts[column] = [*cells, *own_texts]
    order = list(base.order)
    if SUPPLEMENTAL_MAGNESIUM not in order:
        order.insert(
            order.index("vegan") if "vegan" in order else len(order),
            SUPPLEMENTAL_MAGNESIUM,
        )
    columns = Columns(
        ids=[*base.ids, *(s.id for s in supplements)],
        order=order,
        numbers=numbers,
        flags=flags,
        tags=tags,
        texts=texts,
        units=units,
    )
    p: PortionRows = table._portion_rows  # same package, read only
    portions = PortionRows(
        food_id=[*p.food_id, *(s.id for s in supplements)],
        seq=[*p.seq, *([1] * n)],
        amount=[*p.amount, *([1.0] * n)],
        description=[*p.description, *(f"1 {s.unit}" for s in supplements)],
        grams=[*p.grams, *([UNIT_GRAMS] * n)],
        is_default=[*p.is_default, *([True] * n)],
    )
    for j, fid in enumerate(portions.food_id):
        portions.by_food.setdefault(fid, []).append(j)
    return columns, portions


@functools.lru_cache(maxsize=16)
def _augmented(table: FoodTable, ids: tuple[str, ...]) -> FoodTable:
    from mealplan._catalog import FoodTable

    every = {s.id: s for s in catalog_of(table)}
    supplements = [every[i] for i in ids]
    clash = [s.id for s in supplements if s.id in table]
    if clash:
        msg = (
            f"The food table already has a food with the supplement id {clash[0]!r}; "
            "rename that food or turn supplements off."
        )
        raise FoodTableError(msg, column="id")
    columns, portions = _columns(table, supplements)
    return FoodTable(
        columns,
        portions,
        table._mention_rows,  # same package, read only
        f"{table.source}+supplements",
        overrides=table._overrides,  # same package: every override kept
    )


def with_supplements(table: FoodTable, request: PlanRequest) -> FoodTable:
    """Return ``table`` with the request's supplements as extra rows.

    The table itself when supplements are off, or when it already holds them
    (a table this function built). Cached per table and supplement set.
    """
    chosen = chosen_supplements(request, table)
    if not chosen or SUPPLEMENT_CATEGORY in _categories(table):
        return table
    return _augmented(table, tuple(s.id for s in chosen))


def _categories(table: FoodTable) -> frozenset[str]:
    if not table.has_column("category") or not table.has_column(SUPPLEMENTAL_MAGNESIUM):
        return frozenset()
    return frozenset(table.texts("category"))


def supplement_targets(
    targets: NutrientTargets, request: PlanRequest
) -> NutrientTargets:
    """Add the supplement-only magnesium UL to ``targets`` when supplements are on."""
    from mealplan._models import BoundKind, NutrientBound

    # Called on the table with_supplements built: its rows are the chosen ones.
    if not request.supplements or request.person is None:
        return targets
    ul = supplement_ul(request.person, "magnesium_mg")
    if ul is None:
        return targets
    own = targets.get(SUPPLEMENTAL_MAGNESIUM)
    if own is not None and own.maximum is not None and own.maximum <= ul:
        return targets  # a caller's own, stricter cap
    # Never above the UL: a safety limit, not a preference to override.
    bound = NutrientBound(
        nutrient=SUPPLEMENTAL_MAGNESIUM,
        unit="mg",
        maximum=ul,
        maximum_kind=BoundKind.UL,
        source="DRI UL for magnesium from supplements and medications only "
        "(IOM 1997; NIH ODS Magnesium fact sheet), via foods/dri_full.csv",
    )
    others = [b for b in targets.bounds if b.nutrient != SUPPLEMENTAL_MAGNESIUM]
    return targets.model_copy(update={"bounds": [*others, bound]})


def supplement_notes(request: PlanRequest, table: FoodTable | None = None) -> list[str]:
    """Plan notes for a request with supplements on: what was offered and why not."""
    chosen = chosen_supplements(request, table)
    if not chosen:
        return []
    unsafe = unsafe_supplements(request.person, chosen)
    notes = [
        "Supplements were allowed (supplements): single-nutrient tablets and "
        "drops at label "
        "doses of common retail products (foods/supplements.csv), counted for "
        "their labelled nutrient only; they are listed apart from the food. Take "
        "a supplement on a doctor's or dietitian's advice."
        if table is None or table.supplements is None
        else "Supplements were allowed (supplements) from the caller's own "
        "supplements table, counted for their labelled nutrient only; they are "
        "listed apart from the food. Take a supplement on a doctor's or "
        "dietitian's advice."
    ]
    if unsafe:
        notes.append(
            "Supplements not offered for this person: "
            + "; ".join(f"{sid} ({why})" for sid, why in sorted(unsafe.items()))
            + "."
        )
    if request.budget_per_day is not None or request.objective.value == "cost":
        notes.append(
            "Supplements have no sourced price, so a budget or the cost objective "
            "leaves them out."
        )
    return notes


def offered_supplements(
    request: PlanRequest, table: FoodTable | None = None
) -> frozenset[str]:
    """Return the ids of the supplements a request allows and its person may take."""
    chosen = chosen_supplements(request, table)
    unsafe = unsafe_supplements(request.person, chosen)
    return frozenset(s.id for s in chosen if s.id not in unsafe)


# ------------------------------------------------------------------ reports

_UNIT_WORDS = {"ug": "µg", "mg": "mg"}
_LABELS = {
    "vitamin_d_ug": "vitamin D",
    "vitamin_b12_ug": "vitamin B12",
    "magnesium_mg": "magnesium",
    "calcium_mg": "calcium",
}
SUPPLEMENTS_HEADING = "Supplements (not food)"
SUPPLEMENTS_ADVICE = (
    "Counted for their labelled dose only; take a supplement on a doctor's or "
    "dietitian's advice."
)


@dataclass(frozen=True, slots=True)
class SupplementLine:
    """One supplement of a plan (or a day) as reports show it."""

    food_id: str
    name: str
    tablets: float
    unit: str
    adds: str
    form: str
    buy: str
    ul: str = ""
    """Which UL limits the nutrient, e.g. "UL for supplements only (IOM 1997)"."""


_UL_WORDS = {
    "supplements": "UL for supplements only",
    "total": "UL for food and supplements together",
    "none": "no UL set",
}


def _ul_words(s: Supplement) -> str:
    """Say which UL applies to ``s``'s nutrient and cite its DRI report."""
    words = _UL_WORDS.get(s.ul_applies_to, "")
    # The bundled sources start with the report ("IOM 1997 (...)"): cite that.
    report = re.match(r"(?:IOM|NASEM|EFSA) \d{4}", s.ul_source)
    return f"{words} ({report.group(0)})" if words and report else words


def supplement_lines(
    items: Sequence[PlanItem], table: FoodTable | None = None
) -> list[SupplementLine]:
    """Sum the supplement items of ``items`` (a day, or a whole plan) by id.

    Each described from ``table``'s supplements (:func:`catalog_of`).
    """
    known = {s.id: s for s in catalog_of(table)}
    tablets: dict[str, float] = {}
    names: dict[str, str] = {}
    for item in items:
        if item.kind == "supplement":
            tablets[item.food_id] = tablets.get(item.food_id, 0.0) + item.portions
            names[item.food_id] = item.name
    out = []
    for fid, count in tablets.items():
        s = known.get(fid)
        if s is None:
            out.append(SupplementLine(fid, names[fid], count, "unit", "", "", ""))
            continue
        unit = _UNIT_WORDS.get(s.nutrient.rsplit("_", 1)[-1], "")
        amount = f"{s.dose * count:,.4g} {unit}".replace(".0 ", " ")
        out.append(
            SupplementLine(
                fid,
                s.name,
                count,
                s.unit,
                f"{amount} {_LABELS[s.nutrient]}",
                s.form,
                s.label,
                _ul_words(s),
            )
        )
    return out
