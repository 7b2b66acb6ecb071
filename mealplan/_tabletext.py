"""Food tables as text, read and validated without pandas.

A table arrives as text cells (a CSV file read with the stdlib ``csv``
module, or a caller's DataFrame turned into the text it stands for) and
leaves as typed columns: numpy float and bool arrays, lists of text and of
tags (the validation is :mod:`mealplan._tabletext_checks`). Every problem is
a one-sentence :class:`~mealplan.FoodTableError` naming the file, the
1-based data row and the column; no row is dropped.

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from mealplan._errors import FoodTableError
from mealplan._nutrients import Allergen, MealSlot

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
    "find_surrogate",
    "frame_text",
    "nutrient_ceiling",
    "read_csv_text",
    "shown",
    "table_error",
    "too_many_rows",
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
    "vitamin_d_form",
)
ALL_ALLERGENS = tuple(sorted(a.value for a in Allergen))
ALL_SLOTS = tuple(sorted(s.value for s in MealSlot))
_SURROGATE = re.compile("[\ud800-\udfff]")


def find_surrogate(text: str) -> bool:
    """Return whether ``text`` holds a lone surrogate code point."""
    return not text.isascii() and _SURROGATE.search(text) is not None


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


def table_error(
    label: str, row: int | None, column: str | None, text: str
) -> FoodTableError:
    where = f"{Path(label).name} row {row}" if row is not None else Path(label).name
    return FoodTableError(f"{where}: {text}", path=label, row=row, column=column)


def shown(value: str) -> str:
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
            raise table_error(
                label,
                None,
                None,
                f"the table has more than {max_rows:,} rows, the limit; "
                "keep only the foods you plan with.",
            )
    return records


def _text_table(header: list[str], body: list[list[str]], label: str) -> TextTable:
    if len(header) > MAX_COLUMNS:
        raise table_error(
            label,
            None,
            None,
            f"the table has {len(header)} columns, above the limit of {MAX_COLUMNS}; "
            "remove the columns you do not plan with.",
        )
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise table_error(
                label, None, name, f"column {name!r} appears twice; keep one."
            )
        seen.add(name)
    width = len(header)
    for i, record in enumerate(body, start=1):
        if len(record) != width:
            raise table_error(
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
        raise too_many_rows(label, len(df), max_rows)
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise table_error(
                label, None, name, f"column {name!r} appears twice; keep one."
            )
        seen.add(name)
    if len(header) > MAX_COLUMNS:
        return _text_table(header, [], label)  # raises the column limit
    body_cols = [
        [_as_text(v) for v in df.iloc[:, j].tolist()] for j in range(len(header))
    ]
    cells = dict(zip(header, body_cols, strict=True))
    return TextTable(header, cells, len(df))


def too_many_rows(label: str, rows: int, limit: int = MAX_ROWS) -> FoodTableError:
    return table_error(
        label,
        None,
        None,
        f"the table has {rows:,} rows, above the limit of {limit:,}; "
        "keep only the foods you plan with.",
    )
