"""Amounts a shopper can buy: whole units and packages, kitchen fractions.

The grocery list sums exact grams; this module turns them into what a person
asks for in a shop or measures in a kitchen. A countable or package unit
(``medium bagel``, ``slice (1 oz)``, ``1 fillet``, ``can (303 x 406)``,
``package (6 oz)``, ``large`` egg) is bought whole, rounded **up**: 0.94 of a
bagel is one bagel, 3.04 slices are four. A measure is rounded to the nearest
step a cook uses: a quarter cup, half a tablespoon, half a teaspoon, a whole
fluid ounce or ounce (never to nothing: the smallest step is the least
amount). The exact grams stay beside the amount in the list.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from mealplan._measures import LEADING_NUMBER, VOLUME_WORDS

__all__ = ["BuyAmount", "buy_amount", "is_countable"]

_MEASURE = re.compile(
    r"^(cups?|tbsp|tablespoons?|tsp|teaspoons?|fl oz|oz|lb|g|ml)(?![\w.])",
    re.IGNORECASE,
)
# The cup and spoon words of the plan's amounts (mealplan._measures), and the
# weights and fluid ounces a purchase may also be counted in.
_UNIT_OF = {
    **VOLUME_WORDS,
    "fl oz": "fl oz",
    "oz": "oz",
    "lb": "lb",
    "g": "g",
    "ml": "ml",
}
# Volumes are rounded in teaspoons, to the step of their size: a quarter cup
# from a quarter cup up, half a tablespoon from a tablespoon, else half a
# teaspoon. Weights and fluid ounces by the step of their unit.
_TSP_PER = {"cup": 48.0, "tbsp": 3.0, "tsp": 1.0}
_VOLUME_STEPS = ((12.0, 12.0), (3.0, 1.5), (0.0, 0.5))
"""(from how many tsp, step in tsp)."""
_STEP = {"fl oz": 1.0, "oz": 1.0, "lb": 0.25, "g": 1.0, "ml": 5.0}


def _nearest(x: float, step: float) -> float:
    """Round ``x`` half up to a multiple of ``step``, at least one step."""
    return max(step, math.floor(x / step + 0.5) * step)


@dataclass(frozen=True)
class BuyAmount:
    """What to buy of one grocery line, in its unit."""

    count: float
    """How many of ``description`` to buy (whole when ``countable``)."""
    description: str
    """The unit, as USDA names it (``medium bagel (3-1/2" to 4" dia)``)."""
    countable: bool
    """A piece or a package: ``count`` is the whole number at least used."""


def _split(description: str) -> tuple[float, str]:
    lead = LEADING_NUMBER.match(description)
    if lead is None:
        return 1.0, description.strip()
    top, _, bottom = lead[1].partition("/")
    number = float(top) / float(bottom) if bottom else float(top)
    return number, lead[2].strip()


def is_countable(description: str) -> bool:
    """Whether a unit is a piece or a package, not a cup, spoon or weight.

    ``slice (1 oz)``, ``package (6 oz)``, ``1 fillet``, ``medium`` and
    ``can (303 x 406)`` are; ``cup, chopped``, ``0.5 cup``, ``1 tbsp``,
    ``8 fl oz (...)`` and ``3 oz`` are not.
    """
    number, rest = _split(description)
    return number > 0 and not _MEASURE.match(rest) and bool(rest)


def _round_volume(tsp: float) -> float:
    """Round teaspoons to the kitchen step of their size (never to zero)."""
    step = next(step for start, step in _VOLUME_STEPS if tsp >= start)
    return _nearest(tsp, step)


def buy_amount(grams: float, unit_grams: float, description: str) -> BuyAmount:
    """Return what to buy of ``grams`` in a unit of ``unit_grams`` grams.

    Args:
        grams: Grams the plan uses (of what is bought).
        unit_grams: Grams of one ``description``.
        description: The unit (SR28 WEIGHT or FNDDS portion).

    Returns:
        A whole count rounded up for a piece or a package; for a measure, the
        count of ``description`` that is the nearest kitchen step (¼ cup,
        ½ tbsp, ½ tsp, 1 fl oz, 1 oz, 1 g).

    """
    used = grams / unit_grams
    if is_countable(description):
        # A hair over a whole number is float noise, not another package.
        return BuyAmount(max(1.0, math.ceil(used - 1e-6)), description, True)
    number, rest = _split(description)
    measure = _MEASURE.match(rest)
    if measure is None:  # pragma: no cover - is_countable said it is one
        return BuyAmount(used, description, False)
    unit = _UNIT_OF[measure[0].lower()]
    total = used * number  # in the measure's own unit
    if unit in _TSP_PER:
        tsp = _round_volume(total * _TSP_PER[unit])
        return BuyAmount(tsp / _TSP_PER[unit] / number, description, False)
    return BuyAmount(_nearest(total, _STEP[unit]) / number, description, False)
