"""Read the USDA SR28 ASCII release into pandas.

The release is ``^``-delimited, text fields are quoted with ``~``, records end
with CRLF, there is no header and the encoding is cp1252. Every field is read
as text so that NDB numbers keep their leading zeros and nutrient values keep
the exact digits the release prints; numeric copies are added where needed.

A food with no NUT_DATA row for a nutrient has *no measurement* for it: the
pivot keeps that as missing (empty string / NaN), never as zero.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from mealplan._errors import FoodTableError
from mealplan._nutrients import Nutrient

__all__ = [
    "SR28",
    "VITAMIN_D2",
    "VITAMIN_D3",
    "VITAMIN_D_IU",
    "fortified_marks",
    "nutrient_strings",
    "read_sr28",
    "vitamin_d_forms",
]

VITAMIN_D_IU = "324"
"""SR28 Nutr_No of vitamin D in IU, used where 328 (micrograms) is missing."""

_FILES: dict[str, list[str]] = {
    "FOOD_DES": [
        "ndb_no",
        "fdgrp_cd",
        "long_desc",
        "shrt_desc",
        "com_name",
        "manufac_name",
        "survey",
        "ref_desc",
        "refuse",
        "sci_name",
        "n_factor",
        "pro_factor",
        "fat_factor",
        "cho_factor",
    ],
    "FD_GROUP": ["fdgrp_cd", "food_group"],
    "NUTR_DEF": ["nutr_no", "units", "tagname", "nutr_desc", "num_dec", "sr_order"],
    "WEIGHT": [
        "ndb_no",
        "seq",
        "amount",
        "msre_desc",
        "gm_wgt",
        "num_data_pts",
        "std_dev",
    ],
}

# NUT_DATA has 18 fields; only four are needed, and reading only those keeps
# the 36 MB file fast to parse.
_NUT_DATA_COLUMNS = {0: "ndb_no", 1: "nutr_no", 2: "nutr_val", 8: "add_nutr_mark"}


@dataclass(frozen=True)
class SR28:
    """The parts of the SR28 release mealplan uses, all columns as text.

    Attributes:
        directory: The folder the files were read from.
        foods: One row per food, indexed by ``ndb_no``; columns of FOOD_DES
            plus ``food_group`` (the FD_GROUP name).
        nut_data: Long table ``ndb_no, nutr_no, nutr_val, add_nutr_mark``.
        nutr_def: NUTR_DEF indexed by ``nutr_no``.
        weight: WEIGHT rows ``ndb_no, seq, amount, msre_desc, gm_wgt`` in
            file order.

    """

    directory: Path
    foods: pd.DataFrame
    nut_data: pd.DataFrame
    nutr_def: pd.DataFrame
    weight: pd.DataFrame


def _read(
    path: Path, names: list[str], usecols: list[int] | None = None
) -> pd.DataFrame:
    """Read one SR28 file as text; empty fields become empty strings."""
    if not path.is_file():
        msg = (
            f"SR28 file {path} was not found; "
            "pass the folder holding the SR28 ASCII release."
        )
        raise FoodTableError(msg, path=str(path))
    try:
        frame = pd.read_csv(
            path,
            sep="^",
            quotechar="~",
            header=None,
            names=names if usecols is None else None,
            usecols=usecols,
            dtype=str,
            encoding="cp1252",
            keep_default_na=False,
            na_filter=False,
            quoting=csv.QUOTE_MINIMAL,
            engine="c",
        )
    except (ValueError, OSError, pd.errors.ParserError) as exc:
        msg = (
            f"SR28 file {path} could not be parsed ({exc}); "
            "expected the SR28 ASCII release."
        )
        raise FoodTableError(msg, path=str(path)) from None
    if usecols is not None:
        frame.columns = pd.Index(names)
    return frame


def read_sr28(directory: str | Path) -> SR28:
    """Read FOOD_DES, FD_GROUP, NUT_DATA, NUTR_DEF and WEIGHT from ``directory``.

    Raises:
        FoodTableError: A file is missing or unreadable.

    """
    root = Path(directory)
    if not root.is_dir():
        msg = (
            f"SR28 folder {root} does not exist; pass the folder holding FOOD_DES.txt."
        )
        raise FoodTableError(msg, path=str(root))
    foods = _read(root / "FOOD_DES.txt", _FILES["FOOD_DES"])
    groups = _read(root / "FD_GROUP.txt", _FILES["FD_GROUP"])
    nutr_def = _read(root / "NUTR_DEF.txt", _FILES["NUTR_DEF"]).set_index("nutr_no")
    weight = _read(root / "WEIGHT.txt", _FILES["WEIGHT"])[
        ["ndb_no", "seq", "amount", "msre_desc", "gm_wgt"]
    ]
    nut_data = _read(
        root / "NUT_DATA.txt",
        list(_NUT_DATA_COLUMNS.values()),
        usecols=list(_NUT_DATA_COLUMNS),
    )
    group_names = groups.set_index("fdgrp_cd")["food_group"]
    foods["food_group"] = foods["fdgrp_cd"].map(group_names).fillna("")
    foods = foods.set_index("ndb_no", drop=False)
    foods.index.name = None
    return SR28(root, foods, nut_data, nutr_def, weight)


def nutrient_strings(sr28: SR28) -> pd.DataFrame:
    """Pivot our 11 nutrients plus 324 (vitamin D, IU) to one row per food.

    Returns:
        A frame indexed by every NDB number of FOOD_DES with one column per
        Nutr_No (``"208"``, ..., ``"418"``, ``"324"``) holding the release's
        own digits as text, and ``""`` where the release has no row.

    """
    wanted = [n.sr28_number for n in Nutrient] + [VITAMIN_D_IU]
    rows = sr28.nut_data[sr28.nut_data["nutr_no"].isin(wanted)]
    wide = rows.pivot(index="ndb_no", columns="nutr_no", values="nutr_val")
    wide = wide.reindex(index=sr28.foods.index, columns=wanted)
    return wide.fillna("").astype(str)


VITAMIN_D2 = "325"
"""SR28 Nutr_No of vitamin D2 (ergocalciferol), micrograms."""
VITAMIN_D3 = "326"
"""SR28 Nutr_No of vitamin D3 (cholecalciferol), micrograms."""


def vitamin_d_forms(sr28: SR28) -> dict[str, str]:
    """Name the form of a food's vitamin D where the release's rows show it.

    ``"D2"`` when the food's D2 row (325) is above zero and equals its
    vitamin D (D2 + D3) row (328) and no D3 row (326) is above zero; ``"D3"``
    the other way round. Anything else (no 328 row, both forms, a total the
    form rows do not make up) names no form: it is not guessed. Fortified
    soy milks' D is all D2 this way (16222: 1.2 of 1.2 µg, manufacturer's
    analyses), which the vegan tag rests on (no lanolin D3).

    Returns:
        NDB number to ``"D2"`` or ``"D3"``, for the foods with a form.

    """
    wanted = [VITAMIN_D2, VITAMIN_D3, Nutrient.VITAMIN_D.sr28_number]
    rows = sr28.nut_data[sr28.nut_data["nutr_no"].isin(wanted)]
    values = pd.to_numeric(rows["nutr_val"], errors="coerce")
    wide = (
        rows.assign(value=values)
        .pivot(index="ndb_no", columns="nutr_no", values="value")
        .reindex(columns=wanted)
    )
    d2, d3, total = (wide[n] for n in wanted)
    # Rows are given to the release's own digits; a sum within 0.05 µg is the
    # same amount (values carry one or two decimals).
    only_d2 = (d2 > 0) & ((total - d2).abs() < 0.05) & ~(d3 > 0)
    only_d3 = (d3 > 0) & ((total - d3).abs() < 0.05) & ~(d2 > 0)
    forms = {str(n): "D2" for n in wide.index[only_d2]}
    forms.update({str(n): "D3" for n in wide.index[only_d3]})
    return forms


def fortified_marks(sr28: SR28) -> pd.Series:
    """Name the nutrients SR28 marks as added (Add_Nutr_Mark = Y) per food.

    Our 11 nutrients are named by their column (``vitamin_d_ug``); the others by
    their NUTR_DEF Tagname, lowercased (``fe``, ``thia``). Vitamin D in IU
    (324) is named ``vitamin_d_ug`` too, since that column is derived from it.

    A mark on an amount of zero is no mark (nothing was added). Only 260 of
    the 8,789 foods carry any mark, and some foods whose
    description says "fortified", "enriched" or "with added vitamin ..." carry
    none: the mark is what the release says, and is not completed by guessing.

    Returns:
        A Series indexed by NDB number (only foods with at least one mark) of
        sorted tuples of names.

    """
    # A mark on a zero amount adds nothing: SR28 marks vitamin B-12 "added"
    # at 0.00 on 08120, "Cereals, oats, regular and quick, not fortified",
    # which a request without fortified foods then lost. (Text values: a
    # blank one is not a number and counts as no amount.)
    amount = pd.to_numeric(sr28.nut_data["nutr_val"], errors="coerce").fillna(0.0)
    marked = sr28.nut_data[(sr28.nut_data["add_nutr_mark"] == "Y") & (amount > 0)]
    names = {n.sr28_number: n.value for n in Nutrient}
    names[VITAMIN_D_IU] = Nutrient.VITAMIN_D.value
    # A few NUTR_DEF rows have no Tagname (578 "Vitamin B-12, added", 573
    # "Vitamin E, added"); they are named by a slug of their description.
    slugs = (
        sr28.nutr_def["nutr_desc"]
        .str.lower()
        .str.replace(r"[^a-z0-9]+", "_", regex=True)
        .str.strip("_")
    )
    tags = (
        sr28.nutr_def["tagname"]
        .str.lower()
        .where(sr28.nutr_def["tagname"] != "", slugs)
    )
    label = marked["nutr_no"].map(
        lambda no: names.get(no) or tags.get(no) or f"nutr_{no}"
    )
    grouped: pd.Series = label.groupby(marked["ndb_no"]).agg(_sorted_tuple)
    return grouped


def _sorted_tuple(values: pd.Series) -> tuple[str, ...]:
    return tuple(sorted({str(v) for v in values}))
