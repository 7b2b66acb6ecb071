"""Exclusions as people say them: ids, categories, and words with their meaning.

``exclude: ["cheese"]`` must remove every cheese (feta and parmesan too, whose
names do not say "cheese"), ``"fish"`` every fish (canned salmon too) and
``"milk"`` every dairy food. Each entry is matched, in this order and as a
union (so matching only ever removes more):

1. a food id (case-insensitive);
2. a category or SR28 food group (case-insensitive);
3. a word of the reviewed vocabulary ``foods/exclusion_vocabulary.csv``
   (singular or plural), which says what the word means: foods carrying an
   allergen tag, foods of some categories, or foods whose texts match a
   pattern, each with an ``unless`` pattern for stated exceptions;
4. the entry as a whole word of the food's name or description; a word the
   vocabulary does not define also in its singular and plural forms
   (:func:`word_forms`: "potatoes" also matches "potato").

An entry that matches nothing is an error with close suggestions, never a
silent no-op. The vocabulary also defines the dietary needs ``gluten`` and
``lactose`` (see :data:`FREE_FROM`).
"""

from __future__ import annotations

import csv
import difflib
import re
import weakref
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from mealplan._errors import FoodTableError, RequestError
from mealplan._resources import data_file
from mealplan._safety_recipes import Ingredient, recipe_ingredients

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from numpy.typing import NDArray

    from mealplan._catalog import FoodTable

__all__ = [
    "FREE_FROM",
    "TREAT_DRINK_WORDS",
    "VOCABULARY_FILE",
    "VocabularyRow",
    "excluded_mask",
    "kept_by_exception",
    "load_vocabulary",
    "read_vocabulary",
    "treat_drinks",
    "word_forms",
    "words_mask",
]

VOCABULARY_FILE = "exclusion_vocabulary.csv"
"""Name of the bundled vocabulary in ``foods/``."""

FREE_FROM = ("gluten", "lactose")
"""Dietary needs beyond the nine allergens, defined by the vocabulary."""

_COLUMNS = ("words", "kind", "value", "unless", "note", "source")
_KINDS = frozenset({"allergen", "categories", "pattern"})
_TEXT_COLUMNS = ("name", "sr28_description", "fndds_description", "description")


@dataclass(frozen=True, slots=True)
class VocabularyRow:
    """One meaning of one or more words (rows for the same word are OR'ed).

    Attributes:
        words: The words (lowercase) this row gives a meaning to.
        kind: ``allergen`` (foods tagged with ``value``), ``categories``
            (foods whose category or food group is in the ';' list ``value``)
            or ``pattern`` (foods whose texts match the regex ``value``).
        value: See ``kind``.
        unless: Regex on the food's texts that exempts a matched food.
        note: What the row means, in words.
        source: Where the meaning comes from, when it is a published one.

    """

    words: frozenset[str]
    kind: str
    value: str
    unless: re.Pattern[str] | None
    note: str
    source: str


def read_vocabulary(path: Path) -> tuple[VocabularyRow, ...]:
    """Read and check a vocabulary laid out like ``exclusion_vocabulary.csv``.

    Raises:
        FoodTableError: The file is missing or malformed.

    """
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        msg = f"The exclusion vocabulary {where} cannot be read ({exc.strerror}); reinstall mealplan."
        raise FoodTableError(msg, path=where) from exc
    reader = csv.DictReader(text.splitlines())
    if tuple(reader.fieldnames or ()) != _COLUMNS:
        msg = (
            f"The exclusion vocabulary {where} has columns {reader.fieldnames}, "
            f"expected {list(_COLUMNS)}; restore it from the mealplan repository."
        )
        raise FoodTableError(msg, path=where)
    rows = []
    for number, raw in enumerate(reader, start=1):
        words = frozenset(
            w.strip().lower() for w in (raw["words"] or "").split(";") if w.strip()
        )
        kind = (raw["kind"] or "").strip()
        value = (raw["value"] or "").strip()
        column, expected = "", ""
        if not words:
            column, expected = "words", "at least one word"
        elif kind not in _KINDS:
            column, expected = "kind", f"one of {sorted(_KINDS)}"
        elif not value:
            column, expected = "value", "a value"
        unless: re.Pattern[str] | None = None
        try:
            if kind == "pattern":
                re.compile(value)
            if (raw["unless"] or "").strip():
                unless = re.compile(raw["unless"].strip(), re.IGNORECASE)
        except re.error:
            column, expected = "value", "a valid regular expression"
        if column:
            msg = (
                f"The exclusion vocabulary {where}, row {number}, column {column!r} "
                f"holds {raw.get(column)!r}; expected {expected}."
            )
            raise FoodTableError(msg, path=where, row=number, column=column)
        rows.append(
            VocabularyRow(
                words=words,
                kind=kind,
                value=value,
                unless=unless,
                note=(raw["note"] or "").strip(),
                source=(raw["source"] or "").strip(),
            )
        )
    return tuple(rows)


@lru_cache(maxsize=4)
def _load(path: str) -> tuple[VocabularyRow, ...]:
    return read_vocabulary(Path(path))


def load_vocabulary() -> tuple[VocabularyRow, ...]:
    """Return the bundled vocabulary, read once."""
    return _load(str(data_file(VOCABULARY_FILE)))


@dataclass(frozen=True, slots=True)
class _View:
    """What matching needs from a table, computed once per table."""

    ids: tuple[str, ...]
    ids_lower: dict[str, int]
    texts: tuple[str, ...]
    names: tuple[str, ...]
    groups: frozenset[str]
    food_groups: tuple[frozenset[str], ...]
    allergens: tuple[frozenset[str], ...]
    name_words: frozenset[str]
    recipes: tuple[tuple[Ingredient, ...], ...]
    """Each food's recipe ingredients (a dish's; empty for a single food)."""


_VIEWS: weakref.WeakKeyDictionary[FoodTable, _View] = weakref.WeakKeyDictionary()


def _view(table: FoodTable) -> _View:
    view = _VIEWS.get(table)
    if view is not None:
        return view
    ids = tuple(table.ids)
    columns = [table.texts(c) for c in _TEXT_COLUMNS if table.has_column(c)]
    texts = tuple(" | ".join(p).lower() for p in zip(*columns, strict=True))
    cats = [c.strip().lower() for c in table.texts("category")]
    fgroups = [g.strip().lower() for g in table.texts("food_group")]
    food_groups = tuple(
        frozenset({c, g} - {""}) for c, g in zip(cats, fgroups, strict=True)
    )
    if table.has_column("allergens"):
        allergens = tuple(frozenset(a) for a in table.tags("allergens"))
    else:
        # A table without the column: every food may hold every allergen.
        allergens = tuple(frozenset({"*"}) for _ in ids)
    names = tuple(n.lower() for n in table.texts("name"))
    name_words = frozenset(w for t in names for w in re.findall(r"[a-z]+", t))
    view = _View(
        ids=ids,
        ids_lower={i.lower(): k for k, i in enumerate(ids)},
        texts=texts,
        names=names,
        groups=frozenset(g for fg in food_groups for g in fg),
        food_groups=food_groups,
        allergens=allergens,
        name_words=name_words,
        recipes=tuple(recipe_ingredients().get(i, ()) for i in ids),
    )
    _VIEWS[table] = view
    return view


def _row_covers(
    row: VocabularyRow, text: str, groups: frozenset[str], allergens: frozenset[str]
) -> bool:
    """Whether a vocabulary row covers one food (or recipe ingredient).

    ``text``: its lowercased texts; ``groups``: its category and food group;
    ``allergens``: its allergen tags (``*``: may hold any).
    """
    if row.kind == "allergen":
        hit = row.value in allergens or "*" in allergens
    elif row.kind == "categories":
        hit = bool(_wanted(row.value) & groups)
    else:
        hit = re.search(row.value, text, re.IGNORECASE) is not None
    return hit and not (row.unless is not None and row.unless.search(text))


def _wanted(value: str) -> frozenset[str]:
    return frozenset(v.strip().lower() for v in value.split(";"))


def _row_mask(view: _View, row: VocabularyRow) -> NDArray[np.bool_]:
    return np.array(
        [
            _row_covers(row, t, g, a)
            for t, g, a in zip(
                view.texts, view.food_groups, view.allergens, strict=True
            )
        ],
        dtype=bool,
    )


def _vocab_rows(entry: str, vocab: Sequence[VocabularyRow]) -> list[VocabularyRow]:
    forms = {entry}
    for suffix in ("es", "s"):
        if entry.endswith(suffix) and len(entry) > len(suffix) + 2:
            forms.add(entry[: -len(suffix)])
    return [r for r in vocab if r.words & forms]


def words_mask(table: FoodTable, word: str) -> NDArray[np.bool_]:
    """Return which foods a vocabulary word (e.g. ``"gluten"``) covers."""
    view = _view(table)
    mask = np.zeros(len(view.ids), dtype=bool)
    for row in _vocab_rows(word.strip().lower(), load_vocabulary()):
        mask |= _row_mask(view, row)
    return mask


TREAT_DRINK_WORDS = ("soft drinks", "alcohol")
"""Vocabulary words whose foods the default objective charges as sweets."""

_TREATS: weakref.WeakKeyDictionary[FoodTable, NDArray[np.bool_]] = (
    weakref.WeakKeyDictionary()
)


def treat_drinks(table: FoodTable) -> NDArray[np.bool_]:
    """Return which foods are soft, sugar-sweetened or alcoholic drinks.

    The default objective charges a serving of one as it charges a sweet's
    (``mealplan._formulation.EXTRAS_COST``): the Dietary Guidelines for
    Americans 2020-2025 ask for drinks without added sugars and do not
    advise anyone to start drinking alcohol, so a plan reaches for them only
    when nothing else will do, or when the person asks for them. Read-only,
    computed once per table.
    """
    mask = _TREATS.get(table)
    if mask is None:
        mask = np.zeros(len(table.ids), dtype=bool)
        for word in TREAT_DRINK_WORDS:
            mask |= words_mask(table, word)
        mask.flags.writeable = False
        _TREATS[table] = mask
    return mask


def _entry_mask(
    view: _View, entry: str, vocab: Sequence[VocabularyRow]
) -> NDArray[np.bool_]:
    mask = np.zeros(len(view.ids), dtype=bool)
    index = view.ids_lower.get(entry)
    if index is not None:
        mask[index] = True
    if entry in view.groups:
        mask |= np.array([entry in g for g in view.food_groups], dtype=bool)
    rows = _vocab_rows(entry, vocab)
    for row in rows:
        mask |= _row_mask(view, row)
    # A word the vocabulary defines means what it says there, and is matched
    # as written besides; any other word in its singular and plural forms
    # ("greens" are leafy greens, not green beans).
    forms = {entry, entry + "s", entry + "es"} if rows else word_forms(entry)
    alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len)[::-1])
    word = re.compile(r"\b(?:" + alternatives + r")\b")
    said = _said_with(word) if not rows else word.search
    mask |= np.array([bool(said(t)) for t in view.texts], dtype=bool)
    # What a dish is made with, as people mean it: "cheese" removes a
    # lasagna made with mozzarella and ricotta, "fish" a bouillabaisse made
    # with halibut, "mushrooms" a dish made with them (the dietitian's review of
    # session 30 got a lasagna with "exclude cheese").
    mask |= _made_with(view, lambda ing: _ingredient_matches(ing, rows, said))
    return mask


# A word a food's name says it is without ("beans, boiled, without salt",
# "no salt added", "salt-free"): excluding "salt" must not remove the very
# foods made without it (84 of the bundled foods, most of the cooked
# vegetables and beans, whose SR28 names end "without salt": a vegan day
# had no plan left). Words of the vocabulary (allergens, categories) keep
# matching as written: in doubt, a food stays excluded.
_WITHOUT = re.compile(r"(?:\bwithout|\bno|\bnot|\bfree of)(?: added)?\s+$")
_FREE = re.compile(r"^[\s-]*free\b")


def _said_with(word: re.Pattern[str]) -> Callable[[str], bool]:
    """Return a search for ``word`` that skips where a text says it is without it."""

    def search(text: str) -> bool:
        for match in word.finditer(text):
            before, after = text[: match.start()], text[match.end() :]
            if not _WITHOUT.search(before) and not _FREE.match(after):
                return True
        return False

    return search


def _ingredient_matches(
    ing: Ingredient, rows: Sequence[VocabularyRow], said: Callable[[str], object]
) -> bool:
    """Whether an exclusion entry (its vocabulary rows, its word) covers an ingredient.

    ``said``: the entry's word search, as for a food's own name (a word
    outside the vocabulary skips "beans, boiled, without salt", so
    excluding salt keeps a dish made with them unless its recipe salts it).
    A row of allergens does not read ingredients: a dish's allergen tags
    already come from its recipe.
    """
    groups = frozenset({ing.food_group})
    return bool(said(ing.text)) or any(
        _row_covers(row, ing.text, groups, frozenset())
        for row in rows
        if row.kind != "allergen"
    )


def _made_with(view: _View, covers: Callable[[Ingredient], bool]) -> NDArray[np.bool_]:
    """Return which foods' recipes hold an ingredient ``covers`` says is excluded.

    A dish's allergens already come from its recipe (its tags); this reads
    the ingredients for what the tags do not say (mealplan._safety_recipes
    gives them, traces and spices left out).
    """
    return np.array(
        [any(covers(ing) for ing in recipe) for recipe in view.recipes], dtype=bool
    )


def kept_by_exception(
    table: FoodTable, words: Iterable[str], food_ids: Iterable[str]
) -> list[str]:
    """Return a note for each planned food a word's stated exception kept.

    ``exclude: ["lactose"]`` keeps aged hard cheeses (the vocabulary's
    ``unless``): a plan with cheddar then says so and why, instead of
    looking like the exclusion failed (the dietitian's review of session 30).
    ``words``: the request's exclusions and needs; ``food_ids``: the plan's.
    """
    view = _view(table)
    index = {fid: k for k, fid in enumerate(view.ids)}
    # Only the plan's foods are read: this runs on every plan assembled (the
    # diagnosis's advice assembles dozens).
    planned = [index[f] for f in sorted(set(food_ids)) if f in index]
    notes: list[str] = []
    for word in dict.fromkeys(str(w).strip().lower() for w in words):
        for row in _vocab_rows(word, load_vocabulary()):
            if row.unless is None:
                continue
            whole = VocabularyRow(row.words, row.kind, row.value, None, "", "")
            kept = [
                k
                for k in planned
                if _row_covers(
                    whole, view.texts[k], view.food_groups[k], view.allergens[k]
                )
                and row.unless.search(view.texts[k])
            ]
            if kept:
                shown = table.texts("name")
                names = ", ".join(shown[k] for k in kept)
                source = f" ({row.source})" if row.source else ""
                notes.append(
                    f"Kept with {word!r} excluded: {names}, by its stated "
                    f"exception: {row.note}{source}; exclude them by name to "
                    "leave them out too."
                )
    return notes


def word_forms(entry: str) -> set[str]:
    """Return the singular and plural forms an exclusion word stands for.

    People say plurals: "potatoes" must remove "Bread, potato" too, which
    matching the entry with a plural ending only missed. The entry, its
    English singulars (``-ies`` to ``-y``, ``-es`` and ``-s`` dropped), and
    each singular's plurals; a form that is no word (``grap`` of "grapes")
    matches nothing, and one that is a shorter word may match more, which
    for an exclusion errs on the side of leaving out. Also each singular's
    ``-ed`` form, which names a food made with it: "salt" removes "Butter,
    salted" and "Pretzels, hard, salted" (kept before), "bread" a breaded
    chicken; "corn" removes corned beef too (named for its corns of salt),
    on the same side.
    """
    if entry.endswith("ies") and len(entry) > 4:
        singulars = {entry[:-3] + "y"}
    elif entry.endswith("es") and len(entry) > 3:
        singulars = {entry[:-2], entry[:-1]}
    elif entry.endswith("s") and not entry.endswith("ss") and len(entry) > 2:
        singulars = {entry[:-1]}
    else:
        singulars = {entry}
    forms = {entry}
    for one in singulars:
        forms |= {
            one,
            one + "s",
            one + "es",
            one + ("d" if one.endswith("e") else "ed"),
        }
        if one.endswith("y") and len(one) > 2:
            forms.add(one[:-1] + "ies")
    return forms


def _suggest(view: _View, entry: str, vocab: Sequence[VocabularyRow]) -> list[str]:
    words = {w for r in vocab for w in r.words}
    choices = sorted(words | set(view.groups) | view.name_words | set(view.ids_lower))
    return difflib.get_close_matches(entry, choices, n=3, cutoff=0.7)


def excluded_mask(
    table: FoodTable, exclude: Iterable[str], *, field: str = "exclude"
) -> NDArray[np.bool_]:
    """Return which foods of ``table`` the ``exclude`` entries remove.

    ``field`` names the request field the entries come from in an error
    (``likes`` and ``dislikes`` are matched the same way).

    Raises:
        RequestError: An entry matches no food id, category, vocabulary word
            or word of a food's name or description.

    """
    view = _view(table)
    vocab = load_vocabulary()
    mask = np.zeros(len(view.ids), dtype=bool)
    unknown: list[str] = []
    for raw in exclude:
        entry = str(raw).strip().lower()
        if not entry:
            continue
        hit = _entry_mask(view, entry, vocab)
        if not hit.any() and not _vocab_rows(entry, vocab):
            unknown.append(str(raw).strip())
        mask |= hit
    if unknown:
        first = unknown[0]
        close = _suggest(view, first.lower(), vocab)
        hint = (
            f"did you mean {' or '.join(repr(c) for c in close)}?"
            if close
            else "use a food id ('mealplan foods search WORDS'), a category such as "
            "'dairy' or 'fish_seafood', or a word of a food's name."
        )
        more = f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else ""
        msg = (
            f"The {field} entry {first!r} matches no food id, category or food "
            f"word{more}; {hint}"
        )
        raise RequestError(
            msg, [{"loc": field, "msg": f"{u!r} matches no food"} for u in unknown]
        )
    return mask


def check_taste_words(
    table: FoodTable, likes: Sequence[str], dislikes: Sequence[str]
) -> None:
    """Check that every ``likes`` and ``dislikes`` entry matches a food.

    They are matched like ``exclude`` entries, deep in the model build; checked
    here first, an unknown word is an error that names its own field.

    Raises:
        RequestError: An entry matches no food id, category or word.

    """
    for field, words in (("likes", likes), ("dislikes", dislikes)):
        entries = [w.strip() for w in words if w.strip()]
        if entries:
            excluded_mask(table, entries, field=field)
