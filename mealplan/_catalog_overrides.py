"""A caller's tables that replace bundled ones on a :class:`~mealplan.FoodTable`.

Pint style: the bundled ``foods/supplements.csv``, ``foods/life_stage_caps.csv``
and ``foods/ul_standins.csv`` are the defaults; a caller's own (read by
:func:`mealplan.load_supplements`, :func:`mealplan.load_life_stage_caps`,
:func:`mealplan.load_ul_standins`) replaces one whole through the table's
``using_*`` methods. A table holds its overrides as one immutable value, so
each ``using_*`` copies the others unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from mealplan._errors import FoodTableError

if TYPE_CHECKING:
    from mealplan._life_stage_caps import LifeStageCap
    from mealplan._supplements import Supplement
    from mealplan._ul_standins import UlStandin

__all__ = ["Overrides", "checked_caps", "checked_standins", "checked_supplements"]

T = TypeVar("T")


@dataclass(frozen=True)
class Overrides:
    """A table's own supplements, children's caps and stand-ins (None: the bundled)."""

    supplements: tuple[Supplement, ...] | None = None
    life_stage_caps: tuple[LifeStageCap, ...] | None = None
    ul_standins: tuple[UlStandin, ...] | None = None


def _checked(
    items: Sequence[T] | None, kind: type[T], wrong: str, empty: str, path: str
) -> tuple[T, ...] | None:
    """Refuse a caller's override table that is not a non-empty sequence of ``kind``.

    ``wrong``: the message's start when the type is wrong (the type is
    appended); ``empty``: the whole message for an empty table.
    """
    if items is None:
        return None
    if not isinstance(items, list | tuple) or not all(
        isinstance(x, kind) for x in items
    ):
        msg = f"{wrong} (got {type(items).__name__})."
        raise FoodTableError(msg, path=path)
    if not items:
        raise FoodTableError(empty, path=path)
    return tuple(items)


def checked_supplements(
    supplements: Sequence[Supplement] | None,
) -> tuple[Supplement, ...] | None:
    """Return a caller's supplements as a tuple (None: the bundled ones)."""
    from mealplan._supplements import Supplement

    return _checked(
        supplements,
        Supplement,
        "using_supplements: expected the supplements of "
        "mealplan.load_supplements(path or DataFrame)",
        "using_supplements: the supplements table is empty; give "
        "at least one supplement, or None for the bundled ones.",
        "<supplements>",
    )


def checked_caps(
    caps: Sequence[LifeStageCap] | None,
) -> tuple[LifeStageCap, ...] | None:
    """Return a caller's children's caps as a tuple (None: the bundled ones)."""
    from mealplan._life_stage_caps import LifeStageCap

    return _checked(
        caps,
        LifeStageCap,
        "using_life_stage_caps: expected the caps of "
        "mealplan.load_life_stage_caps(path)",
        "using_life_stage_caps: the caps table is empty; give at "
        "least one cap, None for the bundled ones, or plan with "
        "portion_limits false to plan without caps.",
        "<life_stage_caps>",
    )


def checked_standins(
    standins: Sequence[UlStandin] | None,
) -> tuple[UlStandin, ...] | None:
    """Return a caller's stand-ins under upper limits as a tuple (None: the bundled)."""
    from mealplan._ul_standins import UlStandin

    return _checked(
        standins,
        UlStandin,
        "using_ul_standins: expected the stand-ins of mealplan.load_ul_standins(path)",
        "using_ul_standins: the stand-ins table is empty; give at least "
        "one row, None for the bundled ones, or plan with "
        "room_for_unmeasured false to count unmeasured foods as 0.",
        "<ul_standins>",
    )
