"""Life-stage food safety: independent rules over the whole table, refusals, plans.

The INDEPENDENT rules below are deliberately simpler than
``foods/safety_rules.csv``: every food they flag must be ruled out for the
life stage (the bundled rules may rule out more, never less). They run over
the bundled table and, when ../shared exists, over all SR28 foods.
"""

from __future__ import annotations

import csv
import pickle
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mealplan
from mealplan import (
    FoodTable,
    LifeStageError,
    RequestError,
    UnsafeFoodError,
)
from mealplan._catalog import load_foods
from mealplan._cli import main
from mealplan._errors import FoodTableError
from mealplan._models import Person, Sex
from mealplan._resources import foods_dir
from mealplan._safety import (
    LIFE_STAGES,
    life_stages,
    load_safety_rules,
    read_safety_rules,
    unsafe_foods,
)
from tests.checks import (
    ADDED_SUGARS_TSP_UNDER_2,
    added_sugar_food,
    check_no_added_sugars_under_2,
    check_plan,
    check_whole_milk_under_2,
    dish_added_sugars,
    reduced_fat_milk,
    rice_drink,
    soft_drink,
    toddler_rules,
)
from tests.checks import food_rule_rows as _rows
from tests.requesting import first_plan_or_none
from tests.strategies import persons

MERCURY = re.compile(
    r"\b(shark|swordfish|tilefish|marlin|orange roughy|bigeye)\b|mackerel, king", re.I
)
LIVER = re.compile(r"\bliver\b", re.I)
SOFT_CHEESE = re.compile(
    r"queso fresco|\bbrie\b|camembert|\bfeta\b|cheese, blue|gorgonzola", re.I
)
SMOKED = re.compile(r"\b(smoked|lox|kippered|pickled)\b", re.I)
ANIMAL_GROUPS = {
    "Finfish and Shellfish Products",
    "Beef Products",
    "Pork Products",
    "Poultry Products",
    "Lamb, Veal, and Game Products",
}
FISH_GROUP = "Finfish and Shellfish Products"


def pregnancy_rules(food_id: str, group: str, text: str) -> list[str]:
    """Independent pregnancy/lactation rules a food breaks."""
    broken = []
    if MERCURY.search(text):
        broken.append("mercury")
    if LIVER.search(text):
        broken.append("liver")
    if SOFT_CHEESE.search(text):
        broken.append("soft cheese")
    sprouts = re.search(r"\bsprout(ed|s)\b", text, re.I)
    if sprouts and re.search(r"\braw\b", text, re.I) and "brussels" not in text.lower():
        broken.append("raw sprouts")
    if re.search(r"\braw\b", text, re.I) and (
        group in ANIMAL_GROUPS
        or re.match(r"^eggs?,", text.split("|")[-1].strip(), re.I)
    ):
        broken.append("raw animal food")
    if group == FISH_GROUP and SMOKED.search(text):
        broken.append("smoked fish")
    return broken


def older_adult_rules(food_id: str, group: str, text: str) -> list[str]:
    """Independent rules for adults 65 and older (foodsafety.gov, CDC Listeria).

    The pregnancy rules of food-borne illness (not mercury, nor liver's
    vitamin A): soft cheeses, raw sprouts, raw animal foods, smoked fish.
    """
    return [
        r
        for r in pregnancy_rules(food_id, group, text)
        if r not in ("mercury", "liver")
    ]


def _check_table(table: FoodTable) -> None:
    pregnant = unsafe_foods(table, ["pregnancy"])
    lactating = unsafe_foods(table, ["lactation"])
    older = unsafe_foods(table, ["over_65"])
    under_5 = unsafe_foods(table, ["under_5"])
    toddler = set(unsafe_foods(table, ["toddler", "under_5", "child"]))
    child = unsafe_foods(table, ["child"])
    teen = unsafe_foods(table, ["under_19"])
    under_2 = unsafe_foods(table, ["under_2"])
    missed = []
    for fid, group, text in _rows(table):
        for rule in pregnancy_rules(fid, group, text):
            if fid not in pregnant or fid not in lactating:
                missed.append((fid, rule))
        for rule in older_adult_rules(fid, group, text):
            if fid not in older:
                missed.append((fid, f"over 65: {rule}"))
        if SOFT_CHEESE.search(text) and fid not in under_5:
            missed.append((fid, "under 5: soft cheese"))
        for rule in toddler_rules(fid, group, text):
            if fid not in toddler:
                missed.append((fid, rule))
        if (MERCURY.search(text) or LIVER.search(text)) and fid not in child:
            missed.append((fid, "child: mercury or liver"))
        if soft_drink(text) and fid not in teen:
            missed.append((fid, "under 19: soft drink"))
        if reduced_fat_milk(text) and fid not in under_2:
            missed.append((fid, "under 2: reduced-fat milk"))
        if rice_drink(text) and fid not in under_5:
            missed.append((fid, "under 5: rice drink"))
        if added_sugar_food(text) and fid not in under_2:
            missed.append((fid, "under 2: added sugars"))
    assert not missed, missed[:20]


def test_bundled_table_follows_the_independent_rules() -> None:
    _check_table(load_foods())


def test_every_sr28_food_follows_the_independent_rules(sr28_foods: Any) -> None:
    _check_table(sr28_foods)


def _dish_ingredients() -> dict[str, list[str]]:
    """Each dish's SR28 recipe ingredients (``foods/dish_ingredients.csv``)."""
    found: dict[str, list[str]] = {}
    with (foods_dir() / "dish_ingredients.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            found.setdefault(row["food_id"], []).append(row["ingredient"])
    return found


def test_fndds_dishes_follow_the_independent_rules() -> None:
    # The same independent rules over the whole table with its FNDDS dishes,
    # plus the recipe: a dish made with liver or a high-mercury fish is out
    # for pregnancy, lactation and children whatever its name says.
    table = load_foods(dishes=True)
    _check_table(table)
    ingredients = _dish_ingredients()
    assert len(ingredients) > 1000  # the reviewed dishes are all there
    pregnant = unsafe_foods(table, ["pregnancy"])
    child = unsafe_foods(table, ["child"])
    missed = [
        (dish, item)
        for dish, items in ingredients.items()
        for item in items
        if (MERCURY.search(item) or LIVER.search(item))
        and (dish not in pregnant or dish not in child)
    ]
    assert not missed, missed[:20]


@pytest.mark.parametrize(
    ("stage", "food", "safe"),
    [
        ("pregnancy", "beef-wellington", False),  # chicken liver pate inside
        ("pregnancy", "livers-chicken-chopped-with-eggs-and-onion", False),
        ("toddler", "frankfurter-or-hot-dog-sandwich-meatless-plain-on-bun", False),
        ("toddler", "roll-hamburger", True),  # the bun alone is no hot dog
        ("pregnancy", "adobo-with-rice", True),
        # "White" names albacore, not the sauce: a tuna of unstated species.
        ("pregnancy", "tuna-with-cream-or-white-sauce", False),
        ("pregnancy", "tuna-noodle-casserole-with-cream-or-white-sauce", False),
    ],
)
def test_named_dishes(stage: str, food: str, safe: bool) -> None:
    table = load_foods(dishes=True)
    assert (food not in unsafe_foods(table, [stage])) is safe


@pytest.mark.parametrize(
    ("stage", "food"),
    [
        # What the issue found planned silently.
        ("pregnancy", "swordfish-cooked"),
        ("pregnancy", "beef-liver-braised"),
        ("pregnancy", "alfalfa-sprouts"),
        ("pregnancy", "queso-fresco"),
        ("pregnancy", "salmon-smoked-lox"),
        ("pregnancy", "egg-whole"),
        ("lactation", "swordfish-cooked"),
        ("toddler", "almonds"),
        ("toddler", "popcorn-air-popped"),
        ("toddler", "carrots-raw"),
        ("toddler", "peanut-butter"),
        ("toddler", "hot-dog-beef"),
        ("toddler", "raisins"),
        # "Canned in juice" is what it is packed in: it holds whole grapes.
        ("toddler", "fruit-cocktail-juice"),
        ("child", "swordfish-cooked"),
        ("under_5", "alfalfa-sprouts"),
        ("under_5", "queso-fresco"),
        # Adults 65 and older: the foods of Listeria and other food-borne
        # illness (foodsafety.gov, People at Risk: Older Adults; CDC).
        ("over_65", "queso-fresco"),
        ("over_65", "brie"),
        ("over_65", "salmon-smoked-lox"),
        ("over_65", "turkey-breast-deli"),
        ("over_65", "alfalfa-sprouts"),
        ("over_65", "egg-whole"),
        # Soft and sugar-sweetened drinks, diet ones too (AHA 2017).
        ("under_19", "cola"),
        ("under_19", "diet-cola"),
        ("under_19", "ginger-ale"),
        ("under_19", "lemonade"),
        ("under_19", "hot-cocoa-water"),
        # Whole milk until 2 (HER 2019): reduced-fat and fat-free milks out.
        ("under_2", "milk-skim"),
        ("under_2", "milk-1pct"),
        ("under_2", "milk-2pct"),
        ("under_2", "buttermilk-lowfat"),
        # No added sugars before 2 (DGA 2020-2025): sweets, sweetened
        # cereals and yogurts, sweet sauces.
        ("under_2", "honey"),
        ("under_2", "maple-syrup"),
        ("under_2", "cookies-oatmeal"),
        ("under_2", "muffin-blueberry"),
        ("under_2", "yogurt-fruit-lowfat-vitd"),
        ("under_2", "yogurt-vanilla-lowfat-vitd"),
        ("under_2", "honey-nut-cheerios"),
        ("under_2", "kix"),
        ("under_2", "ketchup"),
        ("under_2", "pancakes-frozen"),
    ],
)
def test_named_unsafe_foods(stage: str, food: str) -> None:
    assert food in unsafe_foods(load_foods(), [stage])


@pytest.mark.parametrize(
    ("stages", "food"),
    [
        # Precision: ordinary safe foods stay in.
        (("pregnancy", "lactation"), "salmon-sockeye-cooked"),
        (("pregnancy", "lactation"), "tuna-light-canned-water"),
        (("pregnancy", "lactation"), "mackerel-atlantic-cooked"),
        (("pregnancy", "lactation"), "cheddar"),
        (("pregnancy", "lactation"), "milk-whole"),
        (("pregnancy", "lactation"), "egg-hard-boiled"),
        (("pregnancy", "lactation"), "brussels-sprouts-cooked"),
        (("pregnancy", "lactation"), "chicken-breast-roasted"),
        (("toddler", "under_5", "child"), "banana"),
        (("toddler", "under_5", "child"), "milk-whole"),
        (("toddler", "under_5", "child"), "yogurt-plain-whole"),
        (("toddler", "under_5", "child"), "black-beans-cooked"),
        (("toddler", "under_5", "child"), "carrots-cooked"),
        # 100 % juice, milk and plant milks are no soft drinks; saltines
        # ("includes oyster, soda, soup" crackers) are no drink at all.
        (("under_19",), "orange-juice-calcium"),
        (("under_19",), "vegetable-juice-low-sodium"),
        (("under_19",), "chocolate-milk-lowfat"),
        (("under_19",), "coconut-milk-beverage-fortified"),
        (("under_19",), "crackers-saltine"),
        # Whole milk, and reduced-fat cheese and yogurt, stay under 2.
        (("under_2",), "milk-whole"),
        (("under_2",), "yogurt-plain-lowfat"),
        (("under_2",), "mozzarella-part-skim"),
        (("under_2",), "soy-milk-fortified"),
        (("under_19",), "club-soda"),
        # Plain foods with at most a plain bread's sugar stay under 2, and
        # the fortified plant milks (a vegan child's vitamin D and B12).
        (("under_2",), "cheerios"),
        (("under_2",), "yogurt-plain-whole"),
        (("under_2",), "english-muffin"),
        (("under_2",), "rice-cakes-brown"),
        (("under_2",), "oat-bran"),
        (("under_2",), "oatmeal-cooked-water"),
        (("under_2",), "bread-whole-wheat"),
        (("under_2",), "honeydew"),
        (("under_2",), "coconut-milk-beverage-fortified"),
        (("under_2",), "applesauce-unsweetened"),
        # Canned fruit cocktail holds no alcohol.
        (("pregnancy", "child"), "fruit-cocktail-juice"),
    ],
)
def test_plain_foods_stay_allowed(stages: tuple[str, ...], food: str) -> None:
    assert food not in unsafe_foods(load_foods(), stages)


def test_adults_have_no_rules() -> None:
    adult = Person(age=35, sex=Sex.FEMALE)
    assert life_stages(adult) == frozenset()
    assert unsafe_foods(load_foods(), life_stages(adult)) == {}


@pytest.mark.parametrize(
    ("age", "stages"),
    [
        (1, {"under_2", "toddler", "under_5", "child", "under_19", "under_21"}),
        (1.9, {"under_2", "toddler", "under_5", "child", "under_19", "under_21"}),
        (2, {"toddler", "under_5", "child", "under_19", "under_21"}),
        (3.9, {"toddler", "under_5", "child", "under_19", "under_21"}),
        (4, {"under_5", "child", "under_19", "under_21"}),
        (5, {"child", "under_19", "under_21"}),
        (11.9, {"child", "under_19", "under_21"}),
        (12, {"under_19", "under_21"}),
        (18.9, {"under_19", "under_21"}),
        (19, {"under_21"}),
        (20.9, {"under_21"}),
        (21, set()),
        (64.9, set()),
        (65, {"over_65"}),
        (90, {"over_65"}),
    ],
)
def test_life_stage_bands(age: float, stages: set[str]) -> None:
    assert life_stages(Person(age=age, sex=Sex.MALE)) == stages


def test_rules_file_is_reviewed_data() -> None:
    rules = load_safety_rules()
    assert len({r.rule for r in rules}) == len(rules)
    for rule in rules:
        assert rule.life_stages <= set(LIFE_STAGES)
        assert rule.reason
        assert re.search(
            r"FDA|CDC|Pediatrics|IOM|foodsafety|USDA|Food Standards Agency|ESPGHAN",
            rule.source,
        )


def test_a_broken_rules_file_is_a_table_error(tmp_path: Path) -> None:
    path = tmp_path / "rules.csv"
    path.write_text(
        "rule,life_stages,categories,pattern,unless,ids,reason,source\n"
        "x,teenagers,,fish,,,is fish,FDA\n"
    )
    with pytest.raises(FoodTableError, match="life_stages"):
        read_safety_rules(path)
    path.write_text(
        "rule,life_stages,categories,pattern,unless,ids,reason,source\n"
        "x,pregnancy,,(fish,,,is fish,FDA\n"
    )
    with pytest.raises(FoodTableError, match="regular expression"):
        read_safety_rules(path)


@pytest.mark.parametrize("age", [0, 0.3, 0.5, 0.99])
def test_infants_are_refused(age: float) -> None:
    with pytest.raises(LifeStageError, match="breast milk or formula") as info:
        mealplan.plan({"person": {"age": age, "sex": "male"}})
    assert isinstance(info.value, RequestError)
    assert "\n" not in str(info.value)


def test_infants_are_refused_by_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--age", "0.3", "--sex", "male"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err
    assert "infants under 12 months" in err


@pytest.mark.parametrize(
    "food",
    ["swordfish-cooked", "beef-liver-braised", "alfalfa-sprouts", "queso-fresco"],
)
def test_unsafe_include_fails_with_the_reason(food: str) -> None:
    request = {
        "person": {"age": 30, "sex": "female", "pregnancy": True},
        "include": [food],
    }
    with pytest.raises(UnsafeFoodError) as info:
        mealplan.plan(request)
    err = info.value
    assert err.food == food
    assert err.rule
    assert "pregnancy" in str(err)
    assert "\n" not in str(err)
    again = pickle.loads(pickle.dumps(err))
    assert (again.food, again.rule, str(again)) == (err.food, err.rule, str(err))


def test_unsafe_pin_fails(capsys: pytest.CaptureFixture[str]) -> None:
    request = {
        "person": {"age": 2, "sex": "female"},
        "pins": [{"food": "popcorn-air-popped"}],
    }
    with pytest.raises(UnsafeFoodError, match="children aged 1-3"):
        mealplan.plan(request)


def test_unsafe_include_exits_2_on_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "plan",
            "--age",
            "30",
            "--sex",
            "female",
            "--pregnant",
            "--include",
            "swordfish-cooked",
        ]
    )
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert "high-mercury" in err
    assert "\n" not in err


children = persons(st.floats(1, 11.99))


# Which foods a plan may hold is also checked over the whole table, without
# a solver, above; these are whole plans, under the ULs alone (below).
@settings(max_examples=10)
@given(
    person=children,
    diet=st.sampled_from(["omnivore", "pescatarian", "vegetarian", "vegan"]),
)
def test_random_people_get_no_unsafe_food(person: dict[str, Any], diet: str) -> None:
    foods = load_foods()
    # Any plan will do here (the property is about which foods it holds),
    # and the panel's minimums do not change which foods are candidates: a
    # plan under the ULs alone ('limits') holds the same life-stage rules
    # and is found at once, where a lactating vegan of 14's first plan with
    # every default floor takes ~21 s of CPU (choline's search, then the
    # RDAs).
    result = first_plan_or_none(
        {"person": person, "diet": diet, "panel": "limits"}, foods
    )
    if result is None:
        return
    check_plan(result, foods)
    stages = life_stages(Person.model_validate(person))
    rows = {fid: (g, t) for fid, g, t in _rows(foods)}
    unsafe = unsafe_foods(foods, stages)
    for item in result.items:
        group, text = rows[item.food_id]
        assert item.food_id not in unsafe, item.food_id
        if stages & {"pregnancy", "lactation"}:
            assert not pregnancy_rules(item.food_id, group, text), item.food_id
        if "toddler" in stages:
            assert not toddler_rules(item.food_id, group, text), item.food_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Skim milk (vitamins A and D added) | Milk, nonfat, fluid", True),
        ("2% milk (vitamins A and D added) | Milk, reduced fat, fluid", True),
        ("Buttermilk, low-fat | Milk, buttermilk, fluid, cultured, lowfat", True),
        ("Milk, fluid, 1% fat, without added vitamin A and vitamin D", True),
        ("Whole milk (vitamin D added) | Milk, whole, 3.25% milkfat", False),
        ("Cornbread | Bread, cornbread, made with low fat (2%) milk", False),
        ("Mozzarella, part-skim | Cheese, mozzarella, part skim milk", False),
        ("Plain yogurt, low-fat | Yogurt, plain, low fat", False),
        ("Soy milk, light, fortified | Soymilk, lite", False),
    ],
)
def test_the_independent_milk_rule_reads_milks_by_name(
    text: str, expected: bool
) -> None:
    assert reduced_fat_milk(text) is expected


def _read_as_age(plan: mealplan.MealPlan, age: float) -> mealplan.MealPlan:
    """``plan`` as if it had been made for a girl of ``age`` (for the checkers)."""
    person = Person(age=age, sex="female")
    return plan.model_copy(
        update={"request": plan.request.model_copy(update={"person": person})}
    )


def test_the_checker_catches_skim_milk_for_a_child_of_1() -> None:
    # The plan-level check can fail: an adult's day with skim milk, read as
    # a 1-year-old's, breaks whole-milk-until-2; read as a 2-year-old's, not.
    foods = load_foods()
    plan = mealplan.plan(
        {
            "person": {"age": 30, "sex": "female"},
            "include": ["milk-skim"],
            "mip_gap": 1.0,
            "time_limit": 120,
        },
        foods,
    )

    def aged(age: float) -> mealplan.MealPlan:
        return _read_as_age(plan, age)

    check_whole_milk_under_2(aged(2), foods)
    with pytest.raises(AssertionError, match="milk-skim"):
        check_whole_milk_under_2(aged(1), foods)


def test_dishes_with_added_sugars_are_out_under_2() -> None:
    # Read from USDA FPED (foods/dish_fped.csv), not through the rules: a
    # dish with more added sugars than plain bread is out for a child of 1,
    # whatever its name says; one with less is not ruled out for its sugar.
    table = load_foods(dishes=True)
    under_2 = unsafe_foods(table, ["under_2"])
    sugars = dish_added_sugars()
    over = {f for f, tsp in sugars.items() if tsp > ADDED_SUGARS_TSP_UNDER_2}
    assert len(over) > 20
    assert over <= set(under_2)
    # Precision: most dishes without added sugars stay for a child of 1.
    plain = {f for f, tsp in sugars.items() if tsp == 0.0}
    assert len(plain - set(under_2)) > len(plain) // 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Honey | Honey", True),
        ("Oatmeal cookie | Cookies, oatmeal, commercially prepared", True),
        ("Fruit yogurt, low-fat | Yogurt, fruit, low fat", True),
        ("Almond milk, sweetened vanilla | Beverages, almond milk, sweetened", True),
        ("Honeydew melon | Melons, honeydew, raw", False),
        ("Applesauce, unsweetened | Applesauce, canned, unsweetened", False),
        (
            "Coconut milk beverage | Beverages, coconut milk, sweetened, fortified",
            False,
        ),
        ("Plain yogurt, whole milk | Yogurt, plain, whole milk", False),
    ],
)
def test_the_independent_sugar_rule_reads_words(text: str, expected: bool) -> None:
    assert added_sugar_food(text) is expected


def test_the_checker_catches_added_sugars_for_a_child_of_1() -> None:
    # The plan-level check can fail: an adult's day with vanilla yogurt, read
    # as a 1-year-old's, breaks no-added-sugars-before-2; as a 2-year-old's, not.
    foods = load_foods()
    plan = mealplan.plan(
        {
            "person": {"age": 30, "sex": "female"},
            "include": ["yogurt-vanilla-lowfat-vitd"],
            "mip_gap": 1.0,
            "time_limit": 120,
        },
        foods,
    )

    def aged(age: float) -> mealplan.MealPlan:
        return _read_as_age(plan, age)

    check_no_added_sugars_under_2(aged(2), foods)
    with pytest.raises(AssertionError, match="yogurt-vanilla"):
        check_no_added_sugars_under_2(aged(1), foods)


@pytest.mark.parametrize("value", ["lots", "-1", "inf"])
def test_a_bad_added_sugars_threshold_is_a_table_error(
    tmp_path: Path, value: str
) -> None:
    path = tmp_path / "rules.csv"
    path.write_text(
        "rule,life_stages,categories,pattern,unless,ids,reason,source,"
        "ingredients,added_sugars\n"
        f"x,under_2,,,,,is sweet,USDA,,{value}\n"
    )
    with pytest.raises(FoodTableError, match="added_sugars"):
        read_safety_rules(path)


def test_an_added_sugars_threshold_alone_is_a_rule(tmp_path: Path) -> None:
    path = tmp_path / "rules.csv"
    path.write_text(
        "rule,life_stages,categories,pattern,unless,ids,reason,source,"
        "ingredients,added_sugars\n"
        "x,under_2,,,,,is sweet,USDA,,2\n"
    )
    (rule,) = read_safety_rules(path)
    assert rule.added_sugars == 2.0
    assert rule.matches("cake", (), "cake", 2.5)
    assert not rule.matches("bread", (), "bread", 1.0)
    assert not rule.matches("apple", (), "apple", None)
