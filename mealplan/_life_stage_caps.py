"""Life-stage caps: children's servings and FDA/EPA fish, by age and stage (reviewed data).

The caps live in ``foods/life_stage_caps.csv``, one row per cap with the
ages it applies to (``min_age <= age < max_age``), its scope, the foods it
selects, the amount in the unit its source states, the published source and
the reasoning, and optionally ``life_stages`` (a last column a caller's
table may leave out): ``pregnancy``, ``lactation`` or both joined by ``;``,
for a cap that holds only in those life stages (empty: at every stage of
those ages):

- ``item``: at most ``amount`` of one item (a food at one meal; a food is
  eaten at one meal of a day, so this is also that food's day total);
- ``day``: at most ``amount`` a day in all, summed over every food the row
  selects (the 4 fl oz of juice a day at ages 1-3 is over all juices); a
  day row with a ``fish`` part is FDA/EPA's fish advice (one serving a
  day), a safety rule of its own group that holds with the portion caps
  off (:mod:`mealplan._fish_day_caps`);
- ``week``: at most ``amount`` in every 7 consecutive days of a plan (a plan
  of fewer days: its whole length), summed over the selected foods
  (FDA/EPA's fish advice is a weekly amount); a 1-day plan has no such rows
  (:mod:`mealplan._week_caps`);
- ``pattern``: the day's food-pattern target of a group (the default
  objective's servings, :data:`mealplan._problem.PATTERN_SERVINGS_2000`
  scaled by energy) is at most ``amount`` servings (``unit`` ``servings``,
  ``selector`` ``pattern:<group>``). Adult servings scaled by energy ask a
  toddler for 1.5 servings of protein foods (4 1/2 oz of meat), which the
  toddler caps cannot hold: the plan paid for the gap at every day and the
  relaxation lost its strength (a 3-year-old's day took 16 s instead of 1 s).

``selector`` is one or more ``kind:a|b`` joined by ``;`` (a union), with the
kinds of ``foods/portion_caps.csv``: ``role``, ``base``, ``id``, ``category``,
and ``word``: a word or phrase found whole (any case) in the food's texts
(name, SR28/FNDDS description, id and base, hyphens read as spaces), so a
caller's food named "Mango juice" meets the juice caps without its id being
listed; and ``fish``: ``best``, ``good``, ``avoid`` or ``any``, FDA/EPA's
class of a fish food (:mod:`mealplan._fish_choices`, ``foods/fish_choices.csv``;
``any``: every fish food, FNDDS dishes with fish in their recipe included).
and ``fped``: ``juice``, a dish with 100 % fruit juice in it by FPED
2017-2018 (``F_JUICE``, cup-eq per 100 g, ``foods/dish_fped.csv``), for a
cap whose unit is a volume. A food only a ``fish`` or ``fped`` part picks
counts its share: a salmon patty its 72 % of salmon, a fruit smoothie its
juice (0.15 cup per 100 g: a cup of it holds ⅓ cup of orange juice); any
other food its whole weight. A part written ``!kind:a|b`` leaves
out what it picks (the juice
caps leave out fruit "canned in juice" and lemon juice, a condiment); a food
the table says nothing about is never left out (in doubt, counted in).
``unit`` is a weight (``g``, ``oz``) or a volume (``ml``, ``fl_oz``, ``cup``,
``tbsp``, ``tsp``). A volume is turned into grams through the food's own
default portion when that is a volume measure ("1 cup", "8 fl oz", "1 tbsp");
a food whose portion is not one ("3 oz", "1 medium") is capped at
``no_volume_grams`` when the row gives it, else at the volume's weight in
water (1 g per mL). Caps apply with ``portion_limits`` (the diagnosis may
switch them off with the other portion caps), but for the fish advice's
day and week rows (safety rules); they are independent of the
meal structure: a life stage's servings hold in any mode.
"""

from __future__ import annotations

import csv
import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mealplan._errors import FoodTableError
from mealplan._measures import VOLUME_WORDS
from mealplan._nutrients import Diet
from mealplan._resources import data_file

if TYPE_CHECKING:
    from mealplan._models import Person

__all__ = [
    "LIFE_STAGE_CAPS_FILE",
    "LIFE_STAGE_CAP_COLUMNS",
    "LIFE_STAGE_CAP_OPTIONAL",
    "MAX_LIFE_STAGE_CAPS",
    "TEXT_COLUMNS",
    "UNIT_GRAMS",
    "UNIT_ML",
    "DayCapRow",
    "LifeStageCap",
    "load_life_stage_caps",
    "portion_ml",
    "read_life_stage_caps",
]

LIFE_STAGE_CAPS_FILE = "life_stage_caps.csv"
"""Name of the bundled caps table in ``foods/``."""

LIFE_STAGE_CAP_COLUMNS = (
    "cap_id",
    "min_age",
    "max_age",
    "scope",
    "selector",
    "amount",
    "unit",
    "no_volume_grams",
    "source",
    "reasoning",
)
"""The columns every caps table has, in this order."""
LIFE_STAGE_CAP_OPTIONAL = ("life_stages", "diets")
"""Last columns a table may add, in this order (``diets`` only after
``life_stages``): the life stages a cap is limited to, and the diets an item
cap is limited to."""
DIETS = frozenset(d.value for d in Diet)
"""The values of ``diets``."""
LIFE_STAGES = frozenset({"pregnancy", "lactation"})
"""The values of ``life_stages``."""

UNIT_GRAMS = {"g": 1.0, "oz": 28.349523125}
"""Weight units: grams per unit (avoirdupois ounce)."""

UNIT_ML = {
    "ml": 1.0,
    "fl_oz": 29.5735295625,
    "cup": 236.5882365,
    "tbsp": 14.78676478125,
    "tsp": 4.92892159375,
}
"""Volume units: millilitres per unit (US customary)."""

_KINDS = frozenset({"role", "base", "id", "category", "word", "fish", "fped"})
_SHARE_KINDS = frozenset({"fish", "fped"})
"""Kinds whose foods count a share of their weight, not the whole of it."""
_FPED_VALUES = frozenset({"juice"})
"""The values of an ``fped`` selector (:data:`mealplan._fped.JUICE`)."""
_FISH_VALUES = frozenset({"best", "good", "avoid", "any"})
"""The values of a ``fish`` selector: FDA/EPA classes (:mod:`mealplan._fish_choices`)."""
TEXT_COLUMNS = ("name", "sr28_description", "fndds_description", "description")
"""The texts a ``word`` selector reads (as the safety rules do), with id and base."""
MAX_LIFE_STAGE_CAPS = 1000
"""Rows a caps table may hold (the bundled one has under 20)."""
_PATTERN_UNIT = "servings"

_PORTION_VOLUME = re.compile(
    r"^\s*(\d+(?:\.\d+)?|\d+/\d+|½|¼|¾)\s*"
    r"(cups?|fl\.? ?oz|tbsp|tablespoons?|tsp|teaspoons?)\b",
    re.IGNORECASE,
)
_WORD_UNIT = VOLUME_WORDS
_FRACTIONS = {"½": 0.5, "¼": 0.25, "¾": 0.75}


@functools.cache
def _words(values: frozenset[str]) -> re.Pattern[str]:
    """Return a pattern finding any of ``values`` as whole words or phrases."""
    # Hyphens read as spaces, as in the texts: "passion-fruit" is "passion fruit".
    words = sorted({v.lower().replace("-", " ").strip() for v in values})
    alternatives = "|".join(re.escape(w) for w in words)
    return re.compile(rf"\b(?:{alternatives})\b")


def _picks(
    kind: str,
    values: frozenset[str],
    food_id: str,
    roles: frozenset[str],
    base: str,
    category: str,
    text: str,
    fish: str = "",
    juice: float = 0.0,
) -> bool:
    return bool(
        (kind == "fish" and fish and ("any" in values or fish in values))
        or (kind == "fped" and juice > 0 and "juice" in values)
        or (kind == "role" and roles & values)
        or (kind == "base" and base in values)
        or (kind == "id" and food_id in values)
        or (kind == "category" and category in values)
        or (kind == "word" and _words(values).search(text))
    )


@dataclass(frozen=True)
class LifeStageCap:
    """One cap of ``foods/life_stage_caps.csv`` (see the module docstring)."""

    cap_id: str
    min_age: float
    max_age: float
    scope: str
    """``item`` (one item), ``day`` (summed over the day), ``week`` (summed
    over every 7 consecutive days) or ``pattern``."""
    selectors: tuple[tuple[str, frozenset[str]], ...]
    """(kind, values) pairs; a food any of them picks is selected."""
    amount: float
    unit: str
    no_volume_grams: float | None
    source: str
    reasoning: str

    def applies(self, age: float) -> bool:
        """Whether the cap holds at ``age`` (years)."""
        return self.min_age <= age < self.max_age

    exclude: tuple[tuple[str, frozenset[str]], ...] = ()
    """(kind, values) pairs of the ``!`` parts; a food any of them picks is left out."""
    life_stages: frozenset[str] = frozenset()
    """``pregnancy``/``lactation``: the cap holds only then (empty: always)."""
    diets: frozenset[str] = frozenset()
    """The diets an item cap holds for (empty: every diet); a request
    without a known diet is held to it (in doubt, capped)."""

    @property
    def fish_advice(self) -> bool:
        """Whether a ``fish`` part selects foods: FDA/EPA's fish advice, a safety rule.

        Such a ``day`` row is the constraint group ``daily_fish_caps``
        (:mod:`mealplan._fish_day_caps`), kept with the portion caps off.
        """
        return any(kind == "fish" for kind, _ in self.selectors)

    def holds_for(self, person: Person, diet: Diet | None = None) -> bool:
        """Whether the cap holds for ``person`` (age, life stage and diet if limited)."""
        if not self.applies(person.age):
            return False
        if self.diets and diet is not None and diet.value not in self.diets:
            return False
        if not self.life_stages:
            return True
        return bool(
            ("pregnancy" in self.life_stages and person.pregnancy)
            or ("lactation" in self.life_stages and person.lactation)
        )

    def selects(
        self,
        food_id: str,
        roles: frozenset[str],
        base: str,
        category: str,
        text: str = "",
        fish: str = "",
        juice: float = 0.0,
    ) -> bool:
        """Whether the cap's selector picks this food.

        ``text``: its lowercased texts; ``fish``: its FDA/EPA class (empty:
        not a fish food); ``juice``: its FPED juice, cup-eq per 100 g (0:
        none, or not a dish).
        """
        food = (food_id, roles, base, category, text, fish, juice)
        return any(
            _picks(kind, values, *food) for kind, values in self.selectors
        ) and not any(_picks(kind, values, *food) for kind, values in self.exclude)

    def only_by_share(
        self,
        food_id: str,
        roles: frozenset[str],
        base: str,
        category: str,
        text: str = "",
    ) -> bool:
        """Whether only ``fish`` or ``fped`` parts pick this food (it counts its share).

        A food another part picks (orange juice by the word "juice") counts
        its whole weight, whatever its fish or juice share.
        """
        food = (food_id, roles, base, category, text)
        return not any(
            _picks(kind, values, *food)
            for kind, values in self.selectors
            if kind not in _SHARE_KINDS
        )

    def juice_per_gram(self, cup_eq_per_100g: float) -> float:
        """Return the cap's unit per gram of a dish with this FPED juice.

        A cup-eq of juice is a cup (FPED), so the cap's volume unit is read
        straight from it; only a volume cap takes an ``fped`` part (checked
        when the table is read).
        """
        return cup_eq_per_100g / 100.0 * UNIT_ML["cup"] / UNIT_ML[self.unit]

    def amount_per_gram(self, portion: tuple[str, float]) -> float:
        """Return the cap's unit per gram of a food whose portion is ``portion``."""
        if self.unit in UNIT_GRAMS:
            return 1.0 / UNIT_GRAMS[self.unit]
        description, grams = portion
        ml = portion_ml(description)
        if ml is not None and grams > 0:
            return ml / grams / UNIT_ML[self.unit]
        if self.no_volume_grams:
            return self.amount / self.no_volume_grams
        return 1.0 / UNIT_ML[self.unit]  # water: 1 g per mL


@dataclass(frozen=True)
class DayCapRow:
    """A whole-day cap on the problem's candidates: ``sum per_unit*v <= limit``."""

    cap_id: str
    foods: tuple[int, ...]
    """Candidate indices the cap selects."""
    per_unit: tuple[float, ...]
    """The cap's unit per variable unit of each food (same order)."""
    limit: float
    unit: str = ""
    """The cap's unit (``oz``, ``fl_oz``...), for notes."""


def portion_ml(description: str) -> float | None:
    """Return the volume of a portion described as "1 cup", "8 fl oz"... (None: not one)."""
    match = _PORTION_VOLUME.match(description)
    if match is None:
        return None
    number, word = match.group(1), match.group(2).lower()
    if number in _FRACTIONS:
        count = _FRACTIONS[number]
    elif "/" in number:
        top, bottom = number.split("/")
        count = float(top) / float(bottom)
    else:
        count = float(number)
    unit = "fl_oz" if word.startswith("fl") else _WORD_UNIT[word]
    return count * UNIT_ML[unit]


def _number(text: str, file: Path, row_no: int, column: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        msg = (
            f"{file.name} row {row_no}: {column} must be a number >= 0 "
            f"(got {text!r}); fix the row."
        )
        raise FoodTableError(msg, path=str(file), row=row_no)
    return value


def _bad(file: Path, row_no: int | None, what: str) -> FoodTableError:
    where = file.name if row_no is None else f"{file.name} row {row_no}"
    return FoodTableError(f"{where}: {what}", path=str(file), row=row_no)


def _text_rows(file: Path) -> list[dict[str, str]]:
    """Return the file's rows as text, with its header checked (typed errors)."""
    if not file.is_file():
        msg = f"Life-stage caps file {file} was not found; pass its path."
        raise FoodTableError(msg, path=str(file))
    try:
        with file.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            header = tuple(reader.fieldnames or ())
            if header not in (
                LIFE_STAGE_CAP_COLUMNS,
                LIFE_STAGE_CAP_COLUMNS + LIFE_STAGE_CAP_OPTIONAL[:1],
                LIFE_STAGE_CAP_COLUMNS + LIFE_STAGE_CAP_OPTIONAL,
            ):
                what = (
                    f"the header must be {','.join(LIFE_STAGE_CAP_COLUMNS)} "
                    f"(optionally ,{','.join(LIFE_STAGE_CAP_OPTIONAL)}); fix it."
                )
                raise _bad(file, None, what)
            rows = []
            for row_no, row in enumerate(reader, start=1):
                if row_no > MAX_LIFE_STAGE_CAPS:
                    what = (
                        f"a caps table holds at most {MAX_LIFE_STAGE_CAPS} rows; "
                        "split it or keep the caps that matter."
                    )
                    raise _bad(file, row_no, what)
                if None in row or None in row.values():
                    what = (
                        f"expected {len(header)} fields, as the "
                        "header (quote a field that holds a comma); fix the row."
                    )
                    raise _bad(file, row_no, what)
                rows.append(row)
    except UnicodeDecodeError:
        msg = f"Life-stage caps file {file} is not UTF-8 text; save it as UTF-8 CSV."
        raise FoodTableError(msg, path=str(file)) from None
    except csv.Error as exc:
        msg = f"Life-stage caps file {file} is not valid CSV ({exc}); fix it."
        raise FoodTableError(msg, path=str(file)) from None
    if not rows:
        what = (
            "the caps table has no rows; give at least one cap (to plan "
            "without caps, set portion_limits false)."
        )
        raise _bad(file, None, what)
    return rows


def read_life_stage_caps(path: str | Path) -> tuple[LifeStageCap, ...]:
    """Read and check a life-stage caps table.

    Raises:
        FoodTableError: The file is missing, not UTF-8 CSV, empty, or a row is
            malformed (a bad selector, scope or unit, a number that is not
            >= 0, ages that are not min_age < max_age, a zero amount, an
            unknown pattern group, a missing source, a repeated cap_id).

    """
    from mealplan._problem import PATTERN_SERVINGS_2000  # the problem imports us

    file = Path(path)
    caps: list[LifeStageCap] = []
    seen: set[str] = set()
    for row_no, row in enumerate(_text_rows(file), start=1):
        cap_id = row["cap_id"].strip()
        if not cap_id or cap_id in seen:
            what = (
                f"cap_id must be a new non-empty id (got {row['cap_id']!r}); rename it."
            )
            raise _bad(file, row_no, what)
        seen.add(cap_id)
        selectors: list[tuple[str, frozenset[str]]] = []
        exclude: list[tuple[str, frozenset[str]]] = []
        for part in () if row["scope"] == "pattern" else row["selector"].split(";"):
            kind, _, values = part.partition(":")
            leave_out = kind.startswith("!")
            kind = kind.removeprefix("!")
            if kind not in _KINDS or not values or "" in values.split("|"):
                msg = (
                    f"{file.name} row {row_no}: 'selector' must be kind:a|b "
                    f"(kinds {', '.join(sorted(_KINDS))}; !kind:a|b leaves "
                    f"out), joined by ';' (got {row['selector']!r})."
                )
                raise FoodTableError(msg, path=str(file), row=row_no)
            if kind == "fish" and not set(values.split("|")) <= _FISH_VALUES:
                what = (
                    f"a fish selector's values are "
                    f"{', '.join(sorted(_FISH_VALUES))} joined by '|' (got "
                    f"{values!r}: FDA/EPA's classes, foods/fish_choices.csv)."
                )
                raise _bad(file, row_no, what)
            if kind == "fped" and (
                not set(values.split("|")) <= _FPED_VALUES or row["unit"] not in UNIT_ML
            ):
                what = (
                    f"an fped selector's value is juice (FPED's cup-eq of "
                    f"juice) on a cap whose unit is a volume (got {values!r} "
                    f"in {row['unit']!r}); fix the row."
                )
                raise _bad(file, row_no, what)
            (exclude if leave_out else selectors).append(
                (kind, frozenset(values.split("|")))
            )
        if row["scope"] != "pattern" and not selectors:
            what = (
                f"a selector needs a part that picks foods, not only !kind "
                f"parts (got {row['selector']!r})."
            )
            raise _bad(file, row_no, what)
        unit = row["unit"]
        pattern = row["scope"] == "pattern"
        if pattern != (row["selector"].startswith("pattern:")) or pattern != (
            unit == _PATTERN_UNIT
        ):
            msg = (
                f"{file.name} row {row_no}: a pattern row has scope pattern, "
                f"selector pattern:<group> and unit servings; no other row "
                f"does (got {row['scope']!r}, {row['selector']!r}, {unit!r})."
            )
            raise FoodTableError(msg, path=str(file), row=row_no)
        if pattern:
            group = row["selector"][8:]
            if group not in PATTERN_SERVINGS_2000:
                what = (
                    f"pattern group must be one of "
                    f"{', '.join(sorted(PATTERN_SERVINGS_2000))} (got {group!r})."
                )
                raise _bad(file, row_no, what)
            selectors = [("pattern", frozenset({group}))]
        elif row["scope"] not in ("item", "day", "week") or (
            unit not in UNIT_GRAMS and unit not in UNIT_ML
        ):
            msg = (
                f"{file.name} row {row_no}: scope must be item, day or week and unit "
                f"one of {', '.join([*UNIT_GRAMS, *UNIT_ML])} (got "
                f"{row['scope']!r}, {unit!r})."
            )
            raise FoodTableError(msg, path=str(file), row=row_no)
        if not row["source"].strip():
            msg = f"{file.name} row {row_no}: every cap needs its source; add it."
            raise FoodTableError(msg, path=str(file), row=row_no)
        low = _number(row["min_age"], file, row_no, "min_age")
        high = _number(row["max_age"], file, row_no, "max_age")
        if not low < high:
            what = (
                f"min_age must be below max_age (the cap holds at "
                f"min_age <= age < max_age; got {low:g} and {high:g})."
            )
            raise _bad(file, row_no, what)
        amount = _number(row["amount"], file, row_no, "amount")
        fallback = row["no_volume_grams"]
        grams = _number(fallback, file, row_no, "no_volume_grams") if fallback else None
        if amount <= 0 or grams == 0:
            what = (
                "amount and no_volume_grams must be above 0 (to rule a food "
                "out, use an exclusion or a safety rule, not a cap of 0)."
            )
            raise _bad(file, row_no, what)
        stages = frozenset(
            s.strip() for s in row.get("life_stages", "").split(";") if s.strip()
        )
        if stages - LIFE_STAGES:
            what = (
                f"life_stages must be empty or {', '.join(sorted(LIFE_STAGES))} "
                f"joined by ';' (got {row['life_stages']!r})."
            )
            raise _bad(file, row_no, what)
        diets = frozenset(
            s.strip() for s in row.get("diets", "").split(";") if s.strip()
        )
        if diets - DIETS or (diets and row["scope"] != "item"):
            what = (
                f"diets must be empty or {', '.join(sorted(DIETS))} joined by ';', "
                f"on an item row only (got {row.get('diets')!r} on a "
                f"{row['scope']!r} row)."
            )
            raise _bad(file, row_no, what)
        caps.append(
            LifeStageCap(
                cap_id,
                low,
                high,
                row["scope"],
                tuple(selectors),
                amount,
                unit,
                grams,
                row["source"],
                row["reasoning"],
                tuple(exclude),
                stages,
                diets,
            )
        )
    return tuple(caps)


@functools.cache
def _bundled(path: str) -> tuple[LifeStageCap, ...]:
    return read_life_stage_caps(path)


def load_life_stage_caps(path: str | Path | None = None) -> tuple[LifeStageCap, ...]:
    """Return a caps table: the bundled one (read once), or a caller's CSV.

    A caller's table has the columns of ``foods/life_stage_caps.csv`` and
    replaces the bundled one whole when given to
    :meth:`mealplan.FoodTable.using_life_stage_caps` (CLI:
    ``--life-stage-caps-file``).

    Raises:
        FoodTableError: ``path``'s table is missing or malformed (see
            :func:`read_life_stage_caps`).

    """
    if path is None:
        return _bundled(str(data_file(LIFE_STAGE_CAPS_FILE)))
    return read_life_stage_caps(path)
