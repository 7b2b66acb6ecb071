"""FNDDS dishes and structure data of the bundled table, checked independently.

Every check here reads the USDA files itself (the csv module, not the
builder's readers) and compares them with the committed ``foods/`` files.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from mealplan import load_foods
from mealplan._build import ROLES
from mealplan._catalog_load import DISHES_BY_DEFAULT
from mealplan._nutrients import Nutrient
from tests.conftest import FNDDS_DIR, PRICES_DIR, ROOT, need_shared
from tests.test_tagging import check_row

FOODS = ROOT / "foods"


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _fndds(name: str) -> Iterator[dict[str, str]]:
    path = FNDDS_DIR / f"2017-2018 FNDDS At A Glance - {name}.csv"
    if not path.is_file():
        pytest.skip("needs ../shared/data/fndds-2017-2018")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)  # the title record
        header = [" ".join(h.split()) for h in next(reader)]
        for row in reader:
            yield dict(zip(header, row, strict=False))


@pytest.fixture(scope="module")
def foods() -> list[dict[str, str]]:
    return _read(FOODS / "foods.csv") + _read(FOODS / "dishes.csv")


@pytest.fixture(scope="module")
def dishes(foods: list[dict[str, str]]) -> list[dict[str, str]]:
    return [f for f in foods if f["fndds_code"]]


@pytest.fixture(scope="module")
def ingredients() -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for row in _read(FOODS / "dish_ingredients.csv"):
        out.setdefault(row["food_id"], []).append(row)
    return out


# FNDDS header of each agreed column (NUTRIENT_NAMES.md), read independently.
HEADERS = {
    "energy_kcal": "Energy (kcal)",
    "protein_g": "Protein (g)",
    "fat_g": "Total Fat (g)",
    "carbohydrate_g": "Carbohydrate (g)",
    "fiber_g": "Fiber, total dietary (g)",
    "calcium_mg": "Calcium (mg)",
    "magnesium_mg": "Magnesium (mg)",
    "potassium_mg": "Potassium (mg)",
    "sodium_mg": "Sodium (mg)",
    "vitamin_d_ug": "Vitamin D (D2 + D3) (mcg)",
    "vitamin_b12_ug": "Vitamin B-12 (mcg)",
    "iron_mg": "Iron (mg)",
    "zinc_mg": "Zinc (mg)",
    "folate_dfe_ug": "Folate, DFE (mcg_DFE)",
    "water_g": "Water (g)",
    "sugars_g": "Sugars, total (g)",
}


def test_selection_size_and_kinds(dishes: list[dict[str, str]]) -> None:
    assert 600 <= len(dishes) <= 1500
    kinds = {d["category"] for d in dishes}
    assert {"mixed_dishes", "sandwiches", "soups", "salads", "breakfast_dishes"} <= (
        kinds
    )
    for word in ("omelet", "oatmeal", "chili", "curry", "lasagna", "stir", "burrito"):
        assert any(word in d["name"].lower() for d in dishes), word


def test_dish_values_are_fndds_values(dishes: list[dict[str, str]]) -> None:
    need_shared()
    values = {r["Food code"]: r for r in _fndds("FNDDS Nutrient Values")}
    for dish in dishes:
        code = dish["fndds_code"]
        assert re.fullmatch(r"\d{8}", code)
        assert dish["ndb_no"] == ""
        row = values[code]
        assert dish["sr28_description"] == row["Main food description"]
        assert f"FNDDS 2017-2018 food code {code}" in dish["provenance"]
        for column, header in HEADERS.items():
            if column in dish:
                assert Decimal(dish[column]) == Decimal(row[header]), (code, column)
        for nutrient in Nutrient:
            if nutrient.value not in HEADERS:
                continue
            assert dish[nutrient.value] != "", (code, nutrient)


def test_no_excluded_kinds_and_no_duplicate_records(
    dishes: list[dict[str, str]],
) -> None:
    need_shared()
    foods = {r["Food code"]: r for r in _fndds("Foods and Beverages")}
    values = {r["Food code"]: r for r in _fndds("FNDDS Nutrient Values")}
    mapped: set[str] = set()
    with (PRICES_DIR / "ppnap_food_code_to_sr28.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["ndb_no"]:
                mapped.add(row["food_code"])
    for dish in dishes:
        code = dish["fndds_code"]
        food = foods[code]
        assert not food["WWEIA Category number"].startswith(("9", "75")), code
        assert Decimal(values[code]["Alcohol (g)"]) == 0, code
        text = food["Main food description"]
        assert not re.search(r"fast food|restaurant|baby|infant|formula", text, re.I)
        assert code not in mapped, f"{code} is the same food as an SR28 record"


def test_dish_portions_are_fndds_portions(dishes: list[dict[str, str]]) -> None:
    need_shared()
    weights = {
        (r["Food code"], r["Seq num"]): r["Portion weight (g)"]
        for r in _fndds("Portions and Weights")
        if not r["Subcode"]
    }
    portions: dict[str, list[dict[str, str]]] = {}
    for row in _read(FOODS / "dish_portions.csv"):
        portions.setdefault(row["food_id"], []).append(row)
    for dish in dishes:
        mine = portions[dish["id"]]
        assert sum(p["is_default"] == "true" for p in mine) == 1, dish["id"]
        for p in mine:
            assert Decimal(p["grams"]) == Decimal(weights[dish["fndds_code"], p["seq"]])
            assert Decimal(p["grams"]) > 0
        default = next(p for p in mine if p["is_default"] == "true")
        assert 30 <= Decimal(default["grams"]) <= 600, dish["id"]


def test_dish_tags_meet_independent_rules(
    dishes: list[dict[str, str]], ingredients: dict[str, list[dict[str, str]]]
) -> None:
    """The dish passes every rule for its own words and for each ingredient."""
    sr28 = need_shared()
    groups: dict[str, str] = {}
    names: dict[str, str] = {}
    for line in (sr28 / "FD_GROUP.txt").read_text(encoding="cp1252").splitlines():
        code, name = (f.strip("~") for f in line.split("^"))
        groups[code] = name
    food_group: dict[str, str] = {}
    for line in (sr28 / "FOOD_DES.txt").read_text(encoding="cp1252").splitlines():
        fields = [f.strip("~") for f in line.split("^")]
        food_group[fields[0]] = groups[fields[1]]
        names[fields[0]] = fields[2]
    failures: dict[str, list[str]] = {}
    for dish in dishes:
        allergens = [a for a in dish["allergens"].split(";") if a]
        tags = {
            "allergens": allergens,
            **{d: dish[d] == "true" for d in ("vegan", "vegetarian", "pescatarian")},
        }
        problems = check_row(dish["name"], "", dish["sr28_description"], tags)
        rows = ingredients.get(dish["id"], [])
        # No recipe: all nine allergens and no diet.
        if not rows and (len(allergens) != 9 or dish["vegetarian"] == "true"):
            problems.append("no recipe but not fully conservative")
        for ing in rows:
            ndb = ing["ndb_no"]
            assert ing["ingredient"] == names[ndb]
            problems += [
                f"{p} (ingredient {ndb})"
                for p in check_row(names[ndb], food_group[ndb], names[ndb], tags)
            ]
        if problems:
            failures[dish["id"]] = problems
    assert not failures, dict(list(failures.items())[:10])


def test_all_nine_allergens_stay_a_minority_of_dishes(
    dishes: list[dict[str, str]],
) -> None:
    """Union over recipe ingredients is conservative; most dishes stay usable."""
    all_nine = sum(d["allergens"].count(";") == 8 for d in dishes)
    assert all_nine <= len(dishes) // 3


def test_recipes_are_per_100_g_as_eaten(
    dishes: list[dict[str, str]], ingredients: dict[str, list[dict[str, str]]]
) -> None:
    with_recipe = [d for d in dishes if d["id"] in ingredients]
    assert len(with_recipe) == len(dishes)
    for dish in with_recipe:
        total = sum(Decimal(i["grams_per_100g"]) for i in ingredients[dish["id"]])
        # Raw weights per 100 g cooked: cooking losses make it more than 100,
        # added water in cooking (rice, pasta) less.
        assert 20 < total < 400, (dish["id"], total)


def test_dishes_cite_the_article_through_ingredients(
    dishes: list[dict[str, str]], ingredients: dict[str, list[dict[str, str]]]
) -> None:
    by_id = {d["id"]: d for d in dishes}
    spinach = [
        d
        for d, rows in ingredients.items()
        if any(
            r["ndb_no"] == "11457" and Decimal(r["grams_per_100g"]) >= 2 for r in rows
        )
    ]
    assert spinach
    for food_id in spinach:
        assert "foods_high_magnesium" in by_id[food_id]["article_sections"]
    for food_id, rows in ingredients.items():
        cited = set()
        for r in rows:
            if Decimal(r["grams_per_100g"]) >= 2:
                cited |= {s for s in r["article_sections"].split(";") if s}
        assert set(by_id[food_id]["article_sections"].split(";")) - {""} == cited


def test_every_food_has_structure(foods: list[dict[str, str]]) -> None:
    by_id = {f["id"]: f for f in foods}
    for food in foods:
        assert food["base"], food["id"]
        roles = [r for r in food["roles"].split(";") if r]
        assert roles, food["id"]
        assert set(roles) <= set(ROLES), food["id"]
        assert food["whole_units"] in {"true", "false"}
        if food["category"] == "oils_fats":
            assert roles == ["fat"], food["id"]
    for food_id in ("sugar", "honey", "maple-syrup"):
        assert "sugar" in by_id[food_id]["roles"]
    same = [
        ("broccoli-raw", "broccoli-cooked", "broccoli-frozen-cooked"),
        ("egg-fried", "egg-hard-boiled", "egg-scrambled", "egg-poached"),
        ("milk-whole", "milk-skim", "milk-2pct", "milk-1pct"),
        ("spinach-raw", "spinach-cooked", "spinach-frozen-cooked"),
        ("olive-oil", "canola-oil", "corn-oil"),
    ]
    for group in same:
        assert len({by_id[f]["base"] for f in group}) == 1, group
    for food_id in ("egg-fried", "bread-whole-wheat", "banana", "bagel-plain"):
        assert by_id[food_id]["whole_units"] == "true"
    for food_id in ("milk-whole", "brown-rice-cooked", "spinach-cooked"):
        assert by_id[food_id]["whole_units"] == "false"


def test_dishes_load_on_request_and_by_default_only_if_switched_on() -> None:
    plain = load_foods(dishes=False)
    assert not any(plain.texts("fndds_code"))
    assert len(plain) == len(_read(FOODS / "selection.csv"))
    full = load_foods(dishes=True)
    assert load_foods() is (full if DISHES_BY_DEFAULT else plain)
    dishes = _read(FOODS / "dishes.csv")
    assert len(full) == len(plain) + len(dishes)
    assert all(d["fndds_code"] and not d["ndb_no"] for d in dishes)
    assert not any(f["fndds_code"] for f in _read(FOODS / "foods.csv"))
    portions = _read(FOODS / "portions.csv") + _read(FOODS / "dish_portions.csv")
    assert len(full.portions) == len(portions)


def test_loader_keeps_structure_columns() -> None:
    table = load_foods(dishes=True)
    assert table.has_column("roles")
    assert table.has_column("fndds_code")
    dish = next(
        i for i, c in zip(table.ids, table.texts("fndds_code"), strict=True) if c
    )
    food = table.food(dish)
    assert food.fndds_code
    assert food.roles
    assert food.base
    assert table.food("egg-fried").whole_units
    assert table.food("olive-oil").roles == ("fat",)


def test_every_slot_diet_and_allergy_has_dishes(dishes: list[dict[str, str]]) -> None:
    for slot in ("breakfast", "lunch", "dinner"):
        here = [d for d in dishes if slot in d["meal_slots"].split(";")]
        for diet in ("vegan", "vegetarian", "pescatarian"):
            assert sum(d[diet] == "true" for d in here) >= 3, (slot, diet)
        for allergen in (
            "milk",
            "egg",
            "fish",
            "shellfish",
            "tree_nuts",
            "peanuts",
            "wheat",
            "soy",
            "sesame",
        ):
            free = [d for d in here if allergen not in d["allergens"].split(";")]
            assert len(free) >= 5, (slot, allergen)


def test_report_cites_the_article_through_a_dish_ingredient() -> None:
    from mealplan._report import food_mentions

    table = load_foods(dishes=True)
    phrases = food_mentions(table, "lasagna-with-meat-and-spinach")
    assert any(
        "made with spinach" in p and "High-Magnesium Foods" in p for p in phrases
    ), phrases


@pytest.mark.parametrize(
    ("dish", "words", "not_words"),
    [
        # Tied to the bundled foods by the food its description names, not by
        # its NDB: the citation names the recipe's own ingredient.
        ("knish-potato", "made with chicken, broilers or fryers, skin only", "breast"),
        ("lomi-salmon", "made with fish, salmon, pink, canned", "atlantic"),
    ],
)
def test_a_dish_citation_names_its_own_ingredient(
    dish: str, words: str, not_words: str
) -> None:
    from mealplan._report import food_mentions

    phrases = food_mentions(load_foods(dishes=True), dish)
    assert any(words in p for p in phrases), phrases
    assert not any(not_words in p.lower() for p in phrases), phrases


def test_cli_plans_with_dishes(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from mealplan._cli import main

    status = main(
        [
            "plan",
            "--age",
            "35",
            "--sex",
            "male",
            "--dishes",
            "--include",
            "lasagna-meatless-with-vegetables",
            "--format",
            "json",
        ]
    )
    assert status == 0
    plan = json.loads(capsys.readouterr().out)
    ids = {i["food_id"] for d in plan["days"] for i in d["items"]}
    assert "lasagna-meatless-with-vegetables" in ids


def test_purchase_forms_follow_sr28_protein() -> None:
    """Grams bought per gram eaten = protein eaten / protein bought (SR28 203)."""
    sr28 = need_shared()
    protein: dict[str, Decimal] = {}
    for line in (sr28 / "NUT_DATA.txt").read_text(encoding="cp1252").splitlines():
        fields = [f.strip("~") for f in line.split("^")[:3]]
        if fields[1] == "203":
            protein[fields[0]] = Decimal(fields[2])
    rows = _read(FOODS / "purchase_forms.csv")
    converted = [r for r in rows if r["buy_ndb"] != r["ndb_no"]]
    assert {"20037", "16070", "01128"} <= {r["ndb_no"] for r in converted}
    for r in rows:
        factor = Decimal(r["grams_bought_per_gram"])
        if r["buy_ndb"] == r["ndb_no"]:
            assert factor == 1
            continue
        expected = protein[r["ndb_no"]] / protein[r["buy_ndb"]]
        takes_water = r["food_group"] in {
            "Cereal Grains and Pasta",
            "Legumes and Legume Products",
            "Breakfast Cereals",
        } or bool(re.search(r"(cooked|prepared) with water", r["description"]))
        if (
            min(protein[r["ndb_no"]], protein[r["buy_ndb"]]) < 1
            or (expected < 1 and not takes_water)
            or expected > 3
        ):
            # Protein too low or not conserved (boiled kale, 1.90 g cooked
            # against 4.28 g raw): no yield from it, bought at the weight
            # eaten, and the method says so.
            assert factor == 1, r["ndb_no"]
            assert r["method"].startswith("same weight as eaten"), r["ndb_no"]
            continue
        assert abs(factor - expected) < Decimal("0.0001"), r["ndb_no"]
        assert r["method"].startswith("protein yield"), r["ndb_no"]
        # Dry grains and legumes weigh less than cooked ones.
        if r["food_group"] in {
            "Cereal Grains and Pasta",
            "Legumes and Legume Products",
        }:
            assert factor < 1
