"""Cooking fats and their hosts: which item of a meal a fat goes with, and how.

A fat (role ``fat``: oils, butter, dressings, mayonnaise) is never an item of
its own in a plan; it is the cooking fat, dressing or spread of another item
of the same meal (:data:`FAT_GOES_WITH`, a positive rule by the fat's class
and how the item takes a fat, :func:`host_kinds`). The planner's model
(``mealplan._meal_structure``) and the realism check
(``mealplan._realism``) both read these rules; the report words the pairing
(":func:`fat_words`", "cooked with 1 tbsp canola oil").
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING

from mealplan._structure import RAW_WORD, describing_columns, raw_flags

if TYPE_CHECKING:
    from mealplan._catalog import FoodTable

__all__ = [
    "COOKING_FAT_ROLE",
    "COOKING_ONLY_FATS",
    "FAT_GOES_WITH",
    "FAT_HOST_ROLES",
    "HOST_KINDS",
    "fat_class",
    "fat_host",
    "fat_words",
    "host_kinds",
    "host_kinds_of",
]

COOKING_ONLY_FATS = frozenset({"butter"})
"""Fat bases that are cooked with or spread, never put on a raw item (butter,
margarine): raw mushrooms "cooked with butter" is a dish no one makes. Raw
vegetables and salads take a dressing, oil (as dressing) or mayonnaise."""

COOKING_FAT_ROLE = "fat"
"""Foods of this role (oils, butter, dressings, mayonnaise) are never an item
of their own: each is the cooking fat, dressing or spread of an item of the
same meal with one of :data:`FAT_HOST_ROLES` (one fat per such item), at most
1 tbsp (``fat_item`` in portion_caps.csv)."""
FAT_HOST_ROLES = frozenset(
    {
        "protein",
        "main",
        "side_vegetable",
        "salad",
        "grain_side",
        "cereal_hot",
        "breakfast_dish",
        "bread",
        "soup",
    }
)
"""Roles of the items a fat can be cooked with, dress or be spread on."""

# Which host a fat goes with, best first, by the fat's base (anything else: oil).
_HOST_ORDER = {
    "salad-dressing": ("salad", "side_vegetable", "protein", "main", "grain_side"),
    "creamy-dressing": ("salad", "side_vegetable"),
    "mayonnaise": ("bread", "salad", "protein", "main", "side_vegetable"),
    "butter": ("bread", "cereal_hot", "side_vegetable", "grain_side", "protein"),
}
_OIL_ORDER = (
    "side_vegetable",
    "protein",
    "main",
    "breakfast_dish",
    "grain_side",
    "salad",
    "soup",
    "cereal_hot",
    "bread",
)


HOST_KINDS: tuple[str, ...] = ("cooked", "dressed", "side", "spread", "porridge")
"""What an item can take a fat as: cooked with it (a cooked vegetable, grain,
meat, fish, egg, tofu or dish), dressed with it (a salad or raw vegetable; a
cooked vegetable or grain side, ``side``, too: green beans or a grain salad
in a vinaigrette), spread on it (bread, a muffin, pancakes) or stirred into it
(hot cereal)."""
FAT_GOES_WITH: Mapping[str, frozenset[str]] = {
    "salad-dressing": frozenset({"dressed", "side"}),
    "creamy-dressing": frozenset({"dressed"}),
    "mayonnaise": frozenset({"dressed", "spread"}),
    "butter": frozenset({"cooked", "spread", "porridge"}),
    "oil": frozenset({"cooked", "dressed"}),
}
"""Which items each class of fat goes with (:func:`fat_class`), a positive rule.

A dressing belongs on a salad or vegetables, raw or cooked, or a grain side
(a grain salad), never on a steak, fish or egg; a creamy dressing (ranch,
caesar, blue cheese, thousand island, the American French dressing of SR28
04120: base ``creamy-dressing`` in structure.csv) only on a salad or raw
vegetables, never on rice (a default
man's dinner had brown rice "dressed with 1 tbsp caesar dressing"); oil cooks
a food or dresses a salad (never natto, yogurt or fruit); butter and margarine
cook a food, are spread on bread or go into porridge (never on a raw item);
mayonnaise is spread on bread or dresses a salad (coleslaw)."""
_DRESSINGS = frozenset({"salad-dressing", "creamy-dressing"})
_PROTEIN_CATEGORIES = frozenset(
    {"meat", "poultry", "fish_seafood", "eggs", "soy_products"}
)
_PLANT_CATEGORIES = frozenset({"vegetables", "legumes", "fruits", "grains_pasta"})
_COOKED = re.compile(
    r"\b(?:cooked|roasted|broiled|fried|pan-browned|braised|grilled|baked|boiled|"
    r"simmered|steamed|stewed|scrambled|poached|heated|toasted|microwaved|"
    r"sauteed|sautéed|mashed|dry heat|moist heat|ready-to-heat|"
    r"(?<!commercially )prepared)\b",
    re.IGNORECASE,
)
_CANNED = re.compile(r"\bcanned\b", re.IGNORECASE)
_COOKABLE_ROLES = frozenset(
    {"side_vegetable", "grain_side", "protein", "main", "breakfast_dish"}
)


def fat_class(base: str) -> str:
    """Return the class of a fat of ``base`` in :data:`FAT_GOES_WITH` (else oil)."""
    return base if base in FAT_GOES_WITH else "oil"


def host_kinds(
    roles: Collection[str], category: str, description: str, raw: bool
) -> frozenset[str]:
    """Return how an item can take a fat (a subset of :data:`HOST_KINDS`).

    Cooked means the USDA description says it was cooked by heat (a canned
    vegetable or bean too: canning cooks it), or a raw meat, fish, egg or tofu
    a cook cooks. Dairy protein foods (yogurt, cottage cheese) and foods eaten
    as they are (natto, canned tuna, deli meat, fruit) take no fat.
    """
    if COOKING_FAT_ROLE in roles:
        return frozenset()
    out = set()
    if "salad" in roles or ("side_vegetable" in roles and raw):
        out.add("dressed")
    bakery = category == "breads_bakery"
    if "bread" in roles or ("breakfast_dish" in roles and bakery):
        out.add("spread")
    if "cereal_hot" in roles:
        out.add("porridge")
    if (
        not _COOKABLE_ROLES.isdisjoint(roles)
        and "dairy" not in roles
        and "bread" not in roles
        and not bakery
        and not raw
    ):
        said = bool(_COOKED.search(description))
        if category in _PROTEIN_CATEGORIES:
            said = said or bool(RAW_WORD.search(description))
        elif category in _PLANT_CATEGORIES:
            said = said or bool(_CANNED.search(description))
        if said:
            out.add("cooked")
            if "side_vegetable" in roles or "grain_side" in roles:
                out.add("side")
    return frozenset(out)


def host_kinds_of(table: FoodTable) -> list[frozenset[str]]:
    """Return :func:`host_kinds` of every food of ``table``, in ``table.ids`` order."""
    roles, cats, names, usda = describing_columns(table)
    raw = raw_flags(table)
    memo: dict[tuple[tuple[str, ...], str, str, bool], frozenset[str]] = {}
    out = []
    for r, c, a, b, w in zip(roles, cats, names, usda, raw, strict=True):
        key = (tuple(r), c, f"{a} {b}", w)
        hit = memo.get(key)
        if hit is None:
            hit = memo[key] = host_kinds(r, c, key[2], w)
        out.append(hit)
    return out


_KIND_WORDS = {
    "cooked": "cooked with",
    "dressed": "dressed with",
    "side": "dressed with",
    "spread": "spread with",
}


def fat_words(fat_base: str, kinds: frozenset[str]) -> str | None:
    """Return how a fat of ``fat_base`` goes with an item of ``kinds`` (None: not).

    Preference: a dressing dresses; butter is spread before it cooks; oil
    cooks before it dresses; mayonnaise is spread before it dresses.
    """
    cls = fat_class(fat_base)
    order = {
        "salad-dressing": ("dressed", "side"),
        "creamy-dressing": ("dressed",),
        "mayonnaise": ("spread", "dressed"),
        "butter": ("spread", "porridge", "cooked"),
        "oil": ("cooked", "dressed"),
    }[cls]
    for kind in order:
        if kind in kinds:
            if cls == "mayonnaise" or kind == "porridge":
                return "with"
            return _KIND_WORDS[kind]
    return None


def fat_host(
    fat_base: str,
    meal: Sequence[tuple[str, frozenset[str]]],
    raw: frozenset[str] = frozenset(),
    kinds: Mapping[str, frozenset[str]] | None = None,
) -> tuple[str, str] | None:
    """Return the item a fat of ``fat_base`` goes with in ``meal``, and the words.

    ``meal`` holds (food id, roles) of the meal's other items; ``raw`` the ids
    of raw ones (:func:`is_raw`), which butter never goes with and oil only
    dresses; ``kinds`` (food id -> :func:`host_kinds`), when given, applies
    the positive rule of :data:`FAT_GOES_WITH` instead. Returns (host food id, "cooked with" / "dressed with" /
    "spread with" / "with"), or None when no item of the meal can take a fat.
    """
    order = _HOST_ORDER.get(fat_base, _OIL_ORDER)
    if kinds is not None:
        # The positive rule (FAT_GOES_WITH): only an item the fat goes with.
        for role in (*order, *sorted(FAT_HOST_ROLES - set(order))):
            for fid, roles in meal:
                words = fat_words(fat_base, kinds.get(fid, frozenset()))
                if role in roles and words is not None:
                    return fid, words
        return None
    for role in (*order, *sorted(FAT_HOST_ROLES - set(order))):
        for fid, roles in meal:
            if role in roles:
                if fid in raw:
                    if fat_base in COOKING_ONLY_FATS:
                        continue
                    return fid, "with" if fat_base == "mayonnaise" else "dressed with"
                if fat_base in _DRESSINGS or role == "salad":
                    return fid, "dressed with"
                if role == "bread":
                    return fid, "with" if fat_base == "mayonnaise" else "spread with"
                return fid, "with" if fat_base == "mayonnaise" else "cooked with"
    return None
