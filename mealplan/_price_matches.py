"""Prices for SR28 foods the automatic PP-NAP mapping leaves out, matched by hand.

USDA ERS PP-NAP prices foods as eaten, by FNDDS food code; the shared mapping
(``ppnap_food_code_to_sr28.csv``) joins a code to an SR28 record only where
the match is clear by rule, so it leaves out most cooked forms whose FNDDS
recipe adds water or salt (oatmeal made with water, a fried egg, grits).
Without them no vegetarian breakfast had a price, and every vegetarian
request with a budget or the cost objective had no plan (session 15:
``benchmarks/panel_budget_latest.md``).

``foods/price_matches.csv`` is the reviewed list of such matches: one row per
food (``id``, ``ndb_no``), the PP-NAP ``food_code`` whose food as eaten is
the same food in the same form, the price cycle ``year``, the code's
``fndds_description`` and a ``reason`` a reviewer can check. The price is
read from PP-NAP itself, never typed in; a row that disagrees with the
selection or the price file fails the build, and a food the automatic
mapping already prices cannot be matched again by hand.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pandas as pd

from mealplan._errors import FoodTableError
from mealplan._fndds import code_prices

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["HAND_MATCH", "PRICE_MATCH_COLUMNS", "read_price_matches"]

PRICE_MATCH_COLUMNS: tuple[str, ...] = (
    "id",
    "ndb_no",
    "food_code",
    "year",
    "fndds_description",
    "reason",
)
"""Columns of ``foods/price_matches.csv``."""

HAND_MATCH = "matched by hand in foods/price_matches.csv"
"""What a hand-matched food's ``price_source`` adds after the food code."""


def read_price_matches(
    path: Path,
    ndbs: Mapping[str, str],
    priced: set[str],
    prices_dir: str | Path,
) -> pd.DataFrame:
    """Read the hand matches as a price table indexed by NDB number.

    Args:
        path: ``price_matches.csv``.
        ndbs: The selection's food id -> NDB number.
        priced: NDB numbers the automatic mapping already prices.
        prices_dir: The PP-NAP folder (the prices are read from it).

    Returns:
        Text columns ``price``, ``year``, ``food_code`` and ``how``
        (:data:`HAND_MATCH`), as :class:`mealplan._build.Prices` holds them.

    Raises:
        FoodTableError: A bad row; the message names it and what to change.

    """
    rows = _rows(path)
    by_code = code_prices(prices_dir)
    out: dict[str, tuple[str, str, str, str]] = {}
    for line, row in rows:
        where = f"{path} line {line}"
        food_id, ndb, code = row["id"], row["ndb_no"], row["food_code"]
        if food_id not in ndbs:
            _fail(where, f"food id {food_id!r} is not in the selection; fix the id")
        if ndbs[food_id] != ndb:
            _fail(
                where,
                f"ndb_no {ndb!r} is not {food_id}'s NDB number "
                f"({ndbs[food_id]}); fix it",
            )
        if ndb in priced:
            _fail(
                where,
                f"{food_id} (NDB {ndb}) already has a price from the PP-NAP "
                "mapping; remove the row",
            )
        if ndb in out:
            _fail(where, f"{food_id} (NDB {ndb}) is matched twice; keep one row")
        if code not in by_code:
            _fail(
                where,
                f"food code {code!r} has no PP-NAP price in the 2015/2016 or "
                "2017/2018 cycle; pick a priced code or remove the row",
            )
        price, year = by_code[code]
        if row["year"] != year:
            _fail(
                where,
                f"year {row['year']!r} is not the cycle priced for {code} "
                f"({year}, the newest); write {year}",
            )
        out[ndb] = (price, year, code, HAND_MATCH)
    frame = pd.DataFrame.from_dict(
        out, orient="index", columns=["price", "year", "food_code", "how"]
    )
    return frame.sort_index()


def _rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Return the file's rows with their line numbers, the header checked."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if tuple(reader.fieldnames or ()) != PRICE_MATCH_COLUMNS:
                _fail(
                    str(path),
                    f"the header is {reader.fieldnames}, not "
                    f"{list(PRICE_MATCH_COLUMNS)}; fix the header",
                )
            return [(reader.line_num, dict(r)) for r in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        _fail(str(path), f"cannot be read ({exc}); check the file")


def _fail(where: str, what: str) -> NoReturn:
    msg = f"Price match {where}: {what}."
    raise FoodTableError(msg, path=where.split(" line ")[0])
