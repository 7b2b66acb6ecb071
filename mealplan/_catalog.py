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

import difflib
import functools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from mealplan._columns import MENTION_COLUMNS, PORTIONS_COLUMNS
from mealplan._errors import FoodTableError, RequestError, UnknownFoodError
from mealplan._nutrients import Allergen, Diet, Nutrient
from mealplan._resources import foods_dir
from mealplan._tabletext import (
    ALL_ALLERGENS,
    ALL_SLOTS,
    MAX_PORTION_ROWS,
    MAX_ROWS,
    Columns,
    PortionRows,
    TextTable,
    concat_rows,
    frame_text,
    read_csv_text,
    split_list,
    validate_foods,
    validate_portions,
)

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import NDArray

    from mealplan._food import Food as Food
    from mealplan._food import Mention as Mention
    from mealplan._food import Portion as Portion
    from mealplan._life_stage_caps import LifeStageCap
    from mealplan._supplements import Supplement

__all__ = ["Food", "FoodTable", "Mention", "Portion", "load_foods"]

_NUTRIENTS: tuple[str, ...] = tuple(n.value for n in Nutrient)
_MODELS = frozenset(("Food", "Mention", "Portion"))


def __getattr__(name: str) -> object:
    # The pydantic models live in mealplan._food, imported on first use:
    # loading the table needs no pydantic (issue 10, cold start).
    if name in _MODELS:
        from mealplan import _food

        return getattr(_food, name)
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


# Descriptions that say a nutrient was added. SR28 Add_Nutr_Mark misses many
# of them (e.g. 01077 "Milk, whole, ... with added vitamin D" has no mark),
# so allowed(allow_fortified=False) also leaves these out.
_FORTIFIED_WORDS = re.compile(
    r"(?<!un)(?<!not )\bfortified\b|(?<!un)\benriched\b|(?<!without )\bwith added "
    r"(?:vitamin|calcium|iron|ascorbic|nutrients|minerals)|\bvitamin d fortified\b"
    r"|\bvitamins? [a-z0-9 ,]+ added\b",
    re.IGNORECASE,
)


def _check_override(
    items: object, kind: type, wrong: str, empty: str, path: str
) -> None:
    """Refuse a caller's override table that is not a non-empty sequence of ``kind``.

    ``wrong``: the message's start when the type is wrong (the type is
    appended); ``empty``: the whole message for an empty table.
    """
    if items is None:
        return
    if not isinstance(items, list | tuple) or not all(
        isinstance(x, kind) for x in items
    ):
        msg = f"{wrong} (got {type(items).__name__})."
        raise FoodTableError(msg, path=path)
    if not items:
        raise FoodTableError(empty, path=path)


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
        supplements: Sequence[Supplement] | None = None,
        life_stage_caps: Sequence[LifeStageCap] | None = None,
    ) -> None:
        self._columns = columns
        # A caller's supplements table (None: the bundled one), see
        # using_supplements.
        self._supplements = tuple(supplements) if supplements is not None else None
        # A caller's children's caps table (None: the bundled one), see
        # using_life_stage_caps.
        self._life_stage_caps = (
            tuple(life_stage_caps) if life_stage_caps is not None else None
        )
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
        self.__dict__.setdefault("_supplements", None)
        self.__dict__.setdefault("_life_stage_caps", None)
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
        import pandas as pd

        from mealplan._build import food_rows, portion_rows, read_prices
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
        for column in (
            "price_per_100g",
            "price_year",
            "price_source",
            "sr28_description",
        ):
            text[column] = rows[column]
        text["provenance"] = rows["provenance"]
        first = sr28.weight.assign(seq_no=sr28.weight["seq"].astype(int))
        first_seq = first.sort_values("seq_no").groupby("ndb_no")["seq"].first()
        defaults = {f"sr28-{n}": str(first_seq.get(n, "")) for n in ndbs}
        port = portion_rows(sr28, dict(zip(ids, ndbs, strict=True)), defaults)
        return cls._from_text(
            frame_text(text, str(sr28_dir)),
            label=str(sr28_dir),
            source=str(sr28_dir),
            portions=frame_text(port, str(sr28_dir), max_rows=MAX_PORTION_ROWS),
        )

    @property
    def supplements(self) -> tuple[Supplement, ...] | None:
        """The caller's supplements this table plans with; None: the bundled ones."""
        return self._supplements

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
        from mealplan._supplements import Supplement

        _check_override(
            supplements,
            Supplement,
            "using_supplements: expected the supplements of "
            "mealplan.load_supplements(path or DataFrame)",
            "using_supplements: the supplements table is empty; give "
            "at least one supplement, or None for the bundled ones.",
            "<supplements>",
        )
        return FoodTable(
            self._columns,
            self._portion_rows,
            self._mention_rows,
            self.source,
            supplements=supplements,
            life_stage_caps=self._life_stage_caps,
        )

    @property
    def life_stage_caps(self) -> tuple[LifeStageCap, ...] | None:
        """The caller's children's caps this table plans with; None: the bundled ones."""
        return self._life_stage_caps

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
        from mealplan._life_stage_caps import LifeStageCap

        _check_override(
            caps,
            LifeStageCap,
            "using_life_stage_caps: expected the caps of "
            "mealplan.load_life_stage_caps(path)",
            "using_life_stage_caps: the caps table is empty; give at "
            "least one cap, None for the bundled ones, or plan with "
            "portion_limits false to plan without caps.",
            "<life_stage_caps>",
        )
        return FoodTable(
            self._columns,
            self._portion_rows,
            self._mention_rows,
            self.source,
            supplements=self._supplements,
            life_stage_caps=caps,
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
        rows = [i for i, f in enumerate(self._ids) if f in wanted]
        cols = self._columns
        keep = np.array(rows, dtype=np.intp)

        def frozen(array: NDArray[Any]) -> NDArray[Any]:
            out = array[keep]
            out.flags.writeable = False
            return out

        columns = Columns(
            ids=[self._ids[i] for i in rows],
            order=list(cols.order),
            numbers={c: frozen(v) for c, v in cols.numbers.items()},
            flags={c: frozen(v) for c, v in cols.flags.items()},
            tags={c: [v[i] for i in rows] for c, v in cols.tags.items()},
            texts={c: [v[i] for i in rows] for c, v in cols.texts.items()},
            units=dict(cols.units),
        )
        p = self._portion_rows
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
        return FoodTable(
            columns,
            portions,
            self._mention_rows,
            f"{self.source}[{len(rows)}]",
            supplements=self._supplements,
            life_stage_caps=self._life_stage_caps,
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
            import pandas as pd

            cols = self._columns
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
            self._frame = pd.DataFrame(data, index=pd.Index(self._ids, name="id"))
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
            import pandas as pd

            p = self._portion_rows
            self._portions_frame = pd.DataFrame(
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
        return self._portions_frame

    @property
    def mentions_table(self) -> pd.DataFrame:
        """The article mentions (columns of article_mentions.csv; pandas)."""
        if self._mentions_frame is None:
            import pandas as pd

            self._mentions_frame = pd.DataFrame(
                {
                    c: pd.Series([m[c] for m in self._mention_rows], dtype=object)
                    for c in MENTION_COLUMNS
                }
            )
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
        names = {
            n.lower(): i
            for i, n in zip(self._ids, self._columns.texts["name"], strict=True)
        }
        close = difflib.get_close_matches(str(food_id), self._ids, n=3, cutoff=0.6)
        close += [
            names[m]
            for m in difflib.get_close_matches(
                str(food_id).lower(), list(names), n=3, cutoff=0.6
            )
            if names[m] not in close
        ]
        hint = (
            f"did you mean {', '.join(repr(c) for c in close[:3])}?"
            if close
            else "use FoodTable.search() to find ids."
        )
        shown = (
            repr(food_id) if len(repr(food_id)) <= 80 else repr(food_id)[:77] + "..."
        )
        msg = f"Food {shown} is not in the food table; {hint}"
        return UnknownFoodError(msg, str(food_id))

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
            from mealplan._food import Mention

            index: dict[str, list[Mention]] = {}
            for rec in self._mention_rows:
                mention = Mention(
                    mention_id=rec["mention_id"],
                    section=rec["section"],
                    words=rec["words"],
                    kind=rec["kind"],
                    note=rec["note"],
                )
                for food_id in split_list(rec["food_ids"]):
                    index.setdefault(food_id, []).append(mention)
            self._mentions_by_food = index
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
        from mealplan._food import Food, Portion

        if food_id not in self._id_set:
            raise self._unknown(food_id)
        i = self._row[food_id]
        cols = self._columns

        def opt_text(column: str) -> str | None:
            return cols.texts[column][i] or None

        def opt_float(column: str) -> float | None:
            value = float(cols.numbers[column][i])
            return None if math.isnan(value) else value

        p = self._portion_rows
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
            nutrients={c: opt_float(c) for c in self.nutrients},
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
            mentions=tuple(self._mentions.get(food_id, ())),
            fndds_code=opt_text("fndds_code"),
            base=opt_text("base"),
            roles=cols.tags["roles"][i],
            whole_units=bool(cols.flags["whole_units"][i]),
        )

    def search(self, words: str | Sequence[str]) -> list[str]:
        """Return the ids of foods whose name or description has every word.

        Matching is case-insensitive on word starts; foods matching in the
        name rank first, then shorter names, then ids.
        """
        tokens = words.split() if isinstance(words, str) else [str(w) for w in words]
        tokens = [t.lower() for t in tokens if t.strip()]
        if not tokens:
            return []
        names = [n.lower() for n in self._columns.texts["name"]]
        descriptions = self._columns.texts["sr28_description"]
        hits: list[tuple[int, int, str]] = []
        patterns = [re.compile(r"\b" + re.escape(t)) for t in tokens]
        for food_id, name, desc in zip(self._ids, names, descriptions, strict=True):
            text = f"{name} {desc.lower()}"
            if all(p.search(text) for p in patterns):
                in_name = sum(1 for p in patterns if p.search(name))
                hits.append((-in_name, len(name), food_id))
        return [h[2] for h in sorted(hits)]

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
        try:
            diet_value = Diet(
                str(diet.value if isinstance(diet, Diet) else diet).lower()
            )
        except ValueError:
            choices = ", ".join(d.value for d in Diet)
            msg = f"Unknown diet {diet!r}; use one of {choices}."
            raise RequestError(msg) from None
        cols = self._columns
        keep = np.ones(len(self._ids), dtype=bool)
        if diet_value is not Diet.OMNIVORE:
            keep &= cols.flags[diet_value.value]
        avoid: set[str] = set()
        for allergen in allergies:
            value = str(allergen.value if isinstance(allergen, Allergen) else allergen)
            if value.lower() not in ALL_ALLERGENS:
                choices = ", ".join(ALL_ALLERGENS)
                msg = f"Unknown allergen {allergen!r}; use one of {choices}."
                raise RequestError(msg)
            avoid.add(value.lower())
        if avoid:
            keep &= np.array(
                [not (avoid & set(a)) for a in cols.tags["allergens"]], dtype=bool
            )
        entries = [str(e).strip() for e in exclude if str(e).strip()]
        if entries:
            from mealplan._exclusions import excluded_mask

            keep &= ~excluded_mask(self, entries)
        if not allow_fortified:
            keep &= ~self._fortified_mask()
        return [i for i, k in zip(self._ids, keep.tolist(), strict=True) if k]

    def _fortified_mask(self) -> np.ndarray:
        # Computed once per table: the diagnosis asks for it in every model it
        # builds, and the words' regex over every row was a third of the
        # build's time (a table's columns never change).
        mask = self._fortified
        if mask is None:
            cols = self._columns
            mask = np.array(
                [
                    bool(f) or bool(_FORTIFIED_WORDS.search(f"{n} | {d}"))
                    for f, n, d in zip(
                        cols.tags["fortified"],
                        cols.texts["name"],
                        cols.texts["sr28_description"],
                        strict=True,
                    )
                ],
                dtype=bool,
            )
            mask.flags.writeable = False
            self._fortified = mask
        return mask


def load_foods(
    path: str | Path | None = None,
    *,
    extra_nutrients: Mapping[str, str] | None = None,
    portions: str | Path | None = None,
    dishes: bool = False,
) -> FoodTable:
    """Load the bundled food table, or a caller's CSV with the same columns.

    The bundled table is read once per process and shared (it is immutable).

    Args:
        path: A foods CSV; None for the bundled table (with its portions and
            article mentions).
        dishes: For the bundled table, also load its FNDDS dishes
            (``dishes.csv``, rows with an ``fndds_code``). Off by default:
            their plans are realistic, but with 1,221 dishes the LP bound is
            weak and some days run to the time limit
            (``benchmarks/dishes_cost_latest.md``). Ignored for a caller's CSV.
        extra_nutrients: Extra nutrient column -> unit, e.g. ``{"iron_mg": "mg"}``.
        portions: A portions CSV for a caller's table; without it each food
            gets one ``100 g`` portion.

    Raises:
        FoodTableError: The file is missing, not UTF-8 CSV, or malformed.

    """
    if path is None and portions is None and not extra_nutrients:
        return _bundled(dishes=dishes)
    if path is None:
        folder = foods_dir()
        return _load_bundled(folder, extra_nutrients, dishes=dishes)
    if not isinstance(path, str | Path):
        msg = (
            f"load_foods: path must be a file path or None (got {type(path).__name__})."
        )
        raise FoodTableError(msg, path=str(path)[:80])
    file = Path(path)
    text = read_csv_text(file, "Food table", max_rows=MAX_ROWS)
    caller_portions = None
    if portions is not None:
        if not isinstance(portions, str | Path):
            msg = f"load_foods: portions must be a file path or None (got {type(portions).__name__})."
            raise FoodTableError(msg, path=str(path))
        caller_portions = read_csv_text(
            Path(portions), "Portions table", max_rows=MAX_PORTION_ROWS
        )
    return FoodTable._from_text(
        text,
        label=str(file),
        source=str(file),
        extra_nutrients=extra_nutrients,
        portions=caller_portions,
    )


@functools.cache
def _bundled(*, dishes: bool) -> FoodTable:
    return _load_bundled(foods_dir(), None, dishes=dishes)


def _load_bundled(
    folder: Path, extra_nutrients: Mapping[str, str] | None, *, dishes: bool
) -> FoodTable:
    text = read_csv_text(folder / "foods.csv", "Bundled food table")
    port = read_csv_text(folder / "portions.csv", "Bundled portions table")
    if dishes:
        # Kept in their own files so the default load reads no more.
        text = concat_rows(
            text, read_csv_text(folder / "dishes.csv", "Bundled dish table")
        )
        port = concat_rows(
            port, read_csv_text(folder / "dish_portions.csv", "Bundled dish portions")
        )
    mentions_path = folder / "article_mentions.csv"
    mentions = (
        read_csv_text(mentions_path, "Article mentions")
        if mentions_path.is_file()
        else None
    )
    return FoodTable._from_text(
        text,
        label=str(folder / "foods.csv"),
        source="bundled",
        extra_nutrients=extra_nutrients,
        portions=port,
        mentions=mentions,
    )
