"""The curated inputs of the food-table build, checked before anything is built.

``foods/selection.csv`` (which SR28 foods the bundled table holds, with names,
slots and portion limits), ``foods/article_mentions.csv`` (which article
phrases name which foods) and ``foods/structure.csv`` (each food's base, roles
and whole units). Every rule that needs no SR28 is checked by the ``*_rows``
readers, so a bad row fails before the release is read; the ``check_*_in_sr28``
functions check the rest against it. Each error is a typed one-sentence
:class:`~mealplan.FoodTableError` naming the file, row and column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from mealplan._columns import MENTION_COLUMNS, ROLES, SECTIONS
from mealplan._errors import FoodTableError
from mealplan._nutrients import Allergen, MealSlot
from mealplan._sr28 import SR28

__all__ = [
    "DIET_TAGS",
    "MENTION_KINDS",
    "SELECTION_COLUMNS",
    "STRUCTURE_COLUMNS",
    "bad_cell",
    "check_selection_in_sr28",
    "check_structure_in_sr28",
    "read_mentions",
    "read_selection",
    "read_structure",
    "read_text_csv",
    "selection_rows",
    "split_cells",
    "structure_rows",
]

STRUCTURE_COLUMNS: tuple[str, ...] = (
    "id",
    "base",
    "roles",
    "whole_units",
    "buy_ndb",
    "notes",
)
"""Columns of ``foods/structure.csv``: the reviewed structure data of each
SR28 food of the selection, and ``buy_ndb``, the SR28 food a shopper buys
for a cooked one (dry lentils for cooked lentils), used by the grocery list."""

SELECTION_COLUMNS: tuple[str, ...] = (
    "id",
    "ndb_no",
    "name",
    "category",
    "meal_slots",
    "default_portion",
    "max_portions",
    "extra_allergens",
    "not_diets",
    "notes",
)
MENTION_KINDS: tuple[str, ...] = ("food", "category", "not_food", "no_sr28_record")

_NDB = re.compile(r"^\d{5}$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
DIET_TAGS = ("vegan", "vegetarian", "pescatarian")
"""The diet tags a food row carries (the selection may only remove them)."""


def split_cells(cell: str) -> list[str]:
    """Split a ``;``-list cell into its trimmed, non-empty parts."""
    return [part.strip() for part in cell.split(";") if part.strip()]


def read_text_csv(path: Path, columns: Sequence[str], what: str) -> pd.DataFrame:
    """Read a UTF-8 CSV as text and check its header is exactly ``columns``."""
    if not path.is_file():
        msg = f"{what} {path} was not found; create it or pass its path."
        raise FoodTableError(msg, path=str(path))
    try:
        frame = pd.read_csv(
            path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8"
        )
    except (UnicodeDecodeError, ValueError, pd.errors.ParserError) as exc:
        msg = (
            f"{what} {path} is not a readable UTF-8 CSV file ({exc}); "
            "re-save it as UTF-8 CSV."
        )
        raise FoodTableError(msg, path=str(path)) from None
    missing = [c for c in columns if c not in frame.columns]
    unknown = [c for c in frame.columns if c not in columns]
    if missing or unknown:
        msg = (
            f"{path.name} header must be {','.join(columns)} "
            f"(missing {missing or 'none'}, unknown {unknown or 'none'}); "
            "fix the header."
        )
        raise FoodTableError(msg, path=str(path), column=(missing or unknown)[0])
    return frame[list(columns)].map(str.strip)


def bad_cell(path: Path, row: int, column: str, rule: str, got: str) -> FoodTableError:
    """Return the one-sentence error for a bad cell, naming file, row and column."""
    msg = f"{path.name} row {row}: '{column}' {rule} (got {got!r})."
    return FoodTableError(msg, path=str(path), row=row, column=column)


def read_selection(path: str | Path, sr28: SR28) -> pd.DataFrame:
    """Read and check ``selection.csv`` against SR28.

    Raises:
        FoodTableError: The first bad row, naming the file, row and column
            (rules that need no SR28 are checked over all rows first).

    """
    path = Path(path)
    frame = selection_rows(path)
    check_selection_in_sr28(frame, path, sr28)
    return frame


def selection_rows(path: Path) -> pd.DataFrame:
    """Read ``selection.csv`` and check every rule that needs no SR28."""
    frame = read_text_csv(path, SELECTION_COLUMNS, "Selection file")
    if frame.empty:
        msg = f"{path.name} has no rows; list at least one SR28 food."
        raise FoodTableError(msg, path=str(path))
    seen: set[str] = set()
    slots = {s.value for s in MealSlot}
    allergens = {a.value for a in Allergen}
    diets = set(DIET_TAGS)
    for i, rec in enumerate(frame.to_dict("records"), start=1):
        if not _ID.match(rec["id"]):
            raise bad_cell(
                path,
                i,
                "id",
                "must be a non-empty id of letters, digits, _ . -",
                rec["id"],
            )
        if rec["id"] in seen:
            raise bad_cell(path, i, "id", "must be unique", rec["id"])
        seen.add(rec["id"])
        if not _NDB.match(rec["ndb_no"]):
            raise bad_cell(
                path, i, "ndb_no", "must be a 5-digit SR28 NDB number", rec["ndb_no"]
            )
        if not rec["name"]:
            raise bad_cell(path, i, "name", "must not be empty", rec["name"])
        listed = split_cells(rec["meal_slots"])
        if not listed or any(s not in slots for s in listed):
            raise bad_cell(
                path,
                i,
                "meal_slots",
                f"must be a ;-list of {';'.join(sorted(slots))}",
                rec["meal_slots"],
            )
        if rec["max_portions"]:
            try:
                value = float(rec["max_portions"])
            except ValueError:
                value = float("nan")
            if not value > 0 or value == float("inf"):
                raise bad_cell(
                    path,
                    i,
                    "max_portions",
                    "must be a number > 0 or empty",
                    rec["max_portions"],
                )
        if any(a not in allergens for a in split_cells(rec["extra_allergens"])):
            rule = f"must be a ;-list of {';'.join(sorted(allergens))}"
            raise bad_cell(path, i, "extra_allergens", rule, rec["extra_allergens"])
        if any(d not in diets for d in split_cells(rec["not_diets"])):
            raise bad_cell(
                path,
                i,
                "not_diets",
                "must be a ;-list of vegan;vegetarian;pescatarian",
                rec["not_diets"],
            )
    return frame


def check_selection_in_sr28(frame: pd.DataFrame, path: Path, sr28: SR28) -> None:
    """Check each selection row's NDB number and default portion against SR28."""
    weights = sr28.weight.groupby("ndb_no")["seq"].agg(set)
    for i, rec in enumerate(frame.to_dict("records"), start=1):
        if rec["ndb_no"] not in sr28.foods.index:
            raise bad_cell(
                path,
                i,
                "ndb_no",
                "is not an NDB number of SR28 FOOD_DES",
                rec["ndb_no"],
            )
        seqs = weights.get(rec["ndb_no"], set())
        if rec["default_portion"] not in seqs and not (
            rec["default_portion"] == "" and not seqs
        ):
            rule = (
                f"must be an SR28 WEIGHT Seq of NDB {rec['ndb_no']} "
                f"({', '.join(sorted(seqs, key=int)) or 'none: leave it empty'})"
            )
            raise bad_cell(path, i, "default_portion", rule, rec["default_portion"])


def read_mentions(path: str | Path, food_ids: Iterable[str]) -> pd.DataFrame:
    """Read and check ``article_mentions.csv``; food ids must be selection ids.

    Raises:
        FoodTableError: The first bad row, naming the file, row and column.

    """
    path = Path(path)
    frame = read_text_csv(path, MENTION_COLUMNS, "Article mentions file")
    known = set(food_ids)
    seen: set[str] = set()
    for i, rec in enumerate(frame.to_dict("records"), start=1):
        if not rec["mention_id"] or rec["mention_id"] in seen:
            raise bad_cell(
                path,
                i,
                "mention_id",
                "must be a unique non-empty id",
                rec["mention_id"],
            )
        seen.add(rec["mention_id"])
        if rec["section"] not in SECTIONS:
            raise bad_cell(
                path,
                i,
                "section",
                f"must be one of {', '.join(SECTIONS)}",
                rec["section"],
            )
        if rec["kind"] not in MENTION_KINDS:
            raise bad_cell(
                path,
                i,
                "kind",
                f"must be one of {', '.join(MENTION_KINDS)}",
                rec["kind"],
            )
        if not rec["words"]:
            raise bad_cell(
                path, i, "words", "must quote the article's words", rec["words"]
            )
        ids = split_cells(rec["food_ids"])
        unknown = [f for f in ids if f not in known]
        if unknown:
            rule = "must list ids of the food table (selection.csv)"
            raise bad_cell(path, i, "food_ids", rule, ";".join(unknown))
        if rec["kind"] in {"food", "category"} and not ids:
            raise bad_cell(
                path, i, "food_ids", f"must not be empty for kind {rec['kind']}", ""
            )
        if rec["kind"] in {"not_food", "no_sr28_record"} and ids:
            raise bad_cell(
                path,
                i,
                "food_ids",
                f"must be empty for kind {rec['kind']}",
                rec["food_ids"],
            )
    return frame


def read_structure(
    path: str | Path, food_ids: Iterable[str], sr28: SR28
) -> dict[str, dict[str, str]]:
    """Read and check ``structure.csv``: one row for every selection id.

    Raises:
        FoodTableError: The first bad row, naming the file, row and column
            (rules that need no SR28 are checked over all rows first).

    """
    path = Path(path)
    out = structure_rows(path, food_ids)
    check_structure_in_sr28(out, path, sr28)
    return out


def structure_rows(path: Path, food_ids: Iterable[str]) -> dict[str, dict[str, str]]:
    """Read ``structure.csv`` and check every rule that needs no SR28."""
    frame = read_text_csv(path, STRUCTURE_COLUMNS, "Structure file")
    wanted = list(food_ids)
    out: dict[str, dict[str, str]] = {}
    records = [{str(k): str(v) for k, v in r.items()} for r in frame.to_dict("records")]
    for i, rec in enumerate(records, start=1):
        if rec["id"] not in wanted or rec["id"] in out:
            rule = "must be a selection.csv id, once"
            raise bad_cell(path, i, "id", rule, rec["id"])
        if not _ID.match(rec["base"]):
            raise bad_cell(
                path, i, "base", "must be a non-empty id-like word", rec["base"]
            )
        roles = split_cells(rec["roles"])
        if not roles or any(r not in ROLES for r in roles):
            rule = f"must be a ;-list of {';'.join(ROLES)}"
            raise bad_cell(path, i, "roles", rule, rec["roles"])
        if rec["whole_units"] not in {"true", "false"}:
            raise bad_cell(
                path, i, "whole_units", "must be true or false", rec["whole_units"]
            )
        out[rec["id"]] = rec
    missing = [f for f in wanted if f not in out]
    if missing:
        msg = (
            f"{path.name} has no row for {missing[0]!r} "
            f"({len(missing)} selection id(s) missing); add one."
        )
        raise FoodTableError(msg, path=str(path), column="id")
    return out


def check_structure_in_sr28(
    rows: Mapping[str, Mapping[str, str]], path: Path, sr28: SR28
) -> None:
    """Check each structure row's ``buy_ndb`` against SR28 FOOD_DES."""
    for i, rec in enumerate(rows.values(), start=1):
        if rec["buy_ndb"] and rec["buy_ndb"] not in sr28.foods.index:
            rule = "must be empty or an NDB number of SR28 FOOD_DES"
            raise bad_cell(path, i, "buy_ndb", rule, rec["buy_ndb"])
