"""Locate the bundled data, in an installed wheel or in a source checkout."""

from __future__ import annotations

import functools
from pathlib import Path

from mealplan._errors import FoodTableError

__all__ = ["data_file", "foods_dir"]


@functools.cache
def foods_dir() -> Path:
    """Return the folder holding the bundled ``foods/`` tables.

    The wheel carries them as ``mealplan/_data/foods`` (hatchling
    force-include); a checkout or an editable install resolves ``mealplan`` to
    the source tree, where they sit beside the package in ``foods/``.

    Raises:
        FoodTableError: Neither location exists.

    """
    # The package is plain files on disk either way, so its folder is found
    # from __file__ (importlib.resources costs ~10 % of a cold start). Cached:
    # every plan asks about eight times and the folder does not move (0.3 ms
    # a call of resolve() and stat()s, more under load).
    package = Path(__file__).resolve().parent
    packaged = package / "_data" / "foods"
    if packaged.is_dir():
        return packaged
    checkout = package.parent / "foods"
    if checkout.is_dir():
        return checkout
    msg = (
        f"The bundled food table was not found (looked in {packaged} and {checkout}); "
        "reinstall mealplan."
    )
    raise FoodTableError(msg)


def data_file(name: str) -> Path:
    """Return the path of one bundled file in ``foods/``, e.g. ``"foods.csv"``."""
    return foods_dir() / name
