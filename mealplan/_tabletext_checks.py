"""Validate a food table's text as typed columns (see :mod:`mealplan._tabletext`).

:func:`validate_foods` and :func:`validate_portions` turn the text cells
:mod:`mealplan._tabletext` read into typed columns: numpy float and bool
arrays, lists of text and of tags, within the limits that module states.
Every problem is a one-sentence :class:`~mealplan.FoodTableError` naming the
file, the 1-based data row and the column; no row is dropped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from mealplan._columns import FOODS_COLUMNS, PORTIONS_COLUMNS, ROLES, SECTIONS
from mealplan._errors import FoodTableError
from mealplan._nutrients import Nutrient
from mealplan._tabletext import (
    ALL_ALLERGENS,
    ALL_SLOTS,
    BOOLS,
    FLOATS,
    LISTS,
    MAX_CELL_CHARS,
    MAX_MAX_PORTIONS,
    MAX_PORTION_GRAMS,
    MAX_PORTION_ROWS,
    MAX_PRICE_PER_100G,
    MAX_ROWS,
    TEXTS,
    Columns,
    PortionRows,
    TextTable,
    find_surrogate,
    nutrient_ceiling,
    shown,
    split_list,
    table_error,
    too_many_rows,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray


__all__ = ["validate_foods", "validate_portions"]

_NUTRIENTS: tuple[str, ...] = tuple(n.value for n in Nutrient)
_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no", ""})
_UNIT = re.compile(r"^[A-Za-z0-9µ/%]+$")


def _number(cell: str) -> float:
    """Parse a plain decimal number; NaN for anything else (inf, nan, 1_000)."""
    try:
        value = float(cell)
    except ValueError:
        return math.nan
    return value if math.isfinite(value) and "_" not in cell else math.nan


def _check_extras(extras: Mapping[str, str], label: str) -> None:
    for name, unit in extras.items():
        if not isinstance(name, str) or not re.match(r"^[a-z][a-z0-9_]*$", name):
            msg = f"extra_nutrients: names must be snake_case (got {name!r})."
            raise FoodTableError(msg, path=label, column=str(name))
        if name in FOODS_COLUMNS or name == "id":
            msg = f"extra_nutrients: {name!r} is a standard column; remove it."
            raise FoodTableError(msg, path=label, column=name)
        if not isinstance(unit, str) or not _UNIT.match(unit):
            msg = f"extra_nutrients: {name!r} unit must be like 'mg' (got {unit!r})."
            raise FoodTableError(msg, path=label, column=name)


def _check_shape(text: TextTable, label: str, extras: Mapping[str, str]) -> None:
    for required in ("id", "name"):
        if required not in text.cells:
            raise table_error(
                label,
                None,
                required,
                f"required column {required!r} is missing; add it.",
            )
    known = {"id", *FOODS_COLUMNS, *extras}
    for column in text.columns:
        if column not in known:
            raise table_error(
                label,
                None,
                column,
                f"unknown column {column!r}; remove it or declare it in "
                "extra_nutrients (e.g. {'iron_mg': 'mg'}).",
            )
    if text.rows == 0:
        raise table_error(
            label, None, None, "the table has no foods; add at least one row."
        )
    if text.rows > MAX_ROWS:
        raise too_many_rows(label, text.rows)
    for column in text.columns:
        cells = text.cells[column]
        # One pass per column; the row is looked for only when a check fails.
        longest = max(map(len, cells), default=0)
        joined = "".join(cells)
        if longest <= MAX_CELL_CHARS and not find_surrogate(joined):
            continue
        for i, cell in enumerate(cells, start=1):
            if len(cell) > MAX_CELL_CHARS:
                raise table_error(
                    label,
                    i,
                    column,
                    f"{column!r} has {len(cell):,} characters, above the limit of "
                    f"{MAX_CELL_CHARS:,}; shorten it.",
                )
            if find_surrogate(cell):
                raise table_error(
                    label,
                    i,
                    column,
                    f"{column!r} holds a lone surrogate code point ({cell!a}); "
                    "fix the text's encoding.",
                )


def _ids(text: TextTable, label: str) -> list[str]:
    ids = [c.strip() for c in text.cells["id"]]
    seen: set[str] = set()
    for i, fid in enumerate(ids, start=1):
        if fid == "":
            raise table_error(label, i, "id", "'id' must not be empty (got '').")
        if fid in seen:
            raise table_error(
                label, i, "id", f"'id' must be unique (got {fid!r} again)."
            )
        seen.add(fid)
    return ids


def _fast_numbers(
    cells: list[str], positive: bool, ceiling: float
) -> NDArray[np.float64] | None:
    """Parse a clean column in one numpy call; None when any cell needs a look."""
    stripped = [c.strip() for c in cells]
    if "_" in "".join(stripped):
        return None
    try:
        values = np.array([c or "nan" for c in stripped], dtype=np.float64)
    except ValueError:
        return None
    empty = np.array([c == "" for c in stripped], dtype=bool)
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(values) & (values <= ceiling)
        ok &= values > 0 if positive else values >= 0
    if not (ok | empty).all():
        return None
    return values


def _number_column(
    cells: list[str], column: str, label: str, ceiling: float
) -> NDArray[np.float64]:
    fast = _fast_numbers(cells, column == "max_portions", ceiling)
    if fast is not None:
        return fast
    # Some cell is bad: find the first one and say which.
    values = np.full(len(cells), np.nan)
    for i, raw in enumerate(cells):
        cell = raw.strip()
        if cell == "":
            continue
        value = _number(cell)
        positive = column == "max_portions"
        ok = math.isfinite(value) and (value > 0 if positive else value >= 0)
        if not ok:
            rule = "a number > 0" if positive else "a number >= 0"
            raise table_error(
                label,
                i + 1,
                column,
                f"{column!r} must be {rule} or empty (got {shown(raw)}).",
            )
        if value > ceiling:
            hint = (
                "it is the most portions of the food a day"
                if column == "max_portions"
                else "check the unit and that values are per 100 g"
            )
            raise table_error(
                label,
                i + 1,
                column,
                f"{column!r} must be at most {ceiling:g} (got {shown(raw)}); {hint}.",
            )
        values[i] = value
    return values


def _ceiling(column: str, units: Mapping[str, str]) -> float:
    if column == "max_portions":
        return MAX_MAX_PORTIONS
    if column == "price_per_100g":
        return MAX_PRICE_PER_100G
    return nutrient_ceiling(units[column])


def _flag_column(cells: list[str], column: str, label: str) -> NDArray[np.bool_]:
    out = np.zeros(len(cells), dtype=bool)
    for i, raw in enumerate(cells):
        lowered = raw.strip().lower()
        if lowered not in _TRUE and lowered not in _FALSE:
            raise table_error(
                label,
                i + 1,
                column,
                f"{column!r} must be true or false (got {shown(raw)}).",
            )
        out[i] = lowered in _TRUE
    return out


_VOCAB: dict[str, frozenset[str]] = {
    "allergens": frozenset(ALL_ALLERGENS),
    "meal_slots": frozenset(ALL_SLOTS),
    "article_sections": frozenset(SECTIONS),
    "roles": frozenset(ROLES),
}


def _tag_column(cells: list[str], column: str, label: str) -> list[tuple[str, ...]]:
    parts = [split_list(c) for c in cells]
    allowed = _VOCAB.get(column)
    if allowed is not None:
        for i, cell in enumerate(parts):
            wrong = [v for v in cell if v not in allowed]
            if wrong:
                raise table_error(
                    label,
                    i + 1,
                    column,
                    f"{column!r} must be a ;-list of {', '.join(sorted(allowed))} "
                    f"(got {shown(wrong[0])}).",
                )
    if column == "meal_slots":
        # An empty cell would make the food unusable; it means "any slot".
        parts = [c or ALL_SLOTS for c in parts]
    return parts


def validate_foods(
    text: TextTable, *, label: str, extra_nutrients: Mapping[str, str] | None = None
) -> Columns:
    """Validate an all-text table (``""`` = empty cell) and convert it.

    Raises:
        FoodTableError: The first problem, with file, row and column.

    """
    extras = dict(extra_nutrients or {})
    # A column that became a standard nutrient (e.g. iron_mg) may still be
    # named as an extra with the same unit, so older callers keep working.
    extras = {
        k: u
        for k, u in extras.items()
        if not (k in _NUTRIENTS and u == k.rsplit("_", 1)[-1])
    }
    _check_extras(extras, label)
    _check_shape(text, label, extras)
    ids = _ids(text, label)
    n = text.rows
    texts: dict[str, list[str]] = {}
    for column in TEXTS:
        texts[column] = (
            [c.strip() for c in text.cells[column]]
            if column in text.cells
            else [""] * n
        )
    for i, name in enumerate(texts["name"], start=1):
        if name == "":
            raise table_error(label, i, "name", "'name' must not be empty (got '').")
    for i, ndb in enumerate(texts["ndb_no"], start=1):
        if ndb and not (len(ndb) == 5 and ndb.isascii() and ndb.isdigit()):
            raise table_error(
                label,
                i,
                "ndb_no",
                f"'ndb_no' must be 5 digits with leading zeros (got {shown(ndb)}).",
            )
    for i, form in enumerate(texts["vitamin_d_form"], start=1):
        if form not in ("", "D2", "D3"):
            raise table_error(
                label,
                i,
                "vitamin_d_form",
                f"'vitamin_d_form' must be D2, D3 or empty (got {shown(form)}).",
            )
    units = {n.value: n.unit for n in Nutrient} | extras
    numbers: dict[str, NDArray[np.float64]] = {}
    for column in (*_NUTRIENTS, *extras, *FLOATS):
        if column not in text.cells:
            numbers[column] = np.full(n, np.nan)
            continue
        numbers[column] = _number_column(
            text.cells[column], column, label, _ceiling(column, units)
        )
    flags = {
        c: _flag_column(text.cells[c], c, label)
        if c in text.cells
        else np.zeros(n, bool)
        for c in BOOLS
    }
    defaults = {"allergens": ALL_ALLERGENS, "meal_slots": ALL_SLOTS}
    tags = {
        c: _tag_column(text.cells[c], c, label)
        if c in text.cells
        else [defaults.get(c, ())] * n
        for c in LISTS
    }
    order = ["name", *TEXTS[1:4], *_NUTRIENTS, *extras, *BOOLS, *LISTS]
    order += [*FLOATS, *TEXTS[4:]]
    for array in (*numbers.values(), *flags.values()):
        array.flags.writeable = False
    units = {k: v for k, v in units.items() if k in (*_NUTRIENTS, *extras)}
    return Columns(ids, order, numbers, flags, tags, texts, units)


def _portion_label(label: str) -> str:
    return str(Path(label).parent / "portions.csv") if label != "<dataframe>" else label


def validate_portions(
    portions: TextTable | None, ids: list[str], label: str
) -> PortionRows:
    """Validate portions and give foods without any a single ``100 g`` default.

    Raises:
        FoodTableError: A portion names an unknown food, has a bad number, or
            a food has more than one default.

    """
    plabel = _portion_label(label)
    known = set(ids)
    records: list[tuple[str, int, float, str, float, bool]] = []
    if portions is not None and portions.rows:
        missing = [c for c in PORTIONS_COLUMNS if c not in portions.cells]
        if missing:
            raise table_error(
                plabel, None, missing[0], f"portions column {missing[0]!r} is missing."
            )
        if portions.rows > MAX_PORTION_ROWS:
            raise table_error(
                plabel,
                None,
                None,
                f"the portions table has {portions.rows:,} rows, above the limit of "
                f"{MAX_PORTION_ROWS:,}; keep only the foods you plan with.",
            )
        cells = portions.cells
        for i in range(portions.rows):
            records.append(_portion(cells, i, known, plabel))
    have = {r[0] for r in records}
    records += [(f, 0, 100.0, "100 g", 100.0, True) for f in ids if f not in have]
    records.sort(key=lambda r: (r[0], r[1]))
    rows = PortionRows(
        food_id=[r[0] for r in records],
        seq=[r[1] for r in records],
        amount=[r[2] for r in records],
        description=[r[3] for r in records],
        grams=[r[4] for r in records],
        is_default=[r[5] for r in records],
    )
    for i, fid in enumerate(rows.food_id):
        rows.by_food.setdefault(fid, []).append(i)
    for fid, members in rows.by_food.items():
        defaults = [i for i in members if rows.is_default[i]]
        if len(defaults) > 1:
            raise table_error(
                plabel,
                defaults[1] + 1,
                "is_default",
                f"each food must have at most one default portion ({fid!r} has "
                f"{len(defaults)}).",
            )
        if not defaults:
            rows.is_default[members[0]] = True  # the first seq
    return rows


def _portion(
    cells: dict[str, list[str]], i: int, known: set[str], plabel: str
) -> tuple[str, int, float, str, float, bool]:
    row = i + 1
    food_id = cells["food_id"][i].strip()
    if food_id not in known:
        raise table_error(
            plabel,
            row,
            "food_id",
            f"'food_id' must be an id of the food table (got {shown(food_id)}).",
        )
    raw_seq, raw_amount, raw_grams = (
        cells[c][i].strip() for c in ("seq", "amount", "grams")
    )
    if not (0 < len(raw_seq) <= 6 and raw_seq.isascii() and raw_seq.isdigit()):
        raise table_error(
            plabel,
            row,
            "seq",
            f"'seq' must be a whole number >= 0 (got {shown(raw_seq)}).",
        )
    amount = _number(raw_amount)
    if not (math.isfinite(amount) and 0 < amount <= 10_000):
        raise table_error(
            plabel,
            row,
            "amount",
            f"'amount' must be a number > 0 and at most 10000 (got {shown(raw_amount)}).",
        )
    grams = _number(raw_grams)
    if not (math.isfinite(grams) and 0 < grams <= MAX_PORTION_GRAMS):
        raise table_error(
            plabel,
            row,
            "grams",
            f"'grams' must be > 0 and at most {MAX_PORTION_GRAMS:g} "
            f"(got {shown(raw_grams)}).",
        )
    flag = cells["is_default"][i].strip().lower()
    if flag not in _TRUE and flag not in _FALSE:
        raise table_error(
            plabel,
            row,
            "is_default",
            f"'is_default' must be true or false (got {shown(flag)}).",
        )
    description = cells["description"][i].strip() or f"{grams:g} g"
    return (food_id, int(raw_seq), amount, description, grams, flag in _TRUE)
