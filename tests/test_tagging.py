"""Allergen and diet tags checked against independent rules written here.

These rules are deliberately simpler than mealplan._tagging: every food they
flag must carry the tag (the tagger may flag more, never less).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mealplan._catalog import FoodTable, load_foods
from mealplan._tagging import tag_food
from tests.conftest import need_shared

PLANT_MILK = re.compile(
    r"(coconut|soy|almond|rice|oat|cashew|hemp) (milk|cream|beverage|water)"
    r"|cream of tartar|cocoa butter|bean ?curd|butternut squash|squash,.*butternut"
    r"|butterhead|butterbur|without milk|custard-apple",
    re.I,
)
MILK = re.compile(r"\b(milk|cheese|yogurt|butter|cream|whey|casein|ghee)", re.I)
MEAT_GROUPS = {
    "Poultry Products",
    "Sausages and Luncheon Meats",
    "Pork Products",
    "Beef Products",
    "Lamb, Veal, and Game Products",
}
FISH_GROUP = "Finfish and Shellfish Products"


def check_row(name: str, group: str, desc: str, tags: dict[str, object]) -> list[str]:
    """Return the rules a food breaks (empty when all hold)."""
    allergens = set(tags["allergens"])  # type: ignore[call-overload]
    text = f"{name} | {desc}"
    problems = []
    milky = MILK.search(PLANT_MILK.sub(" ", text)) or group == "Dairy and Egg Products"
    if milky and not re.match(r"^egg,", desc, re.I) and "milk" not in allergens:
        problems.append("milk")
    if re.search(r"\begg(?!plant)", text, re.I) and "egg" not in allergens:
        problems.append("egg")
    if re.match(r"^fish,", desc, re.I) and "fish" not in allergens:
        problems.append("fish")
    if (
        re.match(r"^(crustaceans|mollusks),", desc, re.I)
        and "shellfish" not in allergens
    ):
        problems.append("shellfish")
    if group == FISH_GROUP and not allergens & {"fish", "shellfish"}:
        problems.append("fish/shellfish")
    if re.search(r"peanut", text, re.I) and "peanuts" not in allergens:
        problems.append("peanuts")
    if (
        re.search(
            r"\b(almond|cashew|walnut|pecan|pistachio|hazelnut|macadamia|coconut|brazil)",
            text,
            re.I,
        )
        and "tree_nuts" not in allergens
    ):
        problems.append("tree_nuts")
    if (
        re.search(
            r"wheat|\bflour\b|\bbread|\bpasta\b|semolina|couscous|bulgur", text, re.I
        )
        and "wheat" not in allergens
    ):
        problems.append("wheat")
    if (
        re.search(r"\b(soy|tofu|tempeh|miso|edamame)", text, re.I)
        and "soy" not in allergens
    ):
        problems.append("soy")
    if re.search(r"sesame|tahini|hummus", text, re.I) and "sesame" not in allergens:
        problems.append("sesame")
    if group in MEAT_GROUPS and (
        tags["vegetarian"] or tags["pescatarian"] or tags["vegan"]
    ):
        problems.append("meat group tagged vegetarian/pescatarian")
    if group == FISH_GROUP and (tags["vegetarian"] or tags["vegan"]):
        problems.append("fish group tagged vegetarian")
    if allergens & {"fish", "shellfish"} and tags["vegetarian"]:
        problems.append("fish allergen but vegetarian")
    if allergens & {"milk", "egg"} and tags["vegan"]:
        problems.append("milk/egg but vegan")
    if (
        re.search(r"\b(honey|gelatin)", text, re.I)
        and not re.search(r"honeydew", text, re.I)
        and tags["vegan"]
    ):
        problems.append("honey/gelatin vegan")
    if (
        re.search(
            r"\b(beef|pork|chicken|turkey|lamb\b|veal|bacon|ham\b|sausage)", text, re.I
        )
        and tags["vegetarian"]
    ):
        problems.append("meat word vegetarian")
    if tags["vegan"] and not tags["vegetarian"]:
        problems.append("vegan but not vegetarian")
    if tags["vegetarian"] and not tags["pescatarian"]:
        problems.append("vegetarian but not pescatarian")
    return problems


def check_table(table: FoodTable) -> dict[str, list[str]]:
    frame = table.frame
    bad = {}
    for fid, row in frame.iterrows():
        problems = check_row(
            str(row["name"]),
            str(row["food_group"]),
            str(row["sr28_description"]),
            dict(row),
        )
        if problems:
            bad[str(fid)] = problems
    return bad


def test_bundled_tags_meet_independent_rules() -> None:
    assert check_table(load_foods()) == {}


@pytest.mark.shared
def test_whole_sr28_tags_meet_independent_rules() -> None:
    table = FoodTable.from_sr28(need_shared())
    assert check_table(table) == {}


@pytest.mark.parametrize(
    ("desc", "group", "must_have", "vegan", "vegetarian", "pescatarian"),
    [
        (
            "Peanuts, all types, raw",
            "Legumes and Legume Products",
            {"peanuts"},
            True,
            True,
            True,
        ),
        ("Nuts, almonds", "Nut and Seed Products", {"tree_nuts"}, True, True, True),
        (
            "Nuts, coconut meat, raw",
            "Nut and Seed Products",
            {"tree_nuts"},
            True,
            True,
            True,
        ),
        ("Cheese, cheddar", "Dairy and Egg Products", {"milk"}, False, True, True),
        ("Fish, salmon, sockeye, raw", FISH_GROUP, {"fish"}, False, False, True),
        ("Crustaceans, shrimp, raw", FISH_GROUP, {"shellfish"}, False, False, True),
        ("Beef, ground, raw", "Beef Products", set(), False, False, False),
        ("Honey", "Sweets", set(), False, True, True),
        (
            "Cookies, chocolate chip",
            "Baked Products",
            {"peanuts", "milk", "wheat"},
            False,
            False,
            False,
        ),
        ("Margarine, regular", "Fats and Oils", {"milk", "soy"}, False, False, False),
        (
            "Chicken, breaded, fried",
            "Poultry Products",
            {"wheat", "egg", "milk"},
            False,
            False,
            False,
        ),
        ("Tofu, raw, firm", "Legumes and Legume Products", {"soy"}, True, True, True),
        (
            "Seeds, sesame seeds, whole, dried",
            "Nut and Seed Products",
            {"sesame"},
            True,
            True,
            True,
        ),
        ("Spinach, raw", "Vegetables and Vegetable Products", set(), True, True, True),
        (
            "Soup, cream of mushroom",
            "Soups, Sauces, and Gravies",
            {"milk", "wheat"},
            False,
            False,
            False,
        ),
        (
            "Oil, peanut, salad or cooking",
            "Fats and Oils",
            {"peanuts"},
            True,
            True,
            True,
        ),
        ("Mystery food", "", {"peanuts", "milk"}, False, False, False),
    ],
)
def test_examples(
    desc: str,
    group: str,
    must_have: set[str],
    vegan: bool,
    vegetarian: bool,
    pescatarian: bool,
) -> None:
    tags = tag_food(desc, group)
    assert must_have <= tags.allergens
    assert (tags.vegan, tags.vegetarian, tags.pescatarian) == (
        vegan,
        vegetarian,
        pescatarian,
    )


def test_tags_never_add_diets_for_unknown_groups(tmp_path: Path) -> None:
    tags = tag_food("Spinach, raw", "")
    assert not (tags.vegan)
    assert not (tags.vegetarian)
    assert not (tags.pescatarian)
