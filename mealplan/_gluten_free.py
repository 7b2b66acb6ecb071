"""Foods sold as gluten-free, for a person who need not avoid gluten: charged.

Gluten-free breads and pastas are made for people with coeliac disease or
a wheat allergy. Made from refined rice and corn starch, they are often
not enriched with the folate and iron that enriched wheat flour carries
(Thompson T, Folate, iron, and dietary fiber contents of the gluten-free
diet, J Am Diet Assoc 2000;100(11):1389-1396), so for everyone else a
dietitian reaches for the ordinary enriched or whole-grain food: a boy of 2
was planned gluten-free pasta with nothing in his request asking for it
(the dietitian review of session 33). For a request with no wheat allergy
that is not free from gluten, the default objective charges a serving of a
food whose name or description says gluten-free as it charges a sweet's
(``Problem.treats``): the plan reaches for one only when nothing else will
do. Asked for (free from gluten, allergic to wheat), nothing is charged.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from mealplan._nutrients import Allergen, FreeFrom
from mealplan._text_masks import new_cache, text_mask

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from mealplan._catalog import FoodTable
    from mealplan._request_models import PlanRequest

__all__ = ["GLUTEN_FREE", "gluten_free_products"]

GLUTEN_FREE = re.compile(r"\bgluten[- ]?free\b", re.IGNORECASE)
"""A food sold as gluten-free: its words."""

_MASKS = new_cache()


def gluten_free_products(request: PlanRequest, table: FoodTable) -> NDArray[np.bool_]:
    """Return the table's gluten-free products the request's objective charges.

    All False for a request free from gluten or allergic to wheat. Read-only.
    """
    if FreeFrom.GLUTEN in request.free_from or Allergen.WHEAT in request.allergies:
        return np.zeros(len(table.ids), dtype=bool)
    return text_mask(table, _MASKS, lambda _, text: bool(GLUTEN_FREE.search(text)))
