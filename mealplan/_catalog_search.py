"""Finding a table's foods by words.

:meth:`FoodTable.search`, and the "did you mean" of an unknown food id.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from mealplan._errors import UnknownFoodError

__all__ = ["close_ids", "search_ids", "unknown_food"]


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


SEARCH_HINT = "use FoodTable.search() to find ids."
"""How an unknown food's message says to find ids from Python (the HTTP
service says its own route instead: mealplan._pool)."""


def unknown_food(
    ids: Sequence[str], names: Sequence[str], food_id: str
) -> UnknownFoodError:
    """Return the error for ``food_id``, not in a table of ``ids`` named ``names``.

    It suggests up to three ids close to it (:func:`close_ids`).
    """
    close = close_ids(ids, names, str(food_id))
    hint = (
        f"did you mean {', '.join(repr(c) for c in close[:3])}?"
        if close
        else SEARCH_HINT
    )
    shown = repr(food_id) if len(repr(food_id)) <= 80 else repr(food_id)[:77] + "..."
    msg = f"Food {shown} is not in the food table; {hint}"
    return UnknownFoodError(msg, str(food_id))


_WORD = re.compile(r"[a-z]{3,}")
# A typed word counts as a word of a food at this similarity (difflib's
# ratio): "salmn" is 0.91 of "salmon", "brocoli" 0.93 of "broccoli".
_WORD_CUTOFF = 0.75
_ID_CUTOFF = 0.6


def close_ids(ids: Sequence[str], names: Sequence[str], entry: str) -> list[str]:
    """Return up to three ids that ``entry`` (not an id of the table) may mean.

    Ranked by how close the entry is to the whole id or name, or to a word
    of it: "salmn" means a salmon (its word "salmon", 0.91), not "salt" (the
    whole id, 0.67), which the whole-id match alone suggested. Among ids as
    close, those the word starts first ("oatmeal" before "bread-oatmeal"),
    then the shorter (the plainer food).
    """
    text = entry.lower()
    score: dict[str, float] = {}
    later: dict[str, int] = {}

    def offer(food_id: str, ratio: float, word: str = "") -> None:
        rank = 0 if not word or food_id.lower().startswith(word) else 1
        best = score.get(food_id)
        if best is None or ratio > best:
            score[food_id], later[food_id] = ratio, rank
        elif ratio == best:
            later[food_id] = min(later[food_id], rank)

    by_name = {n.lower(): i for i, n in zip(ids, names, strict=True)}
    for whole, mapping in ((ids, None), (list(by_name), by_name)):
        for m in difflib.get_close_matches(text, whole, n=3, cutoff=_ID_CUTOFF):
            ratio = difflib.SequenceMatcher(None, text, m).ratio()
            offer(m if mapping is None else mapping[m], ratio)
    typed = _WORD.findall(text)
    if typed:
        words: dict[str, set[str]] = {}
        for food_id, name in zip(ids, names, strict=True):
            for w in {*_WORD.findall(food_id.lower()), *_WORD.findall(name.lower())}:
                words.setdefault(w, set()).add(food_id)
        for t in typed:
            for w in difflib.get_close_matches(
                t, list(words), n=3, cutoff=_WORD_CUTOFF
            ):
                # A word match stands for the entry only as far as the typed
                # word is the entry ("salmon canned": half of it).
                share = len(t) / max(len(text.replace(" ", "").replace("-", "")), 1)
                ratio = difflib.SequenceMatcher(None, t, w).ratio() * min(share, 1.0)
                for food_id in words[w]:
                    offer(food_id, ratio, w)
    ranked = sorted(
        score, key=lambda f: (-round(score[f], 3), later.get(f, 0), len(f), f)
    )
    return ranked[:3]
