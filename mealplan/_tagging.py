"""Conservative allergen and diet tags from an SR28 food group and description.

SR28 has no ingredient lists, so the tags are inferred from the food group and
the words of the description (and of the common and curated names). The rule
of the developers' guide holds: when unsure whether a food contains one of
the nine allergens, or is animal-derived, tag it as if it does. "Unsure" means
real doubt about a recipe, not a keyword accident, so:

**Words match whole words** (with simple plurals: ``cod``/``cods`` but not
``commodity``, ``drum`` but not ``drumstick``, ``crumb`` but not ``crumbles``).
A few phrases that certainly name another food are blanked first:
``peanut/almond/cashew/nut/seed/apple/cocoa/shea butter`` (not dairy butter;
the nut words still tag the nut), ``butter beans``, ``coconut/almond/soy/rice/
oat milk`` (not dairy milk; the plant word still tags), ``eggplant``, ``water
chestnut``, ``butternut`` squash, ``oyster`` mushrooms and crackers, ``scallop``
squash, ``kidney`` beans, ``lambsquarters``, ``goat`` milk/cheese (dairy, not
meat), ``gluten-free``, ``cream of wheat/rice/tartar``.

**Single-ingredient foods get exactly their own allergens.** Fruits,
vegetables, legumes, plain meats, poultry, fish, nuts, seeds, grains, oils,
eggs and dairy carry the allergens their names state and the normal diet tags;
"raw", "all commercial varieties", "boiled, drained, without salt", "canned,
drained solids", "frozen, unprepared" are not doubts. Decisions:

* ``buckwheat`` is not wheat (a different plant). Buckwheat *groats* are
  tagged nothing; any *flour* (buckwheat, rice, oat ...) is tagged wheat
  because mills grind several grains on shared lines.
* Oats, barley and rye grains carry no wheat tag: gluten cross-contact is a
  coeliac concern, not the wheat allergen this project tags, and FDA cross-
  contact labelling is voluntary. Breads and crackers of rye or oats are baked
  goods (below) and carry wheat.
* Wheat pasta and noodles also get egg (shared lines with egg pasta). Rice
  noodles get nothing; gluten-free pasta gets egg (not wheat).
* Corn tortillas (masa, water, lime) get nothing and keep all diet tags.
* Coconut is a tree nut (FDA list as used by this project), also in coconut
  oil, coconut water and coconut milk.
* Peanut butter: peanuts and soy (hydrogenated stabiliser oils may be soybean).
  Miso: soy and wheat (koji grain; some soybean pastes use wheat).
* Fish versus shellfish comes from the SR28 group and the name: ``Mollusks``,
  ``Crustaceans``, shrimp, crab, lobster, clam, oyster, mussel, scallop, squid,
  octopus ... are shellfish; ``Fish, ...`` and fish names, anchovy,
  Worcestershire and fish sauce are fish; a food of the Finfish and Shellfish
  group naming neither is both. "canned in oil" adds soy (vegetable oil).

**Real doubt stays conservative**, by kind of product:

* All nine allergens and no diet tag: an unknown food group, a manufacturer
  or an upper-case brand name, the groups of mixed or manufactured foods
  (soups/sauces/gravies, sausages and luncheon meats, fast food, restaurant,
  meals and entrees, baby foods, American Indian foods, alcoholic beverages,
  non-plain snacks, breakfast cereals and fats), and words naming a recipe or
  mixed product (sauce, gravy, dressing, soup, stew, pizza, sandwich, salad,
  spread, dip, mix, breaded, batter, stuffed, imitation, substitute, meatless,
  veggie, formula, french fried, barbecue, seasoned, marinated ...).
* Baked goods (the Baked Products group except corn tortillas, and bread,
  cake, cookie, cracker ... named in any group) and sweets (non-plain Sweets,
  confectionery snacks, ice cream and puddings): every allergen except fish
  and shellfish, and no diet tag (lard, gelatin, honey, milk). Any food
  naming chocolate, cocoa or cacao gets milk (cross-contact), soy (lecithin),
  tree nuts and peanuts (shared lines) and is not vegan; plain chocolate and
  cocoa stay vegetarian.
* Fried, scrambled or omelet foods (not breaded, not meat pan-fried in its
  own fat like bacon): milk and soy (butter, margarine or vegetable oil),
  and not vegan.
* Margarine: milk and soy, no diet tag (whey, fish oil or gelatin in some).
* Plant milks: soy milk is soy; almond milk tree nuts and soy (lecithin);
  rice and coconut milk beverages tree nuts (coconut, shared lines with almond
  milk). Commercial plant milk beverages are fortified: their vitamin D may be
  D3 from lanolin, so they are not vegan unless the description says
  "unfortified" or names only vitamin D2, or the release's own rows measure
  their vitamin D as D2 alone (the fortified soy milks and rice milk); they
  stay vegetarian.

**Diet tags.** Meat groups and meat words (beef, pork, lard, gelatin, broth
...) drop all three diets; fish and shellfish drop vegetarian and vegan; milk,
egg, honey and other animal words drop vegan. Vitamin D added to a food may be
D3 from lanolin, so a food described as having added vitamin D or as
"fortified" is not vegan unless the vitamin D is named D2 (or measured as D2
alone); a food whose D the release measures as D3 alone is not vegan. Vitamin B12
(cyanocobalamin) is bacterial, never a reason to drop vegan. Rennet, gelatin
and similar doubts the description cannot show are curated in
``selection.csv`` (``not_diets``/``extra_allergens``).

The same function tags the bundled table and ``FoodTable.from_sr28``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from mealplan._allergen_words import (
    _DOUBT,
    _KEYWORDS,
    _NOT_ALLERGEN,
    _NOT_DAIRY,
    _NOT_EGG,
    _NOT_WHEAT,
    ALL_ALLERGENS,
    BAKED_GROUP,
    BAKERY_ALLERGENS,
    BEVERAGE_GROUP,
    CEREAL_GROUP,
    CHOCOLATE_ALLERGENS,
    DAIRY_EGG_GROUP,
    DOUBT_GROUPS,
    FATS_GROUP,
    FISH_GROUP,
    FRYING_ALLERGENS,
    LEGUME_GROUP,
    MEAT_GROUPS,
    NUT_SEED_GROUP,
    SNACKS_GROUP,
    SWEETS_GROUP,
)
from mealplan._product_words import (
    _ANIMAL,
    _BAKED,
    _BRAND,
    _CEREAL_ADDITIVE,
    _CHOCOLATE,
    _CONFECTION,
    _CORN_TORTILLA,
    _FISH_OIL,
    _FRIED,
    _FROZEN_DESSERT,
    _GROUND_MEAT,
    _HONEYDEW,
    _MARGARINE,
    _MEAT,
    _NOT_MEAT,
    _OWN_FAT,
    _PATTY,
    _PLAIN_BEVERAGE,
    _PLAIN_CEREAL,
    _PLAIN_CHOCOLATE,
    _PLAIN_EGG,
    _PLAIN_LEGUME,
    _PLAIN_OIL,
    _PLAIN_SNACK,
    _PLAIN_SWEET,
    _PLANT_MILK,
    _PLANT_MILK_EXTRA,
    _UNFORTIFIED,
    _VEGETABLE_OIL,
    _VITAMIN_D,
)

__all__ = ["ALL_ALLERGENS", "Tags", "tag_food", "tag_foods"]


@dataclass(frozen=True)
class Tags:
    """The diet and allergen tags of one food."""

    vegan: bool
    vegetarian: bool
    pescatarian: bool
    allergens: frozenset[str]

    @property
    def allergen_list(self) -> tuple[str, ...]:
        """The allergens, sorted."""
        return tuple(sorted(self.allergens))


def _keyword_allergens(text: str) -> set[str]:
    """Return the allergens whose keywords ``text`` names (after the masks)."""
    plain = _NOT_ALLERGEN.sub(" ", text)
    found = {
        name
        for name, pattern in _KEYWORDS.items()
        if name != "milk" and pattern.search(plain)
    }
    if _KEYWORDS["milk"].search(_NOT_DAIRY.sub(" ", plain)):
        found.add("milk")
    # Drop wheat (egg) only when nothing but the named corn or rice product
    # carried it.
    if (
        "wheat" in found
        and _NOT_WHEAT.search(plain)
        and not _KEYWORDS["wheat"].search(_NOT_WHEAT.sub(" ", plain))
    ):
        found.discard("wheat")
    if (
        "egg" in found
        and _NOT_EGG.search(plain)
        and not _KEYWORDS["egg"].search(_NOT_EGG.sub(" ", plain))
    ):
        found.discard("egg")
    return found


def _plain_in_doubt_group(description: str, food_group: str) -> bool:
    """Whether a food of a doubtful group is a single, named ingredient."""
    if food_group == FATS_GROUP:
        return bool(
            _PLAIN_OIL.match(description)
            or _VEGETABLE_OIL.match(description)
            or _MARGARINE.search(description)
        )
    if food_group == BEVERAGE_GROUP:
        return bool(
            _PLAIN_BEVERAGE.match(description) or _PLANT_MILK.search(description)
        )
    if food_group == CEREAL_GROUP:
        return bool(_PLAIN_CEREAL.match(description)) and not (
            _CEREAL_ADDITIVE.search(description)
        )
    if food_group == SNACKS_GROUP:
        return bool(_PLAIN_SNACK.match(description))
    return False


def _full_doubt(description: str, food_group: str, manufacturer: str) -> bool:
    """Whether the food is a recipe or product that may contain anything."""
    if food_group == "" or manufacturer.strip() or _BRAND.search(description):
        return True
    if food_group in DOUBT_GROUPS and not _plain_in_doubt_group(
        description, food_group
    ):
        return True
    plain_desc = _NOT_ALLERGEN.sub(" ", description)
    if food_group == BEVERAGE_GROUP and _PLAIN_BEVERAGE.match(description):
        # Espresso is coffee wherever it is brewed.
        plain_desc = re.sub(r"\brestaurant-prepared\b", " ", plain_desc, flags=re.I)
    if _MARGARINE.search(description):
        # Margarine is its own doubt (below), spread or not.
        plain_desc = re.sub(r"\bspreads?\b", " ", plain_desc, flags=re.I)
    if food_group == SNACKS_GROUP:
        # "Snacks, popcorn, air-popped": the group name is not a doubt.
        plain_desc = re.sub(r"^snacks, ", " ", plain_desc, flags=re.I)
    if _DOUBT.search(plain_desc):
        return True
    return bool(
        _PATTY.search(description)
        and not (food_group in MEAT_GROUPS and _GROUND_MEAT.search(description))
    )


def tag_food(
    description: str,
    food_group: str = "",
    *,
    common_name: str = "",
    manufacturer: str = "",
    vitamin_d_form: str = "",
) -> Tags:
    """Tag one food from its SR28 group name and description.

    Args:
        description: The SR28 Long_Desc (or a caller's food name).
        food_group: The SR28 FdGrp_Desc, or ``""`` when unknown (which makes
            the food doubtful).
        common_name: SR28 ComName: other names of the same food, searched for
            allergen and meat words only (it lists variants such as
            "lasagna" for pasta, which do not make plain pasta a mixed dish).
        manufacturer: SR28 ManufacName; a non-empty one makes the food doubtful.
        vitamin_d_form: ``"D2"`` or ``"D3"`` where the release's own rows
            show the food's vitamin D is all of one form
            (:func:`mealplan._sr28.vitamin_d_forms`), else ``""``. D2 lifts
            the lanolin doubt as a description naming D2 does; D3 in a food
            is animal (or lanolin) D3, so the food is not vegan.

    Returns:
        The conservative :class:`Tags`.

    """
    text = f"{description} | {common_name}"
    lower = description.lower()
    allergens = _keyword_allergens(text)

    if _full_doubt(description, food_group, manufacturer):
        return Tags(False, False, False, ALL_ALLERGENS)

    # Kinds of partial doubt: the allergens they add and whether diet tags
    # survive.
    no_diets = False
    not_vegan = False
    baked = (
        not _CORN_TORTILLA.match(description)
        if food_group == BAKED_GROUP
        else bool(_BAKED.search(_NOT_ALLERGEN.sub(" ", description)))
    )
    if baked:
        allergens |= BAKERY_ALLERGENS
        no_diets = True
    if (
        (food_group == SWEETS_GROUP and not _PLAIN_SWEET.match(description))
        or (food_group == SNACKS_GROUP and _CONFECTION.search(description))
        or (food_group == DAIRY_EGG_GROUP and _FROZEN_DESSERT.search(description))
    ):
        allergens |= BAKERY_ALLERGENS
        # Plain chocolate is vegetarian (milk, not gelatin); other sweets may
        # hold gelatin, carmine or shellac.
        if _PLAIN_CHOCOLATE.match(description) and not re.search(
            r"\b(?:with|and)\b", description, re.I
        ):
            not_vegan = True
        else:
            no_diets = True
    if _CHOCOLATE.search(description):
        # Cocoa and chocolate come off shared confectionery lines.
        allergens |= CHOCOLATE_ALLERGENS
        not_vegan = True
    if _FRIED.search(description) and not _OWN_FAT.match(description):
        allergens |= FRYING_ALLERGENS
        not_vegan = True
    if _MARGARINE.search(description):
        allergens |= {"milk", "soy"}
        no_diets = True
    if food_group == FATS_GROUP and _VEGETABLE_OIL.match(description):
        allergens.add("soy")
    if food_group == FATS_GROUP and _FISH_OIL.match(description):
        allergens.add("fish")

    plant_milk = bool(_PLANT_MILK.search(description))
    if plant_milk:
        for pattern, extra in _PLANT_MILK_EXTRA:
            if pattern.search(description):
                allergens |= extra

    if food_group == FISH_GROUP:
        if lower.startswith(("crustaceans", "mollusks")):
            allergens.add("shellfish")
        elif lower.startswith("fish,"):
            allergens.add("fish")
        elif not allergens & {"fish", "shellfish"}:
            allergens |= {"fish", "shellfish"}
    if food_group == DAIRY_EGG_GROUP:
        if not _PLAIN_EGG.match(description):
            allergens.add("milk")
        if lower.startswith("egg"):
            allergens.add("egg")
    if food_group == LEGUME_GROUP and not _PLAIN_LEGUME.match(description):
        allergens |= {"peanuts", "soy"}
    if re.match(r"^peanut butter\b", description, re.I):
        allergens.add("soy")
    if lower.startswith("nuts,") or (
        food_group == NUT_SEED_GROUP and not lower.startswith("seeds,")
    ):
        allergens.add("tree_nuts")
    if food_group == NUT_SEED_GROUP and re.search(r"\bmixed\b", lower):
        allergens.add("tree_nuts")
        if not re.search(r"\bwithout peanuts\b", lower):
            allergens.add("peanuts")

    # Diet tags.
    meat_text = _NOT_MEAT.sub(" ", _NOT_ALLERGEN.sub(" ", text))
    meat = food_group in MEAT_GROUPS or bool(_MEAT.search(meat_text))
    fishy = bool(allergens & {"fish", "shellfish"}) or food_group == FISH_GROUP
    animal_text = _HONEYDEW.sub(" ", text)
    d2 = vitamin_d_form == "D2" or bool(re.search(r"\bD2\b", description))
    # USDA's rows measuring the D as D2 alone settle what "vitamins A and D"
    # leaves in doubt (fortified soy milks: 1.0-1.2 µg of D2 of as much D).
    vitamin_d = vitamin_d_form != "D2" and bool(_VITAMIN_D.search(description))
    if d2 and not vitamin_d:
        # "fortified with ... vitamin D2": the vitamin D is plant/fungal.
        animal_text = re.sub(r"\bfortified\b", " ", animal_text, flags=re.I)
    fortified_plant_milk = (
        plant_milk
        and food_group in {BEVERAGE_GROUP, LEGUME_GROUP}
        and not _UNFORTIFIED.search(description)
        and not d2
    )
    animal = (
        meat
        or fishy
        or bool(allergens & {"milk", "egg"})
        or bool(_ANIMAL.search(animal_text))
        or vitamin_d
        or vitamin_d_form == "D3"
        or fortified_plant_milk
        or food_group == DAIRY_EGG_GROUP
        or not_vegan
    )
    if no_diets:
        return Tags(False, False, False, frozenset(allergens))
    pescatarian = not meat
    vegetarian = pescatarian and not fishy
    vegan = vegetarian and not animal
    return Tags(vegan, vegetarian, pescatarian, frozenset(allergens))


def tag_foods(
    descriptions: Iterable[str],
    food_groups: Iterable[str],
    common_names: Iterable[str] | None = None,
    manufacturers: Iterable[str] | None = None,
    vitamin_d_forms: Iterable[str] | None = None,
) -> list[Tags]:
    """Tag many foods; the iterables run in parallel (see :func:`tag_food`)."""
    descs = list(descriptions)
    common = [""] * len(descs) if common_names is None else list(common_names)
    manuf = [""] * len(descs) if manufacturers is None else list(manufacturers)
    forms = [""] * len(descs) if vitamin_d_forms is None else list(vitamin_d_forms)
    return [
        tag_food(d, g, common_name=c, manufacturer=m, vitamin_d_form=f)
        for d, g, c, m, f in zip(descs, food_groups, common, manuf, forms, strict=True)
    ]
