"""The whole USDA SR28 release as food-table text (:meth:`FoodTable.from_sr28`).

Every SR28 food with the same conservative tags as the bundled table, and
every WEIGHT row as a portion; :class:`~mealplan.FoodTable` validates the
text as it validates any caller's table.
"""

from __future__ import annotations

from pathlib import Path

from mealplan._nutrients import Nutrient
from mealplan._tabletext import ALL_SLOTS, MAX_PORTION_ROWS, TextTable, frame_text

__all__ = ["sr28_text"]

_NUTRIENTS: tuple[str, ...] = tuple(n.value for n in Nutrient)


def sr28_text(
    sr28_dir: str | Path, prices_dir: str | Path | None
) -> tuple[TextTable, TextTable]:
    """Return the foods and the portions of the SR28 release in ``sr28_dir``.

    Ids are ``sr28-<NDB>``, names the SR28 descriptions, meal slots all four,
    portions every WEIGHT row (default: the first Seq), no article mentions.

    Raises:
        FoodTableError: The release (or the prices) cannot be read.

    """
    import pandas as pd

    from mealplan._build import SR28_COLUMNS, food_rows, portion_rows, read_prices
    from mealplan._sr28 import read_sr28

    sr28 = read_sr28(sr28_dir)
    ndbs = [str(n) for n in sr28.foods.index]
    prices = read_prices(prices_dir) if prices_dir is not None else None
    rows = food_rows(sr28, ndbs, prices=prices)
    ids = [f"sr28-{n}" for n in ndbs]
    text = pd.DataFrame(index=pd.RangeIndex(len(ndbs)))
    text["id"] = ids
    text["name"] = rows["sr28_description"]
    text["ndb_no"] = rows["ndb_no"]
    text["food_group"] = rows["food_group"]
    text["category"] = rows["food_group"]
    for column in _NUTRIENTS:
        text[column] = rows[column]
    for column in ("vegan", "vegetarian", "pescatarian"):
        text[column] = ["true" if v else "false" for v in rows[column]]
    text["allergens"] = rows["allergens"]
    text["fortified"] = rows["fortified"]
    text["meal_slots"] = ";".join(ALL_SLOTS)
    text["article_sections"] = ""
    text["max_portions"] = ""
    for column in SR28_COLUMNS:
        text[column] = rows[column]
    text["provenance"] = rows["provenance"]
    first = sr28.weight.assign(seq_no=sr28.weight["seq"].astype(int))
    first_seq = first.sort_values("seq_no").groupby("ndb_no")["seq"].first()
    defaults = {f"sr28-{n}": str(first_seq.get(n, "")) for n in ndbs}
    port = portion_rows(sr28, dict(zip(ids, ndbs, strict=True)), defaults)
    return (
        frame_text(text, str(sr28_dir)),
        frame_text(port, str(sr28_dir), max_rows=MAX_PORTION_ROWS),
    )
