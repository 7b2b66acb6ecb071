"""Food-pattern credit of dishes from USDA FPED 2017-2018.

The default objective steers a day towards the Healthy U.S.-Style Dietary
Pattern in servings of six groups (vegetables, fruits, grains, dairy, protein
foods, oils; :data:`mealplan._problem.PATTERN_SERVINGS_2000`). A single food
credits the group of its category; a dish (an FNDDS food code) has no single
group: lasagna is grains, dairy, protein foods and vegetables at once. Its
credit comes from the Food Patterns Equivalents Database (FPED) 2017-2018,
USDA's own cup- and ounce-equivalents per 100 g of each FNDDS 2017-2018 food
code (``data/fndds-2017-2018/FPED_1718.csv``, see its PROVENANCE.md).

``foods/dish_fped.csv`` holds FPED's values, digits unchanged, for the
bundled dishes (:func:`fped_rows`, written by ``python -m mealplan.data
build-foods``). Two reading rules:

* FPED's ``V_TOTAL`` and ``PF_TOTAL`` both leave legumes out; legumes are
  given twice, as ``V_LEGUMES`` (cup-eq) and ``PF_LEGUMES`` (oz-eq). The
  planner counts legumes as protein foods (category ``legumes``), so a dish's
  protein is ``PF_TOTAL + PF_LEGUMES`` and its vegetables ``V_TOTAL``.
* Equivalents become the planner's servings at the pattern's own ratio:
  target servings a day over the Dietary Guidelines' amounts at 2,000 kcal
  (:data:`DGA_2000`; DGA 2020-2025, Appendix 3): 3 vegetable servings for
  2.5 cup-eq, 4 grain servings for 6 oz-eq, 3 protein servings for 5.5 oz-eq,
  2 oil servings for 27 g, fruit and dairy one for one.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from mealplan._errors import FoodTableError
from mealplan._resources import foods_dir

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from mealplan._catalog import FoodTable

__all__ = [
    "ADDED_SUGARS",
    "DGA_2000",
    "FPED_COLUMNS",
    "FPED_FILE",
    "GROUP_COLUMNS",
    "JUICE",
    "POTATO",
    "dish_equivalents",
    "fped_rows",
    "pattern_mix",
    "read_dish_fped",
]

FPED_FILE = "FPED_1718.csv"
"""FPED 2017-2018 in the FNDDS folder."""

_SOURCE: dict[str, str] = {
    "v_total_cup_eq": "V_TOTAL (cup eq.)",
    "v_legumes_cup_eq": "V_LEGUMES (cup eq.)",
    "v_potato_cup_eq": "V_STARCHY_POTATO (cup eq.)",
    "f_total_cup_eq": "F_TOTAL (cup eq.)",
    "f_juice_cup_eq": "F_JUICE (cup eq.)",
    "g_total_oz_eq": "G_TOTAL (oz. eq.)",
    "g_whole_oz_eq": "G_WHOLE (oz. eq.)",
    "pf_total_oz_eq": "PF_TOTAL (oz. eq.)",
    "pf_legumes_oz_eq": "PF_LEGUMES (oz. eq.)",
    "d_total_cup_eq": "D_TOTAL (cup eq.)",
    "oils_g": "OILS (grams)",
    "solid_fats_g": "SOLID_FATS (grams)",
    "add_sugars_tsp_eq": "ADD_SUGARS (tsp. eq.)",
}
"""Column of dish_fped.csv -> FPED 2017-2018 header (per 100 g as eaten)."""

FPED_COLUMNS: tuple[str, ...] = ("food_id", "fndds_code", *_SOURCE)

GROUP_COLUMNS: dict[str, tuple[str, ...]] = {
    "vegetables": ("v_total_cup_eq",),
    "fruits": ("f_total_cup_eq",),
    "grains": ("g_total_oz_eq",),
    "dairy": ("d_total_cup_eq",),
    "protein": ("pf_total_oz_eq", "pf_legumes_oz_eq"),
    "oils": ("oils_g",),
}
"""Pattern group -> the dish_fped.csv columns it sums (see the module docstring)."""

POTATO = "potato"
"""Key of a dish's white potatoes (FPED ``V_STARCHY_POTATO``, cup-eq per
100 g) in :func:`dish_equivalents`: part of its vegetables, and what makes a
potato dish a starch item of a meal (:func:`mealplan._structure.is_starch`)."""

JUICE = "juice"
"""Key of a dish's 100 % fruit juice (FPED ``F_JUICE``, cup-eq per 100 g, a
cup-eq of juice being a cup) in :func:`dish_equivalents`: part of its fruits,
and what a toddler's juice cap counts of a smoothie
(:mod:`mealplan._life_stage_caps`, selector ``fped:juice``)."""

ADDED_SUGARS = "added_sugars"
"""Key of :func:`pattern_mix` for a dish's extra (sweet) servings per unit:
its FPED added sugars, one serving per 3 tsp-eq (1 tbsp). The objective
charges them as it charges a serving of a sweet."""

DGA_2000: dict[str, float] = {
    "vegetables": 2.5,
    "fruits": 2.0,
    "grains": 6.0,
    "dairy": 3.0,
    "protein": 5.5,
    "oils": 27.0,
}
"""Healthy U.S.-Style Dietary Pattern at 2,000 kcal a day (DGA 2020-2025,
Appendix 3): cup-eq (vegetables, fruits, dairy), oz-eq (grains, protein
foods), grams (oils)."""


def fped_rows(
    fndds_dir: str | Path, dishes: Iterable[tuple[str, str]]
) -> list[dict[str, str]]:
    """Return the dish_fped.csv rows of ``dishes`` ((food id, FNDDS code) pairs).

    Values are FPED's own text, sorted by food id.

    Raises:
        FoodTableError: FPED is missing, lacks a column, or lacks a dish's code.

    """
    path = Path(fndds_dir) / FPED_FILE
    if not path.is_file():
        msg = f"FPED file {path} was not found; pass the FNDDS folder that holds it."
        raise FoodTableError(msg, path=str(path))
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [h for h in _SOURCE.values() if h not in (reader.fieldnames or ())]
        if missing or "FOODCODE" not in (reader.fieldnames or ()):
            msg = f"{path.name} lacks column {(missing or ['FOODCODE'])[0]!r}; use FPED 2017-2018."
            raise FoodTableError(msg, path=str(path))
        by_code = {r["FOODCODE"].strip(): r for r in reader}
    out = []
    for food_id, code in sorted(dishes):
        row = by_code.get(code)
        if row is None:
            msg = f"{path.name} has no food code {code!r} (dish {food_id!r}); check dish_selection.csv."
            raise FoodTableError(msg, path=str(path))
        out.append(
            {
                "food_id": food_id,
                "fndds_code": code,
                **{k: row[h].strip() for k, h in _SOURCE.items()},
            }
        )
    return out


@functools.cache
def _bundled() -> Mapping[str, Mapping[str, float]]:
    return read_dish_fped(foods_dir() / "dish_fped.csv")


def read_dish_fped(path: str | Path) -> dict[str, dict[str, float]]:
    """Return FNDDS code -> pattern group -> equivalents per 100 g.

    A missing file gives an empty mapping (dishes then get no pattern credit).

    Raises:
        FoodTableError: The file's header or a value is malformed.

    """
    file = Path(path)
    if not file.is_file():
        return {}
    out: dict[str, dict[str, float]] = {}
    with file.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != FPED_COLUMNS:
            msg = f"{file.name} header must be {','.join(FPED_COLUMNS)}; rebuild it."
            raise FoodTableError(msg, path=str(file))
        for row_no, row in enumerate(reader, start=1):
            try:
                values = {k: float(row[k]) for k in _SOURCE}
            except ValueError:
                msg = f"{file.name} row {row_no}: every value must be a number; rebuild it."
                raise FoodTableError(msg, path=str(file), row=row_no) from None
            out[row["fndds_code"]] = {
                g: sum(values[c] for c in cols) for g, cols in GROUP_COLUMNS.items()
            }
            out[row["fndds_code"]][ADDED_SUGARS] = values["add_sugars_tsp_eq"]
            out[row["fndds_code"]][POTATO] = values["v_potato_cup_eq"]
            out[row["fndds_code"]][JUICE] = values["f_juice_cup_eq"]
    return out


def pattern_mix(
    table: FoodTable,
    rows: NDArray[np.int_],
    unit_grams: NDArray[np.float64],
    servings_2000: Mapping[str, float],
) -> tuple[dict[str, NDArray[np.float64]], NDArray[np.bool_]]:
    """Return each group's servings per unit of the candidates FPED credits.

    Args:
        table: The food table.
        rows: Table row of each candidate.
        unit_grams: Grams per unit of each candidate's variable.
        servings_2000: The planner's target servings a day at 2,000 kcal.

    Returns:
        (group -> servings per unit, zero for other foods, and
        :data:`ADDED_SUGARS` -> extra servings per unit; which candidates
        FPED credits). Both empty/all-false when the table has no FNDDS codes
        with FPED values.

    """
    n = len(rows)
    credited = np.zeros(n, dtype=bool)
    if not table.has_column("fndds_code"):
        return {}, credited
    fped = _bundled()
    codes = table.texts("fndds_code")
    found: list[tuple[int, Mapping[str, float]]] = []
    for k, i in enumerate(rows):
        values = fped.get(codes[int(i)]) if codes[int(i)] else None
        if values is not None:
            found.append((k, values))
    if not found:
        return {}, credited
    out = {g: np.zeros(n) for g in GROUP_COLUMNS if g in servings_2000}
    for k, values in found:
        credited[k] = True
        for g, arr in out.items():
            arr[k] = values[g] * servings_2000[g] / DGA_2000[g] * unit_grams[k] / 100.0
    sugar = np.zeros(n)
    for k, values in found:
        # An extra (sweet) serving per tablespoon (3 tsp-eq) of added sugars,
        # the sugar_item cap of portion_caps.csv.
        sugar[k] = values[ADDED_SUGARS] / 3.0 * unit_grams[k] / 100.0
    if sugar.any():
        out[ADDED_SUGARS] = sugar
    return {g: a for g, a in out.items() if a.any()}, credited


def dish_equivalents(code: str) -> Mapping[str, float] | None:
    """Return the bundled FPED equivalents per 100 g of FNDDS ``code`` (None: none)."""
    return _bundled().get(code)
