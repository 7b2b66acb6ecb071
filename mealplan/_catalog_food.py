"""The pydantic models of one food of a table (:meth:`FoodTable.food`).

Built from a table's validated columns only when asked for: loading a table
or planning needs no pydantic model (issue 10, cold start).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from mealplan._tabletext import split_list

if TYPE_CHECKING:
    from mealplan._food import Food, Mention
    from mealplan._tabletext import Columns, PortionRows

__all__ = ["food_model", "mention_index"]


def mention_index(rows: Sequence[Mapping[str, str]]) -> dict[str, list[Mention]]:
    """Return food id -> the article mentions (rows of article_mentions.csv) naming it."""
    from mealplan._food import Mention

    index: dict[str, list[Mention]] = {}
    for rec in rows:
        mention = Mention(
            mention_id=rec["mention_id"],
            section=rec["section"],
            words=rec["words"],
            kind=rec["kind"],
            note=rec["note"],
        )
        for food_id in split_list(rec["food_ids"]):
            index.setdefault(food_id, []).append(mention)
    return index


def food_model(
    cols: Columns,
    p: PortionRows,
    nutrients: Mapping[str, str],
    food_id: str,
    i: int,
    mentions: Sequence[Mention],
) -> Food:
    """Return the food ``food_id`` (row ``i`` of ``cols``) as a :class:`Food`."""
    from mealplan._food import Food, Portion

    def opt_text(column: str) -> str | None:
        return cols.texts[column][i] or None

    def opt_float(column: str) -> float | None:
        value = float(cols.numbers[column][i])
        return None if math.isnan(value) else value

    portions = tuple(
        Portion(
            seq=p.seq[j],
            amount=p.amount[j],
            description=p.description[j],
            grams=p.grams[j],
            is_default=p.is_default[j],
        )
        for j in p.by_food.get(food_id, ())
    )
    return Food(
        id=food_id,
        name=cols.texts["name"][i],
        ndb_no=opt_text("ndb_no"),
        food_group=opt_text("food_group"),
        category=opt_text("category"),
        nutrients={c: opt_float(c) for c in nutrients},
        vegan=bool(cols.flags["vegan"][i]),
        vegetarian=bool(cols.flags["vegetarian"][i]),
        pescatarian=bool(cols.flags["pescatarian"][i]),
        allergens=cols.tags["allergens"][i],
        fortified=cols.tags["fortified"][i],
        meal_slots=cols.tags["meal_slots"][i],
        article_sections=cols.tags["article_sections"][i],
        max_portions=opt_float("max_portions"),
        price_per_100g=opt_float("price_per_100g"),
        price_year=opt_text("price_year"),
        price_source=opt_text("price_source"),
        sr28_description=opt_text("sr28_description"),
        provenance=opt_text("provenance"),
        portions=portions,
        mentions=tuple(mentions),
        fndds_code=opt_text("fndds_code"),
        base=opt_text("base"),
        roles=cols.tags["roles"][i],
        whole_units=bool(cols.flags["whole_units"][i]),
        vitamin_d_form=opt_text("vitamin_d_form"),
    )
