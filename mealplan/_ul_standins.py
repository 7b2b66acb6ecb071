"""Room under an upper limit for foods with no USDA value (``foods/ul_standins.csv``).

SR28 leaves a nutrient out where it was not measured, so a plan's total with
such a food is a lower bound. Under a minimum that is the safe side (the
food counts as 0); under an upper limit it is not: a child's manganese
planned to 2.99 of its 3 mg UL with whole-wheat hot cereal unmeasured is over
the limit in fact (the cereal's dry form, measured, gives about 0.7 mg per
100 g cooked). So under a maximum the planner counts each unmeasured food at
a reviewed stand-in: the measured value of its closest SR28 sibling (the
same food in another form, brand or fortification), per 100 g or scaled per
100 kcal where the forms differ in water or sugar; ``rae`` (a food's own
vitamin A RAE, an upper bound on its retinol when all its vitamin A is added
retinol); or 0 where the nutrient cannot be in the food (``absent``: retinol
in an unfortified plant food). In doubt the reviewer took the larger
stand-in.

Stand-ins only keep room under a limit: totals and reports still show the
measured values with their "≥", minimums still count the food as 0, and the
room each day kept is reported beside its total
(:attr:`mealplan.NutrientTotal.unmeasured_allowance`). The values per 100 g
are derived from SR28 by ``mealplan.data build-foods`` (:func:`standin_rows`);
the reviewed choice of sibling and basis is the file's own. A request with
``room_for_unmeasured`` false counts unmeasured foods as 0 under limits too.
"""

from __future__ import annotations

import csv
import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from mealplan._errors import FoodTableError
from mealplan._nutrients import Nutrient
from mealplan._resources import data_file

if TYPE_CHECKING:
    from mealplan._catalog import FoodTable
    from mealplan._models import Person
    from mealplan._sr28 import SR28

__all__ = [
    "BASES",
    "REPORTED_UNDER_AGE",
    "STANDINS_COLUMNS",
    "STANDINS_FILE",
    "UlStandin",
    "allowance_per_100g",
    "load_ul_standins",
    "planned_room",
    "read_ul_standins",
    "room_key",
    "standin_rows",
]

STANDINS_FILE = "ul_standins.csv"
STANDINS_COLUMNS = (
    "ndb_no",
    "name",
    "nutrient",
    "basis",
    "sibling_ndb",
    "sibling",
    "per_100g",
    "reason",
)
BASES = ("per_100g", "per_100kcal", "rae", "absent")
"""How a stand-in is derived: the sibling's value per 100 g, or per 100 kcal
times the food's energy; the food's own vitamin A RAE (retinol only); 0."""

_SIBLING_BASES = frozenset({"per_100g", "per_100kcal"})

REPORTED_UNDER_AGE: Mapping[str, float] = MappingProxyType(
    {Nutrient.MANGANESE.value: 4.0}
)
"""Limits whose stand-ins are reported, not planned, below an age.

Manganese at 1-3: its room cost the toddler days 2.25x the CPU (median 1.5
-> 3.5 s; the Mn UL at 1-3 is 2 mg, and the vegetarian and vegan toddlers'
whole grains, legumes and plant milks reach it) and left a vegan boy of 3
with no plan at all (``benchmarks/ul_standins_ab_latest.md``). So at 1-3 a
plan keeps manganese's measured total under its UL, and its total says what
the unmeasured foods add at their stand-ins (``unmeasured_allowance``) and
whether that passes the UL: reported, as the panel reports an AI it does
not plan (IOM 2001 set the Mn UL from adults' Western diets and
extrapolated it to children by body weight). From 4 it is planned like the
others (session 35, after the dietitian review of session 34 read a vegan
boy of 8 at about 3.93 of 3 mg by estimate; ``benchmarks/mn_room_ab_latest.md``).
Retinol, selenium, zinc and folic acid are planned at every age (they cost
nothing measurable). Without a person (explicit targets) every limit keeps
its room: the safe side."""


@dataclass(frozen=True)
class UlStandin:
    """What one food without a USDA value counts as under one upper limit."""

    ndb_no: str
    name: str
    nutrient: str
    basis: str
    sibling_ndb: str
    sibling: str
    per_100g: float
    reason: str


def room_key(nutrient: str) -> str:
    """Return the ``Problem.coef`` key of a limit's sum with stand-ins."""
    return f"{nutrient}@room"


def planned_room(nutrient: str, person: Person | None) -> bool:
    """Whether a limit on ``nutrient`` keeps room for its stand-ins in the model."""
    under = REPORTED_UNDER_AGE.get(nutrient)
    return under is None or person is None or person.age >= under


def _bad(path: Path, row: int | None, what: str) -> FoodTableError:
    where = f" row {row}" if row is not None else ""
    return FoodTableError(f"{path.name}{where}: {what}", path=str(path), row=row)


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and value >= 0 else None


def read_ul_standins(path: str | Path, *, values: bool = True) -> tuple[UlStandin, ...]:
    """Read and check a stand-ins table with the columns of ``foods/ul_standins.csv``.

    ``values`` False (``build-foods``, which derives them) lets ``per_100g``
    be empty.

    Raises:
        FoodTableError: The file is missing or not UTF-8 CSV, a column is
            missing, or a row is malformed (an NDB number that is not 5
            digits, a nutrient mealplan does not know, an unknown basis, a
            sibling basis without a sibling, a value that is not a number
            >= 0, no reason, or a (food, nutrient) pair given twice).

    """
    file = Path(path)
    try:
        with file.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
            header = rows[0].keys() if rows else set()
    except (OSError, UnicodeDecodeError) as exc:
        msg = (
            f"the stand-ins table could not be read ({type(exc).__name__}); "
            f"expected a UTF-8 CSV with columns {', '.join(STANDINS_COLUMNS)}."
        )
        raise _bad(file, None, msg) from None
    missing = [c for c in STANDINS_COLUMNS if c not in header]
    if not rows or missing:
        msg = (
            f"expected columns {', '.join(STANDINS_COLUMNS)} and at least one "
            f"row (missing: {', '.join(missing) or 'every row'}); add them."
        )
        raise _bad(file, None, msg)
    known = {n.value for n in Nutrient}
    out: list[UlStandin] = []
    seen: set[tuple[str, str]] = set()
    for row_no, row in enumerate(rows, start=1):
        if not values and not (row.get("per_100g") or "").strip():
            row = {**row, "per_100g": "0"}
        out.append(_row(file, row_no, row, known, seen))
    return tuple(out)


def _row(
    file: Path,
    row_no: int,
    row: Mapping[str, str | None],
    known: set[str],
    seen: set[tuple[str, str]],
) -> UlStandin:
    text = {c: (row.get(c) or "").strip() for c in STANDINS_COLUMNS}
    ndb, nutrient, basis = text["ndb_no"], text["nutrient"], text["basis"]
    value = _number(text["per_100g"])
    problem = None
    if len(ndb) != 5 or not ndb.isdigit():
        problem = f"ndb_no must be a 5-digit SR28 NDB number (got {ndb!r})"
    elif nutrient not in known:
        problem = (
            f"nutrient must be a nutrient column mealplan knows (got {nutrient!r})"
        )
    elif basis not in BASES:
        problem = f"basis must be one of {', '.join(BASES)} (got {basis!r})"
    elif basis in _SIBLING_BASES and len(text["sibling_ndb"]) != 5:
        problem = (
            f"basis {basis} needs a 5-digit sibling_ndb (got {text['sibling_ndb']!r})"
        )
    elif value is None:
        problem = f"per_100g must be a number >= 0 (got {text['per_100g']!r})"
    elif basis in ("absent", "rae") and text["sibling_ndb"]:
        problem = f"basis {basis} takes no sibling (got {text['sibling_ndb']!r})"
    elif basis == "absent" and value != 0:
        problem = f"an absent nutrient stands in at 0 per 100 g (got {value:g})"
    elif not text["reason"]:
        problem = "every row needs a reason (why this sibling and basis)"
    elif (ndb, nutrient) in seen:
        problem = f"{ndb} {nutrient} is given twice; keep one row"
    if problem is not None:
        raise _bad(file, row_no, problem + "; fix the row.")
    seen.add((ndb, nutrient))
    assert value is not None
    return UlStandin(
        ndb, text["name"], nutrient, basis, text["sibling_ndb"], text["sibling"],
        value, text["reason"],
    )  # fmt: skip


@functools.cache
def _bundled(path: str) -> tuple[UlStandin, ...]:
    return read_ul_standins(path)


def load_ul_standins(path: str | Path | None = None) -> tuple[UlStandin, ...]:
    """Return a stand-ins table: the bundled one (read once), or a caller's CSV.

    Raises:
        FoodTableError: ``path``'s table is missing or malformed.

    """
    if path is None:
        return _bundled(str(data_file(STANDINS_FILE)))
    return read_ul_standins(path)


@functools.cache
def _by_pair(standins: tuple[UlStandin, ...]) -> dict[tuple[str, str], float]:
    return {(s.ndb_no, s.nutrient): s.per_100g for s in standins}


def allowance_per_100g(
    table: FoodTable,
    rows: Sequence[int] | NDArray[np.int_],
    nutrient: str,
    standins: tuple[UlStandin, ...] | None = None,
) -> NDArray[np.float64] | None:
    """Per 100 g of each of ``rows``: what an unmeasured food counts as under a limit.

    Returns the stand-in where the food has no value for ``nutrient`` and
    the table names its SR28 NDB number with a stand-in row, 0 elsewhere
    (measured foods and foods without a reviewed stand-in); None when no
    unmeasured food has a stand-in row.
    """
    if not table.has_column(nutrient) or not table.has_column("ndb_no"):
        return None
    index = np.asarray(rows, dtype=int)
    values = table.numbers(nutrient)[index]
    missing = np.isnan(values)
    if not missing.any():
        return None
    if standins is None:
        # The table's own (a caller's, mealplan.FoodTable.using_ul_standins)
        # or the bundled ones.
        standins = table.ul_standins or load_ul_standins()
    pairs = _by_pair(standins)
    ndbs = table.texts("ndb_no")
    out = np.zeros(len(values))
    reviewed = False
    for k in np.flatnonzero(missing):
        value = pairs.get((ndbs[int(index[k])], nutrient))
        if value is not None:
            out[k] = value
            reviewed = True
    # A reviewed 0 (retinol in a mushroom) is an answer too: the report then
    # says the unmeasured foods add none, not that the limit may be passed.
    return out if reviewed else None


def standin_rows(sr28: SR28, curated: Sequence[UlStandin]) -> list[dict[str, Any]]:
    """Return the table's rows with ``per_100g`` derived from SR28 (``build-foods``).

    Raises:
        FoodTableError: A food or sibling is not in the release, a sibling
            has no value for the nutrient, or the food has one (then it
            needs no stand-in).

    """
    from mealplan._sr28 import nutrient_strings

    wide = nutrient_strings(sr28)
    energy = Nutrient.ENERGY.sr28_number
    out: list[dict[str, Any]] = []
    for s in curated:
        number = Nutrient(s.nutrient).sr28_number

        def value(ndb: str, nutr: str, s: UlStandin = s) -> float:
            text = str(wide.at[ndb, nutr]) if ndb in wide.index else ""
            if text == "":
                msg = (
                    f"{STANDINS_FILE}: {s.ndb_no} {s.nutrient}'s basis {s.basis} "
                    f"needs SR28 nutrient {nutr} of {ndb}, which the release "
                    "does not have; choose another sibling or basis."
                )
                raise FoodTableError(msg, path=STANDINS_FILE)
            return float(text)

        if s.ndb_no not in wide.index or wide.at[s.ndb_no, number] != "":
            msg = (
                f"{STANDINS_FILE}: {s.ndb_no} {s.nutrient} is not an unmeasured "
                "SR28 value (the food is missing or has a value); drop the row."
            )
            raise FoodTableError(msg, path=STANDINS_FILE)
        if s.basis == "per_100g":
            per_100g = value(s.sibling_ndb, number)
        elif s.basis == "per_100kcal":
            kcal = value(s.sibling_ndb, energy)
            per_100g = value(s.sibling_ndb, number) / kcal * value(s.ndb_no, energy)
        elif s.basis == "rae":
            per_100g = value(s.ndb_no, Nutrient.VITAMIN_A.sr28_number)
        else:
            per_100g = 0.0
        out.append(
            {
                "ndb_no": s.ndb_no,
                "name": s.name,
                "nutrient": s.nutrient,
                "basis": s.basis,
                "sibling_ndb": s.sibling_ndb,
                "sibling": s.sibling,
                "per_100g": f"{per_100g:.4g}",
                "reason": s.reason,
            }
        )
    return out
