"""The product and diet words behind the tags of ``_tagging``.

Data, not logic: patterns naming prepared products (sweets, baked and fried
foods, brands), meats and other animal foods, and the plain single-ingredient
foods of groups that are otherwise in doubt. ``_tagging``'s docstring explains
every decision.
"""

from __future__ import annotations

import re

from mealplan._allergen_words import _words

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
