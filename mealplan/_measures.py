"""Household amounts as a cook reads them: ``1½ cups``, ``2 tsp``, ``6 oz``.

A plan item or a grocery line is a count of a portion description (USDA
SR28 WEIGHT or FNDDS): ``3`` of ``0.5 cup, shredded``, ``0.1`` of ``cup``.
Where the description is a measure (cups, spoons, ounces, grams), the count
and the measure's own number are one amount (``1½ cups, shredded``, not
``3 x 0.5 cup``), and a sliver of a cup is said in spoons (``1½ tbsp`` of
oil, not ``0.1 x cup``). Pieces (``1 medium``, ``1 slice``, ``1 thigh``)
are counted as said: ``2 slices``, ``1½ servings``, ``2 medium``
(:func:`piece_text`); a longer description keeps its count
(``2 x 1 frankfurter on bun``).
"""

from __future__ import annotations

import math
import re

__all__ = [
    "LEADING_NUMBER",
    "VOLUME_WORDS",
    "count_text",
    "measure_text",
    "piece_text",
]

LEADING_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)?|\d+/\d+)\s+(.*)$", re.DOTALL)
"""A portion description's leading number (``1.5``, ``1/2``) and the rest
(also read by :mod:`mealplan._grocery_amounts`)."""
_UNIT = re.compile(
    r"^(cups?|tbsp|tablespoons?|tsp|teaspoons?|fl oz|oz|g|ml)(?![\w.])(.*)$",
    re.IGNORECASE | re.DOTALL,
)
VOLUME_WORDS = {
    "cup": "cup",
    "cups": "cup",
    "tbsp": "tbsp",
    "tablespoon": "tbsp",
    "tablespoons": "tbsp",
    "tsp": "tsp",
    "teaspoon": "tsp",
    "teaspoons": "tsp",
}
"""Cup and spoon words of a portion description, to their unit (also read
by :mod:`mealplan._life_stage_caps`)."""
_UNIT_NAMES = {
    **VOLUME_WORDS,
    "fl oz": "fl oz",
    "oz": "oz",
    "g": "g",
    "ml": "ml",
}
TBSP_PER_CUP = 16.0
TSP_PER_TBSP = 3.0
_GLYPHS = {0.25: "¼", 1 / 3: "⅓", 0.5: "½", 2 / 3: "⅔", 0.75: "¾"}


def count_text(x: float) -> str:
    """Return a count as printed: ``1½``, ``¾``, ``2``, ``0.37``, ``12``."""
    whole = math.floor(x + 1e-9)
    frac = x - whole
    if math.isclose(frac, 0.0, abs_tol=1e-6) or math.isclose(frac, 1.0, abs_tol=1e-6):
        return str(round(x))
    for value, glyph in _GLYPHS.items():
        if math.isclose(frac, value, abs_tol=1e-6):
            return f"{whole or ''}{glyph}"
    if x >= 10:
        return f"{x:,.1f}".rstrip("0").rstrip(".")
    if x < 0.01:
        return f"{x:.2g}"
    return f"{x:.2f}".rstrip("0").rstrip(".")


_SAYS_AGAIN = re.compile(
    r"^\s*\((approximate weight,\s*)?(\d+(?:\.\d+)?\s+"
    r"(NLEA serving|serving|fl oz|oz|g))\)\s*$",
    re.I,
)
FL_OZ_PER_CUP = 8.0


def _spoons_read_better(cups: float) -> bool:
    """Whether an amount under a cup reads as whole spoons, not a decimal cup.

    ``⅜ cup`` has no glyph and printed ``0.38 cup``: 6 tbsp says it. From
    half a cup, cups and spoons read better (:func:`_cups_and_spoons`).
    """
    frac = cups - math.floor(cups)
    if cups >= 0.5 or any(math.isclose(frac, v, abs_tol=1e-6) for v in _GLYPHS):
        return False
    spoons = cups * TBSP_PER_CUP
    return math.isclose(spoons, round(spoons), abs_tol=1e-6)


def _quantity(text: str) -> float:
    top, _, bottom = text.partition("/")
    return float(top) / float(bottom) if bottom else float(top)


def measure_text(portions: float, description: str) -> str | None:
    """Return ``portions`` of a measure ``description`` as one amount, or None.

    None when the description is not a measure (a piece, a serving) or says
    more numbers after its unit (``1 cup (8 fl oz)``, ``¾ cup (1 NLEA
    serving)``): those keep the ``count x description`` form.
    """
    lead = LEADING_NUMBER.match(description)
    quantity, rest = (_quantity(lead[1]), lead[2]) if lead else (1.0, description)
    unit_match = _UNIT.match(rest.strip())
    if unit_match is None or quantity <= 0:
        return None
    tail = unit_match[2]
    if _SAYS_AGAIN.match(tail):
        # "1 cup (1 NLEA serving)", "1 cup (8 fl oz)": the parenthesis says
        # the same amount another way; a cook reads "¼ cup", not
        # "¼ x 1 cup (1 NLEA serving)" (the dietitian review of session 32).
        tail = ""
    if re.search(r"\d", tail):
        return None
    unit = _UNIT_NAMES[unit_match[1].lower()]
    total = portions * quantity
    if unit == "fl oz" and total >= FL_OZ_PER_CUP - 1e-9:
        # "2 x 8 fl oz (approximate weight, 1 serving)" for rice milk: a cook
        # pours 2 cups (the dietitian review of session 33); in quarter cups
        # only, so 12 fl oz is 1½ cups and 10 fl oz stays as it is.
        cups = total / FL_OZ_PER_CUP
        if math.isclose(cups * 4, round(cups * 4), abs_tol=1e-6):
            unit, total = "cup", cups
    if unit == "cup" and (total < 0.25 - 1e-9 or _spoons_read_better(total)):
        unit, total = "tbsp", total * TBSP_PER_CUP
    if unit == "tbsp" and total < 1 - 1e-9:
        unit, total = "tsp", total * TSP_PER_TBSP
    spoken = _cups_and_spoons(total) if unit == "cup" else None
    if spoken is not None:
        return f"{spoken}{tail}"
    if unit == "cup" and total > 1 + 1e-9:
        unit = "cups"
    return f"{count_text(total)} {unit}{tail}"


def _cups_and_spoons(cups: float) -> str | None:
    """Return half a cup or more whose fraction has no glyph as quarters and spoons.

    1⅛ cups of cereal (1½ of a ¾-cup label serving) printed ``1.12 cups``,
    which no measuring cup holds (the dietitian review of session 36), and ⅝
    cup printed ``10 tbsp``; a cook measures ``1 cup + 2 tbsp`` and ``½ cup +
    2 tbsp``. None when the amount is not whole tablespoons past a quarter
    cup, or has a glyph of its own.
    """
    frac = cups - math.floor(cups)
    if cups < 0.5 - 1e-9 or any(
        math.isclose(frac, v, abs_tol=1e-6) for v in (0.0, 1.0, *_GLYPHS)
    ):
        return None
    quarters = math.floor(cups * 4 + 1e-9) / 4
    spoons = (cups - quarters) * TBSP_PER_CUP
    if not math.isclose(spoons, round(spoons), abs_tol=1e-6) or round(spoons) < 1:
        return None
    word = "cups" if quarters > 1 + 1e-9 else "cup"
    return f"{count_text(quarters)} {word} + {round(spoons)} tbsp"


# A piece's description: "1", one or two words (the last one the piece),
# an optional ", qualifier" and an optional "(parenthesis)". Anything longer
# ("1 medium taco or tostada", "1 frankfurter on bun") keeps its count.
_PIECE = re.compile(
    r"^1 (?P<head>[A-Za-z]+(?: [A-Za-z]+)?)(?P<qualifier>, [^()]*?)?"
    r"(?P<paren>\s*\([^()]*\))?\s*$"
)
# Words a count does not make plural: sizes say which piece, not what it is.
_SIZES = frozenset({"small", "medium", "large", "regular", "extra", "jumbo", "NFS"})
# A parenthesis that is one piece's weight ("(1 oz)", "(28 g)"): said per piece.
_PIECE_WEIGHT = re.compile(r"^\s*\((\d+(?:\.\d+)?\s+(?:oz|g))\)$")


_IRREGULAR = {
    "half": "halves",
    "leaf": "leaves",
    "loaf": "loaves",
    "fish": "fish",
    "potato": "potatoes",
    "tomato": "tomatoes",
}
# The first of two words that name one piece ("1 egg white", "1 medium
# slice"); any other pair ("1 link cooked", "1 wedge yields") keeps its count.
_PIECE_FIRST_WORDS = _SIZES | {"egg", "miniature", "waffle"}


def _plural(word: str) -> str:
    """Return an English piece word's plural (``slices``, ``sandwiches``, ``patties``)."""
    if word in _SIZES:
        return word
    if word.lower() in _IRREGULAR:
        return _IRREGULAR[word.lower()]
    if word.endswith(("s", "x", "ch", "sh")):
        return f"{word}es"
    if len(word) > 1 and word.endswith("y") and word[-2] not in "aeiou":
        return f"{word[:-1]}ies"
    return f"{word}s"


def piece_text(portions: float, description: str) -> str | None:
    """Return a count of pieces as said: ``1½ slices (1 oz each)``, ``2 large``.

    A dietitian's reader said "Provolone 1½ x 1 slice (1 oz)" should read
    "1½ slices"; part of a piece reads ``½ large`` (an egg), not ``½ x 1
    large``. Only a plain piece ("1 slice", "1 egg white", "1 piece, NFS");
    None for a measure (a cup's count is :func:`measure_text`'s), for a
    longer description, for one piece (its words as they are) and for part
    of a piece whose weight is given (``½ x 1 slice (1 oz)``).
    """
    match = _PIECE.match(description)
    if match is None or math.isclose(portions, 1.0):
        return None
    words = match["head"].split(" ")
    if words[0].lower() in _UNIT_NAMES:
        return None  # "1 cup (3 rolls)": a measure with pieces of its own
    if len(words) == 2 and (words[0] not in _PIECE_FIRST_WORDS or words[1] in _SIZES):
        return None  # "1 link cooked", "1 ear medium": the piece is not last
    paren = match["paren"] or ""
    weight = _PIECE_WEIGHT.match(paren)
    if portions < 1:
        # Part of one piece: "½ large" (egg), "¾ medium"; a piece's weight
        # would read as the part's ("½ slice (1 oz)"), so that keeps its count.
        if weight is not None:
            return None
    else:
        words[-1] = _plural(words[-1])
        if weight is not None:
            paren = f" ({weight[1]} each)"
    return f"{count_text(portions)} {' '.join(words)}{match['qualifier'] or ''}{paren}"
