"""Allergen and diet tags: independent safety rules and exact precision cases.

The SAFETY rules are deliberately simpler than mealplan._tagging: every food
they flag must carry the tag (the tagger may flag more, never less). They run
over the bundled table and, when ../shared exists, over all 8,789 SR28 foods.
The only exceptions they know are phrases that certainly name another food
(peanut butter is not dairy butter, buckwheat is not wheat, eggplant is not
egg ...), the documented decisions of mealplan._tagging.

The PRECISION cases pin plain foods of the bundled table to their exact
allergens and diet tags, so that "unsure" keeps meaning real doubt.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from mealplan._catalog import FoodTable, load_foods
from mealplan._tagging import ALL_ALLERGENS, tag_food
from tests.conftest import need_shared

NOT_MILK = re.compile(
    r"(coconut|soy|almond|rice|oat|cashew|hemp) ?(milk|cream|beverage|water)"
    r"|(peanut|almond|cashew|nut|seed|sesame|sunflower|apple|cocoa|shea|soy) butter"
    r"|cream of (tartar|wheat|rice)|bean ?curd|butter beans?|without milk"
    r"|nuts, coconut (milk|cream)|milkweed",
    re.I,
)
MILK = re.compile(
    r"\b(milk|cheese|yogurt|butter|buttermilk|cream|whey|casein|ghee)s?\b", re.I
)
EGG = re.compile(r"\beggs?\b|mayonnaise|meringue", re.I)
FISH_WORDS = re.compile(r"anchov|worcestershire|fish sauce|\bsalmon\b|\btuna\b", re.I)
SHELLFISH_WORDS = re.compile(
    r"\b(shrimp|crab|lobster|clam|mussel|scallop|squid|octopus|crayfish)s?\b", re.I
)
NOT_SHELLFISH = re.compile(r"crab ?apple|squash, summer, scallop", re.I)
TREE_NUTS = re.compile(
    r"\b(almond|cashew|walnut|pecan|pistachio|hazelnut|macadamia|coconut|brazil)",
    re.I,
)
WHEAT = re.compile(
    r"(?<!buck)wheat|\bflour\b|\bbreads?\b|\bpasta\b|semolina|couscous|bulgur", re.I
)
SOY = re.compile(r"\b(soy|tofu|tempeh|miso|edamame)", re.I)
SESAME = re.compile(r"sesame|tahini|hummus", re.I)
MEAT_WORDS = re.compile(
    r"\b(beef|pork|chicken|turkey|lamb|veal|bacon|ham|sausage|lard|gelatin)s?\b", re.I
)
MEAT_GROUPS = {
    "Poultry Products",
    "Sausages and Luncheon Meats",
    "Pork Products",
    "Beef Products",
    "Lamb, Veal, and Game Products",
}
FISH_GROUP = "Finfish and Shellfish Products"
DAIRY_EGG_GROUP = "Dairy and Egg Products"
BAKED_GROUP = "Baked Products"


def check_row(name: str, group: str, desc: str, tags: dict[str, object]) -> list[str]:
    """Return the safety rules a food breaks (empty when all hold)."""
    listed = tags["allergens"]
    assert isinstance(listed, list | tuple), listed
    allergens = set(listed)
    text = f"{name} | {desc}"
    problems = []
    milky = MILK.search(NOT_MILK.sub(" ", text)) or (
        group == DAIRY_EGG_GROUP and not re.match(r"^eggs?,", desc, re.I)
    )
    if milky and "milk" not in allergens:
        problems.append("milk")
    if (EGG.search(text) or re.match(r"^eggs?,", desc, re.I)) and (
        "egg" not in allergens
    ):
        problems.append("egg")
    if (re.match(r"^fish,", desc, re.I) or FISH_WORDS.search(text)) and (
        "fish" not in allergens
    ):
        problems.append("fish")
    shellfishy = re.match(r"^(crustaceans|mollusks),", desc, re.I) or (
        SHELLFISH_WORDS.search(NOT_SHELLFISH.sub(" ", text))
    )
    if shellfishy and "shellfish" not in allergens:
        problems.append("shellfish")
    if group == FISH_GROUP and not allergens & {"fish", "shellfish"}:
        problems.append("fish/shellfish")
    if re.search(r"peanut", text, re.I) and "peanuts" not in allergens:
        problems.append("peanuts")
    if (TREE_NUTS.search(text) or re.match(r"^nuts,", desc, re.I)) and (
        "tree_nuts" not in allergens
    ):
        problems.append("tree_nuts")
    if (
        WHEAT.search(text) or (group == BAKED_GROUP and "corn" not in desc.lower())
    ) and ("wheat" not in allergens):
        problems.append("wheat")
    if SOY.search(text) and "soy" not in allergens:
        problems.append("soy")
    if SESAME.search(text) and "sesame" not in allergens:
        problems.append("sesame")
    if re.search(r"\bcandies\b|(?<!not )(?<!than )\bchocolate\b", desc, re.I) and not (
        {"milk", "soy", "tree_nuts", "peanuts"} <= allergens
    ):
        problems.append("chocolate/candy cross-contact")
    if re.search(r"\bmargarine\b", desc, re.I) and not {"milk", "soy"} <= allergens:
        problems.append("margarine milk/soy")
    if group in MEAT_GROUPS and (
        tags["vegetarian"] or tags["pescatarian"] or tags["vegan"]
    ):
        problems.append("meat group tagged vegetarian/pescatarian")
    if group == FISH_GROUP and (tags["vegetarian"] or tags["vegan"]):
        problems.append("fish group tagged vegetarian")
    if group == DAIRY_EGG_GROUP and tags["vegan"]:
        problems.append("dairy/egg group tagged vegan")
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
    # Added vitamin D may be D3 from lanolin: only a named D2 is vegan, or
    # one USDA's rows measure as D2 alone (checked against NUT_DATA below).
    if (
        re.search(r"vitamins?\b[^|]*\bD\b(?!2)|vitamin D fortified", desc)
        and tags["vegan"]
        and tags.get("vitamin_d_form") != "D2"
    ):
        problems.append("added vitamin D but vegan")
    if (
        MEAT_WORDS.search(re.sub(r"goat|nut ?meat", " ", text, flags=re.I))
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
def test_whole_sr28_tags_meet_independent_rules(sr28_foods: FoodTable) -> None:
    assert check_table(sr28_foods) == {}


@pytest.mark.shared
def test_whole_sr28_branded_foods_carry_every_allergen() -> None:
    """A manufacturer's record has an unknown recipe: all nine, no diet."""
    from mealplan._sr28 import read_sr28

    sr28 = read_sr28(need_shared())
    branded = sr28.foods[sr28.foods["manufac_name"].str.strip() != ""]
    assert len(branded) > 100
    for rec in branded.to_dict("records"):
        tags = tag_food(
            rec["long_desc"],
            rec["food_group"],
            common_name=rec["com_name"],
            manufacturer=rec["manufac_name"],
        )
        assert tags.allergens == ALL_ALLERGENS, rec["long_desc"]
        assert not tags.vegetarian
        assert not tags.pescatarian


# ---------------------------------------------------------------------------
# Precision: plain foods of the bundled table, exact allergens and diets.
# Diets are written "vvp" = vegan, vegetarian, pescatarian ("-" for none).

PLAIN_FOODS: list[tuple[str, set[str], str]] = [
    ("avocado", set(), "vvp"),
    ("orange", set(), "vvp"),
    ("banana", set(), "vvp"),
    ("apple", set(), "vvp"),
    ("applesauce-unsweetened", set(), "vvp"),
    ("spinach-raw", set(), "vvp"),
    ("spinach-canned", set(), "vvp"),
    ("kale-cooked", set(), "vvp"),
    ("broccoli-frozen-cooked", set(), "vvp"),
    ("eggplant-cooked", set(), "vvp"),
    ("spaghetti-squash-cooked", set(), "vvp"),
    ("winter-squash-baked", set(), "vvp"),
    ("lettuce-butterhead", set(), "vvp"),
    ("lentils-cooked", set(), "vvp"),
    ("black-beans-canned", set(), "vvp"),
    ("kidney-beans-cooked", set(), "vvp"),
    ("brown-rice-cooked", set(), "vvp"),
    ("oatmeal-cooked-water", set(), "vvp"),
    ("buckwheat-groats-cooked", set(), "vvp"),
    ("barley-pearled-cooked", set(), "vvp"),
    ("grits-cooked", set(), "vvp"),
    ("rice-noodles-cooked", set(), "vvp"),
    ("pasta-cooked", {"wheat", "egg"}, "vp"),
    ("almonds", {"tree_nuts"}, "vvp"),
    ("almond-butter", {"tree_nuts"}, "vvp"),
    ("coconut-oil", {"tree_nuts"}, "vvp"),
    ("sunflower-seeds", set(), "vvp"),
    ("tahini", {"sesame"}, "vvp"),
    ("peanuts-dry-roasted", {"peanuts"}, "vvp"),
    ("peanut-butter", {"peanuts", "soy"}, "vvp"),
    ("beef-ground-85-cooked", set(), "-"),
    ("beef-patty-85-broiled", set(), "-"),
    ("chicken-breast-roasted", set(), "-"),
    ("chicken-drumstick-roasted", set(), "-"),
    ("salmon-sockeye-cooked", {"fish"}, "p"),
    ("cod-atlantic-cooked", {"fish"}, "p"),
    ("tuna-light-canned-oil", {"fish", "soy"}, "p"),
    ("shrimp-cooked", {"shellfish"}, "p"),
    ("oysters-cooked", {"shellfish"}, "p"),
    ("milk-whole", {"milk"}, "vp"),
    ("goat-milk", {"milk"}, "vp"),
    ("egg-whole", {"egg"}, "vp"),
    ("egg-fried", {"egg", "milk", "soy"}, "vp"),
    ("tofu-firm-calcium", {"soy"}, "vvp"),
    ("soy-milk-unfortified", {"soy"}, "vvp"),
    # Its vitamin D is D2 alone in SR28's rows (no lanolin D3): vegan.
    ("soy-milk-fortified", {"soy"}, "vvp"),
    ("almond-milk-unsweetened", {"tree_nuts", "soy"}, "vp"),
    ("coconut-milk-beverage-fortified", {"tree_nuts"}, "vvp"),
    ("tortilla-corn", set(), "vvp"),
    ("olive-oil", set(), "vvp"),
    ("soybean-oil", {"soy"}, "vvp"),
    ("margarine-spread", {"milk", "soy"}, "-"),
    ("coffee-brewed", set(), "vvp"),
    ("espresso", set(), "vvp"),
    ("cranberries-dried", set(), "vvp"),
    ("honey", set(), "vp"),
    ("mushrooms-uv-white-raw", set(), "vvp"),
]


@pytest.fixture(scope="module")
def bundled_frame() -> pd.DataFrame:
    return load_foods().frame


@pytest.mark.parametrize(("food_id", "allergens", "diets"), PLAIN_FOODS)
def test_plain_food_tags_are_exact(
    bundled_frame: pd.DataFrame, food_id: str, allergens: set[str], diets: str
) -> None:
    row = bundled_frame.loc[food_id]
    got = set(row["allergens"])
    got_diets = (
        "".join(d[0] for d in ("vegan", "vegetarian", "pescatarian") if row[d]) or "-"
    )
    assert (got, got_diets) == (allergens, diets), row["sr28_description"]


@pytest.mark.parametrize(
    ("food_id", "must_have", "diets"),
    [
        # Real doubt stays conservative.
        ("bread-white", {"wheat", "milk", "egg", "soy", "sesame"}, "-"),
        ("bagel-plain", {"wheat", "sesame"}, "-"),
        ("dark-chocolate-70-85", {"milk", "soy", "tree_nuts", "peanuts"}, "vp"),
        ("cheerios", ALL_ALLERGENS, "-"),
        ("italian-dressing", ALL_ALLERGENS, "-"),
        ("worcestershire", ALL_ALLERGENS, "-"),
        ("veggie-burger", ALL_ALLERGENS, "-"),
        ("pork-chop-pan-fried", {"milk", "soy"}, "-"),
    ],
)
def test_doubtful_food_tags_stay_conservative(
    bundled_frame: pd.DataFrame, food_id: str, must_have: set[str], diets: str
) -> None:
    row = bundled_frame.loc[food_id]
    assert must_have <= set(row["allergens"])
    got_diets = (
        "".join(d[0] for d in ("vegan", "vegetarian", "pescatarian") if row[d]) or "-"
    )
    assert got_diets == diets


def test_all_nine_allergens_are_rare_in_the_bundled_table(
    bundled_frame: pd.DataFrame,
) -> None:
    """Was 172 of 572 before whole-word matching and graded doubt.

    Counts the SR28 foods; FNDDS dishes have their own bound in test_dishes.
    """
    sr28 = bundled_frame[bundled_frame["ndb_no"] != ""]
    all_nine = sum(set(a) == ALL_ALLERGENS for a in sr28["allergens"])
    assert all_nine <= 110


@pytest.mark.parametrize(
    ("desc", "group", "exact", "vegan", "vegetarian", "pescatarian"),
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
        ("Cheese, cheddar", DAIRY_EGG_GROUP, {"milk"}, False, True, True),
        ("Fish, salmon, sockeye, raw", FISH_GROUP, {"fish"}, False, False, True),
        ("Fish, cod, Atlantic, raw", FISH_GROUP, {"fish"}, False, False, True),
        ("Crustaceans, shrimp, raw", FISH_GROUP, {"shellfish"}, False, False, True),
        (
            "Mollusks, squid, mixed species, raw",
            FISH_GROUP,
            {"shellfish"},
            False,
            False,
            True,
        ),
        ("Beef, ground, raw", "Beef Products", set(), False, False, False),
        ("Honey", "Sweets", set(), False, True, True),
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
            "Oil, peanut, salad or cooking",
            "Fats and Oils",
            {"peanuts"},
            True,
            True,
            True,
        ),
        (
            "Applesauce, canned (includes USDA commodity)",
            "Fruits and Fruit Juices",
            set(),
            True,
            True,
            True,
        ),
        (
            "Avocados, raw, all commercial varieties",
            "Fruits and Fruit Juices",
            set(),
            True,
            True,
            True,
        ),
        (
            "Buckwheat groats, roasted, dry",
            "Cereal Grains and Pasta",
            set(),
            True,
            True,
            True,
        ),
        (
            "Buckwheat flour, whole-groat",
            "Cereal Grains and Pasta",
            {"wheat"},
            True,
            True,
            True,
        ),
        ("Milk, goat, fluid", DAIRY_EGG_GROUP, {"milk"}, False, True, True),
        (
            "Beverages, coconut milk, sweetened, fortified with calcium, vitamins A, B12, D2",
            "Beverages",
            {"tree_nuts"},
            True,
            True,
            True,
        ),
        (
            "Mushrooms, white, exposed to ultraviolet light, raw",
            "Vegetables and Vegetable Products",
            set(),
            True,
            True,
            True,
        ),
    ],
)
def test_examples_exact(
    desc: str,
    group: str,
    exact: set[str],
    vegan: bool,
    vegetarian: bool,
    pescatarian: bool,
) -> None:
    tags = tag_food(desc, group)
    assert tags.allergens == exact
    assert (tags.vegan, tags.vegetarian, tags.pescatarian) == (
        vegan,
        vegetarian,
        pescatarian,
    )


@pytest.mark.parametrize(
    ("desc", "group", "must_have"),
    [
        (
            "Cookies, chocolate chip",
            "Baked Products",
            {"peanuts", "milk", "wheat", "egg"},
        ),
        ("Margarine, regular", "Fats and Oils", {"milk", "soy"}),
        ("Chicken, breaded, fried", "Poultry Products", {"wheat", "egg", "milk"}),
        ("Soup, cream of mushroom", "Soups, Sauces, and Gravies", {"milk", "wheat"}),
        ("Sauce, worcestershire", "Soups, Sauces, and Gravies", {"fish"}),
        ("Sauce, fish, ready-to-serve", "Soups, Sauces, and Gravies", {"fish"}),
        (
            "Chocolate, dark, 70-85% cacao solids",
            "Sweets",
            {"milk", "soy", "tree_nuts", "peanuts"},
        ),
        (
            "Cereals ready-to-eat, KELLOGG, KELLOGG'S Corn Flakes",
            "Breakfast Cereals",
            ALL_ALLERGENS,
        ),
        (
            "Soymilk, original, with added calcium, vitamins A and D",
            "Legumes and Legume Products",
            {"soy"},
        ),
        ("Mystery food", "", ALL_ALLERGENS),
    ],
)
def test_doubt_examples(desc: str, group: str, must_have: set[str]) -> None:
    tags = tag_food(desc, group)
    assert must_have <= tags.allergens
    assert not tags.vegan


def test_manufacturer_makes_a_food_doubtful() -> None:
    tags = tag_food(
        "Spinach, raw", "Vegetables and Vegetable Products", manufacturer="ACME"
    )
    assert tags.allergens == ALL_ALLERGENS
    assert not tags.vegetarian
    assert not tags.pescatarian


def test_tags_never_add_diets_for_unknown_groups() -> None:
    tags = tag_food("Spinach, raw", "")
    assert not (tags.vegan)
    assert not (tags.vegetarian)
    assert not (tags.pescatarian)


def _vitamin_d_rows(path: Path, ndbs: set[str]) -> dict[str, dict[str, float]]:
    """NDB -> {"325": D2, "326": D3, "328": D2 + D3}, read from NUT_DATA's raw lines."""
    out: dict[str, dict[str, float]] = {}
    with path.open(encoding="cp1252") as handle:
        for line in handle:
            fields = line.split("^")
            ndb, nutr = fields[0].strip("~"), fields[1].strip("~")
            if ndb in ndbs and nutr in ("325", "326", "328"):
                out.setdefault(ndb, {})[nutr] = float(fields[2])
    return out


@pytest.mark.shared
def test_a_named_vitamin_d_form_is_all_of_the_food_s_vitamin_d() -> None:
    # The form the vegan tag rests on, read again from SR28's own lines:
    # the form's row equals the total and the other form has no amount.
    table = load_foods()
    forms = {
        f.ndb_no: f.vitamin_d_form
        for f in (table.food(i) for i in table.ids)
        if f.ndb_no
    }
    rows = _vitamin_d_rows(need_shared() / "NUT_DATA.txt", set(forms))
    for ndb, form in forms.items():
        d = rows.get(ndb, {})
        mine, other = ("325", "326") if form == "D2" else ("326", "325")
        named = (
            d.get(mine, 0) > 0
            and abs(d.get("328", -1) - d[mine]) < 0.05
            and d.get(other, 0) == 0
        )
        assert named is bool(form), (ndb, form, d)
    assert {forms[n] for n in ("16222", "16139", "16225", "14639")} == {"D2"}
    assert forms["14091"] == "D3"  # almond milk: its vitamin D is D3
    soy = table.food("soy-milk-unsweetened-fortified")
    assert soy.vegan
    assert not table.food("almond-milk-unsweetened").vegan


def test_a_measured_vitamin_d_form_decides_the_lanolin_doubt() -> None:
    desc = "Soymilk (all flavors), unsweetened, with added calcium, vitamins A and D"
    group = "Legumes and Legume Products"
    assert not tag_food(desc, group).vegan
    assert tag_food(desc, group, vitamin_d_form="D2").vegan
    assert not tag_food(desc, group, vitamin_d_form="D3").vegan
    group = "Vegetables and Vegetable Products"
    assert tag_food("Mushrooms, white, raw", group).vegan
    assert not tag_food("Mushrooms, white, raw", group, vitamin_d_form="D3").vegan
