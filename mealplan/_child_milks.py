"""Plant milks for a young child who may drink cow's milk: charged as sweets.

Healthy Eating Research (*Healthy Beverage Consumption in Early Childhood*,
2019, with the AAP, the Academy of Nutrition and Dietetics, the AHA and the
AAPD) does not recommend plant milks other than fortified soy in place of
dairy milk for children under 5: most carry little protein. Left out as a
safety rule for every child under 5 they left every vegan toddler without a
plan (session 24: the fortified coconut drink is the only vegan-tagged milk
with vitamin B12), so instead, for a child under 5 who may drink cow's milk
(not vegan, no milk allergy, not free from lactose), or fortified soy milk
(not vegan, no soy allergy), the default objective charges a serving of one
as it charges a sweet's (``Problem.treats``, with
the soft and alcoholic drinks): the plan reaches for one only when nothing
else will do (a pescatarian girl of 1 was planned 1¼ cups of almond milk).
"""

from __future__ import annotations

import re
import weakref
from typing import TYPE_CHECKING

import numpy as np

from mealplan._nutrients import Allergen, Diet, FreeFrom

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from mealplan._catalog import FoodTable
    from mealplan._request_models import PlanRequest

__all__ = [
    "PLANT_MILK",
    "UNDER_AGE",
    "may_drink_cows_milk",
    "may_drink_soy_milk",
    "young_child_plant_milks",
]

UNDER_AGE = 5.0
"""The age below which the guidance holds (HER 2019: ages 1-5)."""

PLANT_MILK = re.compile(
    r"\b(almond|rice|oats?|coconut|hemp|cashew|flax|pea|quinoa)[ -]*"
    r"(milk|beverage|drink)s?\b",
    re.IGNORECASE,
)
"""A plant milk's words in a food's name or description (soy's apart)."""

_SOY = re.compile(r"\bsoy", re.IGNORECASE)
_TEXT_COLUMNS = ("name", "sr28_description", "fndds_description")
_MASKS: weakref.WeakKeyDictionary[FoodTable, NDArray[np.bool_]] = (
    weakref.WeakKeyDictionary()
)


def _young_not_vegan(request: PlanRequest) -> bool:
    """Whether the request is for a child under 5 who is not vegan."""
    person = request.person
    return (
        person is not None and person.age < UNDER_AGE and request.diet is not Diet.VEGAN
    )


def may_drink_cows_milk(request: PlanRequest) -> bool:
    """Whether the request is for a child under 5 whom dairy milk suits."""
    return (
        _young_not_vegan(request)
        and Allergen.MILK not in request.allergies
        and FreeFrom.LACTOSE not in request.free_from
    )


def may_drink_soy_milk(request: PlanRequest) -> bool:
    """Whether the request is for a child under 5 to whom fortified soy milk suits.

    HER 2019 names fortified soy milk the one plant milk to drink in place of
    dairy milk under 5: for a child with a milk allergy or free from lactose
    it is the milk to reach for (a milk-allergic boy of 2 was planned 1¼ cups
    of sweetened vanilla almond milk with soy milk allowed). Not for a vegan
    child: the fortified soy milks lose the vegan tag (their vitamin D may
    be D3 from lanolin), and the fortified coconut drink is then a vegan
    toddler's only milk with vitamin B12.
    """
    return _young_not_vegan(request) and Allergen.SOY not in request.allergies


def young_child_plant_milks(
    request: PlanRequest, table: FoodTable
) -> NDArray[np.bool_]:
    """Return the table's plant milks (not soy) the request's objective charges.

    All False unless :func:`may_drink_cows_milk` or :func:`may_drink_soy_milk`.
    Read-only.
    """
    if not (may_drink_cows_milk(request) or may_drink_soy_milk(request)):
        return np.zeros(len(table.ids), dtype=bool)
    return _plant_milks(table)


def _plant_milks(table: FoodTable) -> NDArray[np.bool_]:
    """Return which foods of ``table`` are plant milks but soy (computed once)."""
    mask = _MASKS.get(table)
    if mask is None:
        columns = [table.texts(c) for c in _TEXT_COLUMNS if table.has_column(c)]
        mask = np.array(
            [
                bool(PLANT_MILK.search(text)) and not _SOY.search(text)
                for text in (" | ".join(parts) for parts in zip(*columns, strict=True))
            ],
            dtype=bool,
        ).reshape(len(table.ids))
        mask.flags.writeable = False
        _MASKS[table] = mask
    return mask
