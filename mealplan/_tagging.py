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
  "unfortified" or names only vitamin D2; they stay vegetarian.

**Diet tags.** Meat groups and meat words (beef, pork, lard, gelatin, broth
...) drop all three diets; fish and shellfish drop vegetarian and vegan; milk,
egg, honey and other animal words drop vegan. Vitamin D added to a food may be
D3 from lanolin, so a food described as having added vitamin D or as
"fortified" is not vegan unless the vitamin D is named D2. Vitamin B12
(cyanocobalamin) is bacterial, never a reason to drop vegan. Rennet, gelatin
and similar doubts the description cannot show are curated in
``selection.csv`` (``not_diets``/``extra_allergens``).

The same function tags the bundled table and ``FoodTable.from_sr28``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from mealplan._nutrients import Allergen

__all__ = ["ALL_ALLERGENS", "Tags", "tag_food", "tag_foods"]

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
# Patties of plain ground meat are not a recipe; other patties are.
_PATTY = _words("patty", "patties")
_GROUND_MEAT = re.compile(r"\bground\b", re.IGNORECASE)

# Sweets: confectionery and frozen desserts are made on shared lines.
_CONFECTION = _words(
    "candies",
    "candy",
    "chocolate",
    "cocoa",
    "ice cream",
    "frozen dessert",
    "frozen yogurt",
    "sherbet",
    "pudding",
    "frosting",
    "icing",
    "fudge",
    "caramel",
    "toffee",
    "marshmallow",
    "gum",
    "glazed",
    "candied",
)
_FROZEN_DESSERT = _words(
    "ice cream",
    "frozen dessert",
    "frozen yogurt",
    "frozen novelties",
    "pudding",
    "sherbet",
    "custard",
)
# Chocolate itself: vegetarian (milk), never gelatin; not vegan (milk doubt).
_PLAIN_CHOCOLATE = re.compile(
    r"^(?:chocolate, dark|candies, (?:semisweet|milk|dark|sweet) chocolate"
    r"|baking chocolate|cocoa, dry powder)",
    re.IGNORECASE,
)
# Baked goods named in other groups (the Baked Products group is always baked).
_BAKED = _words(
    "bread",
    "cake",
    "cookie",
    "cracker",
    "muffin",
    "biscuit",
    "pancake",
    "waffle",
    "pie",
    "pastry",
    "croissant",
    "doughnut",
    "roll",
    "bun",
    "bagel",
    "pita",
    "brownie",
    "strudel",
    "wafer",
    "crepe",
)
_CHOCOLATE = re.compile(
    r"(?<!not )(?<!than )\bchocolate\b|\bcocoa\b|\bcacao\b", re.IGNORECASE
)
_FRIED = re.compile(r"\b(?:pan-)?fried\b|\bscrambled\b|\bomelets?\b", re.IGNORECASE)
# Meat pan-fried in its own fat (SR28 bacon) is not a frying doubt.
_OWN_FAT = re.compile(r"^(?:pork, cured, bacon|bacon)\b", re.IGNORECASE)

# Upper-case words of three or more letters are brand or product names in
# SR28 ("KELLOGG'S", "MORNINGSTAR FARMS"); their recipes are not known.
_BRAND = re.compile(r"\b(?!USDA\b|NFS\b|UHT\b|NDB\b|DHA\b)[A-Z][A-Z'&.\-]{2,}\b")

_MEAT = _words(
    "beef",
    "pork",
    "chicken",
    "turkey",
    "lamb",
    "mutton",
    "veal",
    "ham",
    "hamburger",
    "bacon",
    "sausage",
    "salami",
    "pepperoni",
    "bologna",
    "frankfurter",
    "hot dog",
    "frank",
    "wiener",
    "meatball",
    "meat",
    "meats",
    "gelatin",
    "gelatine",
    "lard",
    "tallow",
    "suet",
    "broth",
    "stock",
    "bouillon",
    "consomme",
    "duck",
    "goose",
    "venison",
    "bison",
    "buffalo",
    "game",
    "liver",
    "liverwurst",
    "braunschweiger",
    "giblet",
    "gizzard",
    "kidney",
    "tripe",
    "rabbit",
    "goat",
    "elk",
    "moose",
    "caribou",
    "deer",
    "whale",
    "seal",
    "walrus",
    "bear",
    "squirrel",
    "quail",
    "pheasant",
    "ostrich",
    "emu",
    "cornish",
    "capon",
    "poultry",
    "animal",
    "rennet",
    "collagen",
    "marrow",
    "drippings",
    "schmaltz",
    "chorizo",
    "pastrami",
    "prosciutto",
    "jerky",
    "pate",
    "scrapple",
    "headcheese",
    "chitterlings",
    "kielbasa",
    "bratwurst",
)
# "coconut meat", "nut meat", goat or buffalo milk and cheese are not meat.
_NOT_MEAT = re.compile(
    r"\b(?:nut|coconut|walnut|pecan)\s+meats?\b|\bnutmeats?\b"
    r"|\b(?:goat|buffalo|sheep)(?:'s)?\s+(?:milk|cheese)\b"
    r"|\b(?:milk|cheese), (?:goat|buffalo|sheep)\b",
    re.IGNORECASE,
)

# Not meat, but not vegan either.
_ANIMAL = _words(
    "honey",
    "beeswax",
    "royal jelly",
    "bee pollen",
    "carmine",
    "cochineal",
    "shellac",
    "isinglass",
    "lanolin",
    "fortified",
    "enhanced",
)
# "with added calcium, vitamins A and D": the D may be D3 from lanolin.
_VITAMIN_D = re.compile(r"\bvitamins?\b[^|]*?\bD\b(?!2)|\bvitamin D3\b", re.IGNORECASE)
_HONEYDEW = re.compile(r"\bhoneydew\b", re.IGNORECASE)

# Commercial plant milk beverages and their allergens beyond the keywords.
_PLANT_MILK = re.compile(
    r"\b(?:almond|rice|oat|coconut|cashew|hemp|soy)\s*milk\b|\bsoymilk\b"
    r"|\b(?:almond|rice|oat|coconut|cashew|hemp) beverage\b",
    re.IGNORECASE,
)
_PLANT_MILK_EXTRA: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = (
    (re.compile(r"\balmond\b", re.I), frozenset({"tree_nuts", "soy"})),
    (re.compile(r"\brice\b|\bricemilk\b", re.I), frozenset({"tree_nuts"})),
    (re.compile(r"\bcoconut\b", re.I), frozenset({"tree_nuts"})),
    (re.compile(r"\boat\b", re.I), frozenset({"tree_nuts", "soy"})),
)
_UNFORTIFIED = re.compile(r"\bunfortified\b", re.IGNORECASE)

# Plain legumes: named beans, peas and lentils are neither peanuts nor soy.
_PLAIN_LEGUME = re.compile(
    r"^(?:beans, (?!baked)|lentils|chickpeas|peas, |cowpeas|lupins|mung beans"
    r"|broadbeans|yardlong beans|hyacinth beans|winged beans|pigeon peas|adzuki"
    r"|moth beans|lima beans|yambean|tofu|soybeans|soymilk|tempeh|natto|miso\b"
    r"|peanuts?\b|peanut butter|soy flour|soy protein|soy sauce|edamame|carob)",
    re.IGNORECASE,
)

# Plain eggs of the Dairy and Egg group (no milk added).
_PLAIN_EGG = re.compile(r"^egg(?:s)?, ", re.IGNORECASE)

# Single-ingredient foods of otherwise doubtful groups.
_PLAIN_OIL = re.compile(
    r"^oil, (?!.*\bfish\b)(?!.*\bvegetable\b)(?!.*\bshortening\b)"
    r"(?!.*\bmargarine\b)(?!.*\bspread\b)(?!.*\bblend\b)",
    re.IGNORECASE,
)
_VEGETABLE_OIL = re.compile(r"^oil, vegetable\b|^vegetable oil\b", re.IGNORECASE)
_FISH_OIL = re.compile(r"^oil, fish\b", re.IGNORECASE)
_MARGARINE = _words("margarine", "margarine-like")
_PLAIN_BEVERAGE = re.compile(
    r"^(?:water, |beverages, (?:water|coffee, brewed|coconut water"
    r"|tea, (?:black|green|herb|oolong|white)[^|]*brewed"
    r"|carbonated, (?:club soda|water|cola|ginger ale|low calorie|lemon-lime"
    r"|root beer|orange|grape|tonic)))",
    re.IGNORECASE,
)
_PLAIN_CEREAL = re.compile(
    r"^cereals, (?:oats|corn grits|farina|whole wheat hot natural|wheat|rice"
    r"|quinoa|cream of (?:wheat|rice)|ralston|maypo|malt-o-meal)"
    r"|^cereals ready-to-eat, (?:wheat|rice|corn|oats?), puffed\b"
    r"|^cereals ready-to-eat, wheat germ, toasted, plain",
    re.IGNORECASE,
)
_CEREAL_ADDITIVE = re.compile(
    r"\bmilk\b|\bhoney\b|\bflavor|\bsweetened\b|\bfrosted\b", re.I
)
_PLAIN_SWEET = re.compile(
    r"^(?:sugars?, (?:granulated|brown|powdered|maple)|syrups?, (?:maple|corn)"
    r"|molasses|honey\b|jams and preserves|jams, |jellies\b|marmalade)",
    re.IGNORECASE,
)
_PLAIN_SNACK = re.compile(
    r"^snacks, (?:popcorn, air-popped|rice cakes, brown rice, plain"
    r"|corn cakes"
    r"|pretzels, hard, plain)",
    re.IGNORECASE,
)
_CORN_TORTILLA = re.compile(r"^tortillas, [^|]*\bcorn\b", re.IGNORECASE)


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
    vitamin_d = bool(_VITAMIN_D.search(description))
    if re.search(r"\bD2\b", description) and not vitamin_d:
        # "fortified with ... vitamin D2": the vitamin D is plant/fungal.
        animal_text = re.sub(r"\bfortified\b", " ", animal_text, flags=re.I)
    fortified_plant_milk = (
        plant_milk
        and food_group in {BEVERAGE_GROUP, LEGUME_GROUP}
        and not _UNFORTIFIED.search(description)
        and not re.search(r"\bD2\b", description)
    )
    animal = (
        meat
        or fishy
        or bool(allergens & {"milk", "egg"})
        or bool(_ANIMAL.search(animal_text))
        or vitamin_d
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
) -> list[Tags]:
    """Tag many foods; the iterables run in parallel (see :func:`tag_food`)."""
    descs = list(descriptions)
    common = [""] * len(descs) if common_names is None else list(common_names)
    manuf = [""] * len(descs) if manufacturers is None else list(manufacturers)
    return [
        tag_food(d, g, common_name=c, manufacturer=m)
        for d, g, c, m in zip(descs, food_groups, common, manuf, strict=True)
    ]
