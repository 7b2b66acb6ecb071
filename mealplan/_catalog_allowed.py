"""Which foods of a table a person may eat: diet, allergens, fortified foods.

The masks behind :meth:`FoodTable.allowed` (the excluded foods' words are
:mod:`mealplan._exclusions`). Tags err on the safe side: a food left untagged
for a diet is not that diet's, and a fortified food is one SR28 marks *or*
whose name says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from mealplan._errors import RequestError
from mealplan._nutrients import Allergen, Diet
from mealplan._tabletext import ALL_ALLERGENS

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from mealplan._tabletext import Columns

__all__ = ["fortified_mask", "person_mask"]

# Descriptions that say a nutrient was added. SR28 Add_Nutr_Mark misses many
# of them (e.g. 01077 "Milk, whole, ... with added vitamin D" has no mark),
# so allowed(allow_fortified=False) also leaves these out.
_FORTIFIED_WORDS = re.compile(
    r"(?<!un)(?<!not )\bfortified\b|(?<!un)\benriched\b|(?<!without )\bwith added "
    r"(?:vitamin|calcium|iron|ascorbic|nutrients|minerals)|\bvitamin d fortified\b"
    r"|\bvitamins? [a-z0-9 ,]+ added\b",
    re.IGNORECASE,
)


def person_mask(
    cols: Columns, diet: Diet | str, allergies: Iterable[Allergen | str]
) -> NDArray[np.bool_]:
    """Return which rows of ``cols`` fit ``diet`` and contain none of ``allergies``.

    Raises:
        RequestError: An unknown diet or allergen.

    """
    try:
        diet_value = Diet(str(diet.value if isinstance(diet, Diet) else diet).lower())
    except ValueError:
        choices = ", ".join(d.value for d in Diet)
        msg = f"Unknown diet {diet!r}; use one of {choices}."
        raise RequestError(msg) from None
    keep = np.ones(len(cols.ids), dtype=bool)
    if diet_value is not Diet.OMNIVORE:
        keep &= cols.flags[diet_value.value]
    avoid: set[str] = set()
    for allergen in allergies:
        value = str(allergen.value if isinstance(allergen, Allergen) else allergen)
        if value.lower() not in ALL_ALLERGENS:
            choices = ", ".join(ALL_ALLERGENS)
            msg = f"Unknown allergen {allergen!r}; use one of {choices}."
            raise RequestError(msg)
        avoid.add(value.lower())
    if avoid:
        keep &= np.array(
            [not (avoid & set(a)) for a in cols.tags["allergens"]], dtype=bool
        )
    return keep


def fortified_mask(cols: Columns) -> NDArray[np.bool_]:
    """Return which rows are fortified: SR28's mark or words of the name (read-only)."""
    mask = np.array(
        [
            bool(f) or bool(_FORTIFIED_WORDS.search(f"{n} | {d}"))
            for f, n, d in zip(
                cols.tags["fortified"],
                cols.texts["name"],
                cols.texts["sr28_description"],
                strict=True,
            )
        ],
        dtype=bool,
    )
    mask.flags.writeable = False
    return mask
