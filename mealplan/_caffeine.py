"""The caffeine limit: a planning maximum by life stage, from published advice.

Caffeine has no DRI, but the source article names excessive caffeine among
the causes of muscle twitching, and a plan may hold coffee, tea, cola,
cocoa or dark chocolate (SR28 262 and FNDDS give every food's caffeine).
``foods/caffeine_limits.csv`` holds the limits with their sources: 400 mg a
day for adults (FDA; EFSA 2015), 200 mg in pregnancy (ACOG) and lactation
(EFSA 2015), Health Canada's children's figures (45, 62.5 and 85 mg at 4-6,
7-9 and 10-12 years) and 2.5 mg per kg of body weight at 1-3 and 13-18
years (the person's weight, or the IOM reference weight). Every row that
applies to the person is taken and the lowest wins (a pregnant 16-year-old
gets the adolescent figure when it is lower than 200 mg).

The limit is a plan maximum in every panel mode, overridable with the
request's ``bounds`` like any other. A food whose words name a caffeine
source (coffee, tea, cola, cocoa, chocolate, an energy drink...) but whose
caffeine is not measured (a caller's table without the column, or a row left
blank) cannot be held to the limit, so it is left out for everyone with one
(:func:`unmeasured_caffeine`): in doubt, left out. The bundled table has no
such food (tests/test_caffeine.py).
"""

from __future__ import annotations

import csv
import math
import re
import weakref
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from mealplan._energy import plausible_weight, reference_body
from mealplan._errors import FoodTableError
from mealplan._life_stage_caps import _number as _checked_number
from mealplan._nutrients import Nutrient
from mealplan._resources import data_file

if TYPE_CHECKING:
    from mealplan._catalog import FoodTable
    from mealplan._models import Person

__all__ = [
    "CAFFEINE_FILE",
    "CAFFEINE_WORDS",
    "CaffeineLimit",
    "caffeine_limit",
    "read_caffeine_limits",
    "unmeasured_caffeine",
]

CAFFEINE_FILE = "caffeine_limits.csv"
"""Name of the bundled caffeine-limit table in ``foods/``."""

_COLUMNS = (
    "limit_id",
    "life_stage",
    "age_min_years",
    "age_max_years",
    "mg_per_day",
    "mg_per_kg",
    "source",
    "reasoning",
)
_STAGES = frozenset({"general", "pregnancy", "lactation"})


@dataclass(frozen=True, slots=True)
class CaffeineLimit:
    """One row of ``caffeine_limits.csv``: a limit for an age band or stage.

    Exactly one of ``mg_per_day`` (a fixed amount) and ``mg_per_kg`` (per kg
    of body weight) is set.
    """

    limit_id: str
    life_stage: str
    age_min: float
    age_max: float
    mg_per_day: float | None
    mg_per_kg: float | None
    source: str

    def applies(self, person: Person) -> bool:
        """Return True when the row covers ``person``'s age and life stage."""
        if not self.age_min <= person.age < self.age_max:
            return False
        if self.life_stage == "pregnancy":
            return bool(person.pregnancy)
        if self.life_stage == "lactation":
            return bool(person.lactation)
        return True

    def amount(self, person: Person) -> tuple[float, str]:
        """Return the limit in mg a day for ``person`` and how it was reached."""
        if self.mg_per_day is not None:
            return self.mg_per_day, f"{self.mg_per_day:g} mg/day"
        per_kg = self.mg_per_kg or 0.0
        given = plausible_weight(person)
        if given is not None:
            weight, whose = given, "the weight given"
        else:
            weight = reference_body(person.age, person.sex)[1]
            whose = "the IOM reference weight"
        value = round(per_kg * weight, 1)
        return value, f"{per_kg:g} mg/kg x {weight:g} kg ({whose}) = {value:g} mg/day"


def _number(raw: str, path: str, line: int, column: str) -> float | None:
    """Return None for a blank cell, else the number (0 or more) it holds."""
    text = raw.strip()
    return _checked_number(text, Path(path), line, column) if text else None


def read_caffeine_limits(path: str) -> tuple[CaffeineLimit, ...]:
    """Read and check a caffeine-limit table (the bundled one by default).

    Raises:
        FoodTableError: The file is missing, has other columns, or a row has a
            bad stage, age band or amount.

    """
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if tuple(reader.fieldnames or ()) != _COLUMNS:
                msg = (
                    f"{path} has columns {reader.fieldnames}, expected "
                    f"{list(_COLUMNS)}; restore the bundled file's header."
                )
                raise FoodTableError(msg)
            rows = list(reader)
    except OSError as exc:
        msg = f"The caffeine-limit table {path} could not be read ({exc}); reinstall mealplan."
        raise FoodTableError(msg) from exc
    out = []
    for line, raw in enumerate(rows, start=2):
        where = f"{path}, line {line}"
        if raw["life_stage"] not in _STAGES:
            msg = (
                f"{where}: life_stage is {raw['life_stage']!r}, expected one of "
                f"{sorted(_STAGES)}; fix the row."
            )
            raise FoodTableError(msg)
        lo = _number(raw["age_min_years"], path, line, "age_min_years")
        hi = _number(raw["age_max_years"], path, line, "age_max_years")
        per_day = _number(raw["mg_per_day"], path, line, "mg_per_day")
        per_kg = _number(raw["mg_per_kg"], path, line, "mg_per_kg")
        if lo is None or hi is None or hi <= lo:
            msg = (
                f"{where}: the age band is {raw['age_min_years']!r} to "
                f"{raw['age_max_years']!r}, expected two numbers, the first lower; "
                "fix the row."
            )
            raise FoodTableError(msg)
        if (per_day is None) == (per_kg is None) or not raw["source"].strip():
            msg = (
                f"{where}: limit {raw['limit_id']!r} has mg_per_day "
                f"{raw['mg_per_day']!r} and mg_per_kg {raw['mg_per_kg']!r}, expected "
                "exactly one of them and a source; fix the row."
            )
            raise FoodTableError(msg)
        out.append(
            CaffeineLimit(
                limit_id=raw["limit_id"],
                life_stage=raw["life_stage"],
                age_min=lo,
                age_max=hi,
                mg_per_day=per_day,
                mg_per_kg=per_kg,
                source=raw["source"].strip(),
            )
        )
    return tuple(out)


@lru_cache(maxsize=4)
def _load(path: str) -> tuple[CaffeineLimit, ...]:
    return read_caffeine_limits(path)


def caffeine_limit(person: Person) -> tuple[float, str] | None:
    """Return ``person``'s caffeine limit in mg a day and its reason, or None.

    The lowest of the rows that apply (an age band, and pregnancy or
    lactation); None under 1 year, where no row applies (infants are refused
    before targets are built).
    """
    found = [
        (*row.amount(person), row)
        for row in _load(str(data_file(CAFFEINE_FILE)))
        if row.applies(person)
    ]
    if not found:
        return None
    value, how, row = min(found, key=lambda hit: hit[0])
    return value, (
        f"maximum {how}: a planning limit, not a DRI ({row.source}; via "
        "foods/caffeine_limits.csv)"
    )


CAFFEINE_WORDS = re.compile(
    r"\b(?:coffee|espresso|cappuccino|latte|mocha|teas?|chai|matcha|yerba mate"
    r"|cola|colas|soft drinks?|soda|energy drinks?|guarana|cocoa|cacao"
    r"|chocolate|kola)\b",
    re.IGNORECASE,
)
"""Words naming a caffeine source: coffee, tea, cola, cocoa and chocolate,
energy drinks (matched on every text the table holds about a food)."""

_TEXT_COLUMNS = ("id", "name", "sr28_description", "base")


def unmeasured_caffeine(table: FoodTable) -> dict[str, str]:
    """Return the foods naming a caffeine source without a caffeine value.

    Returns:
        Food id -> its name, for every food whose texts match
        :data:`CAFFEINE_WORDS` and whose ``caffeine_mg`` is missing (or the
        table has no such column). A decaf food is not exempt: decaf coffee
        still holds some caffeine, and the table's value says how much.

    """
    cached = _UNMEASURED.get(table)
    if cached is None:
        cached = _UNMEASURED[table] = _unmeasured(table)
    return dict(cached)


# A table is immutable, so its unmeasured foods are found once (2 ms a plan
# otherwise, on the bundled table with dishes).
_UNMEASURED: weakref.WeakKeyDictionary[FoodTable, dict[str, str]] = (
    weakref.WeakKeyDictionary()
)


def _unmeasured(table: FoodTable) -> dict[str, str]:
    column = Nutrient.CAFFEINE.value
    names = table.texts("name")
    columns = [table.texts(c) for c in _TEXT_COLUMNS if table.has_column(c)]
    texts = [" | ".join(parts) for parts in zip(*columns, strict=True)]
    if table.has_column(column):
        missing = [math.isnan(v) for v in table.numbers(column).tolist()]
    else:
        missing = [True] * len(texts)
    return {
        fid: name
        for fid, name, text, gap in zip(table.ids, names, texts, missing, strict=True)
        if gap and CAFFEINE_WORDS.search(text)
    }
