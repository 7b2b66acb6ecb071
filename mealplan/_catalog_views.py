"""The pandas views of a :class:`~mealplan.FoodTable`, built on first use.

:attr:`FoodTable.frame`, :attr:`FoodTable.portions` and
:attr:`FoodTable.mentions_table` are the interface for callers who work in
pandas; the planner reads the arrays instead, so pandas is imported only
here, and only when a caller asks for a view.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from mealplan._columns import MENTION_COLUMNS, PORTIONS_COLUMNS

if TYPE_CHECKING:
    import pandas as pd

    from mealplan._tabletext import Columns, PortionRows

__all__ = ["foods_frame", "mentions_frame", "portions_frame"]


def foods_frame(cols: Columns, ids: list[str]) -> pd.DataFrame:
    """Return the foods as a DataFrame indexed by ``id`` (:attr:`FoodTable.frame`)."""
    import pandas as pd

    data: dict[str, Any] = {}
    for column in cols.order:
        if column in cols.numbers:
            data[column] = cols.numbers[column].copy()
        elif column in cols.flags:
            data[column] = cols.flags[column].copy()
        elif column in cols.tags:
            data[column] = list(cols.tags[column])
        else:
            data[column] = list(cols.texts[column])
    return pd.DataFrame(data, index=pd.Index(ids, name="id"))


def portions_frame(p: PortionRows) -> pd.DataFrame:
    """Return the portions with the portions.csv columns (:attr:`FoodTable.portions`)."""
    import pandas as pd

    return pd.DataFrame(
        {
            "food_id": p.food_id,
            "seq": np.array(p.seq, dtype=np.int64),
            "amount": np.array(p.amount, dtype=np.float64),
            "description": p.description,
            "grams": np.array(p.grams, dtype=np.float64),
            "is_default": np.array(p.is_default, dtype=bool),
        },
        columns=list(PORTIONS_COLUMNS),
    )


def mentions_frame(rows: Sequence[Mapping[str, str]]) -> pd.DataFrame:
    """Return the article mentions (:attr:`FoodTable.mentions_table`)."""
    import pandas as pd

    return pd.DataFrame(
        {c: pd.Series([m[c] for m in rows], dtype=object) for c in MENTION_COLUMNS}
    )
