"""Conservative allergen and diet tags from an SR28 food group and description.

SR28 has no ingredient lists, so the tags are inferred from the food group
and words of the description. Every rule errs on the safe side: a food is
tagged with an allergen whenever it *might* contain it, and loses a diet tag
whenever it *might* be unsuitable. Concretely:

* Foods that are prepared, mixed or branded (baked goods, sweets, snacks,
  soups and sauces, baby foods, fast food, restaurant and mixed dishes,
  breakfast cereals, most beverages, American Indian/Alaska Native foods, any
  description naming a sauce, batter, breading, dressing, spread, mix, recipe,
  imitation or substitute product, and any upper-case brand name) are
  "doubtful": they carry all nine allergens and no diet tag.
* Otherwise each allergen has a keyword list (``cheese``, ``butter``,
  ``cream``, ``whey`` ... for milk; ``almond``, ``coconut`` ... for tree nuts,
  coconut being a tree nut for the FDA); matches are by word *prefix*, so
  ``buttermilk`` and ``walnuts`` match. A handful of phrases that certainly
  name another food are removed first (``eggplant``, ``water chestnut``,
  ``butternut squash``, ``coconut milk``, ``cocoa butter``, ``bean curd``).
* Group rules: Finfish and Shellfish foods are fish (``Fish, ...``),
  shellfish (``Crustaceans`` / ``Mollusks``) or, if neither is named, both;
  Dairy and Egg foods are milk unless they are plain eggs; legumes other than
  plainly named beans, peas, lentils and the like are peanuts and soy (the
  group holds both); ``Nuts, ...`` are tree nuts and mixed nuts also peanuts;
  oats, rye, barley and buckwheat also get wheat (shared milling); pasta and
  noodles also get egg; foods canned "in oil" also get soy (soybean oil).
* Diet tags: meat groups and meat words drop all three diets; fish and
  shellfish drop vegetarian and vegan; milk, egg, honey, gelatin and other
  animal words drop vegan. Vitamin D added to a food may be D3 from lanolin,
  so a food described as having added vitamin D (or "fortified") is not
  tagged vegan.

The same function tags the bundled table and ``FoodTable.from_sr28``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from mealplan._nutrients import Allergen

__all__ = ["ALL_ALLERGENS", "Tags", "tag_food", "tag_foods"]

ALL_ALLERGENS: frozenset[str] = frozenset(a.value for a in Allergen)

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

# Groups whose foods are recipes or manufactured products: without an
# ingredient list any of the nine allergens may be present.
DOUBT_GROUPS = frozenset(
    {
        "Baby Foods",
        "Soups, Sauces, and Gravies",
        "Sausages and Luncheon Meats",
        "Baked Products",
        "Sweets",
        "Fast Foods",
        "Meals, Entrees, and Side Dishes",
        "Snacks",
        "American Indian/Alaska Native Foods",
        "Restaurant Foods",
        "Breakfast Cereals",
        "Beverages",
        "Fats and Oils",
    }
)


def _words(*words: str) -> re.Pattern[str]:
    """Return a case-insensitive pattern matching any of ``words`` at a word start."""
    return re.compile(r"\b(?:" + "|".join(words) + ")", re.IGNORECASE)


# Phrases that certainly do not name the allergen their words suggest; they
# are blanked before the keyword rules run.
_NOT_ALLERGEN = re.compile(
    r"\beggplants?\b|\bwater ?chestnuts?\b|\bbutternut squash\b|squash,[^|]*butternut"
    r"|\bbutterhead\b|\bbutterbur\b|\bcocoa butter\b|\bbean ?curd\b"
    r"|\bmushrooms?, oyster\b|\boyster mushrooms?\b|squash,[^|]*spaghetti"
    r"|\bspaghetti squash\b|\blambs ?quarters\b|\bsalad or cooking\b|\bcrabapples?\b"
    r"|\bdrumstick (?:leaves|pods)\b|squash, summer, scallop|\bvegetable oyster\b"
    r"|\bgooseberr|\bbeans, kidney\b|\bkidney beans?\b|\bhoneydew\b|\bcustard-apple\b"
    r"|\bwithout milk\b|\bcoconut (?:milk|cream|water)\b"
    r"|\b(?:soy|almond|rice|oat|cashew|hemp) "
    r"(?:milk|beverage)\b|\bcream of tartar\b|\bnutmeg\b|\bmilkweed\b",
    re.IGNORECASE,
)

_KEYWORDS: dict[str, re.Pattern[str]] = {
    "milk": _words(
        "milk",
        "cheese",
        "yogurt",
        "yoghurt",
        "butter",
        "cream",
        "whey",
        "casein",
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
        "latte",
        "cappuccino",
        "alfredo",
        "au gratin",
        "nougat",
        "caramel",
        "toffee",
        "fudge",
        "milkfat",
        "margarine",
        "creamer",
        "chocolate",
    ),
    "egg": _words(
        "egg",
        "mayonnaise",
        "meringue",
        "custard",
        "albumin",
        "omelet",
        "french toast",
        "noodle",
        "pasta",
        "macaroni",
        "spaghetti",
        "eggnog",
        "aioli",
        "hollandaise",
        "souffle",
        "surimi",
    ),
    "fish": _words(
        "fish",
        "salmon",
        "tuna",
        "cod",
        "sardine",
        "anchov",
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
        "ocean perch",
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
        "mollus",
        "seafood",
    ),
    "tree_nuts": _words(
        "nut",
        "almond",
        "brazil",
        "cashew",
        "chestnut",
        "hazelnut",
        "filbert",
        "macadamia",
        "pecan",
        "pine nut",
        "pinyon",
        "pignoli",
        "pistachio",
        "walnut",
        "coconut",
        "beechnut",
        "butternut",
        "hickory",
        "ginkgo",
        "shea",
        "praline",
        "marzipan",
        "nougat",
        "gianduja",
        "trail mix",
        "pesto",
        "baklava",
    ),
    "peanuts": _words(
        "peanut",
        "groundnut",
        "goober",
        "arachis",
        "mixed nuts",
        "trail mix",
        "satay",
        "nuts, mixed",
    ),
    "wheat": re.compile(
        r"wheat|\b(?:flour|bread|crumb|cracker|pasta|noodle|macaroni|spaghetti|semolina"
        r"|durum|spelt|farro|bulgur|couscous|kamut|einkorn|triticale|farina|seitan|graham"
        r"|bran|germ|rye|oat|barley|malt|cereal|biscuit|cake|cookie|pie\b|pastry|tortilla"
        r"|pretzel|roll|bun\b|buns\b|bagel|muffin|waffle|pancake|dumpling|gravy"
        r"|soy sauce|teriyaki|batter|crouton|stuffing|wafer|cone|gluten|breaded|dough"
        r"|crusts?\b)",
        re.IGNORECASE,
    ),
    "soy": re.compile(
        r"soy|\b(?:tofu|tempeh|miso|natto|edamame|okara|yuba|textured vegetable protein"
        r"|lecithin|teriyaki|tamari|shoyu|margarine|vegetable oil|oil, vegetable"
        r"|in oil|in vegetable oil|shortening)",
        re.IGNORECASE,
    ),
    "sesame": _words(
        "sesame",
        "tahini",
        "tahina",
        "hummus",
        "halva",
        "benne",
        "gomasio",
        "za'atar",
        "zaatar",
    ),
}

# Words naming a prepared, mixed or processed product whose ingredients SR28
# does not list: treated as possibly containing every allergen.
_DOUBT = _words(
    "sauce",
    "barbecue",
    "chili with",
    "chili con",
    "beans, baked",
    "baked beans",
    "gravy",
    "dressing",
    "breaded",
    "batter",
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
    "taco",
    "burrito",
    "enchilada",
    "lasagna",
    "pie",
    "cake",
    "cookie",
    "cracker",
    "muffin",
    "biscuit",
    "pancake",
    "waffle",
    "candies",
    "candy",
    "frosting",
    "icing",
    "pudding",
    "dessert",
    "topping",
    "filling",
    "margarine",
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
    "bar\\b",
    "bars\\b",
    "snack",
    "mix\\b",
    "mixes\\b",
    "seasoned",
    "seasoning",
    "flavor",
    "recipe",
    "home-prepared",
    "restaurant",
    "fast food",
    "salad",
    "coleslaw",
    "french fr",
    "fried",
    "marinated",
    "self-basting",
    "frozen dinner",
    "entree",
    "meal",
    "loaf",
    "patties",
    "patty",
    "nuggets",
    "sticks",
    "fillets, battered",
    "dip\\b",
    "hummus",
    "refried",
    "dumpling",
    "croissant",
    "roll\\b",
    "rolls\\b",
    "bread",
    "shake",
    "smoothie",
    "babyfood",
    "infant",
    "toddler",
    "nutritional supplement",
    "meal replacement",
    "commercial",
    "chocolate",
    "cocoa",
    "granola",
    "trail mix",
    "sweetened",
    "glazed",
    "candied",
    "chips",
)

# Upper-case words of three or more letters are brand or product names in
# SR28 ("KELLOGG'S", "MORNINGSTAR FARMS"); their recipes are not known.
_BRAND = re.compile(r"\b(?!USDA\b|NFS\b|UHT\b|NDB\b)[A-Z][A-Z'&.\-]{2,}\b")

_MEAT = _words(
    "beef",
    "pork",
    "chicken",
    "turkey",
    "lamb",
    "mutton",
    "veal",
    "ham\\b",
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
    "giblet",
    "gizzard",
    "kidney\\b",
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
    "vitamin d",
    "fortified",
    "egg",
    "milk",
)
# "with added calcium, vitamins A and D": the D may be D3 from lanolin.
_VITAMIN_D = re.compile(r"vitamins?\b[^|]*?\bD\b")

# Plain legumes: named beans, peas and lentils are neither peanuts nor soy.
_PLAIN_LEGUME = re.compile(
    r"^(?:beans, (?!baked)|lentils|chickpeas|peas, |cowpeas|lupins|mung beans"
    r"|broadbeans|yardlong beans|hyacinth beans|winged beans|pigeon peas|adzuki"
    r"|moth beans"
    r"|lima beans|yambean|tofu|soybeans|soymilk|tempeh|natto)",
    re.IGNORECASE,
)

# Plain eggs of the Dairy and Egg group (no milk added).
_PLAIN_EGG = re.compile(
    r"^egg, (?:whole|white|yolk)[^|]*$|^egg, (?:duck|goose|quail|turkey)", re.IGNORECASE
)
_EGG_WITH_MILK = _words("scrambled", "omelet", "fried", "substitute", "creamed")

# Single-ingredient foods of otherwise doubtful groups.
_PLAIN_OIL = re.compile(
    r"^oil, (?!.*fish)(?!.*industrial)(?!.*vegetable)", re.IGNORECASE
)
_PLAIN_BEVERAGE = re.compile(
    r"^(?:water, |beverages, (?:water|coffee, brewed"
    r"|tea, (?:black|green|herb)[^|]*brewed"
    r"|carbonated, (?:club soda|water)))",
    re.IGNORECASE,
)
_PLAIN_CEREAL = re.compile(
    r"^cereals, (?:oats|corn grits|farina|whole wheat hot natural|wheat|rice|quinoa)",
    re.IGNORECASE,
)
_PLAIN_SWEET = re.compile(
    r"^(?:sugars?, (?:granulated|brown|powdered|maple)|syrups?, maple"
    r"|molasses|honey\b)",
    re.IGNORECASE,
)


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


def _is_plain(description: str, food_group: str) -> bool:
    """Whether a food of a doubtful group is a single, named ingredient."""
    if food_group == FATS_GROUP:
        return bool(_PLAIN_OIL.match(description))
    if food_group == BEVERAGE_GROUP:
        return bool(_PLAIN_BEVERAGE.match(description))
    if food_group == CEREAL_GROUP:
        return bool(_PLAIN_CEREAL.match(description))
    if food_group == SWEETS_GROUP:
        return bool(_PLAIN_SWEET.match(description))
    return False


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
    plain_text = _NOT_ALLERGEN.sub(" ", text)
    plain_desc = _NOT_ALLERGEN.sub(" ", description)
    lower = description.lower()
    allergens = {
        name for name, pattern in _KEYWORDS.items() if pattern.search(plain_text)
    }

    doubt = (
        (food_group in DOUBT_GROUPS and not _is_plain(description, food_group))
        or bool(_DOUBT.search(plain_desc))
        or bool(_BRAND.search(description))
        or bool(manufacturer.strip())
        or food_group == ""
    )
    meat = food_group in MEAT_GROUPS or bool(_MEAT.search(plain_text))
    # "coconut meat" and "nut meat" name the flesh of a nut, not animal meat.
    if meat and food_group not in MEAT_GROUPS:
        meat = bool(
            _MEAT.search(
                re.sub(r"\b(?:nut|coconut)\s+meat", " ", plain_text, flags=re.I)
            )
        )

    if food_group == FISH_GROUP:
        if lower.startswith(("crustaceans", "mollusks")):
            allergens.add("shellfish")
        elif lower.startswith("fish,"):
            allergens.add("fish")
        else:
            allergens |= {"fish", "shellfish"}
    if food_group == DAIRY_EGG_GROUP:
        if not _PLAIN_EGG.match(description) or _EGG_WITH_MILK.search(description):
            allergens.add("milk")
        if lower.startswith("egg"):
            allergens.add("egg")
    if food_group == LEGUME_GROUP and not _PLAIN_LEGUME.match(description):
        allergens |= {"peanuts", "soy"}
    if lower.startswith("nuts,"):
        allergens.add("tree_nuts")
        if "mixed" in lower:
            allergens.add("peanuts")
    if food_group == NUT_SEED_GROUP and "mixed" in lower:
        allergens |= {"tree_nuts", "peanuts"}

    if doubt:
        return Tags(False, False, False, ALL_ALLERGENS)

    fishy = bool(allergens & {"fish", "shellfish"}) or food_group == FISH_GROUP
    animal = (
        meat
        or fishy
        or bool(allergens & {"milk", "egg"})
        or bool(_ANIMAL.search(plain_text))
        or bool(_VITAMIN_D.search(description))
        or food_group == DAIRY_EGG_GROUP
    )
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
