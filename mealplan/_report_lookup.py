"""Reports of the look-up commands: one food with its article mentions, targets."""

from __future__ import annotations

from mealplan._catalog import Food, FoodTable
from mealplan._models import NutrientTargets
from mealplan._report_parts import (
    Block,
    Bullets,
    Heading,
    Para,
    Table,
    amount,
    footer,
    grams,
    money,
    nutrient_label,
    to_markdown,
    to_text,
)

__all__ = [
    "SECTION_TITLES",
    "food_mentions",
    "render_food_markdown",
    "render_food_text",
    "render_targets_markdown",
    "render_targets_text",
]

SECTION_TITLES: dict[str, str] = {
    "key_points": "Key Points",
    "comparison_table": "the comparison table (Best Dietary Sources)",
    "dietary_adjustments": "Dietary Adjustments",
    "foods_high_magnesium": "High-Magnesium Foods",
    "foods_high_calcium": "High-Calcium Foods",
    "foods_vitamin_d": "Vitamin D Sources",
    "faq": "the FAQ",
}
"""Article section slug (``article_mentions.csv``) -> the heading it stands for."""


def food_mentions(foods: FoodTable, food_id: str) -> list[str]:
    """Where the article names a food, in its own words, one phrase per section.

    Returns phrases such as ``"Pumpkin seeds", listed under High-Magnesium
    Foods``; a mention of the food itself is preferred to one of its category.
    """
    if food_id not in foods:
        return []
    best: dict[str, tuple[int, str]] = {}
    for m in foods.mentions(food_id):
        if m.kind not in ("food", "category"):
            continue
        rank = 0 if m.kind == "food" else 1
        if m.section not in best or rank < best[m.section][0]:
            best[m.section] = (rank, m.words)
    order = list(SECTION_TITLES)
    sections = sorted(best, key=lambda s: order.index(s) if s in order else len(order))
    if not best:
        return _dish_mentions(foods, food_id, order)
    return [
        f'"{best[s][1]}", listed under {SECTION_TITLES.get(s, s)}' for s in sections
    ]


def _dish_mentions(foods: FoodTable, food_id: str, order: list[str]) -> list[str]:
    """Cite the article through a dish's recipe ingredients (>= 2 g per 100 g)."""
    from mealplan._grocery import dish_ingredients

    def rank(section: str, kind: str) -> tuple[bool, bool, int]:
        position = order.index(section) if section in order else len(order)
        return (not section.startswith("foods_"), kind != "food", position)

    out: dict[tuple[str, str], str] = {}
    for ing in dish_ingredients(food_id):
        if float(ing["grams_per_100g"]) < 2:
            continue
        found = [
            (rank(m.section, m.kind), m, b)
            for b in ing["food_ids"].split(";")
            if b in foods
            for m in foods.mentions(b)
            if m.kind in ("food", "category")
        ]
        if not found:
            continue
        _, m, bundled = min(found, key=lambda x: (x[0], x[1].words, x[2]))
        key = (m.words.lower(), m.section)
        out.setdefault(
            key,
            f"made with {_ingredient_name(foods, bundled, ing)}, which the article "
            f'names ("{m.words}") under {SECTION_TITLES.get(m.section, m.section)}',
        )
    return list(out.values())[:3]


def _ingredient_name(foods: FoodTable, bundled: str, ing: dict[str, str]) -> str:
    """Name a recipe ingredient: the bundled food when it is that very record.

    An ingredient is tied to the bundled foods by its NDB number or, failing
    that, by the food its description names (``mealplan._fndds_dishes._key``:
    "Chicken, skin only" to every chicken food), so only an NDB match may
    borrow the bundled food's name; otherwise the recipe's own SR28 words say
    what the dish holds (a potato knish's chicken skin, not chicken breast).
    """
    if foods.food(bundled).ndb_no == ing["ndb_no"]:
        return foods.food(bundled).name.lower()
    return ing["ingredient"][:1].lower() + ing["ingredient"][1:]


def _food_blocks(food: Food, foods: FoodTable | None) -> list[Block]:
    default = next((p for p in food.portions if p.is_default), None)
    per = f"Per {default.description} ({grams(default.grams)})" if default else None
    rows = []
    for name, value in food.nutrients.items():
        unit = (
            foods.nutrients.get(name, name.rsplit("_", 1)[-1])
            if foods
            else name.rsplit("_", 1)[-1]
        )
        label = nutrient_label(name)
        row = [label[:1].upper() + label[1:]]
        row.append("n/a" if value is None else amount(value, unit))
        if default is not None:
            row.append(
                "n/a" if value is None else amount(value * default.grams / 100, unit)
            )
        rows.append(row)
    headers = ["Nutrient", "Per 100 g"] + ([per] if per else [])
    tags = [
        "diets: "
        + (
            ", ".join(
                d
                for d, ok in (
                    ("vegan", food.vegan),
                    ("vegetarian", food.vegetarian),
                    ("pescatarian", food.pescatarian),
                )
                if ok
            )
            or "omnivore only"
        ),
        "allergens: " + (", ".join(food.allergens) or "none of the nine major ones"),
        "fortified: " + (", ".join(food.fortified) or "no"),
        "meals: " + (", ".join(food.meal_slots) or "none"),
        "most portions a day: "
        + ("no cap" if food.max_portions is None else f"{food.max_portions:g}"),
        "price: "
        + (
            "unknown"
            if food.price_per_100g is None
            else f"{money(food.price_per_100g)} per 100 g ({food.price_source or 'no source'}, {food.price_year or 'year unknown'})"
        ),
    ]
    portions = [
        f"{p.description}: {grams(p.grams)}" + (" (default)" if p.is_default else "")
        for p in food.portions
    ]
    mentions = (
        [f"{m}." for m in food_mentions(foods, food.id)] if foods is not None else []
    )
    record = [
        f"USDA NDB number: {food.ndb_no or 'none'}",
        f"SR28 description: {food.sr28_description or 'none'}",
        f"SR28 food group: {food.food_group or 'none'}",
        f"Provenance: {food.provenance or 'none'}",
    ]
    return [
        Heading(1, f"{food.name} ({food.id})"),
        Table(headers, rows, {1, 2}),
        Heading(2, "Portions"),
        Bullets(portions or ["100 g"]),
        Heading(2, "Tags"),
        Bullets(tags),
        Heading(2, "Where the article names it"),
        Bullets(mentions or ["Not named in the article."]),
        Heading(2, "USDA SR28 record"),
        Bullets(record),
    ]


def render_food_text(food: Food, foods: FoodTable | None = None) -> str:
    """Render one food (values, portions, tags, mentions, SR28 record) as text."""
    return to_text(_food_blocks(food, foods))


def render_food_markdown(food: Food, foods: FoodTable | None = None) -> str:
    """Render one food (values, portions, tags, mentions, SR28 record) as Markdown."""
    return to_markdown(_food_blocks(food, foods))


def _targets_blocks(targets: NutrientTargets) -> list[Block]:
    rows = []
    for b in targets.bounds:
        label = nutrient_label(b.nutrient)
        rows.append(
            [
                label[:1].upper() + label[1:],
                "—" if b.minimum is None else amount(b.minimum, b.unit),
                b.minimum_kind.value if b.minimum_kind else "—",
                "—" if b.maximum is None else amount(b.maximum, b.unit),
                b.maximum_kind.value if b.maximum_kind else "—",
            ]
        )
    blocks: list[Block] = [
        Heading(1, "Daily targets"),
        Table(["Nutrient", "Minimum", "Kind", "Maximum", "Kind"], rows, {1, 3}),
    ]
    if targets.macro_shares:
        blocks.append(
            Para(
                "Energy shares (AMDR): "
                + "; ".join(
                    f"{nutrient_label(n)} {lo:.0%}-{hi:.0%}"
                    for n, (lo, hi) in targets.macro_shares.items()
                )
                + "."
            )
        )
    blocks.append(Heading(2, "Sources"))
    blocks.append(
        Bullets([f"{nutrient_label(b.nutrient)}: {b.source}" for b in targets.bounds])
    )
    if targets.notes:
        blocks.append(Heading(2, "Notes"))
        blocks.append(Bullets(list(targets.notes)))
    blocks += footer()
    return blocks


def render_targets_text(targets: NutrientTargets) -> str:
    """Render daily targets (bounds, kinds, sources) as aligned text."""
    return to_text(_targets_blocks(targets))


def render_targets_markdown(targets: NutrientTargets) -> str:
    """Render daily targets (bounds, kinds, sources) as Markdown."""
    return to_markdown(_targets_blocks(targets))
