"""The constraint groups of a planning model: typed, with stable names.

A :class:`ConstraintGroup` (a :class:`GroupKind` and, for bounds, a nutrient)
is what the diagnosis switches on and off as a whole; its :attr:`name`
(``"diet"``, ``"min:calcium_mg"``...) is what a :class:`~mealplan.Conflict`
reports. The list of names is in :mod:`mealplan._problem`'s docstring.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    pass


FILTER_GROUPS = ("diet", "allergies", "exclude", "fortified", "priced")


class GroupKind(Enum):
    """What a constraint group is about; the value orders the diagnosis.

    The deletion filter tries to drop groups in this order: realism defaults
    first, the user's explicit choices last, so the reported conflict is made
    of the constraints the user actually stated whenever that is possible.
    """

    PORTION_LIMITS = 0
    MEALS = 1
    VARIETY = 2
    BANS = 3
    MACRO = 4
    MAX_FOODS = 5
    MIN = 6
    MAX = 7
    BUDGET = 8
    PRICED = 9
    INCLUDE = 10
    PINS = 11
    EXCLUDE = 12
    FORTIFIED = 13
    ALLERGIES = 14
    DIET = 15
    # Meal structure (structure:<meal>, structure:one_form...): a realism
    # default, so the deletion filter tries it first.
    STRUCTURE = -1
    # Weekly life-stage caps (FDA/EPA fish advice, mealplan._week_caps): a
    # safety rule, tried after the user's own choices.
    WEEKLY_CAPS = 16
    # FDA/EPA's fish advice a day (one serving at most, mealplan._fish_day_caps):
    # a safety rule too, kept with the portion caps off.
    DAILY_FISH_CAPS = 17


_FILTER_KINDS = frozenset(
    {
        GroupKind.DIET,
        GroupKind.ALLERGIES,
        GroupKind.EXCLUDE,
        GroupKind.FORTIFIED,
        GroupKind.PRICED,
    }
)
_PREFIX = {
    GroupKind.MIN: "min",
    GroupKind.MAX: "max",
    GroupKind.MACRO: "macro",
    GroupKind.STRUCTURE: "structure",
}
_WORDS = {
    GroupKind.PORTION_LIMITS: "realistic portion caps per food",
    GroupKind.MEALS: "the meal structure",
    GroupKind.VARIETY: "the variety rules",
    GroupKind.BANS: "the banned foods",
    GroupKind.MACRO: "an AMDR energy share",
    GroupKind.MAX_FOODS: "the number of foods a day",
    GroupKind.MIN: "a nutrient minimum",
    GroupKind.MAX: "a nutrient maximum",
    GroupKind.BUDGET: "the daily budget",
    GroupKind.PRICED: "only foods with a known price",
    GroupKind.INCLUDE: "the included foods",
    GroupKind.PINS: "the pinned foods",
    GroupKind.EXCLUDE: "the excluded foods",
    GroupKind.FORTIFIED: "no fortified foods",
    GroupKind.ALLERGIES: "the allergies",
    GroupKind.DIET: "the diet",
    GroupKind.STRUCTURE: "the meal structure rules",
    GroupKind.WEEKLY_CAPS: "the weekly fish limit for the life stage (FDA/EPA advice)",
    GroupKind.DAILY_FISH_CAPS: (
        "the daily fish limit for the life stage, one serving a day (FDA/EPA advice)"
    ),
}


@dataclass(frozen=True, order=False)
class ConstraintGroup:
    """One group of constraints the request imposes, switched on or off as a whole.

    ``name`` is the stable string the diagnosis reports (``Conflict.constraint``):
    ``"diet"``, ``"min:vitamin_b12_ug"``, ``"macro:protein_g"``... It is made
    from the typed fields, never parsed back.
    """

    kind: GroupKind
    nutrient: str | None = None

    @property
    def name(self) -> str:
        """The stable name, e.g. ``"min:calcium_mg"`` or ``"budget"``."""
        prefix = _PREFIX.get(self.kind)
        if prefix is not None:
            return f"{prefix}:{self.nutrient}"
        return self.kind.name.lower()

    @property
    def order(self) -> tuple[int, str]:
        """Sort key of the diagnosis's deletion filter (see :class:`GroupKind`)."""
        return (self.kind.value, self.name)

    @property
    def is_filter(self) -> bool:
        """Whether the group removes foods rather than adding rows."""
        return self.kind in _FILTER_KINDS

    @property
    def words(self) -> str:
        """A short phrase for reports ("the meal structure")."""
        return _WORDS[self.kind]

    @classmethod
    def parse(cls, name: str) -> ConstraintGroup:
        """Return the group a stable name stands for (the inverse of :attr:`name`).

        Raises:
            ValueError: ``name`` is not a group name.

        """
        prefix, _, nutrient = name.partition(":")
        if nutrient:
            for kind, p in _PREFIX.items():
                if p == prefix:
                    return cls(kind, nutrient)
        else:
            try:
                kind = GroupKind[name.upper()]
            except KeyError:
                pass
            else:
                if kind not in _PREFIX:
                    return cls(kind)
        msg = f"{name!r} is not a constraint group name; expected e.g. 'diet' or 'min:calcium_mg'."
        raise ValueError(msg)

    def __str__(self) -> str:
        return self.name


def _group(value: str | ConstraintGroup) -> ConstraintGroup:
    return value if isinstance(value, ConstraintGroup) else ConstraintGroup.parse(value)


class Impose(Protocol):
    """The model builder's ``impose``: record a group, say whether it is on.

    :func:`mealplan._problem.build_problem` lists every group the request
    imposes (in call order) and skips the rows of those switched off.
    """

    def __call__(self, kind: GroupKind, nutrient: str | None = None) -> bool:
        """Record the group ``kind`` (of ``nutrient``); return whether it is on."""
        ...
