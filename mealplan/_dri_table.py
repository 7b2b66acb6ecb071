"""The DRI sources: the bundled NIH ODS table and the reports it cites.

``foods/dri_nih_ods.csv`` is a byte-for-byte copy of the NIH Office of
Dietary Supplements fact-sheet figures (which reproduce the Food and
Nutrition Board tables): :func:`read_dri` reads and checks it,
:func:`build_dri` bundles a new copy, :func:`dri_rows` is the cached bundled
table. The citations name the DRI reports the targets come from.
"""

from __future__ import annotations

import csv
import math
import shutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from mealplan._errors import FoodTableError
from mealplan._nutrients import Nutrient
from mealplan._resources import data_file

__all__ = [
    "DRI_FILE",
    "GENERAL_STAGES",
    "IOM_1997",
    "IOM_1998",
    "IOM_2005",
    "IOM_2011",
    "NASEM_2019",
    "SPECIAL_STAGES",
    "VIA",
    "DriRow",
    "age_span",
    "build_dri",
    "dri_rows",
    "read_dri",
]

DRI_FILE = "dri_nih_ods.csv"
"""Name of the bundled DRI table in ``foods/``."""

_COLUMNS = (
    "nutrient",
    "unit",
    "kind",
    "life_stage",
    "sex",
    "age_min_years",
    "age_max_years",
    "value",
    "note",
)
_KINDS = frozenset({"RDA", "AI", "UL"})
GENERAL_STAGES = frozenset({"general", "child", "infant"})
SPECIAL_STAGES = frozenset({"pregnancy", "lactation"})
_LIFE_STAGES = GENERAL_STAGES | SPECIAL_STAGES | {"all"}
_SEXES = frozenset({"any", "male", "female"})

# ---------------------------------------------------------------------------
# Citations
# ---------------------------------------------------------------------------

VIA = "via the NIH ODS {} fact sheet"
IOM_1997 = (
    "IOM 1997 (Dietary Reference Intakes for Calcium, Phosphorus, Magnesium, "
    "Vitamin D, and Fluoride)"
)
IOM_1998 = (
    "IOM 1998 (Dietary Reference Intakes for Thiamin, Riboflavin, Niacin, "
    "Vitamin B6, Folate, Vitamin B12, Pantothenic Acid, Biotin, and Choline)"
)
IOM_2005 = (
    "IOM 2005 (Dietary Reference Intakes for Energy, Carbohydrate, Fiber, Fat, "
    "Fatty Acids, Cholesterol, Protein, and Amino Acids)"
)
IOM_2011 = "IOM 2011 (Dietary Reference Intakes for Calcium and Vitamin D)"
NASEM_2019 = "NASEM 2019 (Dietary Reference Intakes for Sodium and Potassium)"


# ---------------------------------------------------------------------------
# The DRI table
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DriRow:
    """One row of ``dri_nih_ods.csv``.

    Attributes:
        nutrient: Table name of the nutrient, e.g. ``"vitamin_d"``.
        unit: ``"mg"`` or ``"ug"``.
        kind: ``"RDA"``, ``"AI"`` or ``"UL"``.
        life_stage: ``general``, ``child`` or ``infant`` (everyone in the band),
            ``pregnancy`` or ``lactation`` (replace those), or ``all`` (ULs).
        sex: ``"any"``, ``"male"`` or ``"female"``.
        age_min: Lower age bound in years, inclusive.
        age_max: Upper age bound in years, exclusive (200 = no upper bound).
        value: The amount per day, in ``unit``.
        note: Free text from the table.

    """

    nutrient: str
    unit: str
    kind: str
    life_stage: str
    sex: str
    age_min: float
    age_max: float
    value: float
    note: str

    @property
    def column(self) -> str:
        """The food-table column this row is about, e.g. ``"vitamin_d_ug"``."""
        return f"{self.nutrient}_{self.unit}"

    def covers(self, age: float) -> bool:
        """Return True when ``age`` lies in ``[age_min, age_max)``."""
        return self.age_min <= age < self.age_max

    def group(self) -> str:
        """Return a readable life-stage group, e.g. ``"females 19-30 y"``."""
        return _group_label(self.life_stage, self.sex, self.age_min, self.age_max)


def age_span(age_min: float, age_max: float) -> str:
    """Say an age band as the DRI tables do: "0-6 mo", "19-30 y", "71+ y"."""
    if age_max <= 1:
        return f"{age_min * 12:g}-{age_max * 12:g} mo"
    if age_max >= 200:
        return f"{age_min:g}+ y"
    return f"{age_min:g}-{age_max - 1:g} y"


def _group_label(life_stage: str, sex: str, age_min: float, age_max: float) -> str:
    span = age_span(age_min, age_max)
    if life_stage in SPECIAL_STAGES:
        return f"{life_stage} {span}"
    if life_stage == "infant":
        return f"infants {span}"
    if sex == "any":
        return f"children {span}" if age_max <= 14 else f"males and females {span}"
    return f"{sex}s {span}"


def read_dri(path: Path) -> tuple[DriRow, ...]:
    """Read and check a DRI table laid out like ``dri_nih_ods.csv``.

    Args:
        path: The CSV file.

    Returns:
        The rows, in file order.

    Raises:
        FoodTableError: The file is missing, or a header, value or age band is
            malformed.

    """
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        msg = (
            f"The DRI table {where} cannot be read ({exc.strerror}); "
            "reinstall mealplan."
        )
        raise FoodTableError(msg, path=where) from exc
    reader = csv.DictReader(text.splitlines())
    if tuple(reader.fieldnames or ()) != _COLUMNS:
        msg = (
            f"The DRI table {where} has columns {reader.fieldnames}, expected "
            f"{list(_COLUMNS)}; restore it from the NIH ODS reference copy."
        )
        raise FoodTableError(msg, path=where)
    rows: list[DriRow] = []
    for number, raw in enumerate(reader, start=1):
        rows.append(_parse_row(raw, where, number))
    if not rows:
        msg = f"The DRI table {where} has no rows; restore it from the reference copy."
        raise FoodTableError(msg, path=where)
    return tuple(rows)


def _parse_row(raw: dict[str, str], where: str, number: int) -> DriRow:
    def bad(column: str, expected: str) -> FoodTableError:
        msg = (
            f"The DRI table {where}, row {number}, column {column!r} holds "
            f"{raw.get(column)!r}; expected {expected}."
        )
        return FoodTableError(msg, path=where, row=number, column=column)

    numbers: dict[str, float] = {}
    for column in ("age_min_years", "age_max_years", "value"):
        try:
            value = float(raw[column])
        except (TypeError, ValueError):
            raise bad(column, "a number") from None
        if not math.isfinite(value) or value < 0:
            raise bad(column, "a finite number >= 0")
        numbers[column] = value
    if numbers["age_min_years"] >= numbers["age_max_years"]:
        column, expected = "age_max_years", "an age above age_min_years"
        raise bad(column, expected)
    checks = (("kind", _KINDS), ("life_stage", _LIFE_STAGES), ("sex", _SEXES))
    for column, allowed in checks:
        if raw[column] not in allowed:
            raise bad(column, f"one of {sorted(allowed)}")
    row = DriRow(
        nutrient=raw["nutrient"],
        unit=raw["unit"],
        kind=raw["kind"],
        life_stage=raw["life_stage"],
        sex=raw["sex"],
        age_min=numbers["age_min_years"],
        age_max=numbers["age_max_years"],
        value=numbers["value"],
        note=raw["note"] or "",
    )
    if row.column not in {n.value for n in Nutrient}:
        column, expected = (
            "nutrient",
            "a name whose '<nutrient>_<unit>' is a food column",
        )
        raise bad(column, expected)
    return row


@lru_cache(maxsize=8)
def _load(path: str) -> tuple[DriRow, ...]:
    return read_dri(Path(path))


def dri_rows() -> tuple[DriRow, ...]:
    """Return the bundled DRI table (read once)."""
    return _load(str(data_file(DRI_FILE)))


def build_dri(src: Path, out_dir: Path) -> Path:
    """Copy the reference DRI table into ``out_dir`` as the bundled package copy.

    The copy is byte-for-byte, so the package table can be compared with its
    source; the file is parsed first so a broken source is never bundled.

    Args:
        src: The reference ``dri_nih_ods.csv`` (``shared/reference/`` in the
            project's data folder).
        out_dir: The folder to write to, normally the checkout's ``foods/``.

    Returns:
        The path of the written file, ``out_dir / "dri_nih_ods.csv"``.

    Raises:
        FoodTableError: ``src`` is missing or malformed.

    """
    read_dri(src)
    out_dir.mkdir(parents=True, exist_ok=True)
    dest = out_dir / DRI_FILE
    shutil.copyfile(src, dest)
    _load.cache_clear()
    return dest
