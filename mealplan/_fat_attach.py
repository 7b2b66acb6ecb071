"""Each cooking fat of a day shown as part of the item it goes with.

The model plans a fat (oil, butter, dressing) as an amount at a meal; the
plan shows it as the cooking fat, dressing or spread of one item of that meal
(``part_of``, ``part_as``: "cooked with 1 tbsp canola oil"), chosen by the
rules of :mod:`mealplan._fat_hosts` and matched one fat to an item.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mealplan._fat_hosts import COOKING_FAT_ROLE, fat_class, fat_host, fat_words
from mealplan._meal_structure import cached_host_kinds, role_sets
from mealplan._structure import raw_flags

if TYPE_CHECKING:
    from mealplan._catalog import FoodTable
    from mealplan._plan_models import PlanItem

__all__ = ["OIL_HOST_SHARE", "attach_fats"]


OIL_HOST_SHARE = 0.25
"""Most grams of oil per gram of the item it is shown with, where another will do.

A tablespoon of oil (14 g) on half a cup of raw mushrooms (35 g) is 124 kcal
of oil on 8 kcal of food, a dish no one makes, while the same oil cooks the
pasta beside it; a quarter of the item's weight is a tablespoon on 56 g (a
cup of cooked vegetables or pasta is 150-180 g). Only the choice of item
changes: an oil no item of its meal is big enough for keeps its first choice.
Dressings, butter and mayonnaise are left alone: a tablespoon of dressing on
a cup of greens (30-50 g) or butter spread on a slice of bread is how people
eat them."""


def _in_proportion(
    base: str, fat: PlanItem, ranked: list[int], items: Sequence[PlanItem]
) -> list[int]:
    """``ranked`` with the items too small for an oil (OIL_HOST_SHARE) last."""
    if fat_class(base) != "oil":
        return ranked
    big = [j for j in ranked if fat.grams <= OIL_HOST_SHARE * items[j].grams + 1e-9]
    return big + [j for j in ranked if j not in big]


def attach_fats(items: Sequence[PlanItem], table: FoodTable) -> list[PlanItem]:
    """Show each fat of a day's items as part of an item of its meal.

    A fat (oil, butter, dressing) gets ``part_of`` (an item, one fat each, it is cooked
    with, dresses or is spread on, chosen by :func:`~mealplan._fat_hosts.fat_host`)
    and ``part_as``, and is listed right after that item. Items of a table
    without roles, and fats with nothing to go with (the bare model), are
    returned as they are.
    """
    if not table.has_column("roles") or not items:
        return list(items)
    every = role_sets(table)
    index = {fid: i for i, fid in enumerate(table.ids)}
    bases = table.texts("base") if table.has_column("base") else [""] * len(index)
    raw_at = raw_flags(table)
    raw = frozenset(
        i.food_id for i in items if i.food_id in index and raw_at[index[i.food_id]]
    )

    def roles(item: PlanItem) -> frozenset[str]:
        i = index.get(item.food_id)
        return every[i] if i is not None else frozenset()

    out = list(items)
    kinds_at = cached_host_kinds(table)
    kinds = {i.food_id: kinds_at[index[i.food_id]] for i in items if i.food_id in index}
    # Each fat gets an item of its meal it goes with, one fat an item: a
    # matching (augmenting paths; a meal has two fats at most), each fat's
    # items in fat_host's order of preference.
    wants: dict[int, list[int]] = {}
    for k, item in enumerate(items):
        if COOKING_FAT_ROLE not in roles(item):
            continue
        base = bases[index[item.food_id]]
        meal = [
            (j, o)
            for j, o in enumerate(items)
            if o.meal == item.meal and j != k and COOKING_FAT_ROLE not in roles(o)
        ]
        ranked: list[int] = []
        while True:
            left = [(o.food_id, roles(o)) for j, o in meal if j not in ranked]
            host = fat_host(base, left, raw, kinds)
            if host is None:
                break
            ranked.append(
                next(j for j, o in meal if j not in ranked and o.food_id == host[0])
            )
        wants[k] = _in_proportion(base, item, ranked, items)
    holder: dict[int, int] = {}

    def assign(k: int, seen: set[int]) -> bool:
        for j in wants[k]:
            if j in seen:
                continue
            seen.add(j)
            if j not in holder or assign(holder[j], seen):
                holder[j] = k
                return True
        return False

    for k in wants:
        assign(k, set())
    after: dict[int, list[PlanItem]] = {}
    placed: set[int] = set()
    for j, k in sorted(holder.items()):
        item = items[k]
        words = fat_words(bases[index[item.food_id]], kinds[items[j].food_id])
        after.setdefault(j, []).append(
            item.model_copy(update={"part_of": items[j].food_id, "part_as": words})
        )
        placed.add(k)
    if not placed:
        return out
    ordered: list[PlanItem] = []
    for k, item in enumerate(out):
        if k in placed:
            continue
        ordered.append(item)
        ordered.extend(after.get(k, ()))
    return ordered
