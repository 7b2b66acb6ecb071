"""Finding a table's foods by words.

:meth:`FoodTable.search`, and the "did you mean" of an unknown food id.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from mealplan._errors import UnknownFoodError

__all__ = ["search_ids", "unknown_food"]


def search_ids(
    ids: Sequence[str],
    names: Sequence[str],
    descriptions: Sequence[str],
    words: str | Sequence[str],
) -> list[str]:
    """Return the ids whose name or description has every word (ranked).

    Matching is case-insensitive on word starts; foods matching in the name
    rank first, then shorter names, then ids.
    """
    tokens = words.split() if isinstance(words, str) else [str(w) for w in words]
    tokens = [t.lower() for t in tokens if t.strip()]
    if not tokens:
        return []
    lowered = [n.lower() for n in names]
    hits: list[tuple[int, int, str]] = []
    patterns = [re.compile(r"\b" + re.escape(t)) for t in tokens]
    for food_id, name, desc in zip(ids, lowered, descriptions, strict=True):
        text = f"{name} {desc.lower()}"
        if all(p.search(text) for p in patterns):
            in_name = sum(1 for p in patterns if p.search(name))
            hits.append((-in_name, len(name), food_id))
    return [h[2] for h in sorted(hits)]


def unknown_food(
    ids: Sequence[str], names: Sequence[str], food_id: str
) -> UnknownFoodError:
    """Return the error for ``food_id``, not in a table of ``ids`` named ``names``.

    It suggests up to three ids or names close to it.
    """
    by_name = {n.lower(): i for i, n in zip(ids, names, strict=True)}
    close = difflib.get_close_matches(str(food_id), list(ids), n=3, cutoff=0.6)
    close += [
        by_name[m]
        for m in difflib.get_close_matches(
            str(food_id).lower(), list(by_name), n=3, cutoff=0.6
        )
        if by_name[m] not in close
    ]
    hint = (
        f"did you mean {', '.join(repr(c) for c in close[:3])}?"
        if close
        else "use FoodTable.search() to find ids."
    )
    shown = repr(food_id) if len(repr(food_id)) <= 80 else repr(food_id)[:77] + "..."
    msg = f"Food {shown} is not in the food table; {hint}"
    return UnknownFoodError(msg, str(food_id))
