"""Sweetened foods the default objective charges as sweets though their category is not.

Sweetened and flavoured milks for children and teens, flavoured milks for
adults (:func:`sweet_milks`), sweet bakery products for everyone
(:func:`sweet_bakery`), and flavoured yogurts, sweetened dried fruit and
sugared breakfast cereals from age 2 (:func:`sweet_foods`).

The American Heart Association advises children of 2-18 to keep added
sugars under 25 g (6 tsp) a day (Vos MB et al., Circulation
2017;135(19):e1017-e1034), and the Dietary Guidelines 2020-2025 ask for
drinks without added sugars. A cup of chocolate milk holds about 12 g of
added sugars, of sweetened vanilla almond milk about 15 g of sugars; a
15-year-old omnivore was planned 2 cups of sweetened almond milk, a
vegetarian girl of 8 chocolate soy milk on 4 days of 7 (the dietitian
review of session 32). So for a person of 2-18 the default objective
charges a serving of a sweetened or flavoured milk or plant milk as it
charges a sweet's (``Problem.treats``, with the soft drinks): the plan
reaches for one only when nothing else will do, or when asked for one.

A vegan child too: unsweetened fortified soy milk is vegan (USDA measures
its vitamin D as D2 alone, :func:`mealplan._sr28.vitamin_d_forms`), so the
sweetened coconut drink need not be a vegan child's milk (until session 33
the soy milks lost the tag and the drink was exempt). Under 2 the safety rule
``added_sugars_under_2`` leaves out every sweetened food but the fortified
plant milks (``foods/safety_rules.csv``). Read by words, in doubt counted in:
SR28's "Soymilk, original and vanilla" is one record for both.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from mealplan._text_masks import MaskCache, new_cache, text_mask

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from mealplan._catalog import FoodTable
    from mealplan._request_models import PlanRequest

__all__ = [
    "FLAVOURED_MILK",
    "FROM_AGE",
    "SUGARED_CEREAL",
    "SWEET_BAKERY",
    "SWEET_DRIED_FRUIT",
    "SWEET_MILK",
    "SWEET_YOGURT",
    "UNDER_AGE",
    "sweet_bakery",
    "sweet_foods",
    "sweet_milks",
]

FROM_AGE = 2.0
"""The AHA statement's youngest age (under 2 a safety rule holds)."""

UNDER_AGE = 19.0
"""The AHA statement's band ends at 18: from here only flavoured milks are charged."""

FLAVOURED_MILK = re.compile(
    r"\b(chocolate|flavou?red|strawberry|cocoa)\b", re.IGNORECASE
)
"""A flavoured drink's words: the milks an adult's objective charges
(:func:`sweet_milks`)."""

SWEET_MILK = re.compile(
    r"(?<!un)sweetened|\b(chocolate|vanilla|flavou?red|strawberry|cocoa)\b",
    re.IGNORECASE,
)
"""A sweetened or flavoured drink's words in its name or description."""

_MILK_CATEGORIES = frozenset({"dairy", "plant_milks", "beverages"})
_MILK = re.compile(r"\b(milks?|soymilk|beverages?|drinks?)\b", re.IGNORECASE)
_MASKS = new_cache()
_FLAVOURED_MASKS = new_cache()


def sweet_milks(request: PlanRequest, table: FoodTable) -> NDArray[np.bool_]:
    """Return the table's sweetened milks the request's objective charges as sweets.

    For a person of 2-18 every sweetened or flavoured milk (:data:`SWEET_MILK`);
    from 19 the flavoured ones (:data:`FLAVOURED_MILK`: chocolate milk,
    chocolate soy milk); all False under 2 and without a person. Read-only.

    An adult's objective did not charge them, and 2 cups of chocolate soy
    milk (about 20 g of sugars more than the original's) were the breakfast
    drink of 13 of load.py's 48 adult days, omnivores, vegetarians and
    pescatarians with plain milk and plain soy milk at hand (session 41).
    The Dietary Guidelines 2020-2025 ask for drinks without added sugars at
    every age; the American Heart Association's limit for a woman is 25 g of
    added sugars a day (Johnson RK et al., Circulation 2009;120(11):1011-1020).
    Charged, those days took plain soy milk or none, at the same CPU
    (``benchmarks/adult_flavoured_milk_ab_latest.md``). Not the children's
    wider words for an adult: SR28's "Soymilk, original and vanilla" is one
    record (the words say vanilla), and charged with the sweetened coconut
    drink it left vegan women with no plant milk at all and took 1.5x the CPU
    (one vegan day 2.5 -> 7.8 s, lifting an RDA).
    """
    person = request.person
    if person is None or person.age < FROM_AGE:
        return np.zeros(len(table.ids), dtype=bool)
    if person.age >= UNDER_AGE:
        return _milks(table, _FLAVOURED_MASKS, FLAVOURED_MILK)
    return _milks(table, _MASKS, SWEET_MILK)


def _milks(
    table: FoodTable, cache: MaskCache, words: re.Pattern[str]
) -> NDArray[np.bool_]:
    return text_mask(
        table,
        cache,
        lambda c, t: (
            c in _MILK_CATEGORIES and bool(_MILK.search(t)) and bool(words.search(t))
        ),
    )


SWEET_YOGURT = re.compile(
    r"\byogurt\b[^|]*\b(fruit|vanilla|flavou?red|(?<!un)sweetened|strawberry"
    r"|blueberry|peach|cherry)\b"
    r"|\b(fruit|vanilla|flavou?red|strawberry|blueberry|peach|cherry)\b[^|]*\byogurt\b",
    re.IGNORECASE,
)
"""A flavoured or sweetened yogurt's words."""

SWEET_DRIED_FRUIT = re.compile(
    r"\bdried\b[^|]*(?<!un)sweetened|(?<!un)sweetened\b[^|]*\bdried\b|\bcandied\b",
    re.IGNORECASE,
)
"""A dried fruit sweetened in the drying (cranberries), or candied fruit."""

SUGARED_CEREAL = re.compile(
    r"\b(frosted|honey|sugar(ed|y)?|granola|cocoa|chocolate|marshmallows?)\b",
    re.IGNORECASE,
)
"""A ready-to-eat cereal named for its sugar (Honey Nut Cheerios, Frosted Mini-Wheats)."""

_SWEET_FOOD: dict[str, re.Pattern[str]] = {
    "dairy": SWEET_YOGURT,
    "fruits": SWEET_DRIED_FRUIT,
    "breakfast_cereals": SUGARED_CEREAL,
}
_FOODS = new_cache()


def sweet_foods(request: PlanRequest, table: FoodTable) -> NDArray[np.bool_]:
    """Return the flavoured yogurts, sweetened dried fruit and sugared cereals.

    Charged as sweets for everyone from 2 (all False under 2, where the
    safety rule ``added_sugars_under_2`` leaves them out, and without a
    person). The Dietary Guidelines 2020-2025 keep added sugars under 10 %
    of energy from age 2 and name sweetened yogurts and ready-to-eat
    cereals among their sources; a boy of 5 was planned ¼ cup of sweetened
    dried cranberries, a 14-year-old two fruit yogurts at one breakfast
    (the dietitian reviews of session 32). Plain yogurt, unsweetened dried
    fruit and plain cereals stay uncharged; a food of another category is
    not read (honeydew melon, a honey-glazed ham). Read-only.
    """
    person = request.person
    if person is None or person.age < FROM_AGE:
        return np.zeros(len(table.ids), dtype=bool)
    return text_mask(
        table,
        _FOODS,
        lambda c, t: c in _SWEET_FOOD and bool(_SWEET_FOOD[c].search(t)),
    )


SWEET_BAKERY = re.compile(
    r"\b(muffins?|graham|doughnuts?|danish|sweet rolls?|cinnamon rolls?"
    r"|toaster pastr\w*|pastr(y|ies)|cakes?|coffeecakes?|cookies?|brownies?"
    r"|pies?)\b",
    re.IGNORECASE,
)
"""A sweet bakery product's words (English muffins apart)."""

_BAKERY_CATEGORIES = frozenset({"breads_bakery"})
_NOT_SWEET = re.compile(r"\benglish muffins?\b", re.IGNORECASE)
_BAKERY = new_cache()


def sweet_bakery(table: FoodTable) -> NDArray[np.bool_]:
    """Return the table's sweet bakery products, charged as sweets for everyone.

    A blueberry muffin (31 g of sugars per 100 g) and graham crackers are in
    the grains' category, so the food pattern credited them as grains: a
    2-year-old's breakfast was a muffin with corn flakes (the dietitian
    review of session 32). The Dietary Guidelines 2020-2025 name sweet
    bakery products among the top sources of added sugars, so a serving is
    charged as a sweet's, as cookies and cakes (category snacks_sweets) are.
    Dishes are charged by their FPED added sugars already. Read-only.
    """
    return text_mask(
        table,
        _BAKERY,
        lambda c, t: (
            c in _BAKERY_CATEGORIES
            and bool(SWEET_BAKERY.search(t))
            and not _NOT_SWEET.search(t)
        ),
    )
