"""A table's columns and portions cut down to some of its foods.

The rows behind :meth:`FoodTable.subset`: the arrays stay read-only, the
portions keep their order and their per-food index.
"""

from __future__ import annotations

from collections.abc import Set
from typing import TYPE_CHECKING, Any

import numpy as np

from mealplan._tabletext import Columns, PortionRows

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["take_rows"]


def take_rows(
    cols: Columns, p: PortionRows, wanted: Set[str]
) -> tuple[Columns, PortionRows]:
    """Return the columns and portions of the foods in ``wanted``, in table order."""
    ids = cols.ids
    rows = [i for i, f in enumerate(ids) if f in wanted]
    keep = np.array(rows, dtype=np.intp)

    def frozen(array: NDArray[Any]) -> NDArray[Any]:
        out = array[keep]
        out.flags.writeable = False
        return out

    columns = Columns(
        ids=[ids[i] for i in rows],
        order=list(cols.order),
        numbers={c: frozen(v) for c, v in cols.numbers.items()},
        flags={c: frozen(v) for c, v in cols.flags.items()},
        tags={c: [v[i] for i in rows] for c, v in cols.tags.items()},
        texts={c: [v[i] for i in rows] for c, v in cols.texts.items()},
        units=dict(cols.units),
    )
    members = [i for i, f in enumerate(p.food_id) if f in wanted]
    portions = PortionRows(
        food_id=[p.food_id[i] for i in members],
        seq=[p.seq[i] for i in members],
        amount=[p.amount[i] for i in members],
        description=[p.description[i] for i in members],
        grams=[p.grams[i] for i in members],
        is_default=[p.is_default[i] for i in members],
    )
    for j, fid in enumerate(portions.food_id):
        portions.by_food.setdefault(fid, []).append(j)
    return columns, portions
