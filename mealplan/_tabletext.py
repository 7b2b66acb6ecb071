"""Food tables as text, read and validated without pandas.

A table arrives as text cells (a CSV file read with the stdlib ``csv``
module, or a caller's DataFrame turned into the text it stands for) and
leaves as typed columns: numpy float and bool arrays, lists of text and of
tags. Every problem is a one-sentence :class:`~mealplan.FoodTableError`
naming the file, the 1-based data row and the column; no row is dropped.

Limits (a table beyond them is an error, not a slow plan):

* :data:`MAX_FILE_BYTES` per CSV file, :data:`MAX_ROWS` foods,
  :data:`MAX_COLUMNS` columns, :data:`MAX_PORTION_ROWS` portions and
  :data:`MAX_CELL_CHARS` characters per cell;
* nutrients per 100 g at most what 100 g can physically hold
  (:func:`nutrient_ceiling`), portions of at most :data:`MAX_PORTION_GRAMS`,
  ``max_portions`` at most :data:`MAX_MAX_PORTIONS` and prices at most
  :data:`MAX_PRICE_PER_100G` US$ per 100 g.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from mealplan._columns import FOODS_COLUMNS, PORTIONS_COLUMNS, ROLES, SECTIONS
from mealplan._errors import FoodTableError
from mealplan._nutrients import Allergen, MealSlot, Nutrient

if TYPE_CHECKING:
    from collections.abc import Iterator

    from numpy.typing import NDArray

__all__ = [
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_MAX_PORTIONS",
    "MAX_PORTION_GRAMS",
    "MAX_PORTION_ROWS",
    "MAX_PRICE_PER_100G",
    "MAX_ROWS",
    "Columns",
    "PortionRows",
    "TextTable",
    "concat_rows",
    "frame_text",
    "nutrient_ceiling",
    "read_csv_text",
    "validate_foods",
    "validate_portions",
]

MAX_FILE_BYTES = 64 * 1024 * 1024
"""Largest CSV file read (64 MiB; the whole of SR28 as a table is about 4 MiB)."""
MAX_ROWS = 20_000
"""Most foods in a table (SR28 has 8,789; FNDDS 7,083)."""
MAX_COLUMNS = 200
"""Most columns in a table (the standard ones plus extra nutrients)."""
MAX_PORTION_ROWS = 200_000
"""Most rows in a portions table (SR28 has about 15,400)."""
MAX_CELL_CHARS = 10_000
"""Longest text in one cell."""
MAX_PORTION_GRAMS = 20_000.0
"""Heaviest portion, in grams (SR28's largest household weight is a whole turkey)."""
MAX_MAX_PORTIONS = 100.0
"""Largest ``max_portions`` a food may have a day."""
MAX_PRICE_PER_100G = 10_000.0
"""Highest price, US$ per 100 g."""

# What 100 g of food can hold, by the unit suffix of a nutrient column: at
# most 100 g of anything, and no more energy than pure fat (about 900 kcal).
_CEILINGS: dict[str, float] = {
    "g": 100.0,
    "mg": 100_000.0,
    "ug": 100_000_000.0,
    "µg": 100_000_000.0,
    "mcg": 100_000_000.0,
    "kcal": 1_000.0,
    "kj": 4_200.0,
}
_OTHER_CEILING = 1_000_000.0

_NUTRIENTS: tuple[str, ...] = tuple(n.value for n in Nutrient)
BOOLS = ("vegan", "vegetarian", "pescatarian", "whole_units")
LISTS = ("allergens", "fortified", "meal_slots", "article_sections", "roles")
FLOATS = ("max_portions", "price_per_100g")
TEXTS = (
    "name",
    "ndb_no",
    "food_group",
    "category",
    "price_year",
    "price_source",
    "sr28_description",
    "provenance",
    "fndds_code",
    "base",
)
ALL_ALLERGENS = tuple(sorted(a.value for a in Allergen))
ALL_SLOTS = tuple(sorted(s.value for s in MealSlot))
_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no", ""})
_UNIT = re.compile(r"^[A-Za-z0-9µ/%]+$")
_SURROGATE = re.compile("[\ud800-\udfff]")


def find_surrogate(text: str) -> bool:
    """Return whether ``text`` holds a lone surrogate code point."""
    return not text.isascii() and _SURROGATE.search(text) is not None


def _number(cell: str) -> float:
    """Parse a plain decimal number; NaN for anything else (inf, nan, 1_000)."""
    try:
        value = float(cell)
    except ValueError:
        return math.nan
    return value if math.isfinite(value) and "_" not in cell else math.nan


def nutrient_ceiling(unit: str) -> float:
    """Return the most of a nutrient in ``unit`` that 100 g of food can hold."""
    return _CEILINGS.get(unit.lower(), _OTHER_CEILING)


@dataclass(frozen=True)
class TextTable:
    """A table as text: column names in order and one list of cells per column."""

    columns: list[str]
    cells: dict[str, list[str]]
    rows: int


def concat_rows(first: TextTable, second: TextTable) -> TextTable:
    """Return the rows of ``first`` then ``second`` (same columns, in any order).

    Raises:
        FoodTableError: The two tables do not have the same columns.

    """
    if set(first.columns) != set(second.columns):
        extra = sorted(set(first.columns) ^ set(second.columns))
        msg = f"Bundled tables differ in column {extra[0]!r}; rebuild foods/ with 'python -m mealplan.data build-foods'."
        raise FoodTableError(msg, column=extra[0])
    cells = {c: [*first.cells[c], *second.cells[c]] for c in first.columns}
    return TextTable(list(first.columns), cells, first.rows + second.rows)


@dataclass(frozen=True)
class Columns:
    """A validated food table as typed columns, in :attr:`ids` order."""

    ids: list[str]
    order: list[str]
    numbers: dict[str, NDArray[np.float64]]
    flags: dict[str, NDArray[np.bool_]]
    tags: dict[str, list[tuple[str, ...]]]
    texts: dict[str, list[str]]
    units: dict[str, str]


@dataclass(frozen=True)
class PortionRows:
    """Validated portions sorted by food id and seq, exactly one default per food."""

    food_id: list[str]
    seq: list[int]
    amount: list[float]
    description: list[str]
    grams: list[float]
    is_default: list[bool]
    by_food: dict[str, list[int]] = field(default_factory=dict)


def _err(label: str, row: int | None, column: str | None, text: str) -> FoodTableError:
    where = f"{Path(label).name} row {row}" if row is not None else Path(label).name
    return FoodTableError(f"{where}: {text}", path=label, row=row, column=column)


def _shown(value: str) -> str:
    """Quote a cell for a message: one line, at most 60 characters."""
    text = value if len(value) <= 60 else value[:57] + "..."
    return repr(text)


def split_list(cell: str) -> tuple[str, ...]:
    """Split a ``;``-list cell into its sorted, unique, stripped parts."""
    return tuple(sorted({p.strip() for p in cell.split(";") if p.strip()}))


# ------------------------------------------------------------------ reading


def read_csv_text(path: Path, what: str, *, max_rows: int | None = None) -> TextTable:
    """Read a UTF-8 CSV file as text cells (empty cell = ``""``).

    With ``max_rows``, reading stops at the first row past it (a 54 MB file
    of 100,000 foods took 9 s to parse before its row count was refused).

    Raises:
        FoodTableError: The file is missing, too large, not UTF-8, not CSV,
            has duplicate or too many columns, or rows of the wrong length.

    """
    try:
        size = path.stat().st_size if path.is_file() else None
    except OSError:
        size = None
    if size is None:
        # A directory or a device (/dev/zero) exists but is no CSV file.
        found = "is not a file" if path.exists() else "was not found"
        msg = f"{what} {path} {found}; check the path."
        raise FoodTableError(msg, path=str(path))
    if size > MAX_FILE_BYTES:
        msg = (
            f"{path.name} is {size:,} bytes, above the limit of {MAX_FILE_BYTES:,}; "
            "split the table or keep only the foods you plan with."
        )
        raise FoodTableError(msg, path=str(path))
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            records = _records(csv.reader(handle, strict=True), max_rows, str(path))
    except UnicodeDecodeError:
        msg = f"{path.name} is not UTF-8 text; re-save it as a UTF-8 CSV file."
        raise FoodTableError(msg, path=str(path)) from None
    except (csv.Error, OSError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        msg = f"{path.name} could not be parsed as CSV ({reason or type(exc).__name__}); fix the file."
        raise FoodTableError(msg, path=str(path)) from None
    if not records:
        msg = f"{path.name} is empty; give a header row and at least one food."
        raise FoodTableError(msg, path=str(path))
    header = [h.lstrip("\ufeff") if i == 0 else h for i, h in enumerate(records[0])]
    body = [r for r in records[1:] if r]  # a blank line is no row (as pandas reads it)
    return _text_table(header, body, str(path))


def _records(
    reader: Iterator[list[str]], max_rows: int | None, label: str
) -> list[list[str]]:
    records: list[list[str]] = []
    rows = 0
    for record in reader:
        records.append(record)
        rows += bool(record)  # a blank line is no row
        if max_rows is not None and rows > max_rows + 1:  # the header is a row
            raise _err(
                label,
                None,
                None,
                f"the table has more than {max_rows:,} rows, the limit; "
                "keep only the foods you plan with.",
            )
    return records


def _text_table(header: list[str], body: list[list[str]], label: str) -> TextTable:
    if len(header) > MAX_COLUMNS:
        raise _err(
            label,
            None,
            None,
            f"the table has {len(header)} columns, above the limit of {MAX_COLUMNS}; "
            "remove the columns you do not plan with.",
        )
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise _err(label, None, name, f"column {name!r} appears twice; keep one.")
        seen.add(name)
    width = len(header)
    for i, record in enumerate(body, start=1):
        if len(record) != width:
            raise _err(
                label,
                i,
                None,
                f"the row has {len(record)} cells but the header has {width}; "
                "fix the row's commas and quotes.",
            )
    cells = {name: [r[j] for r in body] for j, name in enumerate(header)}
    return TextTable(header, cells, len(body))


def _as_text(value: Any) -> str:
    """Turn one DataFrame cell into the CSV text it stands for."""
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        return "" if math.isnan(value) else repr(float(value))
    if isinstance(value, list | tuple | set | frozenset):
        return ";".join(str(v) for v in value)
    if isinstance(value, str):
        return value.strip()
    import pandas as pd  # the caller brought a DataFrame: pandas is loaded

    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value).strip()


def frame_text(df: Any, label: str, *, max_rows: int = MAX_ROWS) -> TextTable:
    """Turn a caller's DataFrame into a :class:`TextTable`.

    Raises:
        FoodTableError: Not a DataFrame, or duplicate or too many columns.

    """
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        msg = f"{label}: expected a pandas DataFrame (got {type(df).__name__})."
        raise FoodTableError(msg, path=label)
    header = [str(c) for c in df.columns]
    if len(df) > max_rows:
        raise _too_many_rows(label, len(df), max_rows)
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise _err(label, None, name, f"column {name!r} appears twice; keep one.")
        seen.add(name)
    if len(header) > MAX_COLUMNS:
        return _text_table(header, [], label)  # raises the column limit
    body_cols = [
        [_as_text(v) for v in df.iloc[:, j].tolist()] for j in range(len(header))
    ]
    cells = dict(zip(header, body_cols, strict=True))
    return TextTable(header, cells, len(df))


def _too_many_rows(label: str, rows: int, limit: int = MAX_ROWS) -> FoodTableError:
    return _err(
        label,
        None,
        None,
        f"the table has {rows:,} rows, above the limit of {limit:,}; "
        "keep only the foods you plan with.",
    )


# --------------------------------------------------------------- validation


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
            raise _err(
                label,
                None,
                required,
                f"required column {required!r} is missing; add it.",
            )
    known = {"id", *FOODS_COLUMNS, *extras}
    for column in text.columns:
        if column not in known:
            raise _err(
                label,
                None,
                column,
                f"unknown column {column!r}; remove it or declare it in "
                "extra_nutrients (e.g. {'iron_mg': 'mg'}).",
            )
    if text.rows == 0:
        raise _err(label, None, None, "the table has no foods; add at least one row.")
    if text.rows > MAX_ROWS:
        raise _too_many_rows(label, text.rows)
    for column in text.columns:
        cells = text.cells[column]
        # One pass per column; the row is looked for only when a check fails.
        longest = max(map(len, cells), default=0)
        joined = "".join(cells)
        if longest <= MAX_CELL_CHARS and not find_surrogate(joined):
            continue
        for i, cell in enumerate(cells, start=1):
            if len(cell) > MAX_CELL_CHARS:
                raise _err(
                    label,
                    i,
                    column,
                    f"{column!r} has {len(cell):,} characters, above the limit of "
                    f"{MAX_CELL_CHARS:,}; shorten it.",
                )
            if find_surrogate(cell):
                raise _err(
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
            raise _err(label, i, "id", "'id' must not be empty (got '').")
        if fid in seen:
            raise _err(label, i, "id", f"'id' must be unique (got {fid!r} again).")
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
            raise _err(
                label,
                i + 1,
                column,
                f"{column!r} must be {rule} or empty (got {_shown(raw)}).",
            )
        if value > ceiling:
            hint = (
                "it is the most portions of the food a day"
                if column == "max_portions"
                else "check the unit and that values are per 100 g"
            )
            raise _err(
                label,
                i + 1,
                column,
                f"{column!r} must be at most {ceiling:g} (got {_shown(raw)}); {hint}.",
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
            raise _err(
                label,
                i + 1,
                column,
                f"{column!r} must be true or false (got {_shown(raw)}).",
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
                raise _err(
                    label,
                    i + 1,
                    column,
                    f"{column!r} must be a ;-list of {', '.join(sorted(allowed))} "
                    f"(got {_shown(wrong[0])}).",
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
            raise _err(label, i, "name", "'name' must not be empty (got '').")
    for i, ndb in enumerate(texts["ndb_no"], start=1):
        if ndb and not (len(ndb) == 5 and ndb.isascii() and ndb.isdigit()):
            raise _err(
                label,
                i,
                "ndb_no",
                f"'ndb_no' must be 5 digits with leading zeros (got {_shown(ndb)}).",
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
            raise _err(
                plabel, None, missing[0], f"portions column {missing[0]!r} is missing."
            )
        if portions.rows > MAX_PORTION_ROWS:
            raise _err(
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
            raise _err(
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
        raise _err(
            plabel,
            row,
            "food_id",
            f"'food_id' must be an id of the food table (got {_shown(food_id)}).",
        )
    raw_seq, raw_amount, raw_grams = (
        cells[c][i].strip() for c in ("seq", "amount", "grams")
    )
    if not (0 < len(raw_seq) <= 6 and raw_seq.isascii() and raw_seq.isdigit()):
        raise _err(
            plabel,
            row,
            "seq",
            f"'seq' must be a whole number >= 0 (got {_shown(raw_seq)}).",
        )
    amount = _number(raw_amount)
    if not (math.isfinite(amount) and 0 < amount <= 10_000):
        raise _err(
            plabel,
            row,
            "amount",
            f"'amount' must be a number > 0 and at most 10000 (got {_shown(raw_amount)}).",
        )
    grams = _number(raw_grams)
    if not (math.isfinite(grams) and 0 < grams <= MAX_PORTION_GRAMS):
        raise _err(
            plabel,
            row,
            "grams",
            f"'grams' must be > 0 and at most {MAX_PORTION_GRAMS:g} "
            f"(got {_shown(raw_grams)}).",
        )
    flag = cells["is_default"][i].strip().lower()
    if flag not in _TRUE and flag not in _FALSE:
        raise _err(
            plabel,
            row,
            "is_default",
            f"'is_default' must be true or false (got {_shown(flag)}).",
        )
    description = cells["description"][i].strip() or f"{grams:g} g"
    return (food_id, int(raw_seq), amount, description, grams, flag in _TRUE)
