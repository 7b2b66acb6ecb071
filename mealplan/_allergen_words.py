"""The allergen words and food groups behind the tags of ``_tagging``.

Data, not logic: whole-word patterns (with simple plurals) for each of the
nine allergens, the phrases blanked before they run, and the SR28 food groups
whose foods are recipes. ``_tagging``'s docstring explains every decision.
"""

from __future__ import annotations

import re

from mealplan._nutrients import Allergen

ALL_ALLERGENS: frozenset[str] = frozenset(a.value for a in Allergen)
# Bakery and confectionery lines handle everything except fish and shellfish.
BAKERY_ALLERGENS: frozenset[str] = ALL_ALLERGENS - {"fish", "shellfish"}
FRYING_ALLERGENS: frozenset[str] = frozenset({"milk", "soy"})
# Chocolate: milk (cross-contact), soy (lecithin), nuts (shared lines).
CHOCOLATE_ALLERGENS: frozenset[str] = frozenset({"milk", "soy", "tree_nuts", "peanuts"})

MEAT_GROUPS = frozenset(
    {
        "Poultry Products",
        "Sausages and Luncheon Meats",
        "Pork Products",
        "Beef Products",
        "Lamb, Veal, and Game Products",
    }
)
FISH_GROUP = "Finfish and Shellfish Products"
DAIRY_EGG_GROUP = "Dairy and Egg Products"
LEGUME_GROUP = "Legumes and Legume Products"
NUT_SEED_GROUP = "Nut and Seed Products"
FATS_GROUP = "Fats and Oils"
CEREAL_GROUP = "Breakfast Cereals"
BEVERAGE_GROUP = "Beverages"
SWEETS_GROUP = "Sweets"
BAKED_GROUP = "Baked Products"
SNACKS_GROUP = "Snacks"

# Groups whose foods are recipes or manufactured products: without an
# ingredient list any of the nine allergens may be present. Breakfast
# cereals, beverages, fats, sweets and snacks have plain exceptions below.
DOUBT_GROUPS = frozenset(
    {
        "Baby Foods",
        "Soups, Sauces, and Gravies",
        "Sausages and Luncheon Meats",
        "Fast Foods",
        "Meals, Entrees, and Side Dishes",
        "American Indian/Alaska Native Foods",
        "Restaurant Foods",
        CEREAL_GROUP,
        BEVERAGE_GROUP,
        FATS_GROUP,
        SNACKS_GROUP,
    }
)


def _plural(word: str) -> str:
    """Return a pattern for ``word`` and its simple plural."""
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "(?:y|ies)"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "(?:es)?"
    if word.endswith("o"):
        return word + "(?:s|es)?"
    return word + "s?"


def _words(*words: str) -> re.Pattern[str]:
    """Return a case-insensitive pattern matching any of ``words`` as whole words.

    Each word also matches its simple plural (``cod``/``cods``,
    ``anchovy``/``anchovies``); a word may be a small regex.
    """
    alternatives = "|".join(_plural(w) for w in words)
    return re.compile(r"(?<![\w])(?:" + alternatives + r")(?![\w])", re.IGNORECASE)


# Phrases that certainly do not name the allergen or animal their words
# suggest; they are blanked before the keyword rules run. The nut or plant
# word of "almond butter" / "almond milk" is kept, so tree nuts still match.
_NOT_ALLERGEN = re.compile(
    r"\beggplants?\b|\bwater ?chestnuts?\b|\bbutternut\b(?=[^|]*\bsquash)"
    r"|(?<=squash)[^|]*?\bbutternut\b|\bbutternut squash\b"
    r"|\bmushrooms?, oyster\b|\boyster mushrooms?\b|\bvegetable oyster\b"
    r"|\boyster crackers?\b|\(includes oyster\b|squash, summer, scallop"
    r"|\blambs ?quarters\b|\bcrab ?apples?\b|\bdrumstick (?:leaves|pods)\b"
    r"|\bbeans, kidney\b|\bkidney beans?\b|\bvegetable marrow\b"
    r"|\bwithout milk\b|\bmilk-free\b|\bdairy-free\b|\bgluten-free\b"
    r"|\bcream of (?:tartar|wheat|rice)\b|\bsalad or cooking\b"
    r"|\bcustard-apple\b|\bbutter beans?\b|\bbutter ?head\b|squash,[^|]*\bspaghetti\b"
    r"|\bspaghetti squash\b|\b(?:rice|corn) cakes?\b",
    re.IGNORECASE,
)
# Words that are blanked only for the milk keywords: the nut still counts.
_NOT_DAIRY = re.compile(
    r"\b(?:peanut|almond|cashew|hazelnut|macadamia|pistachio|walnut|pecan|nut"
    r"|seed|sesame|sunflower|sunflower seed|pumpkin seed|soy|soynut|apple|cocoa"
    r"|shea|fruit)\s+butter\b"
    r"|\b(?:coconut|almond|soy|rice|oat|cashew|hemp|hazelnut|macadamia|pea|flax)"
    r"\s*(?:milk|cream|beverage|creamer|yogurt|cheese)\b"
    r"|\bmilk, (?:coconut|almond|soy|rice|oat)\b|\bnuts, coconut (?:milk|cream)\b"
    r"|\bmilkweed\b",
    re.IGNORECASE,
)

_KEYWORDS: dict[str, re.Pattern[str]] = {
    "milk": _words(
        "milk",
        "milkfat",
        "milkshake",
        "buttermilk",
        "cheese",
        "cheesy",
        "cheesecake",
        "yogurt",
        "yoghurt",
        "butter",
        "buttered",
        "buttery",
        "cream",
        "creamed",
        "creamy",
        "creamer",
        "ice cream",
        "whey",
        "casein",
        "caseinate",
        "lactose",
        "lactalbumin",
        "ghee",
        "kefir",
        "curd",
        "dairy",
        "custard",
        "pudding",
        "mozzarella",
        "parmesan",
        "ricotta",
        "cheddar",
        "feta",
        "paneer",
        "queso",
        "latte",
        "cappuccino",
        "alfredo",
        "au gratin",
        "nougat",
        "caramel",
        "toffee",
        "fudge",
        "margarine",
        "chocolate",
        "eggnog",
        "malted milk",
    ),
    "egg": _words(
        "egg",
        "eggnog",
        "mayonnaise",
        "mayo",
        "meringue",
        "custard",
        "albumin",
        "albumen",
        "omelet",
        "omelette",
        "french toast",
        "noodle",
        "pasta",
        "macaroni",
        "spaghetti",
        "lasagna",
        "aioli",
        "hollandaise",
        "souffle",
        "surimi",
    ),
    "fish": _words(
        "fish",
        "finfish",
        "fish sauce",
        "salmon",
        "tuna",
        "cod",
        "codfish",
        "sardine",
        "anchovy",
        "herring",
        "mackerel",
        "trout",
        "halibut",
        "tilapia",
        "pollock",
        "catfish",
        "roe",
        "caviar",
        "worcestershire",
        "surimi",
        "bonito",
        "haddock",
        "flounder",
        "sole",
        "snapper",
        "bass",
        "perch",
        "pike",
        "carp",
        "eel",
        "whitefish",
        "smelt",
        "sturgeon",
        "swordfish",
        "mahimahi",
        "grouper",
        "pompano",
        "shad",
        "whiting",
        "cisco",
        "burbot",
        "lingcod",
        "croaker",
        "drum",
        "mullet",
        "pout",
        "roughy",
        "sheepshead",
        "sucker",
        "tilefish",
        "wolffish",
        "butterfish",
        "dolphinfish",
        "milkfish",
        "lox",
        "gefilte",
        "kipper",
        "kippered",
        "pilchard",
        "sprat",
        "hake",
        "turbot",
        "monkfish",
        "bluefish",
        "yellowtail",
        "dashi",
    ),
    "shellfish": _words(
        "shellfish",
        "shrimp",
        "crab",
        "lobster",
        "crayfish",
        "crawfish",
        "prawn",
        "krill",
        "langostino",
        "clam",
        "mussel",
        "oyster",
        "scallop",
        "squid",
        "calamari",
        "octopus",
        "abalone",
        "conch",
        "cuttlefish",
        "snail",
        "escargot",
        "whelk",
        "crustacean",
        "mollusk",
        "mollusc",
        "seafood",
    ),
    "tree_nuts": _words(
        "nut",
        "nutmeat",
        "almond",
        "brazil ?nut",
        "brazilnut",
        "cashew",
        "chestnut",
        "hazelnut",
        "filbert",
        "macadamia",
        "pecan",
        "pine ?nut",
        "pinyon",
        "pignoli",
        "pignolia",
        "chinquapin",
        "pili ?nut",
        "lichee ?nut",
        "pistachio",
        "walnut",
        "coconut",
        "beechnut",
        "butternut",
        "hickory ?nut",
        "hickorynut",
        "ginkgo",
        "shea",
        "sheanut",
        "praline",
        "marzipan",
        "nougat",
        "gianduja",
        "trail mix",
        "pesto",
        "baklava",
        "mixed nut",
        "nuts, mixed",
    ),
    "peanuts": _words(
        "peanut",
        "groundnut",
        "goober",
        "arachis",
        "mixed nut",
        "nuts, mixed",
        "trail mix",
        "satay",
    ),
    "wheat": _words(
        "wheat",
        "whole-wheat",
        "flour",
        "bread",
        "breadcrumb",
        "crumb",
        "cracker",
        "pasta",
        "noodle",
        "macaroni",
        "spaghetti",
        "lasagna",
        "semolina",
        "durum",
        "spelt",
        "farro",
        "bulgur",
        "couscous",
        "kamut",
        "einkorn",
        "triticale",
        "farina",
        "seitan",
        "graham",
        "malt",
        "malted",
        "biscuit",
        "cake",
        "cookie",
        "pie",
        "pastry",
        "pastries",
        "tortilla",
        "pretzel",
        "roll",
        "bun",
        "bagel",
        "muffin",
        "waffle",
        "pancake",
        "dumpling",
        "gravy",
        "soy sauce",
        "teriyaki",
        "batter",
        "battered",
        "crouton",
        "stuffing",
        "wafer",
        "cone",
        "gluten",
        "breaded",
        "dough",
        "doughnut",
        "crust",
        "matzo",
        "matzoh",
        "pita",
        "croissant",
        "brioche",
        "wheat germ",
        "shredded wheat",
        "miso",
    ),
    "soy": re.compile(
        r"\bsoy|\bsoya|\b(?:tofu|tempeh|miso|natto|edamame|okara|yuba"
        r"|textured vegetable protein|lecithin|teriyaki|tamari|shoyu|margarine"
        r"|vegetable oil|oil, vegetable|in oil|in vegetable oil|shortening)",
        re.IGNORECASE,
    ),
    "sesame": _words(
        "sesame",
        "tahini",
        "tahina",
        "hummus",
        "halva",
        "halvah",
        "benne",
        "gomasio",
        "za'atar",
        "zaatar",
    ),
}

# A corn tortilla and rice or gluten-free noodles name no wheat; rice noodles
# no egg either.
_NOT_WHEAT = re.compile(
    r"\btortillas?, [^|]*\bcorn\b|\bcorn tortillas?\b|\brice noodles?\b"
    r"|\bnoodles?, (?:rice|chinese, cellophane)\b|\bcellophane\b",
    re.IGNORECASE,
)
_NOT_EGG = re.compile(
    r"\brice noodles?\b|\bnoodles, (?:rice|chinese, cellophane)\b", re.I
)

# Words naming a prepared, mixed or processed product whose ingredients SR28
# does not list: treated as possibly containing every allergen.
_DOUBT = _words(
    "sauce",
    "barbecue",
    "bbq",
    "chili with",
    "chili con",
    "beans, baked",
    "baked beans",
    "gravy",
    "dressing",
    "breaded",
    "batter",
    "battered",
    "coated",
    "stuffed",
    "stuffing",
    "dish",
    "soup",
    "stew",
    "chowder",
    "casserole",
    "pizza",
    "sandwich",
    "burger",
    "hamburger",
    "soyburger",
    "taco",
    "burrito",
    "enchilada",
    "lasagna",
    "dessert",
    "topping",
    "filling",
    "spread",
    "mayonnaise",
    "imitation",
    "substitute",
    "analog",
    "meatless",
    "vegetarian",
    "vegan",
    "veggie",
    "formula",
    "protein powder",
    "protein isolate",
    "bar",
    "snack",
    "mix",
    "seasoned",
    "seasoning",
    "recipe",
    "home-prepared",
    "restaurant",
    "fast food",
    "salad",
    "coleslaw",
    "french fried",
    "french fries",
    "marinated",
    "self-basting",
    "frozen dinner",
    "entree",
    "loaf",
    "loaves",
    "nugget",
    "fish sticks",
    "dip",
    "hummus",
    "refried",
    "dumpling",
    "shake",
    "smoothie",
    "babyfood",
    "infant",
    "toddler",
    "nutritional supplement",
    "supplement",
    "meal replacement",
    "granola",
    "trail mix",
    "alcoholic",
    "liqueur",
    "cocktail mix",
)
