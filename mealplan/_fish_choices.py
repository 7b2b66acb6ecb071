"""FDA/EPA's fish classes: which fish of a table is a Best, Good or Avoid choice.

FDA/EPA's Advice about Eating Fish (2017, revised 2021, fda.gov/fishadvice)
sorts fish into Best Choices (2-3 servings a week), Good Choices (1 serving
a week) and Choices to Avoid. The classes live as reviewed data,
``foods/fish_choices.csv``: one row per fish of the chart (or per kind the
chart does not name, in doubt the stricter class), with the words that name
it (``pattern``), the words that exempt (``unless``), its class and source.

What is a fish food, and how much of it is fish:

* a food of category ``fish_seafood`` (or SR28's Finfish and Shellfish
  group): all of it, classed by its own texts;
* an FNDDS dish whose recipe (``foods/dish_ingredients.csv``) holds SR28
  fish or shellfish (NDB numbers ``15xxx``): the recipe's fish grams per
  gram of dish, classed by each fish ingredient's description *and* the
  dish's own texts (a "tuna loaf" made with light tuna in FNDDS's recipe may
  be made with albacore at home).

A text's class is the strictest (avoid > good > best) of the ``named`` rows
that match it; a fish food's or fish ingredient's text no named row matches
takes the ``otherwise`` row's class (Good: the stricter of Best and Good, as
the chart names no such fish among the Choices to Avoid). A dish's own text
counts only when it names a fish (a named row, or the ``otherwise`` row's
words such as "fish" or "seafood"). The food's class is the strictest over
its texts. Choices to Avoid are already left out for pregnancy, lactation
and children by ``foods/safety_rules.csv``; ``tests/test_fish_choices.py``
checks the two files agree.

The life-stage caps select by class with ``fish:best|good|avoid|any``
(:mod:`mealplan._life_stage_caps`), counting a food's fish share.
"""

from __future__ import annotations

import csv
import functools
import re
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mealplan._errors import FoodTableError
from mealplan._grocery import recipe_rows
from mealplan._resources import data_file

if TYPE_CHECKING:
    from collections.abc import Sequence

    from mealplan._catalog import FoodTable

__all__ = [
    "CHOICES",
    "FISH_CHOICES_FILE",
    "FishChoiceRule",
    "FishFood",
    "classify_text",
    "fish_foods",
    "load_fish_choices",
    "stricter",
]

FISH_CHOICES_FILE = "fish_choices.csv"
"""Name of the bundled classes table in ``foods/``."""

CHOICES = ("best", "good", "avoid")
"""The classes, least strict first."""

_COLUMNS = ("fish", "choice", "applies", "pattern", "unless", "source", "note")
_APPLIES = ("named", "otherwise")
_FISH_GROUPS = frozenset({"finfish and shellfish products"})
_FISH_CATEGORY = "fish_seafood"
_TEXT_COLUMNS = ("name", "sr28_description", "fndds_description", "description")


@dataclass(frozen=True)
class FishChoiceRule:
    """One row of ``foods/fish_choices.csv``."""

    fish: str
    choice: str
    applies: str
    """``named``: a fish of the chart; ``otherwise``: a fish no named row matches."""
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None
    source: str

    def matches(self, text: str) -> bool:
        """Whether the row's words name ``text``'s fish (and no exempting word)."""
        return bool(self.pattern.search(text)) and not (
            self.unless is not None and self.unless.search(text)
        )


@dataclass(frozen=True)
class FishFood:
    """A fish food of a table: its class and how much of it is fish."""

    choice: str
    share: float
    """Grams of fish or shellfish per gram of the food (1 for a plain fish)."""


def stricter(a: str | None, b: str | None) -> str | None:
    """Return the stricter of two classes (``None``: no class)."""
    if a is None:
        return b
    if b is None:
        return a
    return a if CHOICES.index(a) >= CHOICES.index(b) else b


def _bad(row: int, what: str) -> FoodTableError:
    return FoodTableError(f"{FISH_CHOICES_FILE} row {row}: {what}", row=row)


def _regex(text: str, row: int, column: str) -> re.Pattern[str] | None:
    if not text:
        return None
    try:
        return re.compile(text, re.IGNORECASE)
    except re.error as exc:
        raise _bad(
            row, f"{column} is not a valid regular expression ({exc}); fix it."
        ) from None


@functools.cache
def load_fish_choices() -> tuple[FishChoiceRule, ...]:
    """Return the bundled classes table (read once).

    Raises:
        FoodTableError: The bundled file is malformed (a bad class,
            ``applies`` value, pattern, or a missing source).

    """
    path = data_file(FISH_CHOICES_FILE)
    rules = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != _COLUMNS:
            msg = f"{FISH_CHOICES_FILE}: the header must be {','.join(_COLUMNS)}."
            raise FoodTableError(msg, path=str(path))
        for row_no, raw in enumerate(reader, start=1):
            if raw["choice"] not in CHOICES or raw["applies"] not in _APPLIES:
                what = (
                    f"choice must be one of {', '.join(CHOICES)} and applies one "
                    f"of {', '.join(_APPLIES)} (got {raw['choice']!r}, "
                    f"{raw['applies']!r})."
                )
                raise _bad(row_no, what)
            pattern = _regex(raw["pattern"], row_no, "pattern")
            if pattern is None or not raw["source"].strip():
                raise _bad(row_no, "every row needs a pattern and its source.")
            rules.append(
                FishChoiceRule(
                    raw["fish"],
                    raw["choice"],
                    raw["applies"],
                    pattern,
                    _regex(raw["unless"], row_no, "unless"),
                    raw["source"],
                )
            )
    return tuple(rules)


def classify_text(
    text: str, rules: Sequence[FishChoiceRule], *, known_fish: bool
) -> str | None:
    """Return the class of one text (``None``: it names no fish).

    ``known_fish``: the text is a fish food's or fish ingredient's own, so a
    fish no named row matches takes the ``otherwise`` class.
    """
    found = None
    for rule in rules:
        if rule.applies == "named" and rule.matches(text):
            found = stricter(found, rule.choice)
    if found is not None:
        return found
    for rule in rules:
        if rule.applies == "otherwise" and (known_fish or rule.matches(text)):
            found = stricter(found, rule.choice)
    return found


@functools.cache
def _recipe_fish() -> dict[str, tuple[float, tuple[str, ...]]]:
    """Dish id -> (fish grams per gram, fish ingredients' descriptions)."""
    header, rows = recipe_rows()
    column = {name: k for k, name in enumerate(header)}
    out: dict[str, tuple[float, tuple[str, ...]]] = {}
    for dish, recipe in rows.items():
        for row in recipe:
            if not row[column["ndb_no"]].startswith("15"):  # SR28 Finfish and Shellfish
                continue
            grams, texts = out.get(dish, (0.0, ()))
            share = grams + float(row[column["grams_per_100g"]] or 0) / 100
            out[dish] = (share, (*texts, row[column["ingredient"]]))
    return out


_CACHE: weakref.WeakKeyDictionary[FoodTable, dict[str, FishFood]] = (
    weakref.WeakKeyDictionary()
)


def fish_foods(table: FoodTable) -> dict[str, FishFood]:
    """Return food id -> class and fish share of every fish food of ``table``."""
    cached = _CACHE.get(table)
    if cached is not None:
        return cached
    rules = load_fish_choices()
    recipes = _recipe_fish()
    n = len(table.ids)
    cats = table.texts("category") if table.has_column("category") else [""] * n
    groups = table.texts("food_group") if table.has_column("food_group") else [""] * n
    texts = [table.texts(c) for c in _TEXT_COLUMNS if table.has_column(c)]
    found: dict[str, FishFood] = {}
    for i, fid in enumerate(table.ids):
        plain = cats[i] == _FISH_CATEGORY or groups[i].strip().lower() in _FISH_GROUPS
        recipe = recipes.get(fid) if not plain else None
        if not plain and not recipe:
            continue
        own = " | ".join(t[i] for t in texts)
        choice = classify_text(own, rules, known_fish=plain)
        share = 1.0
        if recipe:
            share = min(recipe[0], 1.0)
            for ingredient in recipe[1]:
                choice = stricter(
                    choice, classify_text(ingredient, rules, known_fish=True)
                )
        assert choice is not None  # a plain fish or a fish ingredient has one
        found[fid] = FishFood(choice, share)
    _CACHE[table] = found
    return found
