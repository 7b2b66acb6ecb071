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
  bundled adult-strength products; younger children get none);
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
"""

from __future__ import annotations

import csv
import difflib
import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from mealplan._errors import FoodTableError, RequestError
from mealplan._resources import data_file
from mealplan._tabletext import (
    Columns,
    PortionRows,
    TextTable,
    frame_text,
    read_csv_text,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd
    from numpy.typing import NDArray

    from mealplan._catalog import FoodTable
    from mealplan._models import NutrientTargets, Person, PlanItem, PlanRequest

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

SUPPLEMENTS_FILE = "supplements.csv"
SUPPLEMENT_CATEGORY = "supplements"
"""The ``category`` of a supplement row in a table :func:`with_supplements` built."""
SUPPLEMENTS_MEAL = "supplements"
"""The part of each day supplements are planned in (not a meal)."""
SUPPLEMENTAL_MAGNESIUM = "magnesium_supplemental_mg"
"""Column and bound of magnesium from supplements only (its UL applies to them)."""
UNIT_GRAMS = 1.0
"""Grams of one tablet in the table: a bookkeeping unit, not the tablet's
weight (labels do not print it); reports show supplements in tablets."""

_NUTRIENTS = {
    "vitamin_d_ug": ("vitamin_d", "ug", "total"),
    "vitamin_b12_ug": ("vitamin_b12", "ug", "none"),
    "magnesium_mg": ("magnesium", "mg", "supplements"),
    "calcium_mg": ("calcium", "mg", "total"),
}
"""Supplement nutrient column -> (DRI nutrient, unit, what its UL limits)."""

_COLUMNS = (
    "id",
    "name",
    "nutrient",
    "dose",
    "form",
    "vitamin_d_form",
    "unit",
    "units_per_day",
    "vegan",
    "vegetarian",
    "pescatarian",
    "allergens",
    "min_age_years",
    "label",
    "dose_source",
    "form_source",
)
_UL_COLUMNS = ("ul_applies_to", "adult_ul", "ul_source")
"""Which UL limits the supplement's nutrient, its adult value and its source.

Required in the bundled file; a caller's table may leave all three out (a
table written before they existed), and each row then gets its nutrient's
standard entry from :data:`_STANDARD_UL` (the UL is the nutrient's, not the
product's). Either way the loader checks them against ``foods/dri_full.csv``.
"""
_ADULT = (30.0, ("male", "female"))
"""The adult the ``adult_ul`` column is checked for: 30 years, either sex."""
_STANDARD_UL = {
    "vitamin_d_ug": (
        "total",
        "100",
        "IOM 2011 (Dietary Reference Intakes for Calcium and Vitamin D): UL "
        "100 µg (4,000 IU) a day from 9 years (63 µg at 1-3 y, 75 µg at 4-8 "
        "y), total intake from food, water and supplements",
    ),
    "vitamin_b12_ug": (
        "none",
        "",
        "IOM 1998 (Dietary Reference Intakes for Thiamin, ..., Vitamin B12): "
        "no UL set (no adverse effects from excess B12 from food and "
        "supplements in healthy people)",
    ),
    "magnesium_mg": (
        "supplements",
        "350",
        "IOM 1997 (Dietary Reference Intakes for Calcium, Phosphorus, "
        "Magnesium, Vitamin D, and Fluoride): UL 350 mg a day of supplemental "
        "magnesium from 9 years (65 mg at 1-3 y, 110 mg at 4-8 y), from "
        "supplements and medications only, not from food and water",
    ),
    "calcium_mg": (
        "total",
        "2500",
        "IOM 2011 (Dietary Reference Intakes for Calcium and Vitamin D): UL "
        "2,500 mg a day at 19-50 years (3,000 mg at 9-18 y, 2,000 mg from 51 "
        "y), total intake from food and supplements",
    ),
}
"""Nutrient -> (ul_applies_to, adult_ul, ul_source) of a table without them."""
_ALLERGENS = frozenset(
    (
        "egg",
        "fish",
        "milk",
        "peanuts",
        "sesame",
        "shellfish",
        "soy",
        "tree_nuts",
        "wheat",
    )
)


@dataclass(frozen=True, slots=True)
class Supplement:
    """One single-nutrient supplement: a dose per unit and how to buy it."""

    id: str
    name: str
    nutrient: str
    dose: float
    form: str
    vitamin_d_form: str
    unit: str
    units_per_day: int
    vegan: bool
    vegetarian: bool
    pescatarian: bool
    allergens: tuple[str, ...]
    min_age_years: float
    label: str
    dose_source: str
    form_source: str
    ul_applies_to: str = ""
    """What the nutrient's UL limits: ``supplements`` (magnesium: supplements
    only), ``total`` (food and supplements together) or ``none`` (no UL)."""
    adult_ul: float | None = None
    """The UL for an adult of 19-30 years (None: no UL); the planner applies
    the DRI table's value for each person's age, sex and life stage."""
    ul_source: str = ""
    """Where the UL comes from (the DRI report), with its age bands."""

    @property
    def daily_dose(self) -> float:
        """The most of its nutrient it can add in a day."""
        return self.dose * self.units_per_day


def _bad(where: str, row: int, column: str, rule: str, got: str) -> FoodTableError:
    msg = (
        f"The supplements table {where}, row {row}, column {column!r}: {rule} "
        f"(got {got[:40]!r}); fix the row."
    )
    return FoodTableError(msg, path=where, row=row, column=column)


def _flag(raw: dict[str, str], column: str, where: str, row: int) -> bool:
    value = raw[column].strip().lower()
    if value not in ("true", "false"):
        raise _bad(where, row, column, "must be true or false", raw[column])
    return value == "true"


def _positive(raw: dict[str, str], column: str, where: str, row: int) -> float:
    try:
        value = float(raw[column])
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= 100_000):
        raise _bad(where, row, column, "must be a number in (0, 100000]", raw[column])
    return value


_ID = re.compile(r"[a-z0-9][a-z0-9\-]{0,59}")
"""A supplement id: lowercase letters, digits and hyphens, as the bundled ids."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _parse(raw: dict[str, str], where: str, row: int) -> Supplement:
    for column in (*_COLUMNS, *_UL_COLUMNS):
        if _CONTROL.search(raw[column]):
            rule = "must be one line of text (no control characters)"
            raise _bad(where, row, column, rule, raw[column])
    if not _ID.fullmatch(raw["id"].strip()):
        rule = "must be 1-60 lowercase letters, digits and hyphens"
        raise _bad(where, row, "id", rule, raw["id"])
    if raw["nutrient"] not in _NUTRIENTS:
        rule = f"must be one of {', '.join(sorted(_NUTRIENTS))}"
        raise _bad(where, row, "nutrient", rule, raw["nutrient"])
    allergens = tuple(a for a in raw["allergens"].split(";") if a)
    wrong = [a for a in allergens if a not in _ALLERGENS]
    if wrong:
        rule = f"must be a ;-list of {', '.join(sorted(_ALLERGENS))}"
        raise _bad(where, row, "allergens", rule, wrong[0])
    units = _positive(raw, "units_per_day", where, row)
    if units != int(units) or units > 4:
        raise _bad(where, row, "units_per_day", "must be 1 to 4", raw["units_per_day"])
    if raw["vitamin_d_form"] not in ("", "D2", "D3"):
        rule = "must be D2, D3 or empty"
        raise _bad(where, row, "vitamin_d_form", rule, raw["vitamin_d_form"])
    for column in ("id", "name", "form", "unit", "dose_source", "form_source"):
        if not raw[column].strip():
            raise _bad(where, row, column, "must not be empty", raw[column])
    applies, adult_ul = _ul_of(raw, where, row)
    try:
        min_age = float(raw["min_age_years"])
    except ValueError:
        min_age = math.nan
    if not (math.isfinite(min_age) and 1 <= min_age <= 120):
        rule = "must be an age in years from 1 to 120"
        raise _bad(where, row, "min_age_years", rule, raw["min_age_years"])
    return Supplement(
        id=raw["id"].strip(),
        name=raw["name"].strip(),
        nutrient=raw["nutrient"],
        dose=_positive(raw, "dose", where, row),
        form=raw["form"].strip(),
        vitamin_d_form=raw["vitamin_d_form"],
        unit=raw["unit"].strip(),
        units_per_day=int(units),
        vegan=_flag(raw, "vegan", where, row),
        vegetarian=_flag(raw, "vegetarian", where, row),
        pescatarian=_flag(raw, "pescatarian", where, row),
        allergens=allergens,
        min_age_years=min_age,
        label=raw["label"].strip(),
        dose_source=raw["dose_source"].strip(),
        form_source=raw["form_source"].strip(),
        ul_applies_to=applies,
        adult_ul=adult_ul,
        ul_source=raw["ul_source"].strip(),
    )


def _ul_of(raw: dict[str, str], where: str, row: int) -> tuple[str, float | None]:
    """Check the row's UL columns against the nutrient and the DRI table."""
    limits = _NUTRIENTS[raw["nutrient"]][2]
    applies = raw["ul_applies_to"].strip()
    if applies != limits:
        # The planner applies the nutrient's UL as the DRIs define it; a row
        # saying otherwise would mislead whoever reads the table.
        rule = (
            f"must be {limits!r} for {raw['nutrient']} (supplements: the UL "
            "limits supplements only; total: food and supplements together; "
            "none: no UL)"
        )
        raise _bad(where, row, "ul_applies_to", rule, raw["ul_applies_to"])
    if not raw["ul_source"].strip():
        raise _bad(where, row, "ul_source", "must not be empty", raw["ul_source"])
    from mealplan._models import Person

    age, sexes = _ADULT
    expected = {
        supplement_ul(Person(age=age, sex=sex), raw["nutrient"]) for sex in sexes
    }
    if len(expected) != 1:  # pragma: no cover - the DRI table has one adult UL
        raise _bad(where, row, "adult_ul", "has no single adult UL", raw["adult_ul"])
    want = expected.pop()
    text = raw["adult_ul"].strip()
    if want is None:
        if text:
            rule = f"must be empty: the DRIs set no UL for {raw['nutrient']}"
            raise _bad(where, row, "adult_ul", rule, text)
        return applies, None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if value != want:
        rule = (
            f"must be {want:g}, the UL for adults of 19-30 years in foods/dri_full.csv"
        )
        raise _bad(where, row, "adult_ul", rule, text)
    return applies, value


def _rows(table: TextTable, where: str) -> tuple[Supplement, ...]:
    """Validate every row of ``table`` (column names checked by the caller)."""
    out = []
    for n in range(table.rows):
        raw = {c: table.cells[c][n] for c in _COLUMNS}
        if all(c in table.cells for c in _UL_COLUMNS):
            raw.update({c: table.cells[c][n] for c in _UL_COLUMNS})
        elif raw["nutrient"] in _STANDARD_UL:
            raw.update(zip(_UL_COLUMNS, _STANDARD_UL[raw["nutrient"]], strict=True))
        else:
            raw.update(dict.fromkeys(_UL_COLUMNS, ""))
        out.append(_parse(raw, where, n + 1))
    seen: set[str] = set()
    for n, s in enumerate(out, start=1):
        if s.id in seen:
            raise _bad(where, n, "id", "must be unique", s.id)
        seen.add(s.id)
    return tuple(out)


@functools.lru_cache(maxsize=4)
def _read(path: str) -> tuple[Supplement, ...]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        msg = f"The supplements table {path} cannot be read ({exc.strerror}); reinstall mealplan."
        raise FoodTableError(msg, path=path) from exc
    reader = csv.DictReader(text.splitlines())
    every = (*_COLUMNS, *_UL_COLUMNS)  # the bundled file has them all
    missing = [c for c in every if c not in (reader.fieldnames or [])]
    if missing:
        msg = f"The supplements table {path} lacks column {missing[0]!r}; restore it."
        raise FoodTableError(msg, path=path, column=missing[0])
    records = list(reader)
    cells = {c: [r[c] or "" for r in records] for c in every}
    return _rows(TextTable(list(every), cells, len(records)), path)


def _caller_table(table: TextTable, where: str) -> tuple[Supplement, ...]:
    """Validate a caller's table: exactly the bundled columns, at least one row.

    The UL columns (:data:`_UL_COLUMNS`) may be left out together, never one
    alone.
    """
    ul_given = any(c in table.columns for c in _UL_COLUMNS)
    needed = (*_COLUMNS, *_UL_COLUMNS) if ul_given else _COLUMNS
    missing = [c for c in needed if c not in table.columns]
    if missing:
        msg = (
            f"The supplements table {where} lacks column {missing[0]!r}; give "
            f"every column of the bundled foods/{SUPPLEMENTS_FILE}."
        )
        raise FoodTableError(msg, path=where, column=missing[0])
    unknown = [c for c in table.columns if c not in (*_COLUMNS, *_UL_COLUMNS)]
    if unknown:
        # Never dropped silently: a column the planner would not read.
        msg = (
            f"The supplements table {where} has column {unknown[0][:40]!r}, which "
            "mealplan does not read; remove it (columns: "
            f"{', '.join((*_COLUMNS, *_UL_COLUMNS))})."
        )
        raise FoodTableError(msg, path=where, column=unknown[0])
    if table.rows == 0:
        msg = f"The supplements table {where} has no rows; add a supplement or leave supplements off."
        raise FoodTableError(msg, path=where)
    return _rows(table, where)


def load_supplements(
    source: str | Path | pd.DataFrame | None = None,
) -> tuple[Supplement, ...]:
    """Return the bundled supplements (``foods/supplements.csv``) or a caller's.

    Args:
        source: None for the bundled table; a UTF-8 CSV file or a pandas
            DataFrame with the bundled file's columns (no other) for a
            caller's own. Plan with it through
            :meth:`FoodTable.using_supplements` (CLI: ``--supplements-file``).

    Raises:
        FoodTableError: The file is missing or not CSV, a column is missing
            or unknown, or a row is malformed (the message names the row and
            column).

    """
    if source is None:
        return _read(str(data_file(SUPPLEMENTS_FILE)))
    if isinstance(source, str | Path):
        path = Path(source)
        return _caller_table(read_csv_text(path, "Supplements table"), str(path))
    return _caller_table(frame_text(source, "<dataframe>"), "<dataframe>")


def catalog_of(table: FoodTable | None) -> tuple[Supplement, ...]:
    """Return the supplements ``table`` plans with: the caller's or the bundled."""
    own = table.supplements if table is not None else None
    return own if own is not None else load_supplements()


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


# ------------------------------------------------------------------ the ULs


@functools.lru_cache(maxsize=2)
def _ul_rows(path: str) -> tuple[tuple[str, str, str, float, float, float], ...]:
    """(nutrient_unit, life_stage, sex, age_min, age_max, value) of each UL row."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        msg = (
            f"The DRI table {path} cannot be read ({exc.strerror}); reinstall mealplan."
        )
        raise FoodTableError(msg, path=path) from exc
    out = []
    for raw in csv.DictReader(text.splitlines()):
        if raw["kind"] != "UL":
            continue
        out.append(
            (
                f"{raw['nutrient']}_{raw['unit']}",
                raw["life_stage"],
                raw["sex"],
                float(raw["age_min_years"]),
                float(raw["age_max_years"]),
                float(raw["value"]),
            )
        )
    return tuple(out)


def supplement_ul(person: Person, nutrient: str) -> float | None:
    """Return the UL that limits ``nutrient`` from supplements for ``person``.

    The magnesium UL limits supplements only; the vitamin D and calcium ULs
    limit food and supplements together (so a dose over them alone is unsafe
    whatever the food); B12 has none. None: no UL for that life stage.
    """
    stage = "pregnancy" if person.pregnancy else "lactation" if person.lactation else ""
    for column, life_stage, sex, lo, hi, value in _ul_rows(
        str(data_file("dri_full.csv"))
    ):
        if column != nutrient or sex not in ("any", person.sex.value):
            continue
        if not lo <= person.age < hi:
            continue
        special = life_stage in ("pregnancy", "lactation")
        if special != bool(stage) or (special and life_stage != stage):
            continue
        return value
    return None


def unsafe_supplements(
    person: Person | None, supplements: Sequence[Supplement]
) -> dict[str, str]:
    """Return supplement id -> why it is not offered to ``person``."""
    out: dict[str, str] = {}
    for s in supplements:
        if person is None:
            out[s.id] = "supplements need a person, to check the life-stage ULs"
            continue
        if person.age < s.min_age_years:
            out[s.id] = (
                f"not offered under {s.min_age_years:g} years "
                "(adult-strength product; ask a paediatrician)"
            )
            continue
        limits = _NUTRIENTS[s.nutrient][2]
        if limits == "none":
            continue
        ul = supplement_ul(person, s.nutrient)
        if ul is None:
            out[s.id] = "no UL is set for this life stage (ND), so none is offered"
        elif s.daily_dose > ul:
            out[s.id] = f"its dose of {s.daily_dose:g} is over the UL of {ul:g} a day"
    return out


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
        supplements=table.supplements,
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
        "Supplements were allowed (supplements): single-nutrient tablets at label "
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
