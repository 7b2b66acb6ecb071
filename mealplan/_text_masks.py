"""Masks over a food table read from its words, computed once per table.

The objective's charges (sweetened milks, sweet bakery, flavoured yogurts,
plant milks, gluten-free products) each read a food's name and
descriptions; a table is immutable, so each mask is cached on it (weakly:
the cache dies with the table) and built once per process.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Callable

    from numpy.typing import NDArray

    from mealplan._catalog import FoodTable

__all__ = ["TEXT_COLUMNS", "MaskCache", "new_cache", "text_mask"]

TEXT_COLUMNS = ("name", "sr28_description", "fndds_description")
"""The columns read, joined by " | " (those the table has)."""

MaskCache = weakref.WeakKeyDictionary["FoodTable", "NDArray[np.bool_]"]


def new_cache() -> MaskCache:
    """Return an empty cache for one mask."""
    return weakref.WeakKeyDictionary()


def text_mask(
    table: FoodTable, cache: MaskCache, keep: Callable[[str, str], bool]
) -> NDArray[np.bool_]:
    """Return (and cache) which foods ``keep`` (category, texts); read-only."""
    mask = cache.get(table)
    if mask is None:
        columns = [table.texts(c) for c in TEXT_COLUMNS if table.has_column(c)]
        texts = [" | ".join(parts) for parts in zip(*columns, strict=True)]
        cats = table.texts("category")
        mask = np.array(
            [keep(c, t) for c, t in zip(cats, texts, strict=True)], dtype=bool
        ).reshape(len(table.ids))
        mask.flags.writeable = False
        cache[table] = mask
    return mask
