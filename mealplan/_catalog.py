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
1-based data row and the column; no row is ever dropped.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from mealplan._build import (
    FOODS_COLUMNS,
    MENTION_COLUMNS,
    PORTIONS_COLUMNS,
    SECTIONS,
    food_rows,
    portion_rows,
    read_prices,
)
from mealplan._errors import FoodTableError, RequestError, UnknownFoodError
from mealplan._nutrients import Allergen, Diet, MealSlot, Nutrient
from mealplan._resources import foods_dir

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["Food", "FoodTable", "Mention", "Portion", "load_foods"]

_NUTRIENTS: tuple[str, ...] = tuple(n.value for n in Nutrient)
_BOOLS = ("vegan", "vegetarian", "pescatarian")
_LISTS = ("allergens", "fortified", "meal_slots", "article_sections")
_FLOATS = ("max_portions", "price_per_100g")
_TEXTS = (
    "name",
    "ndb_no",
    "food_group",
    "category",
    "price_year",
    "price_source",
    "sr28_description",
    "provenance",
)
# Structure data (FOODS_COLUMNS' last four): kept as text, a ;-list and a flag.
_STRUCTURE_TEXTS = ("fndds_code", "base")
_STRUCTURE_LISTS = ("roles",)
_STRUCTURE_BOOLS = ("whole_units",)
_ALL_ALLERGENS = tuple(sorted(a.value for a in Allergen))
_ALL_SLOTS = tuple(sorted(s.value for s in MealSlot))
_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no", ""})
_NDB = re.compile(r"^\d{5}$")
_UNIT = re.compile(r"^[A-Za-z0-9µ/%]+$")
# Descriptions that say a nutrient was added. SR28 Add_Nutr_Mark misses many
# of them (e.g. 01077 "Milk, whole, ... with added vitamin D" has no mark),
# so allowed(allow_fortified=False) also leaves these out.
_FORTIFIED_WORDS = re.compile(
    r"(?<!un)(?<!not )\bfortified\b|(?<!un)\benriched\b|(?<!without )\bwith added "
    r"(?:vitamin|calcium|iron|ascorbic|nutrients|minerals)|\bvitamin d fortified\b"
    r"|\bvitamins? [a-z0-9 ,]+ added\b",
    re.IGNORECASE,
)


class Portion(BaseModel):
    """A household portion of a food (SR28 WEIGHT row)."""

    model_config = ConfigDict(frozen=True)

    seq: int
    amount: float
    description: str
    grams: float
    is_default: bool


class Mention(BaseModel):
    """A phrase of the article that names (or stands for) a food."""

    model_config = ConfigDict(frozen=True)

    mention_id: str
    section: str
    words: str
    kind: str
    note: str = ""


class Food(BaseModel):
    """One food of the table, with its portions and article mentions."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    ndb_no: str | None
    food_group: str | None
    category: str | None
    nutrients: dict[str, float | None]
    vegan: bool
    vegetarian: bool
    pescatarian: bool
    allergens: tuple[str, ...]
    fortified: tuple[str, ...]
    meal_slots: tuple[str, ...]
    article_sections: tuple[str, ...]
    max_portions: float | None
    price_per_100g: float | None
    price_year: str | None
    price_source: str | None
    sr28_description: str | None
    provenance: str | None
    portions: tuple[Portion, ...]
    mentions: tuple[Mention, ...]
    fndds_code: str | None = None
    base: str | None = None
    roles: tuple[str, ...] = ()
    whole_units: bool = False


def _err(label: str, row: int | None, column: str | None, text: str) -> FoodTableError:
    where = f"{Path(label).name} row {row}" if row is not None else Path(label).name
    return FoodTableError(f"{where}: {text}", path=label, row=row, column=column)


def _split(cell: str) -> tuple[str, ...]:
    return tuple(sorted({p.strip() for p in cell.split(";") if p.strip()}))


def _as_text(value: Any) -> str:
    """Turn one DataFrame cell into the CSV text it stands for."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value)
    if isinstance(value, list | tuple | set | frozenset):
        return ";".join(str(v) for v in value)
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value).strip()


def _read_csv(path: Path, what: str) -> pd.DataFrame:
    if not path.is_file():
        msg = f"{what} {path} was not found; check the path."
        raise FoodTableError(msg, path=str(path))
    try:
        frame = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            encoding="utf-8",
            skipinitialspace=False,
        )
    except UnicodeDecodeError:
        msg = f"{path.name} is not UTF-8 text; re-save it as a UTF-8 CSV file."
        raise FoodTableError(msg, path=str(path)) from None
    except (ValueError, pd.errors.ParserError, OSError) as exc:
        reason = (
            str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        )
        msg = f"{path.name} could not be parsed as CSV ({reason}); fix the file."
        raise FoodTableError(msg, path=str(path)) from None
    return frame


class FoodTable:
    """Foods with nutrients per 100 g, tags, portions and article mentions.

    Attributes:
        frame: One row per food, indexed by ``id``: nutrient, ``max_portions``
            and ``price_per_100g`` columns are float64 (NaN = missing), diet
            columns bool, list columns tuples of str, other columns text.
        nutrients: Nutrient column -> unit: the 11 standard ones plus extras.
        portions: Columns ``food_id, seq, amount, description, grams, is_default``.
        mentions_table: The article mentions (columns of article_mentions.csv).
        source: ``"bundled"`` or the path (or ``"<dataframe>"``) it came from.

    """

    def __init__(
        self,
        frame: pd.DataFrame,
        portions: pd.DataFrame,
        mentions_table: pd.DataFrame,
        nutrients: Mapping[str, str],
        source: str,
    ) -> None:
        self.frame = frame
        self.portions = portions
        self.mentions_table = mentions_table
        self.nutrients: dict[str, str] = dict(nutrients)
        self.source = source
        self._ids: list[str] = [str(i) for i in frame.index]
        self._id_set = frozenset(self._ids)
        defaults = portions[portions["is_default"]]
        self._defaults: dict[str, tuple[str, float]] = {
            str(f): (str(d), float(g))
            for f, d, g in zip(
                defaults["food_id"],
                defaults["description"],
                defaults["grams"],
                strict=True,
            )
        }
        self._mentions: dict[str, list[Mention]] = {}
        for rec in mentions_table.to_dict("records"):
            mention = Mention(
                mention_id=str(rec["mention_id"]),
                section=str(rec["section"]),
                words=str(rec["words"]),
                kind=str(rec["kind"]),
                note=str(rec.get("note", "")),
            )
            for food_id in _split(str(rec["food_ids"])):
                self._mentions.setdefault(food_id, []).append(mention)

    # -- construction -------------------------------------------------------

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
        if not isinstance(df, pd.DataFrame):
            msg = f"<dataframe>: expected a pandas DataFrame (got {type(df).__name__})."
            raise FoodTableError(msg, path="<dataframe>")
        text = pd.DataFrame(
            {str(c): [_as_text(v) for v in df[c].tolist()] for c in df.columns},
            index=pd.RangeIndex(len(df)),
        )
        if len(set(text.columns)) != len(df.columns):
            msg = "<dataframe>: column names must be unique; rename the duplicates."
            raise FoodTableError(msg, path="<dataframe>")
        port_text = None
        if portions is not None:
            port_text = pd.DataFrame(
                {
                    str(c): [_as_text(v) for v in portions[c].tolist()]
                    for c in portions.columns
                }
            )
        return cls._from_text(
            text,
            label="<dataframe>",
            source="<dataframe>",
            extra_nutrients=extra_nutrients,
            portions=port_text,
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
        for column in _BOOLS:
            text[column] = ["true" if v else "false" for v in rows[column]]
        text["allergens"] = rows["allergens"]
        text["fortified"] = rows["fortified"]
        text["meal_slots"] = ";".join(_ALL_SLOTS)
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
            text, label=str(sr28_dir), source=str(sr28_dir), portions=port
        )

    @classmethod
    def _from_text(
        cls,
        text: pd.DataFrame,
        *,
        label: str,
        source: str,
        extra_nutrients: Mapping[str, str] | None = None,
        portions: pd.DataFrame | None = None,
        mentions: pd.DataFrame | None = None,
    ) -> FoodTable:
        """Validate an all-text table (``""`` = empty cell) and convert it."""
        extras = dict(extra_nutrients or {})
        for name, unit in extras.items():
            if not isinstance(name, str) or not re.match(r"^[a-z][a-z0-9_]*$", name):
                msg = f"extra_nutrients: names must be snake_case (got {name!r})."
                raise FoodTableError(msg, path=label, column=str(name))
            if name in FOODS_COLUMNS or name == "id":
                msg = f"extra_nutrients: {name!r} is a standard column; remove it."
                raise FoodTableError(msg, path=label, column=name)
            if not isinstance(unit, str) or not _UNIT.match(unit):
                msg = (
                    f"extra_nutrients: {name!r} unit must be like 'mg' (got {unit!r})."
                )
                raise FoodTableError(msg, path=label, column=name)
        columns = [str(c) for c in text.columns]
        if len(set(columns)) != len(columns):
            dup = next(c for c in columns if columns.count(c) > 1)
            raise _err(label, None, dup, f"column {dup!r} appears twice; keep one.")
        for required in ("id", "name"):
            if required not in columns:
                raise _err(
                    label,
                    None,
                    required,
                    f"required column {required!r} is missing; add it.",
                )
        known = {"id", *FOODS_COLUMNS, *extras}
        for column in columns:
            if column not in known:
                raise _err(
                    label,
                    None,
                    column,
                    f"unknown column {column!r}; remove it or declare it in "
                    "extra_nutrients (e.g. {'iron_mg': 'mg'}).",
                )
        if len(text) == 0:
            raise _err(
                label, None, None, "the table has no foods; add at least one row."
            )

        ids = text["id"].astype(str)
        empty = ids == ""
        if empty.any():
            row = int(empty.to_numpy().argmax()) + 1
            raise _err(label, row, "id", "'id' must not be empty (got '').")
        dup_mask = ids.duplicated()
        if dup_mask.any():
            row = int(dup_mask.to_numpy().argmax()) + 1
            raise _err(
                label,
                row,
                "id",
                f"'id' must be unique (got {ids.iloc[row - 1]!r} again).",
            )
        names = text["name"].astype(str)
        if (names == "").any():
            row = int((names == "").to_numpy().argmax()) + 1
            raise _err(label, row, "name", "'name' must not be empty (got '').")

        n = len(text)
        out: dict[str, Any] = {}
        out["name"] = names.tolist()
        for column in _TEXTS[1:]:
            out[column] = (
                text[column].astype(str).tolist() if column in columns else [""] * n
            )
        bad_ndb = [i for i, v in enumerate(out["ndb_no"]) if v and not _NDB.match(v)]
        if bad_ndb:
            row = bad_ndb[0] + 1
            raise _err(
                label,
                row,
                "ndb_no",
                "'ndb_no' must be 5 digits with leading zeros "
                f"(got {out['ndb_no'][row - 1]!r}).",
            )
        for column in (*_NUTRIENTS, *extras, *_FLOATS):
            if column not in columns:
                out[column] = [math.nan] * n
                continue
            raw = text[column].astype(str)
            values = pd.to_numeric(raw.where(raw != "", None), errors="coerce").astype(
                "float64"
            )
            bad = (raw != "") & (
                values.isna() | ~values.abs().lt(math.inf) | values.lt(0)
            )
            if column == "max_portions":
                bad |= values.eq(0)
            if bad.any():
                row = int(bad.to_numpy().argmax()) + 1
                rule = "a number > 0" if column == "max_portions" else "a number >= 0"
                raise _err(
                    label,
                    row,
                    column,
                    f"{column!r} must be {rule} or empty (got {raw.iloc[row - 1]!r}).",
                )
            out[column] = values.to_numpy(dtype="float64")
        for column in _BOOLS:
            if column not in columns:
                out[column] = [False] * n
                continue
            lowered = text[column].astype(str).str.lower()
            ok = lowered.isin(_TRUE | _FALSE)
            if not ok.all():
                row = int((~ok).to_numpy().argmax()) + 1
                raise _err(
                    label,
                    row,
                    column,
                    f"{column!r} must be true or false "
                    f"(got {text[column].iloc[row - 1]!r}).",
                )
            out[column] = lowered.isin(_TRUE).tolist()
        vocab: dict[str, frozenset[str]] = {
            "allergens": frozenset(_ALL_ALLERGENS),
            "meal_slots": frozenset(_ALL_SLOTS),
            "article_sections": frozenset(SECTIONS),
        }
        for column in _LISTS:
            if column not in columns:
                default = {"allergens": _ALL_ALLERGENS, "meal_slots": _ALL_SLOTS}.get(
                    column, ()
                )
                out[column] = [default] * n
                continue
            cells = [_split(c) for c in text[column].astype(str)]
            allowed = vocab.get(column)
            if allowed is not None:
                for i, cell in enumerate(cells):
                    wrong = [v for v in cell if v not in allowed]
                    if wrong:
                        raise _err(
                            label,
                            i + 1,
                            column,
                            f"{column!r} must be a ;-list of "
                            f"{', '.join(sorted(allowed))} "
                            f"(got {wrong[0]!r}).",
                        )
            if column == "meal_slots":
                # An empty cell would make the food unusable; it means "any slot".
                cells = [c or _ALL_SLOTS for c in cells]
            out[column] = cells
        for column in _STRUCTURE_TEXTS:
            out[column] = (
                text[column].astype(str).tolist() if column in columns else [""] * n
            )
        for column in _STRUCTURE_LISTS:
            out[column] = (
                [_split(c) for c in text[column].astype(str)]
                if column in columns
                else [()] * n
            )
        for column in _STRUCTURE_BOOLS:
            out[column] = (
                text[column].astype(str).str.lower().isin(_TRUE).tolist()
                if column in columns
                else [False] * n
            )
        order = ["name", *_TEXTS[1:4], *_NUTRIENTS, *extras, *_BOOLS, *_LISTS]
        order += [*_FLOATS, *_TEXTS[4:]]
        order += [*_STRUCTURE_TEXTS, *_STRUCTURE_LISTS, *_STRUCTURE_BOOLS]
        frame = pd.DataFrame(
            {c: out[c] for c in order}, index=pd.Index(ids.tolist(), name="id")
        )
        for column in _BOOLS:
            frame[column] = frame[column].astype(bool)
        port = _portions(portions, ids.tolist(), label)
        ments = (
            mentions
            if mentions is not None
            else pd.DataFrame({c: pd.Series([], dtype=str) for c in MENTION_COLUMNS})
        )
        units = {n.value: n.unit for n in Nutrient} | extras
        return cls(frame, port, ments, units, source)

    # -- look-ups -----------------------------------------------------------

    @property
    def ids(self) -> list[str]:
        """The food ids, in table order."""
        return list(self._ids)

    def has_column(self, column: str) -> bool:
        """Return whether the table has ``column``."""
        return column in self.frame.columns

    def numbers(self, column: str) -> NDArray[np.float64]:
        """Return a numeric column as floats in :attr:`ids` order (NaN = missing).

        The array accessors (:meth:`numbers`, :meth:`texts`, :meth:`flags`) are
        how the planner reads the table, so the storage behind them can change
        (pandas for a caller's DataFrame, plain arrays for the bundled table)
        without touching the model.
        """
        if column not in self.frame.columns:
            return np.full(len(self._ids), np.nan)
        values: NDArray[np.float64] = self.frame[column].to_numpy(
            dtype=float, na_value=np.nan
        )
        return values

    def texts(self, column: str) -> list[str]:
        """Return a text column in :attr:`ids` order ("" for a missing cell)."""
        if column not in self.frame.columns:
            return [""] * len(self._ids)
        return [v if isinstance(v, str) else "" for v in self.frame[column]]

    def flags(self, column: str) -> NDArray[np.bool_]:
        """Return a bool column (diet tags, ``fortified``) in :attr:`ids` order."""
        if column not in self.frame.columns:
            return np.zeros(len(self._ids), dtype=bool)
        values: NDArray[np.bool_] = self.frame[column].to_numpy(dtype=bool)
        return values

    def tags(self, column: str) -> list[tuple[str, ...]]:
        """Return a list column (``allergens``, ``meal_slots``) in :attr:`ids` order."""
        if column not in self.frame.columns:
            return [()] * len(self._ids)
        return [tuple(v) for v in self.frame[column]]

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, food_id: object) -> bool:
        return food_id in self._id_set

    def __repr__(self) -> str:
        return f"FoodTable({len(self)} foods from {self.source})"

    def _unknown(self, food_id: str) -> UnknownFoodError:
        names = {
            str(n).lower(): i
            for i, n in zip(self._ids, self.frame["name"], strict=True)
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
        msg = f"Food {food_id!r} is not in the food table; {hint}"
        return UnknownFoodError(msg, str(food_id))

    def default_portion(self, food_id: str) -> tuple[str, float]:
        """Return the default portion of a food as (description, grams).

        Raises:
            UnknownFoodError: The id is not in the table.

        """
        try:
            return self._defaults[food_id]
        except KeyError:
            raise self._unknown(food_id) from None

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
        row = self.frame.loc[food_id]

        def opt_text(column: str) -> str | None:
            value = str(row[column])
            return value or None

        def opt_float(column: str) -> float | None:
            value = float(str(self.frame.at[food_id, column]))
            return None if math.isnan(value) else value

        rows = self.portions[self.portions["food_id"] == food_id]
        portions = tuple(
            Portion(
                seq=int(r["seq"]),
                amount=float(r["amount"]),
                description=str(r["description"]),
                grams=float(r["grams"]),
                is_default=bool(r["is_default"]),
            )
            for r in rows.to_dict("records")
        )
        return Food(
            id=food_id,
            name=str(row["name"]),
            ndb_no=opt_text("ndb_no"),
            food_group=opt_text("food_group"),
            category=opt_text("category"),
            nutrients={c: opt_float(c) for c in self.nutrients},
            vegan=bool(row["vegan"]),
            vegetarian=bool(row["vegetarian"]),
            pescatarian=bool(row["pescatarian"]),
            allergens=tuple(row["allergens"]),
            fortified=tuple(row["fortified"]),
            meal_slots=tuple(row["meal_slots"]),
            article_sections=tuple(row["article_sections"]),
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
            roles=tuple(row["roles"]),
            whole_units=bool(row["whole_units"]),
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
        names = self.frame["name"].astype(str).str.lower()
        haystack = names + " " + self.frame["sr28_description"].astype(str).str.lower()
        hits: list[tuple[int, int, str]] = []
        patterns = [re.compile(r"\b" + re.escape(t)) for t in tokens]
        for food_id, name, text in zip(self._ids, names, haystack, strict=True):
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
        keep = np.ones(len(self._ids), dtype=bool)
        if diet_value is not Diet.OMNIVORE:
            keep &= self.frame[diet_value.value].to_numpy(dtype=bool)
        avoid: set[str] = set()
        for allergen in allergies:
            value = str(allergen.value if isinstance(allergen, Allergen) else allergen)
            if value.lower() not in _ALL_ALLERGENS:
                choices = ", ".join(_ALL_ALLERGENS)
                msg = f"Unknown allergen {allergen!r}; use one of {choices}."
                raise RequestError(msg)
            avoid.add(value.lower())
        if avoid:
            keep &= np.array(
                [not (avoid & set(a)) for a in self.frame["allergens"]], dtype=bool
            )
        entries = [str(e).strip().lower() for e in exclude if str(e).strip()]
        if entries:
            ids_lower = [i.lower() for i in self._ids]
            names = [str(n).lower() for n in self.frame["name"]]
            groups = [str(g).lower() for g in self.frame["food_group"]]
            cats = [str(c).lower() for c in self.frame["category"]]
            for entry in entries:
                word = re.compile(r"\b" + re.escape(entry) + r"(?:s|es)?\b")
                hit = np.array(
                    [
                        entry in (i, g, c) or bool(word.search(n))
                        for i, n, g, c in zip(
                            ids_lower, names, groups, cats, strict=True
                        )
                    ],
                    dtype=bool,
                )
                keep &= ~hit
        if not allow_fortified:
            fortified = np.array(
                [
                    bool(f) or bool(_FORTIFIED_WORDS.search(f"{n} | {d}"))
                    for f, n, d in zip(
                        self.frame["fortified"],
                        self.frame["name"],
                        self.frame["sr28_description"],
                        strict=True,
                    )
                ],
                dtype=bool,
            )
            keep &= ~fortified
        return [i for i, k in zip(self._ids, keep.tolist(), strict=True) if k]


def _portions(
    portions: pd.DataFrame | None, ids: list[str], label: str
) -> pd.DataFrame:
    """Validate portions (text) and give foods without any a 100 g default."""
    plabel = (
        str(Path(label).parent / "portions.csv") if label != "<dataframe>" else label
    )
    rows: list[dict[str, Any]] = []
    known = set(ids)
    if portions is not None and len(portions):
        cols = [str(c) for c in portions.columns]
        missing = [c for c in PORTIONS_COLUMNS if c not in cols]
        if missing:
            raise _err(
                plabel, None, missing[0], f"portions column {missing[0]!r} is missing."
            )
        for i, rec in enumerate(portions.to_dict("records"), start=1):
            food_id = str(rec["food_id"])
            if food_id not in known:
                raise _err(
                    plabel,
                    i,
                    "food_id",
                    f"'food_id' must be an id of the food table (got {food_id!r}).",
                )
            try:
                seq = int(str(rec["seq"]))
                amount = float(str(rec["amount"]))
                grams = float(str(rec["grams"]))
            except ValueError:
                raise _err(
                    plabel, i, "grams", "'seq', 'amount' and 'grams' must be numbers."
                ) from None
            if not (grams > 0 and math.isfinite(grams)):
                raise _err(
                    plabel, i, "grams", f"'grams' must be > 0 (got {rec['grams']!r})."
                )
            flag = str(rec["is_default"]).lower()
            if flag not in _TRUE | _FALSE:
                raise _err(
                    plabel,
                    i,
                    "is_default",
                    f"'is_default' must be true or false (got {flag!r}).",
                )
            rows.append(
                {
                    "food_id": food_id,
                    "seq": seq,
                    "amount": amount,
                    "description": str(rec["description"]) or f"{grams:g} g",
                    "grams": grams,
                    "is_default": flag in _TRUE,
                }
            )
    frame = pd.DataFrame(rows, columns=list(PORTIONS_COLUMNS))
    have = set(frame["food_id"])
    extra = [
        {
            "food_id": f,
            "seq": 0,
            "amount": 100.0,
            "description": "100 g",
            "grams": 100.0,
            "is_default": True,
        }
        for f in ids
        if f not in have
    ]
    if extra:
        frame = (
            pd.concat([frame, pd.DataFrame(extra)], ignore_index=True)
            if rows
            else pd.DataFrame(extra)
        )
    frame = frame.astype(
        {"seq": "int64", "amount": "float64", "grams": "float64", "is_default": "bool"}
    )
    # Exactly one default per food: the flagged one, else the first seq.
    frame = frame.sort_values(["food_id", "seq"], kind="stable").reset_index(drop=True)
    counts = frame.groupby("food_id")["is_default"].transform("sum")
    if (counts > 1).any():
        row = int((counts > 1).to_numpy().argmax()) + 1
        raise _err(
            plabel,
            row,
            "is_default",
            "each food must have at most one default portion.",
        )
    first = ~frame["food_id"].duplicated()
    frame["is_default"] = frame["is_default"] | ((counts == 0) & first)
    return frame


def load_foods(
    path: str | Path | None = None,
    *,
    extra_nutrients: Mapping[str, str] | None = None,
    portions: str | Path | None = None,
    dishes: bool = False,
) -> FoodTable:
    """Load the bundled food table, or a caller's CSV with the same columns.

    Args:
        path: A foods CSV; None for the bundled table (with its portions and
            article mentions).
        dishes: For the bundled table, also load its FNDDS dishes (rows with
            an ``fndds_code``). Off by default until the planner has meal-
            structure rules: 1,221 more candidates slow solves (a proof of
            infeasibility no longer fits the default time limit). A caller's
            CSV is always loaded whole.
        extra_nutrients: Extra nutrient column -> unit, e.g. ``{"iron_mg": "mg"}``.
        portions: A portions CSV for a caller's table; without it each food
            gets one ``100 g`` portion.

    Raises:
        FoodTableError: The file is missing, not UTF-8 CSV, or malformed.

    """
    if path is None:
        folder = foods_dir()
        text = _read_csv(folder / "foods.csv", "Bundled food table")
        port = _read_csv(folder / "portions.csv", "Bundled portions table")
        if not dishes and "fndds_code" in text.columns:
            kept = text["fndds_code"] == ""
            port = port[port["food_id"].isin(set(text.loc[kept, "id"]))]
            text = text[kept].reset_index(drop=True)
            port = port.reset_index(drop=True)
        mentions_path = folder / "article_mentions.csv"
        mentions = (
            _read_csv(mentions_path, "Article mentions")
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
    file = Path(path)
    text = _read_csv(file, "Food table")
    caller_portions: pd.DataFrame | None = None
    if portions is not None:
        caller_portions = _read_csv(Path(portions), "Portions table")
    return FoodTable._from_text(
        text,
        label=str(file),
        source=str(file),
        extra_nutrients=extra_nutrients,
        portions=caller_portions,
    )
