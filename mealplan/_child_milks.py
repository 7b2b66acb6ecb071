"""Plant milks for a young child who may drink cow's milk: charged as sweets.

Healthy Eating Research (*Healthy Beverage Consumption in Early Childhood*,
2019, with the AAP, the Academy of Nutrition and Dietetics, the AHA and the
AAPD) does not recommend plant milks other than fortified soy in place of
dairy milk for children under 5: most carry little protein. Left out as a
safety rule for every child under 5 they left every vegan toddler without a
plan (session 24: the fortified coconut drink is the only vegan-tagged milk
with vitamin B12), so instead, for a child under 5 who may drink cow's milk
(not vegan, no milk allergy, not free from lactose), or fortified soy milk
(no soy allergy; vegan too since session 33, when USDA's D2 rows gave the
soy milks the vegan tag), the default objective charges a serving of one
as it charges a sweet's (``Problem.treats``, with
the soft and alcoholic drinks): the plan reaches for one only when nothing
else will do (a pescatarian girl of 1 was planned 1¼ cups of almond milk).

From 5 the Dietary Guidelines' dairy group (milk and fortified soy milk,
no other plant milk) does the same for anyone who may drink one
(:func:`dairy_group_plant_milks`, session 33).

From 2 to 5 HER advises plain skim or low-fat (1 %) milk (whole milk from
12 to 24 months, a safety rule of its own: ``foods/safety_rules.csv``), as
the Dietary Guidelines 2020-2025 do for everyone from 2 ("fat-free or
low-fat (1%) milk"): for anyone from 2 whom dairy milk suits, whole and
2 % milk are charged the same way (:func:`whole_milks_from_2`; a boy of 3
was planned 1¾ cups of whole milk with skim and 1 % milk there, and 9 of
64 default adult days 1½-2 cups of whole milk until session 38). Skim and
1 % milk carry the same calcium, vitamin D and protein a cup.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from mealplan._measures import measure_text
from mealplan._nutrients import Allergen, Diet, FreeFrom
from mealplan._text_masks import new_cache, text_mask

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from mealplan._catalog import FoodTable
    from mealplan._plan_models import PlanItem
    from mealplan._request_models import PlanRequest

__all__ = [
    "LOW_FAT_FROM_AGE",
    "PLANT_MILK",
    "UNDER_AGE",
    "WHOLE_MILK",
    "dairy_group_plant_milks",
    "may_drink_cows_milk",
    "may_drink_soy_milk",
    "plant_milk_note",
    "whole_milks_from_2",
    "young_child_plant_milks",
]

UNDER_AGE = 5.0
"""The age below which the guidance holds (HER 2019: ages 1-5)."""

PLANT_MILK = re.compile(
    r"\b(almond|rice|oats?|coconut|hemp|cashew|flax|pea|quinoa)[ -]*"
    r"(milk|beverage|drink)s?\b",
    re.IGNORECASE,
)
"""A plant milk's words in a food's name or description (soy's apart)."""

LOW_FAT_FROM_AGE = 2.0
"""The age from which HER 2019 advises skim or low-fat (1 %) milk."""

WHOLE_MILK = re.compile(
    r"^(?=.*\bmilk\b)(?=.*(\bwhole\b|\b2 ?%|\breduced[ -]fat\b))"
    r"(?!.*\b(chocolate|flavou?red|evaporated|condensed|dry|powder|goat|human)\b)",
    re.IGNORECASE,
)
"""A plain whole or 2 % (reduced-fat) cow's milk's words in its name."""

_SOY = re.compile(r"\bsoy", re.IGNORECASE)
_MASKS = new_cache()
_WHOLE = new_cache()


def _young(request: PlanRequest) -> bool:
    """Whether the request is for a child under 5."""
    person = request.person
    return person is not None and person.age < UNDER_AGE


def _milk_suits(request: PlanRequest) -> bool:
    """Whether dairy milk suits the request: not vegan, no milk allergy, lactose."""
    return (
        request.diet is not Diet.VEGAN
        and Allergen.MILK not in request.allergies
        and FreeFrom.LACTOSE not in request.free_from
    )


def may_drink_cows_milk(request: PlanRequest) -> bool:
    """Whether the request is for a child under 5 whom dairy milk suits."""
    return _young(request) and _milk_suits(request)


def may_drink_soy_milk(request: PlanRequest) -> bool:
    """Whether the request is for a child under 5 to whom fortified soy milk suits.

    HER 2019 names fortified soy milk the one plant milk to drink in place of
    dairy milk under 5: for a child with a milk allergy or free from lactose
    it is the milk to reach for (a milk-allergic boy of 2 was planned 1¼ cups
    of sweetened vanilla almond milk with soy milk allowed). A vegan child
    too: USDA measures the fortified soy milks' vitamin D as D2 alone, so
    they keep the vegan tag (:func:`mealplan._sr28.vitamin_d_forms`), and
    the sweetened coconut drink, a vegan toddler's milk until then (1 g of
    protein a cup), is charged as the other plant milks are.
    """
    return _young(request) and Allergen.SOY not in request.allergies


def young_child_plant_milks(
    request: PlanRequest, table: FoodTable
) -> NDArray[np.bool_]:
    """Return the table's plant milks the request's objective charges as sweets.

    Plant milks but soy for a child under 5 who may drink cow's or soy milk
    (:func:`may_drink_cows_milk`, :func:`may_drink_soy_milk`). All False
    otherwise. Read-only.
    """
    if may_drink_cows_milk(request) or may_drink_soy_milk(request):
        return _plant_milks(table)
    return np.zeros(len(table.ids), dtype=bool)


def whole_milks_from_2(request: PlanRequest, table: FoodTable) -> NDArray[np.bool_]:
    """Return plain whole and 2 % milk, charged as sweets from 2 where milk suits.

    For anyone from ``LOW_FAT_FROM_AGE`` whom dairy milk suits (not vegan,
    no milk allergy, not free from lactose); all False otherwise (under 2
    whole milk is the milk: the safety rules leave the others out).
    Read-only.
    """
    person = request.person
    if person is None or person.age < LOW_FAT_FROM_AGE or not _milk_suits(request):
        return np.zeros(len(table.ids), dtype=bool)
    return _whole_milks(table)


def dairy_group_plant_milks(
    request: PlanRequest, table: FoodTable
) -> NDArray[np.bool_]:
    """Return the plant milks but soy, charged as sweets from age 5 where milk suits.

    The Dietary Guidelines 2020-2025 count milk and fortified soy beverages
    in the dairy group at every age from 2, and no other plant milk ("their
    overall nutritional content is not similar to dairy milk and fortified
    soy beverages"). An omnivore boy of 5 and a man of 80 were planned 2
    cups of rice milk (0.3 g of protein per 100 g) with milk allowed, vegans
    of 15 and 35 rice milk with soy milk allowed (the dietitian review of
    session 33). So from 5 (under 5, :func:`young_child_plant_milks`), for a
    person who may drink milk (not vegan, no milk allergy, not free from
    lactose) or fortified soy milk (no soy allergy), a serving of an almond,
    rice, oat or coconut drink is charged as a sweet's: the plan reaches for
    one only when nothing else will do. All False otherwise. Read-only.
    """
    person = request.person
    if person is None or person.age < UNDER_AGE:
        return np.zeros(len(table.ids), dtype=bool)
    if _milk_suits(request) or Allergen.SOY not in request.allergies:
        return _plant_milks(table)
    return np.zeros(len(table.ids), dtype=bool)


def _whole_milks(table: FoodTable) -> NDArray[np.bool_]:
    """Return which foods of ``table`` are plain whole or 2 % cow's milk, by name."""
    mask = _WHOLE.get(table)
    if mask is None:
        bases = table.texts("base") if table.has_column("base") else table.ids
        mask = np.array(
            [
                base == "milk" and bool(WHOLE_MILK.search(name))
                for base, name in zip(bases, table.texts("name"), strict=True)
            ],
            dtype=bool,
        ).reshape(len(table.ids))
        mask.flags.writeable = False
        _WHOLE[table] = mask
    return mask


def _plant_milks(table: FoodTable) -> NDArray[np.bool_]:
    """Return which foods of ``table`` are plant milks but soy (computed once)."""
    return text_mask(
        table,
        _MASKS,
        lambda _, text: bool(PLANT_MILK.search(text)) and not _SOY.search(text),
    )


HER_2019 = (
    "Healthy Eating Research, Healthy Beverage Consumption in Early Childhood, "
    "2019, with the AAP, the Academy of Nutrition and Dietetics, the AHA and "
    "the AAPD"
)


def plant_milk_note(
    request: PlanRequest, table: FoodTable, days: Sequence[Sequence[PlanItem]]
) -> list[str]:
    """Return a note when a plan gives a child under 5 a plant milk but soy.

    The objective charges such a milk as a sweet, so a plan holds one only
    when the foods allowed give no better plan, and that happens: a vegan
    boy of 3 was planned 2 cups of sweetened coconut drink as his milk,
    since fortified soy milk's copper (0.08-0.26 mg per 100 g) leaves no
    plan under the 1 mg UL of ages 1-3 beside beans and grains (without
    that UL he had one with 2 cups of soy milk). HER 2019 advises no plant
    milk but fortified soy in place of milk under 5, and the dietitian
    review of session 34 would not sign the plan without a word on it: the
    note says so and names who can plan the child's milk. One note for the
    whole plan, with each such milk's largest day. Empty otherwise.
    """
    if not _young(request):
        return []
    plant = {table.ids[k] for k in np.flatnonzero(_plant_milks(table))}
    most: dict[str, tuple[float, str]] = {}
    for items in days:
        day: dict[str, tuple[float, str, str]] = {}
        for item in items:
            if item.food_id not in plant or item.part_of is not None:
                continue
            portions, _, _ = day.get(item.food_id, (0.0, "", ""))
            day[item.food_id] = (
                portions + item.portions,
                item.portion_description,
                item.name,
            )
        for food_id, (portions, description, name) in day.items():
            amount = (
                measure_text(portions, description) or f"{portions:g} x {description}"
            )
            if food_id not in most or portions > most[food_id][0]:
                most[food_id] = (portions, f"{amount} of {name}")
    if not most:
        return []
    said = " and ".join(text for _, text in (most[k] for k in sorted(most)))
    person = request.person
    copper = (
        " (at ages 1-3 fortified soy milk's copper counts against the 1 mg upper limit)"
        if person is not None and person.age < 4
        else ""
    )
    # The drink often carries the day's vitamin D: a 400 IU drop (from age
    # 1, foods/supplements.csv) let fortified soy milk replace it for the
    # vegan toddlers of 1 and 2 measured in session 36 (not those of 3).
    drops = (
        ""
        if request.supplements
        else "; allowing supplements (supplements, CLI --supplements) lets the "
        "plan use a 400 IU (10 µg) vitamin D drop, which can let fortified soy "
        "milk take its place"
    )
    return [
        f"This plan gives the child {said} a day at most: a plant milk other "
        "than fortified soy milk, which guidelines do not advise in "
        f"place of milk under 5 ({HER_2019}); the planner counts it as a sweet "
        f"and holds it only when the foods allowed give no better plan{copper}"
        f"{drops}; ask a paediatric dietitian how to plan this child's milk "
        "(information, not medical advice)."
    ]
