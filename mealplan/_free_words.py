"""Exclusion entries that name a need as a label ("gluten-free", "dairy-free").

``exclude`` leaves out every food a word matches, so "gluten-free" matched
the two foods named "Gluten-free ..." and planned whole-wheat tortillas
(session 31's new-user review: what the person meant was the opposite).
An entry of the form ``X-free``, ``X free``, ``free from X``, ``free of X``
or ``non-X`` whose ``X`` is one of the nine allergens, a ``free_from`` need
or a diet's word is refused with the field that says it; any other such
entry ("sugar-free", "fat free") keeps its literal meaning, the foods so
labelled (a person may not want sweeteners).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["LabelNeed", "label_need", "label_refusal"]

_LABEL = re.compile(
    r"^(?:(?P<a>.+?)[\s-]*free|free[\s-]+(?:from|of)[\s-]+(?P<b>.+)|non[\s-]*(?P<c>.+))$"
)


@dataclass(frozen=True)
class LabelNeed:
    """What an ``X-free`` entry means, said in the request's own fields."""

    field: str
    """The request field: ``free_from``, ``allergies`` or ``diet``."""
    values: tuple[str, ...]
    flags: tuple[str, ...]
    """The CLI flags that say the same."""


def _allergy(*names: str) -> LabelNeed:
    return LabelNeed("allergies", names, tuple(f"--allergy {n}" for n in names))


_NEEDS: dict[str, LabelNeed] = {
    "gluten": LabelNeed("free_from", ("gluten",), ("--free-from gluten",)),
    "lactose": LabelNeed("free_from", ("lactose",), ("--free-from lactose",)),
    "dairy": _allergy("milk"),
    "milk": _allergy("milk"),
    "egg": _allergy("egg"),
    "eggs": _allergy("egg"),
    "fish": _allergy("fish"),
    "shellfish": _allergy("shellfish"),
    "nut": _allergy("tree_nuts", "peanuts"),
    "nuts": _allergy("tree_nuts", "peanuts"),
    "tree nut": _allergy("tree_nuts"),
    "tree nuts": _allergy("tree_nuts"),
    "peanut": _allergy("peanuts"),
    "peanuts": _allergy("peanuts"),
    "wheat": _allergy("wheat"),
    "soy": _allergy("soy"),
    "soya": _allergy("soy"),
    "sesame": _allergy("sesame"),
    "meat": LabelNeed("diet", ("vegetarian",), ("--diet vegetarian",)),
    "animal": LabelNeed("diet", ("vegan",), ("--diet vegan",)),
}


def label_need(entry: str) -> tuple[str, LabelNeed] | None:
    """Return (the ``X``, its need) of an ``X-free`` entry, or None for any other."""
    match = _LABEL.match(" ".join(entry.lower().replace("_", " ").split()))
    if match is None:
        return None
    stem = (match["a"] or match["b"] or match["c"] or "").strip(" -")
    need = _NEEDS.get(stem)
    return None if need is None else (stem, need)


_PLURAL = {"nut": "nuts", "egg": "eggs", "peanut": "peanuts", "tree nut": "tree nuts"}


def label_refusal(entry: str) -> str | None:
    """Return why ``entry`` is refused in ``exclude`` or ``dislikes`` (None: it is not)."""
    found = label_need(entry)
    if found is None:
        return None
    stem, need = found
    values = ", ".join(repr(v) for v in need.values)
    said = f"{need.field} [{values}]" if need.field != "diet" else f"diet {values}"
    return (
        f"{entry.strip()!r} names a need, not foods to leave out (it would drop "
        f"the foods labelled so and keep the rest); to plan without "
        f"{_PLURAL.get(stem, stem)}, ask {said} (CLI: {' '.join(need.flags)}) "
        "instead"
    )
