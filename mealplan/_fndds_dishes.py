"""Build the dish rows of the bundled table from FNDDS and the reviewed selection.

:func:`dish_tables` turns the reviewed dish selection (``foods/dish_selection.csv``,
:func:`read_dish_selection`) into the dish rows of ``foods.csv``,
``portions.csv`` and ``dish_ingredients.csv``: FNDDS 2017-2018's own nutrient
values and household portions (read by :mod:`mealplan._fndds`), and each
dish's SR28 ingredients from the 2015-2016 recipes, which give its allergen
and diet tags (the reviewed :func:`read_ingredient_tags` where the SR28
description rules are too broad) and its article citations.

Everything is text, so that the table keeps FNDDS's own digits.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from mealplan._build import decimal_text
from mealplan._fndds import (
    ADDED_NUTRIENTS,
    FNDDS,
    FNDDS_NUTRIENTS,
    FnddsPortion,
    Ingredient,
    RecipeRow,
    expand_recipe,
)

__all__ = [
    "DISH_INGREDIENT_COLUMNS",
    "DISH_SELECTION_COLUMNS",
    "INGREDIENT_TAG_COLUMNS",
    "DishTables",
    "dish_tables",
    "portion_amount",
    "read_dish_selection",
    "read_ingredient_tags",
]


DISH_SELECTION_COLUMNS: tuple[str, ...] = (
    "fndds_code",
    "id",
    "name",
    "category",
    "meal_slots",
    "default_portion",
    "max_portions",
    "base",
    "roles",
    "whole_units",
    "extra_allergens",
    "not_diets",
    "notes",
)
"""Columns of ``foods/dish_selection.csv`` (the reviewed dish selection)."""

DISH_INGREDIENT_COLUMNS: tuple[str, ...] = (
    "food_id",
    "seq",
    "ndb_no",
    "ingredient",
    "food_group",
    "grams_per_100g",
    "food_ids",
    "article_sections",
    "article_words",
)
"""Columns of ``foods/dish_ingredients.csv``: each dish's SR28 ingredients (with
their SR28 food group, which the life-stage safety rules read) per 100 g as eaten (FNDDS 2015-2016 recipe, nested recipes expanded), the bundled
SR28 foods that are the same ingredient, and the article sections and words
that name those foods (how a dish cites the article)."""

INGREDIENT_TAG_COLUMNS: tuple[str, ...] = (
    "ndb_no",
    "allergens",
    "vegan",
    "vegetarian",
    "pescatarian",
    "reason",
)
"""Columns of ``foods/ingredient_tags.csv``: reviewed tags of SR28 foods that
FNDDS recipes use as ingredients, where the SR28 description rules (made for
products of unknown recipe) give every allergen to a well-defined ingredient
(mayonnaise, soy sauce, broth). Each row states its reason; the independent
tag tests still hold for every ingredient."""

_CODE = re.compile(r"^\d{8}$")
# A portion that is a household measure a person would choose; the rest are
# survey devices ("Quantity not specified", "Guideline amount ...") or brand
# containers.
_NOT_HOUSEHOLD = re.compile(
    r"guideline|cubic inch|surface inch|quantity not specified", re.IGNORECASE
)
_LEADING_AMOUNT = re.compile(r"^(\d+)(?:[ -](\d+)/(\d+)|/(\d+)|\.(\d+))?\b")


def portion_amount(description: str) -> str:
    """Return the leading amount of a portion description (``1/2 cup`` -> 0.5)."""
    match = _LEADING_AMOUNT.match(description)
    if match is None:
        return "1"
    whole, num, den, den_only, frac = match.groups()
    value = Decimal(whole)
    if num and den and Decimal(den) != 0:
        value += Decimal(num) / Decimal(den)
    elif den_only and Decimal(den_only) != 0:
        value = Decimal(whole) / Decimal(den_only)
    elif frac:
        value = Decimal(f"{whole}.{frac}")
    return decimal_text(str(value)) if value > 0 else "1"


def read_dish_selection(path: Path, fndds: FNDDS) -> list[dict[str, str]]:
    """Read and check ``dish_selection.csv`` against FNDDS.

    Raises:
        FoodTableError: The first bad row, naming the file, row and column.

    """
    from mealplan._build_inputs import bad_cell as _bad
    from mealplan._build_inputs import read_text_csv as _read_text_csv
    from mealplan._build_inputs import split_cells as _split
    from mealplan._columns import ROLES

    frame = _read_text_csv(path, DISH_SELECTION_COLUMNS, "Dish selection file")
    rows = [{str(k): str(v) for k, v in r.items()} for r in frame.to_dict("records")]
    seen: set[str] = set()
    codes: set[str] = set()
    for i, rec in enumerate(rows, start=1):
        code = rec["fndds_code"]
        if not _CODE.match(code) or code not in fndds.foods:
            rule = "must be an 8-digit FNDDS 2017-2018 food code"
            raise _bad(path, i, "fndds_code", rule, code)
        if code in codes:
            raise _bad(path, i, "fndds_code", "must be unique", code)
        codes.add(code)
        if not re.match(r"^[a-z0-9][a-z0-9\-]*$", rec["id"]) or rec["id"] in seen:
            rule = "must be a unique id of lower-case letters, digits and -"
            raise _bad(path, i, "id", rule, rec["id"])
        seen.add(rec["id"])
        seqs = {str(p.seq) for p in fndds.portions.get(code, ())}
        if rec["default_portion"] not in seqs:
            rule = f"must be a Seq num of the FNDDS portions of {code}"
            raise _bad(path, i, "default_portion", rule, rec["default_portion"])
        if not rec["base"] or not rec["name"]:
            raise _bad(path, i, "base", "and 'name' must not be empty", rec["base"])
        wrong = [r for r in _split(rec["roles"]) if r not in ROLES]
        if wrong or not rec["roles"]:
            rule = f"must be a ;-list of {';'.join(ROLES)}"
            raise _bad(path, i, "roles", rule, rec["roles"])
        if rec["whole_units"] not in {"true", "false"}:
            raise _bad(
                path, i, "whole_units", "must be true or false", rec["whole_units"]
            )
    return rows


def read_ingredient_tags(path: Path, ndbs: Mapping[str, object]) -> dict[str, Any]:
    """Read ``ingredient_tags.csv`` into NDB -> :class:`~mealplan._tagging.Tags`.

    Raises:
        FoodTableError: The first bad row, naming the file, row and column.

    """
    from mealplan._build_inputs import bad_cell as _bad
    from mealplan._build_inputs import read_text_csv as _read_text_csv
    from mealplan._build_inputs import split_cells as _split
    from mealplan._nutrients import Allergen
    from mealplan._tagging import Tags

    frame = _read_text_csv(path, INGREDIENT_TAG_COLUMNS, "Ingredient tags file")
    known = {a.value for a in Allergen}
    out: dict[str, Any] = {}
    for i, rec in enumerate(frame.to_dict("records"), start=1):
        ndb = str(rec["ndb_no"])
        if ndb not in ndbs or ndb in out:
            rule = "must be an SR28 NDB number, once"
            raise _bad(path, i, "ndb_no", rule, ndb)
        allergens = set(_split(str(rec["allergens"])))
        if allergens - known:
            rule = f"must be a ;-list of {';'.join(sorted(known))}"
            raise _bad(path, i, "allergens", rule, str(rec["allergens"]))
        diets = [str(rec[d]) for d in ("vegan", "vegetarian", "pescatarian")]
        if any(d not in {"true", "false"} for d in diets) or not str(rec["reason"]):
            rule = "must be true or false, with a reason"
            raise _bad(path, i, "vegan", rule, ",".join(diets))
        vegan, vegetarian, pescatarian = (d == "true" for d in diets)
        out[ndb] = Tags(vegan, vegetarian, pescatarian, frozenset(allergens))
    return out


def _key(description: str) -> str:
    """Return the food an SR28 description names, for matching ingredients.

    That is its first segment, or the first two when the first is a generic
    word ("Beans, black", "Fish, salmon").
    """
    raw = [p.strip() for p in description.split(",")]
    parts = [p.lower() for p in raw]
    if parts[0].startswith("cereals") or any(p.isupper() for p in raw[:2]):
        # Brand products and cereals are matched by NDB number only.
        return f"ndb-only: {description}"
    if parts[0] in _GENERIC and len(parts) > 2 and parts[1].startswith("variety meats"):
        # "Beef, variety meats and by-products, brain": the organ names the
        # food (brain and tripe were cited as braised beef liver).
        return f"{parts[0]}, {parts[1]}, {parts[2]}"
    if parts[0] in _GENERIC and len(parts) > 1:
        return f"{parts[0]}, {parts[1]}"
    return parts[0]


_GENERIC = frozenset(
    {
        "beans",
        "fish",
        "nuts",
        "seeds",
        "cereals",
        "cereals ready-to-eat",
        "milk",
        "cheese",
        "yogurt",
        "beverages",
        "crustaceans",
        "mollusks",
        "oil",
        "snacks",
        "beef",
        "pork",
        "chicken",
        "turkey",
        "lamb",
        "egg",
        "peas",
        "spices",
        "bread",
        "rice",
    }
)


@dataclass(frozen=True)
class DishTables:
    """The three text tables the dish selection adds to the bundled data."""

    foods: list[dict[str, str]]
    portions: list[dict[str, str]]
    ingredients: list[dict[str, str]]


def dish_tables(
    fndds: FNDDS,
    recipes: Mapping[str, tuple[RecipeRow, ...]],
    selection: list[dict[str, str]],
    *,
    sr28_descriptions: Mapping[str, tuple[str, str, str, str]],
    bundled: Mapping[str, str],
    mentions: list[dict[str, str]],
    prices: Mapping[str, tuple[str, str]] | None,
    ingredient_overrides: Mapping[str, Any] | None = None,
) -> DishTables:
    """Build the dish rows of ``foods.csv``, ``portions.csv`` and ``dish_ingredients.csv``.

    Args:
        fndds: FNDDS 2017-2018.
        recipes: The 2015-2016 recipes (:func:`read_recipes`).
        selection: Rows of ``dish_selection.csv``.
        sr28_descriptions: NDB -> (long_desc, food_group, com_name, manufac_name)
            for every SR28 food (to tag ingredients).
        bundled: Bundled SR28 food id -> NDB number.
        mentions: Rows of ``article_mentions.csv``.
        prices: Food code -> (price, cycle); None leaves prices empty.
        ingredient_overrides: NDB -> reviewed tags (``ingredient_tags.csv``),
            used instead of the SR28 description rules for those ingredients.

    """
    from mealplan._build import FOODS_COLUMNS
    from mealplan._build_inputs import split_cells as _split
    from mealplan._nutrients import Nutrient
    from mealplan._tagging import tag_food

    by_ndb: dict[str, list[str]] = {}
    by_key: dict[str, list[str]] = {}
    for food_id, ndb in sorted(bundled.items()):
        by_ndb.setdefault(ndb, []).append(food_id)
        by_key.setdefault(_key(sr28_descriptions[ndb][0]), []).append(food_id)
    cited: dict[str, list[tuple[str, str]]] = {}
    for rec in mentions:
        for food_id in _split(rec["food_ids"]):
            cited.setdefault(food_id, []).append((rec["section"], rec["words"]))
    tag_cache: dict[str, Any] = dict(ingredient_overrides or {})

    def ingredient_tags(ndb: str) -> Any:
        if ndb not in tag_cache:
            desc, group, common, manuf = sr28_descriptions[ndb]
            tag_cache[ndb] = tag_food(
                desc, group, common_name=common, manufacturer=manuf
            )
        return tag_cache[ndb]

    foods: list[dict[str, str]] = []
    portions: list[dict[str, str]] = []
    ingredients: list[dict[str, str]] = []
    for rec in selection:
        code = rec["fndds_code"]
        food = fndds.foods[code]
        values = fndds.nutrients[code]
        recipe = expand_recipe(code, recipes)
        text = f"{food.description} | {rec['name']}"
        tags = _dish_tags(text, recipe, ingredient_tags)
        vegan, vegetarian, pescatarian, allergens = tags
        provenance = [
            f"USDA FNDDS 2017-2018 food code {code} (values per 100 g as eaten, "
            "FNDDS's own)"
        ]
        if recipe is None:
            provenance.append(
                "no FNDDS 2015-2016 recipe: tags from the description, in doubt "
                "every allergen and no diet"
            )
        else:
            provenance.append(
                f"allergens and diet tags from its {len(recipe)} SR28 recipe "
                "ingredients (FNDDS 2015-2016, nested recipes expanded) and its "
                "description by mealplan rules"
            )
            reviewed = sorted(
                i.ndb_no for i in recipe if i.ndb_no in (ingredient_overrides or {})
            )
            if reviewed:
                provenance.append(
                    "reviewed tags of ingredient(s) "
                    + ";".join(reviewed)
                    + " from ingredient_tags.csv"
                )
        extra = set(_split(rec["extra_allergens"]))
        removed = set(_split(rec["not_diets"]))
        if extra:
            allergens |= extra
            provenance.append(
                "extra_allergens from dish_selection.csv: " + ";".join(sorted(extra))
            )
        if removed:
            provenance.append(
                "not_diets from dish_selection.csv: " + ";".join(sorted(removed))
            )
        sections: set[str] = set()
        for seq, ing in enumerate(recipe or (), start=1):
            ids = by_ndb.get(ing.ndb_no) or by_key.get(
                _key(sr28_descriptions[ing.ndb_no][0]), []
            )
            pairs = sorted({p for f in ids for p in cited.get(f, ())})
            if ing.grams >= 2:
                sections |= {s for s, _ in pairs}
            ingredients.append(
                {
                    "food_id": rec["id"],
                    "seq": str(seq),
                    "ndb_no": ing.ndb_no,
                    "ingredient": sr28_descriptions[ing.ndb_no][0],
                    "food_group": sr28_descriptions[ing.ndb_no][1],
                    "grams_per_100g": _grams_text(ing.grams),
                    "food_ids": ";".join(ids),
                    "article_sections": ";".join(sorted({s for s, _ in pairs})),
                    "article_words": ";".join(sorted({w.lower() for _, w in pairs})),
                }
            )
        price = (prices or {}).get(code)
        row = dict.fromkeys(FOODS_COLUMNS, "")
        row.update(
            {
                "id": rec["id"],
                "name": rec["name"],
                "food_group": food.wweia_description,
                "category": rec["category"],
                "vegan": _tf(vegan and "vegan" not in removed),
                "vegetarian": _tf(vegetarian and "vegetarian" not in removed),
                "pescatarian": _tf(pescatarian and "pescatarian" not in removed),
                "allergens": ";".join(sorted(allergens)),
                "fortified": ";".join(_fortified(values)),
                "meal_slots": ";".join(sorted(set(_split(rec["meal_slots"])))),
                "article_sections": ";".join(sorted(sections)),
                "max_portions": decimal_text(rec["max_portions"])
                if rec["max_portions"]
                else "",
                "price_per_100g": price[0] if price else "",
                "price_year": price[1] if price else "",
                "price_source": f"USDA ERS PP-NAP {price[1]}, FNDDS food code {code}"
                if price
                else "",
                "sr28_description": food.description,
                "provenance": "; ".join(provenance),
                "fndds_code": code,
                "base": rec["base"],
                "roles": ";".join(_split(rec["roles"])),
                "whole_units": rec["whole_units"],
            }
        )
        for nutrient in Nutrient:
            header = FNDDS_NUTRIENTS.get(nutrient.value)
            row[nutrient.value] = values[header] if header else ""
        foods.append(row)
        portions += _dish_portions(rec, fndds.portions.get(code, ()))
    return DishTables(foods, portions, ingredients)


def _tf(value: bool) -> str:
    return "true" if value else "false"


def _grams_text(value: Decimal) -> str:
    return decimal_text(str(value.quantize(Decimal("0.001"))))


def _fortified(values: Mapping[str, str]) -> list[str]:
    """Name the added nutrients FNDDS reports (B12, vitamin E, folic acid)."""
    return sorted(
        k for k, h in ADDED_NUTRIENTS.items() if Decimal(values[h] or "0") > 0
    )


def _dish_portions(
    rec: Mapping[str, str], rows: tuple[FnddsPortion, ...]
) -> list[dict[str, str]]:
    """Return the household portions of a dish (the selection's Seq is default)."""
    out = []
    for p in rows:
        default = str(p.seq) == rec["default_portion"]
        if not default and (
            _NOT_HOUSEHOLD.search(p.description) or Decimal(p.grams) <= 0
        ):
            continue
        description = p.description
        if description.lower().startswith("quantity not specified"):
            description = "1 serving"
        out.append(
            {
                "food_id": rec["id"],
                "seq": str(p.seq),
                "amount": portion_amount(description),
                "description": description,
                "grams": p.grams,
                "is_default": _tf(default),
            }
        )
    return out


def _dish_tags(
    text: str,
    recipe: tuple[Ingredient, ...] | None,
    ingredient_tags: Any,
) -> tuple[bool, bool, bool, set[str]]:
    """Conservative tags: the union over ingredients and the description words."""
    from mealplan import _allergen_words as aw
    from mealplan import _product_words as pw
    from mealplan import _tagging as t

    if recipe is None:
        tags = t.tag_food(text, "")
        return tags.vegan, tags.vegetarian, tags.pescatarian, set(tags.allergens)
    allergens = t._keyword_allergens(text)
    vegan = vegetarian = pescatarian = True
    for ing in recipe:
        tags = ingredient_tags(ing.ndb_no)
        allergens |= set(tags.allergens)
        vegan &= tags.vegan
        vegetarian &= tags.vegetarian
        pescatarian &= tags.pescatarian
    # The description's partial doubts, as the SR28 rules have them.
    if pw._CHOCOLATE.search(text):
        allergens |= aw.CHOCOLATE_ALLERGENS
        vegan = False
    if pw._MARGARINE.search(text):
        allergens |= {"milk", "soy"}
        vegan = False
    if pw._FRIED.search(text):
        allergens |= aw.FRYING_ALLERGENS
        vegan = False
    meat_text = pw._NOT_MEAT.sub(" ", aw._NOT_ALLERGEN.sub(" ", text))
    meat = bool(pw._MEAT.search(meat_text))
    fishy = bool(allergens & {"fish", "shellfish"})
    animal = (
        meat
        or fishy
        or bool(allergens & {"milk", "egg"})
        or bool(pw._ANIMAL.search(pw._HONEYDEW.sub(" ", text)))
    )
    pescatarian &= not meat
    vegetarian &= not (meat or fishy)
    vegan &= vegetarian and not animal
    return vegan, vegetarian, pescatarian, allergens
