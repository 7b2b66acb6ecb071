"""Exclusions as people say them, and the gluten and lactose needs.

The independent rules below are simpler than the vocabulary: every food they
flag must be removed (the vocabulary may remove more, never less).
"""

from __future__ import annotations

import csv
import re
from typing import Any

import pytest

import mealplan
from mealplan import FoodTable, RequestError, UnsafeFoodError
from mealplan._catalog import load_foods
from mealplan._cli import main
from mealplan._exclusions import excluded_mask, words_mask
from mealplan._resources import foods_dir
from tests.checks import check_plan, soft_drink

AGED_CHEESES = {"parmesan-grated", "parmesan-hard", "swiss-cheese", "cheddar"}
GLUTEN_WORDS = re.compile(
    r"\b(wheat|barley|rye|oats?|oatmeal|malt|spelt|bulgur|couscous)", re.I
)
# A plural says its singular too: "potatoes" removes "Bread, potato".
PLURALS = {
    "potatoes": "potato",
    "tomatoes": "tomato",
    "carrots": "carrot",
    "onions": "onion",
    "apples": "apple",
}
LEAFY = re.compile(r"\b(kale|spinach|collards?|lettuce|chard|arugula)\b", re.I)
# "beans": every bean (soybeans too, which whole-word matching missed) and
# edamame; not soybean oil, nor coffee, cocoa or vanilla beans.
BEAN_WORDS = re.compile(r"\b(beans?|soybeans?|edamame)\b", re.I)
NOT_BEANS = re.compile(
    r"\b(coffee|cocoa|vanilla|jelly) beans?\b|^(oil, soybean|soybean \(vegetable\) oil)",
    re.I,
)


def _removed(table: FoodTable, words: list[str]) -> set[str]:
    mask = excluded_mask(table, words)
    return {f for f, m in zip(table.ids, mask.tolist(), strict=True) if m}


def _rows(table: FoodTable) -> list[tuple[str, str, str, str, set[str]]]:
    names = table.texts("name")
    descs = table.texts("sr28_description")
    groups = table.texts("food_group")
    cats = table.texts("category")
    allergens = table.tags("allergens")
    return [
        (fid, g, c, f"{n} | {d}", set(a))
        for fid, n, d, g, c, a in zip(
            table.ids, names, descs, groups, cats, allergens, strict=True
        )
    ]


def _check_table(table: FoodTable) -> None:
    cheese = _removed(table, ["cheese"])
    fish = _removed(table, ["fish"])
    milk = _removed(table, ["milk"])
    gluten = set(_removed(table, ["gluten"]))
    lactose = set(_removed(table, ["lactose"]))
    alcohol = _removed(table, ["alcohol"])
    soft = _removed(table, ["soft drinks"])
    beans = _removed(table, ["beans"])
    plurals = {p: _removed(table, [p]) for p in PLURALS}
    greens = _removed(table, ["greens"])
    berries = _removed(table, ["berries"])
    missed = []
    for fid, _group, cat, text, allergens in _rows(table):
        desc = text.split(" | ", 1)[1]
        if re.match(r"cheese\b", desc, re.I) and fid not in cheese:
            missed.append((fid, "cheese"))
        if re.match(r"fish,", desc, re.I) and fid not in fish:
            missed.append((fid, "fish"))
        if (
            cat == "dairy" or re.match(r"(milk|cheese|yogurt|cream)\b", desc, re.I)
        ) and (fid not in milk):
            missed.append((fid, "milk"))
        if ("wheat" in allergens or GLUTEN_WORDS.search(text)) and fid not in gluten:
            missed.append((fid, "gluten"))
        aged = fid in AGED_CHEESES or re.search(
            r"cheese, (parmesan|swiss|gruyere|romano|cheddar)", desc, re.I
        )
        if "milk" in allergens and fid not in lactose and not aged:
            missed.append((fid, "lactose"))
        if re.match(r"alcoholic beverages?,", desc, re.I) and fid not in alcohol:
            missed.append((fid, "alcohol"))
        if soft_drink(text) and fid not in soft:
            missed.append((fid, "soft drinks"))
        if BEAN_WORDS.search(text) and not NOT_BEANS.search(text) and fid not in beans:
            missed.append((fid, "beans"))
        for plural, one in PLURALS.items():
            said = re.search(rf"\b({one}|{plural})\b", text, re.I)
            if said and fid not in plurals[plural]:
                missed.append((fid, plural))
        if LEAFY.search(text) and fid not in greens:
            missed.append((fid, "greens"))
        if re.search(r"berr(y|ies)\b", text, re.I) and fid not in berries:
            missed.append((fid, "berries"))
    assert not missed, missed[:20]


def test_bundled_table_follows_the_independent_rules() -> None:
    _check_table(load_foods())


def test_every_sr28_food_follows_the_independent_rules(sr28_foods: Any) -> None:
    _check_table(sr28_foods)


@pytest.mark.parametrize(
    ("word", "removed", "kept"),
    [
        ("cheese", {"feta", "parmesan-hard", "cottage-cheese"}, {"milk-whole"}),
        ("fish", {"salmon-pink-canned", "tuna-light-canned-water"}, {"shrimp-cooked"}),
        ("milk", {"feta", "cottage-cheese", "yogurt-plain-whole"}, {"egg-hard-boiled"}),
        ("shellfish", {"shrimp-cooked", "clams-canned"}, {"salmon-pink-canned"}),
        (
            "meat",
            {"beef-sirloin-steak", "chicken-breast-roasted"},
            {"salmon-pink-canned"},
        ),
        (
            "gluten",
            {"barley-pearled-cooked", "oats-rolled-dry", "corn-flakes"},
            # Grits are a hot cereal of corn alone; corn flakes hold malt.
            {"potato-baked", "grits-cooked", "buckwheat-groats-cooked"},
        ),
        ("lactose", {"milk-whole", "feta"}, AGED_CHEESES),
        ("Fruits", {"apple"}, {"carrots-cooked"}),
        ("cheeses", {"feta"}, {"milk-whole"}),
        (
            "alcohol",
            {"beer", "wine-red", "wine-white", "malt-beverage-na-beer"},
            {"ginger-ale", "fruit-cocktail-juice", "cranberry-juice"},
        ),
        (
            "soft drinks",
            {"cola", "diet-cola", "ginger-ale", "lemonade"},
            {"orange-juice", "club-soda", "crackers-saltine", "milk-whole"},
        ),
        (
            "beans",
            {"soybeans-cooked", "edamame", "black-beans-cooked", "hummus", "natto"},
            {
                "soybean-oil",
                "soy-milk-fortified",
                "tofu-firm-calcium",
                "coffee-brewed",
                "jicama",
            },
        ),
        ("potatoes", {"bread-potato"}, {"milk-whole"}),
        ("tomatoes", {"tomato-juice"}, {"carrots-raw"}),
        (
            "greens",
            {"collards-cooked", "kale-raw"},
            {"green-beans-cooked", "peas-green-cooked", "pepper-green-raw"},
        ),
        ("berries", {"strawberries", "muffin-blueberry"}, {"apple"}),
        # Grape-Nuts hold no grapes; raisins are dried grapes.
        ("grapes", {"grape-juice", "raisins"}, {"grape-nuts", "grapefruit"}),
        # "soda" also matches its own word (club soda, soda crackers): an
        # exclusion errs on the side of leaving out.
        ("soda", {"cola", "ginger-ale", "lemonade"}, {"orange-juice", "milk-whole"}),
        # A food "salted" is made with salt (kept before); "unsalted" is not.
        (
            "salt",
            {"butter-salted", "pretzels", "peanut-butter-salted"},
            {"black-beans-cooked", "peanut-butter", "almonds-dry-roasted"},
        ),
    ],
)
def test_words_mean_what_people_mean(
    word: str, removed: set[str], kept: set[str]
) -> None:
    table = load_foods()
    hit = _removed(table, [word])
    assert removed <= hit
    assert not (kept & hit)


@pytest.mark.parametrize(
    ("word", "suggestion"), [("chese", "cheese"), ("brocoli", "broccoli")]
)
def test_unknown_words_are_errors_with_suggestions(word: str, suggestion: str) -> None:
    with pytest.raises(RequestError, match=suggestion) as info:
        load_foods().allowed(exclude=[word])
    assert info.value.errors[0]["loc"] == "exclude"
    assert "\n" not in str(info.value)


def test_unknown_word_exits_2_on_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["plan", "--age", "35", "--sex", "female", "--exclude", "xyzzyfood"])
    assert code == 2
    assert "xyzzyfood" in capsys.readouterr().err


@pytest.mark.parametrize("need", ["gluten", "lactose"])
def test_free_from_plans_hold_none(need: str) -> None:
    foods = load_foods()
    result = mealplan.plan(
        {"person": {"age": 40, "sex": "female"}, "free_from": [need], "time_limit": 5},
        foods,
    )
    check_plan(result, foods)
    covered = words_mask(foods, need)
    bad = {f for f, m in zip(foods.ids, covered.tolist(), strict=True) if m}
    rows = {fid: (text, allergens) for fid, _, _, text, allergens in _rows(foods)}
    for item in result.items:
        assert item.food_id not in bad
        text, allergens = rows[item.food_id]
        if need == "gluten":
            assert "wheat" not in allergens
            assert not GLUTEN_WORDS.search(text)
        else:
            assert "milk" not in allergens or item.food_id in AGED_CHEESES


def test_free_from_include_conflict_is_an_error() -> None:
    with pytest.raises(UnsafeFoodError, match="gluten"):
        mealplan.plan(
            {
                "person": {"age": 40, "sex": "female"},
                "free_from": ["gluten"],
                "include": ["barley-pearled-cooked"],
            }
        )


def test_free_from_on_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "plan",
            "--age",
            "40",
            "--sex",
            "male",
            "--free-from",
            "lactose",
            "--format",
            "json",
            # Any plan shows the field; a generous limit keeps the exit code
            # free of machine speed (exit 3 at the default 10 s, load 13).
            "--time-limit",
            "120",
            "--mip-gap",
            "1",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert (
        '"free_from": [\n      "lactose"' in out
        or '"free_from":["lactose"]' in out.replace(" ", "").replace("\n", "")
    )


def test_a_vegan_free_of_gluten_and_soy_still_gets_a_breakfast() -> None:
    # Once, every breakfast grain of a gluten-free vegan day who avoids soy
    # was ruled out (ready-to-eat cereals hold malt, breads wheat): no plan,
    # and the advice was to eat vegetarian. Grits are corn alone.
    table = load_foods()
    request = {
        "person": {"age": 45, "sex": "female"},
        "diet": "vegan",
        "free_from": ["gluten"],
        "allergies": ["soy"],
        "mip_gap": 1.0,
    }
    plan = mealplan.plan(request, table)
    check_plan(plan, table)
    breakfast = [i for i in plan.items if i.meal == "breakfast"]
    roles = {r for i in breakfast for r in table.food(i.food_id).roles}
    assert "cereal_hot" in roles, breakfast


def _recipe_rows() -> list[tuple[str, str, str, float]]:
    """(dish id, ingredient, SR28 food group, grams per 100 g) of every recipe row."""
    with (foods_dir() / "dish_ingredients.csv").open(encoding="utf-8") as f:
        return [
            (r["food_id"], r["ingredient"], r["food_group"], float(r["grams_per_100g"]))
            for r in csv.DictReader(f)
        ]


def test_a_dish_made_with_an_excluded_food_is_excluded() -> None:
    # Independent of the vocabulary: a dish whose USDA recipe holds at least
    # 2 g per 100 g of a cheese, a fish or a mushroom is removed by the word
    # (the review of session 30: "exclude cheese" planned a meat lasagna made
    # with mozzarella, ricotta and parmesan).
    table = load_foods(dishes=True)
    removed = {w: _removed(table, [w]) for w in ("cheese", "fish", "mushrooms")}
    expect = {
        "cheese": re.compile(r"^cheese\b", re.I),
        "fish": re.compile(r"^fish,", re.I),
        "mushrooms": re.compile(r"^mushrooms?\b", re.I),
    }
    missed = [
        (dish, word, ingredient)
        for dish, ingredient, _group, grams in _recipe_rows()
        for word, pattern in expect.items()
        if grams >= 2 and pattern.search(ingredient) and dish not in removed[word]
    ]
    assert not missed, missed[:20]
    assert "lasagna-with-meat-home-recipe" in removed["cheese"]


def test_a_trace_or_a_spice_in_a_recipe_does_not_exclude_its_dish() -> None:
    # Below 2 g per 100 g (a garnish) an ingredient is not read; olives on a
    # pizza at 1 g do not make "exclude olives" remove every such pizza.
    table = load_foods(dishes=True)
    traces = {
        dish
        for dish, ingredient, group, grams in _recipe_rows()
        if grams < 1 and re.match(r"olives", ingredient, re.I)
    }
    named = {
        f
        for f, n in zip(table.ids, table.texts("name"), strict=True)
        if "olive" in n.lower()
    }
    kept = (traces - named) - _removed(table, ["olives"])
    assert kept  # the rule has something to check


def test_a_food_kept_by_a_words_exception_is_named_in_the_notes() -> None:
    # "exclude lactose" keeps aged hard cheeses (0-0.12 g lactose per 100 g
    # in SR28): a plan with cheddar says so, or the exclusion looks broken.
    for request in (
        {"person": {"age": 40, "sex": "female"}, "exclude": ["lactose"]},
        {"person": {"age": 40, "sex": "female"}, "free_from": ["lactose"]},
    ):
        plan = mealplan.plan({**request, "include": ["cheddar"]})
        kept = [n for n in plan.notes if n.startswith("Kept with 'lactose'")]
        assert len(kept) == 1, plan.notes
        assert "Cheddar" in kept[0]
        assert "NIDDK" in kept[0]
    plan = mealplan.plan(
        {"person": {"age": 40, "sex": "female"}, "include": ["cheddar"]}
    )
    assert not [n for n in plan.notes if n.startswith("Kept with")]


def test_excluding_salt_keeps_the_foods_made_without_it() -> None:
    # SR28 names most cooked vegetables and beans "..., boiled, drained,
    # without salt": "salt" removed 84 bundled foods and left a vegan day no
    # plan. A food its name says is without a word (or free of it) stays;
    # salt itself and the foods "with salt added" go.
    table = mealplan.load_foods()
    allowed = set(table.allowed(exclude=["salt"]))
    assert {"black-beans-cooked", "spinach-cooked", "lentils-cooked"} <= allowed
    assert not {"salt", "peanuts-dry-roasted-salted"} & allowed
    names = dict(zip(table.ids, table.texts("name"), strict=True))
    for fid in table.ids:
        name = names[fid].lower()
        if re.search(
            r"\bwith(?: added)? salt\b|\bsalt added\b", name
        ) and not re.search(r"\b(?:no|without) salt added\b", name):
            assert fid not in allowed, name
        if re.search(r"\bwithout salt\b", name) and "salt" not in name.replace(
            "without salt", ""
        ):
            assert fid in allowed, name
    # A vocabulary word keeps matching as written (in doubt, excluded).
    assert "almond-milk-unsweetened" not in set(table.allowed(exclude=["milk"]))


def test_excluding_salt_keeps_the_dishes_made_with_foods_without_it() -> None:
    # A recipe's ingredients are read as a food's own name is: 339 bundled
    # dishes were removed by "salt" for vegetables "boiled, drained, without
    # salt" in their recipes (a vegetable stew, a white pizza), while a
    # recipe's own table salt, under 2 g per 100 g, is not read at all.
    table = load_foods(dishes=True)
    removed = _removed(table, ["salt"])
    names = dict(zip(table.ids, table.texts("name"), strict=True))
    salted: dict[str, bool] = {}
    for dish, ingredient, _group, grams in _recipe_rows():
        text = re.sub(r"\bwithout salt\b", "", ingredient.lower())
        said = grams >= 2 and re.search(r"\bsalt(?:s|ed)?\b", text) is not None
        salted[dish] = salted.get(dish, False) or said
    kept = [d for d, s in salted.items() if not s and "salt" not in names[d].lower()]
    assert len(kept) > 300  # the rule has something to check
    assert not set(kept) & removed, sorted(set(kept) & removed)[:10]
    assert "vegetables-stew-type-cooked-no-added-fat" in kept
