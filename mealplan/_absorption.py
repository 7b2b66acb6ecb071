"""Absorbable calcium and vitamin D forms, where the science is solid.

Calcium: the fraction of a food's calcium absorbed, from Weaver, Proulx &
Heaney, *Choices for achieving adequate dietary calcium with a vegetarian
diet*, Am J Clin Nutr 1999;70(3 Suppl):543S-548S, Table 2 (milk 32.1 %,
spinach 5.1 %, kale 49.3 %, broccoli 61.3 %, bok choy 53.8 %, beans
21.8-26.7 %, calcium-set tofu 31.0 %, almonds 21.2 %), mapped to foods by the
words in ``foods/calcium_absorption.csv``. A food without a figure is assumed
to be absorbed like milk, the reference food (:data:`DEFAULT_FRACTION`).

Vitamin D: UV-exposed mushrooms carry D2 (ergocalciferol), animal foods D3
(cholecalciferol); a fortified food may carry either, so it is said to be
"D2 or D3".
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from mealplan._errors import FoodTableError
from mealplan._resources import data_file

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from mealplan._catalog import FoodTable
    from mealplan._models import NutrientTargets, PlanItem

__all__ = [
    "ABSORBABLE_CALCIUM",
    "ABSORPTION_FILE",
    "DEFAULT_FRACTION",
    "absorbable_calcium",
    "absorbable_targets",
    "calcium_fraction",
    "milk_equivalents",
    "vitamin_d_form",
]

ABSORPTION_FILE = "calcium_absorption.csv"
DEFAULT_FRACTION = 0.321
"""Assumed for foods without a figure: milk's fraction (the reference food)."""

ABSORBABLE_CALCIUM = "calcium_mg@absorbable"
"""Model key of the calcium minimum when ``absorbable_calcium`` is on."""


@dataclass(frozen=True, slots=True)
class _Figure:
    food: str
    words: re.Pattern[str]
    fraction: float
    source: str


@lru_cache(maxsize=2)
def _figures(path: str) -> tuple[_Figure, ...]:
    where = path
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        msg = f"The calcium absorption table {where} cannot be read ({exc.strerror}); reinstall mealplan."
        raise FoodTableError(msg, path=where) from exc
    out = []
    for number, row in enumerate(csv.DictReader(text.splitlines()), start=1):
        try:
            fraction = float(row["fraction"])
            words = re.compile(row["words"], re.IGNORECASE)
        except (KeyError, TypeError, ValueError, re.error):
            msg = f"The calcium absorption table {where}, row {number}, is malformed; restore it."
            raise FoodTableError(msg, path=where, row=number) from None
        if not 0 < fraction <= 1:
            msg = f"The calcium absorption table {where}, row {number}: fraction {fraction} is not in (0, 1]."
            raise FoodTableError(msg, path=where, row=number)
        out.append(_Figure(row["food"], words, fraction, row["source"]))
    return tuple(out)


def _text(table: FoodTable, food_id: str) -> str:
    food = table.food(food_id)
    return f"{food.name} | {food.sr28_description or ''}"


def calcium_fraction(table: FoodTable, food_id: str) -> tuple[float, str]:
    """Return the absorbed fraction of a food's calcium and what it rests on."""
    text = _text(table, food_id)
    # The most specific figure first: a plant food named beside milk words
    # (e.g. "almond milk") takes the plant's figure.
    for figure in sorted(
        _figures(str(data_file(ABSORPTION_FILE))),
        key=lambda f: f.food == "milk and dairy",
    ):
        if figure.words.search(text):
            return figure.fraction, figure.food
    return DEFAULT_FRACTION, "no figure: assumed like milk"


def milk_equivalents(table: FoodTable, food_ids: Sequence[str]) -> NDArray[np.float64]:
    """Return each food's calcium weight relative to milk's absorption.

    With ``absorbable_calcium`` on, the calcium minimum counts
    ``calcium x fraction / 0.321``: absorbed calcium >= RDA x 0.321 (the RDA
    expressed at milk's absorption, the reference food of Weaver 1999), so
    the target stays the RDA in milk-equivalent mg. 1 mg of kale calcium
    counts 1.54 mg, of spinach 0.16 mg; foods without a figure count 1:1.
    """
    return np.array(
        [calcium_fraction(table, fid)[0] / DEFAULT_FRACTION for fid in food_ids],
        dtype=np.float64,
    )


_CITATION = (
    "Weaver, Proulx & Heaney, Am J Clin Nutr 1999;70(3 Suppl):543S-548S, Table 2"
)


def absorbable_targets(targets: NutrientTargets) -> NutrientTargets:
    """Say on the calcium minimum, and in the notes, that it counts absorbed calcium."""
    bound = targets.get("calcium_mg")
    if bound is None or bound.minimum is None:
        return targets
    absorbed = bound.minimum * DEFAULT_FRACTION
    why = (
        f"minimum counted as absorbable calcium: absorbed calcium >= "
        f"{bound.minimum:g} mg x 32.1 % (milk's absorption) = {absorbed:.0f} mg, "
        f"each food's calcium weighted by its absorbed fraction ({_CITATION}; "
        "milk's for foods without a figure)"
    )
    new = bound.model_copy(
        update={"source": f"{bound.source}; {why}" if bound.source else why}
    )
    return targets.model_copy(
        update={
            "bounds": [new if b is bound else b for b in targets.bounds],
            "notes": [
                *targets.notes,
                "calcium is planned as absorbable calcium (absorbable_calcium): "
                f"at least {absorbed:.0f} mg absorbed, the RDA of "
                f"{bound.minimum:g} mg at milk's 32.1 % ({_CITATION}); the totals "
                "show all calcium eaten, and the report both figures",
            ],
        }
    )


def absorbable_calcium(
    table: FoodTable, items: Sequence[PlanItem]
) -> tuple[float, float, list[str]]:
    """Return (absorbable mg, total mg, foods assumed) for a day's items."""
    total = absorbable = 0.0
    assumed: list[str] = []
    for item in items:
        per_100 = table.food(item.food_id).nutrients.get("calcium_mg")
        if per_100 is None or per_100 != per_100:
            continue
        mg = per_100 * item.grams / 100
        fraction, basis = calcium_fraction(table, item.food_id)
        if basis.startswith("no figure") and mg > 0:
            assumed.append(item.name)
        total += mg
        absorbable += mg * fraction
    return absorbable, total, assumed


def vitamin_d_form(table: FoodTable, food_id: str) -> str | None:
    """Return ``"D2"``, ``"D3"`` or ``"D2 or D3"`` for a vitamin D source, else None."""
    food = table.food(food_id)
    value = food.nutrients.get("vitamin_d_ug")
    if value is None or value != value or value <= 0:
        return None
    if food.category == "supplements":
        # A supplement's form is on its label (foods/supplements.csv).
        from mealplan._supplements import catalog_of

        forms = {s.id: s.vitamin_d_form for s in catalog_of(table)}
        return forms.get(food_id) or "D2 or D3"
    if food.vitamin_d_form:
        # USDA's own rows (the table's vitamin_d_form column).
        return food.vitamin_d_form
    text = _text(table, food_id).lower()
    if "mushroom" in text:
        return "D2"
    # A label that names its form: SR28 14171, "coconut milk, sweetened,
    # fortified with calcium, vitamins A, B12, D2" (a vegan toddler's milk
    # read "D2 or D3"); "D2" or "D3" alone, as a word.
    named: set[str] = set(re.findall(r"\b(d[23])\b", text))
    if len(named) == 1:
        return named.pop().upper()
    if food.fortified or re.search(r"fortified|with added|enriched", text):
        return "D2 or D3"
    if food.vegan:
        return "D2 or D3"
    return "D3"
