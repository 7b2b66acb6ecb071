"""Where a food table comes from: the bundled files or a caller's CSV.

:func:`load_foods` (re-exported by :mod:`mealplan._catalog`, whose docstring
says what a caller's table may hold). The bundled table is read once per
process and shared: a :class:`~mealplan.FoodTable` is immutable.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from mealplan._errors import FoodTableError
from mealplan._resources import foods_dir
from mealplan._tabletext import (
    MAX_PORTION_ROWS,
    MAX_ROWS,
    concat_rows,
    read_csv_text,
)

if TYPE_CHECKING:
    from mealplan._catalog import FoodTable

__all__ = ["DISHES_BY_DEFAULT", "bundled_for", "bundled_note", "load_foods"]

DISHES_BY_DEFAULT = False
"""Whether the bundled table comes with its FNDDS dishes when not asked.

Off. Turned on in session 11 (the whole suite passed, 0 realism defects,
every default week of six persons planned where the single foods left a
vegetarian boy of 8 with no plan in 10 s), then measured quietly with
``benchmarks/run.py`` (load 0.8, 2026-12-02 13:50 UTC): the default woman's
day 1.73 s end to end against 0.15 s on the single foods, the active man of
50 1.92 s (0.38), the CLI's default day 2.38 s (0.59; goal 1 s), one meal
of a week regenerated in 6.26 s (0.53), weeks' gaps 80-90 % (11-17 %); and
two of the nine diagnosis benchmark days (at most 3 or 4 foods) ran their
10 s without a plan or a proof, so no advice. Not fast enough to re-plan on
a tap; ``load_foods(dishes=True)``, CLI ``--dishes``, opt in
(``benchmarks/dishes_cost_latest.md``, README "Data sources")."""


def load_foods(
    path: str | Path | None = None,
    *,
    extra_nutrients: Mapping[str, str] | None = None,
    portions: str | Path | None = None,
    dishes: bool = DISHES_BY_DEFAULT,
) -> FoodTable:
    """Load the bundled food table, or a caller's CSV with the same columns.

    The bundled table is read once per process and shared (it is immutable).

    Args:
        path: A foods CSV; None for the bundled table (with its portions and
            article mentions).
        dishes: For the bundled table, also load its FNDDS dishes
            (``dishes.csv``, rows with an ``fndds_code``): plans of real
            dishes beside single foods, on a model 3-4x larger and slower
            (:data:`DISHES_BY_DEFAULT`, off). Ignored for a caller's CSV.
        extra_nutrients: Extra nutrient column -> unit, e.g. ``{"iron_mg": "mg"}``.
        portions: A portions CSV for a caller's table; without it each food
            gets one ``100 g`` portion.

    Raises:
        FoodTableError: The file is missing, not UTF-8 CSV, or malformed.

    """
    if path is None and portions is None and not extra_nutrients:
        return _bundled(dishes=dishes)
    if path is None:
        folder = foods_dir()
        return _load_bundled(folder, extra_nutrients, dishes=dishes)
    if not isinstance(path, str | Path):
        msg = (
            f"load_foods: path must be a file path or None (got {type(path).__name__})."
        )
        raise FoodTableError(msg, path=str(path)[:80])
    file = Path(path)
    text = read_csv_text(file, "Food table", max_rows=MAX_ROWS)
    caller_portions = None
    if portions is not None:
        if not isinstance(portions, str | Path):
            msg = f"load_foods: portions must be a file path or None (got {type(portions).__name__})."
            raise FoodTableError(msg, path=str(path))
        caller_portions = read_csv_text(
            Path(portions), "Portions table", max_rows=MAX_PORTION_ROWS
        )
    from mealplan._catalog import FoodTable

    return FoodTable._from_text(
        text,
        label=str(file),
        source=str(file),
        extra_nutrients=extra_nutrients,
        portions=caller_portions,
    )


def bundled_for(solver: str) -> FoodTable:
    """Return the bundled table a request that names none is planned with.

    The single foods; with :data:`DISHES_BY_DEFAULT` on, the FNDDS dishes
    too for HiGHS (the default solver) and the single foods alone for any
    other solver: those have no guided start or time box
    (``mealplan._optimiser``), and CBC found no plan, not even its first, on
    the day's 7,600-column model with dishes within the default 10 s.
    """
    return _bundled(dishes=DISHES_BY_DEFAULT and str(solver) == "highs")


def bundled_note(solver: str, table: FoodTable | None = None) -> str | None:
    """Return the plan's note on the bundled table :func:`bundled_for` chose.

    ``table`` is the caller's table, None when it gave none. None for HiGHS
    (the dishes, the default) and for a caller's own table; one sentence for
    any other solver on the bundled table (no table, or the one
    :func:`bundled_for` gave, as the command line passes), so a caller knows
    why the plan has no dishes.
    """
    if str(solver) == "highs" or not DISHES_BY_DEFAULT:
        return None
    if table is not None and table is not bundled_for(solver):
        return None
    return (
        f"Planned on the single foods without the FNDDS dishes: the {solver} "
        "solver runs through PuLP, and on the larger model with dishes CBC "
        "found no plan within 10 s (the default 'highs' solver plans with "
        "the dishes)."
    )


@functools.cache
def _bundled(*, dishes: bool) -> FoodTable:
    return _load_bundled(foods_dir(), None, dishes=dishes)


def _load_bundled(
    folder: Path, extra_nutrients: Mapping[str, str] | None, *, dishes: bool
) -> FoodTable:
    text = read_csv_text(folder / "foods.csv", "Bundled food table")
    port = read_csv_text(folder / "portions.csv", "Bundled portions table")
    if dishes:
        # Kept in their own files so the default load reads no more.
        text = concat_rows(
            text, read_csv_text(folder / "dishes.csv", "Bundled dish table")
        )
        port = concat_rows(
            port, read_csv_text(folder / "dish_portions.csv", "Bundled dish portions")
        )
    mentions_path = folder / "article_mentions.csv"
    mentions = (
        read_csv_text(mentions_path, "Article mentions")
        if mentions_path.is_file()
        else None
    )
    from mealplan._catalog import FoodTable

    return FoodTable._from_text(
        text,
        label=str(folder / "foods.csv"),
        source="bundled",
        extra_nutrients=extra_nutrients,
        portions=port,
        mentions=mentions,
    )
