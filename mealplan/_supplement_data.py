"""The supplements table: its rows, their validation, and the ULs they meet.

The data half of :mod:`mealplan._supplements` (which plans with them): each
row of ``foods/supplements.csv`` or a caller's table becomes a typed
:class:`Supplement` after every column is checked (a typed one-line
:class:`~mealplan.FoodTableError` naming the row and column; its UL columns
against ``foods/dri_full.csv``); :func:`supplement_ul` and
:func:`unsafe_supplements` say which doses a person's life stage allows.
"""

from __future__ import annotations

import csv
import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mealplan._errors import FoodTableError
from mealplan._resources import data_file
from mealplan._tabletext import TextTable, frame_text, read_csv_text

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd

    from mealplan._catalog import FoodTable
    from mealplan._models import Person

__all__ = [
    "SUPPLEMENTS_FILE",
    "Supplement",
    "catalog_of",
    "load_supplements",
    "supplement_ul",
    "unsafe_supplements",
]

SUPPLEMENTS_FILE = "supplements.csv"

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
