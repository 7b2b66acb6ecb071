"""The food table: loading, validation and look-ups.

:func:`load_foods` returns the bundled table (``foods/foods.csv``, built from
USDA SR28 by ``python -m mealplan.data build-foods``) or a caller's CSV with
the same columns. :meth:`FoodTable.from_sr28` turns the whole SR28 release
into a table with the same conservative tags.

A caller's table needs only ``id`` and ``name``. Every other known column is
optional and takes a *safe* default when absent:

* nutrients: missing for every food;
* ``vegan``, ``vegetarian``, ``pescatarian``: false;
* ``allergens``: **every food is treated as containing all nine allergens**,
  so a table without the column can only plan for people with no allergies;
  supply the column to filter by allergy;
* ``meal_slots``: all four slots; ``max_portions`` and prices: none.

Foods without portions get a single default ``100 g`` portion. Every problem
is a one-sentence :class:`~mealplan.FoodTableError` naming the file, the
1-based data row and the column; no row is ever dropped. The limits on a
table (rows, columns, file size, physically possible values) are listed in
:mod:`mealplan._tabletext`.

The bundled table is read with the stdlib ``csv`` module into numpy arrays
and cached in the process: loading it imports neither pandas nor PuLP.
pandas is the interface for callers who bring a DataFrame
(:meth:`FoodTable.from_dataframe`, :meth:`FoodTable.to_dataframe`,
:attr:`FoodTable.frame`) and is imported only then.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from mealplan._catalog_allowed import fortified_mask, person_mask
from mealplan._catalog_food import food_model, mention_index
from mealplan._catalog_load import load_foods
from mealplan._catalog_overrides import (
    Overrides,
    checked_caps,
    checked_standins,
    checked_supplements,
)
from mealplan._catalog_rows import take_rows
from mealplan._catalog_search import search_ids, unknown_food
from mealplan._columns import MENTION_COLUMNS
from mealplan._errors import UnknownFoodError
from mealplan._nutrients import Allergen, Diet
from mealplan._tabletext import (
    MAX_PORTION_ROWS,
    Columns,
    PortionRows,
    TextTable,
    frame_text,
)
from mealplan._tabletext_checks import validate_foods, validate_portions

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import NDArray

    from mealplan._food import Food as Food
    from mealplan._food import Mention as Mention
    from mealplan._food import Portion as Portion
    from mealplan._life_stage_caps import LifeStageCap
    from mealplan._supplements import Supplement
    from mealplan._ul_standins import UlStandin

__all__ = ["Food", "FoodTable", "Mention", "Portion", "load_foods"]

_MODELS = frozenset(("Food", "Mention", "Portion"))


def __getattr__(name: str) -> object:
    # The pydantic models live in mealplan._food, imported on first use:
    # loading the table needs no pydantic (issue 10, cold start).
    if name in _MODELS:
        from mealplan import _food

        return getattr(_food, name)
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


class FoodTable:
    """Foods with nutrients per 100 g, tags, portions and article mentions.

    Read it through the array accessors (:meth:`numbers`, :meth:`texts`,
    :meth:`flags`, :meth:`tags`) and the look-ups (:meth:`food`,
    :meth:`search`, :meth:`allowed`, :meth:`default_portion`,
    :meth:`mentions`); none of them needs pandas. A table is immutable: the
    arrays it returns are copies. Build one with :func:`load_foods`,
    :meth:`from_dataframe`, :meth:`from_sr28` or :meth:`subset`; the
    constructor takes already validated columns.

    Attributes:
        nutrients: Nutrient column -> unit: the standard ones plus extras.
        source: ``"bundled"`` or the path (or ``"<dataframe>"``) it came from.

    """

    def __init__(
        self,
        columns: Columns,
        portions: PortionRows,
        mentions: Sequence[Mapping[str, str]],
        source: str,
        *,
        overrides: Overrides | None = None,
    ) -> None:
        self._columns = columns
        # A caller's supplements, children's caps and stand-ins (None in
        # each: the bundled one), see the using_* methods.
        self._overrides = overrides or Overrides()
        self._portion_rows = portions
        self._mention_rows: tuple[dict[str, str], ...] = tuple(
            {c: str(m.get(c, "")) for c in MENTION_COLUMNS} for m in mentions
        )
        self.nutrients: dict[str, str] = dict(columns.units)
        self.source = source
        self._ids: list[str] = list(columns.ids)
        self._id_set = frozenset(self._ids)
        self._row: dict[str, int] = {f: i for i, f in enumerate(self._ids)}
        self._defaults: dict[str, tuple[str, float]] = {}
        for i, fid in enumerate(portions.food_id):
            if portions.is_default[i]:
                self._defaults[fid] = (portions.description[i], portions.grams[i])
        # Mention models are built on first use (building the pydantic model
        # is a noticeable part of a cold start, and a plan never needs them).
        self._mentions_by_food: dict[str, list[Mention]] | None = None
        self._fortified: np.ndarray | None = None
        self._frame: pd.DataFrame | None = None
        self._portions_frame: pd.DataFrame | None = None
        self._mentions_frame: pd.DataFrame | None = None

    def __getstate__(self) -> dict[str, Any]:
        # The pandas views are caches: a worker that receives the table
        # rebuilds them only if it asks (and imports pandas only then).
        state = dict(self.__dict__)
        state.update(_frame=None, _portions_frame=None, _mentions_frame=None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.__dict__.setdefault("_overrides", Overrides())
        self.__dict__.setdefault("_fortified", None)
        for array in (*self._columns.numbers.values(), *self._columns.flags.values()):
            array.flags.writeable = False

    # -- construction -------------------------------------------------------

    @classmethod
    def _from_text(
        cls,
        text: TextTable,
        *,
        label: str,
        source: str,
        extra_nutrients: Mapping[str, str] | None = None,
        portions: TextTable | None = None,
        mentions: TextTable | None = None,
    ) -> FoodTable:
        columns = validate_foods(text, label=label, extra_nutrients=extra_nutrients)
        rows = validate_portions(portions, columns.ids, label)
        records: list[dict[str, str]] = []
        if mentions is not None:
            records = [
                {c: mentions.cells[c][i] for c in mentions.columns}
                for i in range(mentions.rows)
            ]
        return cls(columns, rows, records, source)

    @classmethod
    def from_dataframe(
        cls,
        df: pd.DataFrame,
        *,
        extra_nutrients: Mapping[str, str] | None = None,
        portions: pd.DataFrame | None = None,
    ) -> FoodTable:
        """Build a table from an in-memory DataFrame with the foods.csv columns.

        Args:
            df: One row per food; ``id`` and ``name`` are required.
            extra_nutrients: Extra nutrient column -> unit, e.g.
                ``{"iron_mg": "mg"}``.
            portions: Optional portions with the portions.csv columns; foods
                without any get one ``100 g`` portion.

        Raises:
            FoodTableError: The table is malformed.

        """
        text = frame_text(df, "<dataframe>")
        port = (
            frame_text(portions, "<dataframe>", max_rows=MAX_PORTION_ROWS)
            if portions is not None
            else None
        )
        return cls._from_text(
            text,
            label="<dataframe>",
            source="<dataframe>",
            extra_nutrients=extra_nutrients,
            portions=port,
        )

    @classmethod
    def from_sr28(
        cls, sr28_dir: str | Path, *, prices_dir: str | Path | None = None
    ) -> FoodTable:
        """Turn the whole SR28 release (8,789 foods) into a table.

        Ids are ``sr28-<NDB>``, names the SR28 descriptions, meal slots all
        four, portions every WEIGHT row (default: the first Seq), no article
        mentions; tags come from the same conservative rules as the bundled
        table.

        Raises:
            FoodTableError: The release (or the prices) cannot be read.

        """
        from mealplan._catalog_sr28 import sr28_text

        foods, portions = sr28_text(sr28_dir, prices_dir)
        return cls._from_text(
            foods, label=str(sr28_dir), source=str(sr28_dir), portions=portions
        )

    @property
    def supplements(self) -> tuple[Supplement, ...] | None:
        """The caller's supplements this table plans with; None: the bundled ones."""
        return self._overrides.supplements

    def using_supplements(self, supplements: Sequence[Supplement] | None) -> FoodTable:
        """Return this table planning with a caller's supplements table.

        Pint style: the bundled ``foods/supplements.csv`` is the default, a
        caller's own (:func:`mealplan.load_supplements` of a CSV or a
        DataFrame) overrides it. A request's ``supplements`` field then picks
        from it, and plans, reports and ``regenerate`` given the returned
        table read it. None: back to the bundled supplements. This table is
        unchanged (tables are immutable; the columns are shared).

        Raises:
            FoodTableError: ``supplements`` is not a sequence of
                :class:`mealplan.Supplement`, or is empty.

        """
        return self._overriding(supplements=checked_supplements(supplements))

    @property
    def life_stage_caps(self) -> tuple[LifeStageCap, ...] | None:
        """The caller's children's caps this table plans with; None: the bundled ones."""
        return self._overrides.life_stage_caps

    def using_life_stage_caps(self, caps: Sequence[LifeStageCap] | None) -> FoodTable:
        """Return this table planning with a caller's children's portion caps.

        Pint style, as :meth:`using_supplements`: the bundled
        ``foods/life_stage_caps.csv`` is the default, a caller's own
        (:func:`mealplan.load_life_stage_caps` of a CSV with its columns)
        replaces it whole, for plans, reports and ``regenerate`` given the
        returned table. None: back to the bundled caps. This table is
        unchanged (tables are immutable; the columns are shared).

        Raises:
            FoodTableError: ``caps`` is not a sequence of
                :class:`mealplan.LifeStageCap`, or is empty.

        """
        return self._overriding(life_stage_caps=checked_caps(caps))

    @property
    def ul_standins(self) -> tuple[UlStandin, ...] | None:
        """The caller's stand-ins under upper limits; None: the bundled ones."""
        return self._overrides.ul_standins

    def using_ul_standins(self, standins: Sequence[UlStandin] | None) -> FoodTable:
        """Return this table planning with a caller's stand-ins under upper limits.

        As :meth:`using_life_stage_caps`, for ``foods/ul_standins.csv`` and
        :func:`mealplan.load_ul_standins` (:mod:`mealplan._ul_standins`).

        Raises:
            FoodTableError: ``standins`` is not a sequence of
                :class:`mealplan.UlStandin`, or is empty.

        """
        return self._overriding(ul_standins=checked_standins(standins))

    def _overriding(self, **changes: Any) -> FoodTable:
        """Return this table with some of its overrides replaced."""
        return FoodTable(
            self._columns,
            self._portion_rows,
            self._mention_rows,
            self.source,
            overrides=replace(self._overrides, **changes),
        )

    def subset(self, ids: Iterable[str]) -> FoodTable:
        """Return a table of only ``ids`` (in this table's order), with their portions.

        Raises:
            UnknownFoodError: An id is not in the table.

        """
        wanted = set()
        for food_id in ids:
            if food_id not in self._id_set:
                raise self._unknown(food_id)
            wanted.add(food_id)
        columns, portions = take_rows(self._columns, self._portion_rows, wanted)
        return FoodTable(
            columns,
            portions,
            self._mention_rows,
            f"{self.source}[{len(columns.ids)}]",
            overrides=self._overrides,
        )

    # -- pandas views (imported only here) ----------------------------------

    @property
    def frame(self) -> pd.DataFrame:
        """The table as a pandas DataFrame indexed by ``id`` (built on first use).

        Nutrient, ``max_portions`` and ``price_per_100g`` columns are float64
        (NaN = missing), diet columns bool, list columns tuples of str, other
        columns text. Treat it as read-only: it is shared by every user of
        this table; :meth:`to_dataframe` returns a copy to change.
        """
        if self._frame is None:
            from mealplan._catalog_views import foods_frame

            self._frame = foods_frame(self._columns, self._ids)
        return self._frame

    def to_dataframe(self) -> pd.DataFrame:
        """Return a copy of the table as a DataFrame with an ``id`` column.

        :meth:`from_dataframe` of the result gives an equal table (portions
        are :attr:`portions`).
        """
        return self.frame.reset_index()

    @property
    def portions(self) -> pd.DataFrame:
        """Columns ``food_id, seq, amount, description, grams, is_default`` (pandas)."""
        if self._portions_frame is None:
            from mealplan._catalog_views import portions_frame

            self._portions_frame = portions_frame(self._portion_rows)
        return self._portions_frame

    @property
    def mentions_table(self) -> pd.DataFrame:
        """The article mentions (columns of article_mentions.csv; pandas)."""
        if self._mentions_frame is None:
            from mealplan._catalog_views import mentions_frame

            self._mentions_frame = mentions_frame(self._mention_rows)
        return self._mentions_frame

    @property
    def mention_records(self) -> list[dict[str, str]]:
        """The article mentions as dicts with the article_mentions.csv columns."""
        return [dict(m) for m in self._mention_rows]

    # -- look-ups -----------------------------------------------------------

    @property
    def ids(self) -> list[str]:
        """The food ids, in table order."""
        return list(self._ids)

    def has_column(self, column: str) -> bool:
        """Return whether the table has ``column``."""
        return column in self._columns.order

    def numbers(self, column: str) -> NDArray[np.float64]:
        """Return a numeric column as floats in :attr:`ids` order (NaN = missing).

        The array accessors (:meth:`numbers`, :meth:`texts`, :meth:`flags`,
        :meth:`tags`) are how the planner reads the table; they need no pandas.
        A column the table lacks (or a text column) reads as all missing.
        """
        cols = self._columns
        if column in cols.numbers:
            return cols.numbers[column].copy()
        if column in cols.flags:
            return cols.flags[column].astype(np.float64)
        return np.full(len(self._ids), np.nan)

    def texts(self, column: str) -> list[str]:
        """Return a text column in :attr:`ids` order ("" for a missing cell)."""
        if column in self._columns.texts:
            return list(self._columns.texts[column])
        return [""] * len(self._ids)

    def flags(self, column: str) -> NDArray[np.bool_]:
        """Return a bool column in :attr:`ids` order (a list column: non-empty)."""
        cols = self._columns
        if column in cols.flags:
            return cols.flags[column].copy()
        if column in cols.tags:
            return np.array([bool(v) for v in cols.tags[column]], dtype=bool)
        return np.zeros(len(self._ids), dtype=bool)

    def tags(self, column: str) -> list[tuple[str, ...]]:
        """Return a list column (``allergens``, ``meal_slots``) in :attr:`ids` order."""
        if column in self._columns.tags:
            return list(self._columns.tags[column])
        return [()] * len(self._ids)

    def value(self, food_id: str, column: str) -> float | None:
        """Return one food's number in ``column`` (None when missing or no column).

        Raises:
            UnknownFoodError: The id is not in the table.

        """
        if food_id not in self._id_set:
            raise self._unknown(food_id)
        array = self._columns.numbers.get(column)
        if array is None:
            return None
        number = float(array[self._row[food_id]])
        return None if math.isnan(number) else number

    def text(self, food_id: str, column: str) -> str:
        """Return one food's text in ``column`` ("" when empty or no such column).

        Raises:
            UnknownFoodError: The id is not in the table.

        """
        if food_id not in self._id_set:
            raise self._unknown(food_id)
        values = self._columns.texts.get(column)
        return "" if values is None else values[self._row[food_id]]

    def positions(self, food_ids: Iterable[str]) -> NDArray[np.intp]:
        """Return the rows of ``food_ids`` in :attr:`ids` order, to index the arrays.

        ``table.numbers(col)[table.positions(ids)]`` reads a column for a
        subset of foods, in the order given.

        Raises:
            UnknownFoodError: An id is not in the table.

        """
        rows: list[int] = []
        for food_id in food_ids:
            row = self._row.get(food_id)
            if row is None:
                raise self._unknown(food_id)
            rows.append(row)
        return np.array(rows, dtype=np.intp)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, food_id: object) -> bool:
        return food_id in self._id_set

    def __repr__(self) -> str:
        return f"FoodTable({len(self)} foods from {self.source})"

    def _unknown(self, food_id: str) -> UnknownFoodError:
        return unknown_food(self._ids, self._columns.texts["name"], food_id)

    def default_portion(self, food_id: str) -> tuple[str, float]:
        """Return the default portion of a food as (description, grams).

        Raises:
            UnknownFoodError: The id is not in the table.

        """
        try:
            return self._defaults[food_id]
        except (KeyError, TypeError):
            raise self._unknown(food_id) from None

    @property
    def _mentions(self) -> dict[str, list[Mention]]:
        if self._mentions_by_food is None:
            self._mentions_by_food = mention_index(self._mention_rows)
        return self._mentions_by_food

    def mentions(self, food_id: str) -> list[Mention]:
        """Return the article mentions that map to a food (section and exact words).

        Raises:
            UnknownFoodError: The id is not in the table.

        """
        if food_id not in self._id_set:
            raise self._unknown(food_id)
        return list(self._mentions.get(food_id, ()))

    def food(self, food_id: str) -> Food:
        """Return one food as a :class:`Food` model.

        Raises:
            UnknownFoodError: The id is not in the table (with a suggestion).

        """
        if food_id not in self._id_set:
            raise self._unknown(food_id)
        return food_model(
            self._columns,
            self._portion_rows,
            self.nutrients,
            food_id,
            self._row[food_id],
            self._mentions.get(food_id, ()),
        )

    def search(self, words: str | Sequence[str]) -> list[str]:
        """Return the ids of foods whose name or description has every word.

        Matching is case-insensitive on word starts; foods matching in the
        name rank first, then shorter names, then ids.
        """
        cols = self._columns
        return search_ids(
            self._ids, cols.texts["name"], cols.texts["sr28_description"], words
        )

    def allowed(
        self,
        *,
        diet: Diet | str = Diet.OMNIVORE,
        allergies: Iterable[Allergen | str] = (),
        exclude: Iterable[str] = (),
        allow_fortified: bool = True,
    ) -> list[str]:
        """Return the ids of foods a person may eat, in table order.

        Args:
            diet: ``omnivore``, ``pescatarian``, ``vegetarian`` or ``vegan``.
            allergies: Allergens to avoid; foods tagged with any are left out.
            exclude: Food ids, words of food names, or food group / category
                names, case-insensitive.
            allow_fortified: If false, foods SR28 marks as fortified *and*
                foods whose name or description says "fortified", "enriched"
                or "with added vitamin/calcium ..." are left out.

        Raises:
            RequestError: An unknown diet or allergen.

        """
        keep = person_mask(self._columns, diet, allergies)
        entries = [str(e).strip() for e in exclude if str(e).strip()]
        if entries:
            from mealplan._exclusions import excluded_mask

            keep &= ~excluded_mask(self, entries)
        if not allow_fortified:
            keep &= ~self._fortified_mask()
        return [i for i, k in zip(self._ids, keep.tolist(), strict=True) if k]

    def fortified_mask(self) -> np.ndarray:
        """Return which foods are fortified: SR28's mark or their words (read-only).

        The foods ``allow_fortified=False`` leaves out, in table order.
        """
        return self._fortified_mask()

    def _fortified_mask(self) -> np.ndarray:
        # Computed once per table: the diagnosis asks for it in every model it
        # builds, and the words' regex over every row was a third of the
        # build's time (a table's columns never change).
        if self._fortified is None:
            self._fortified = fortified_mask(self._columns)
        return self._fortified
