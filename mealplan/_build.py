"""Build ``foods/foods.csv`` and ``foods/portions.csv`` from SR28.

The inputs are the hand-curated ``foods/selection.csv`` (which SR28 foods the
bundled table holds, with names, slots and portion limits) and
``foods/article_mentions.csv`` (which article phrases name which foods),
read and checked by :mod:`mealplan._build_inputs`, the SR28 release and,
optionally, the USDA ERS PP-NAP prices mapped to SR28.

The output is deterministic: rows are sorted, SR28 values are written with the
release's own digits, derived values (vitamin D from IU) are exact decimals,
files are UTF-8 with LF line endings. Building twice gives identical bytes.

The same row builder serves :meth:`mealplan.FoodTable.from_sr28`, which turns
the whole release into a table.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from mealplan._build_inputs import DIET_TAGS as _DIET_TAGS
from mealplan._build_inputs import (
    MENTION_KINDS,
    SELECTION_COLUMNS,
    STRUCTURE_COLUMNS,
    check_selection_in_sr28,
    check_structure_in_sr28,
    read_mentions,
    read_selection,
    read_structure,
    selection_rows,
    structure_rows,
)
from mealplan._build_inputs import split_cells as _split
from mealplan._columns import (
    FOODS_COLUMNS,
    MENTION_COLUMNS,
    PORTIONS_COLUMNS,
    ROLES,
    SECTIONS,
)
from mealplan._errors import FoodTableError
from mealplan._nutrients import Nutrient
from mealplan._price_matches import read_price_matches
from mealplan._sr28 import (
    SR28,
    VITAMIN_D2,
    VITAMIN_D3,
    VITAMIN_D_IU,
    fortified_marks,
    nutrient_strings,
    vitamin_d_forms,
)

__all__ = [
    "FOODS_COLUMNS",
    "MENTION_COLUMNS",
    "MENTION_KINDS",
    "PORTIONS_COLUMNS",
    "ROLES",
    "SECTIONS",
    "SELECTION_COLUMNS",
    "SR28_COLUMNS",
    "STRUCTURE_COLUMNS",
    "Prices",
    "build_foods",
    "decimal_text",
    "food_rows",
    "portion_rows",
    "read_mentions",
    "read_prices",
    "read_selection",
    "read_structure",
    "write_csv",
]

_TAG_NOTE = (
    "allergens and diet tags by mealplan rules from SR28 food group and description"
)


@dataclass(frozen=True)
class Prices:
    """One PP-NAP price per SR28 food.

    Attributes:
        table: Indexed by NDB number; text columns ``price`` (US$ per 100 g,
            the file's digits), ``year`` (``2017/2018`` or ``2015/2016``),
            ``food_code`` and ``how`` (empty for the PP-NAP mapping's own
            rows; :data:`mealplan._price_matches.HAND_MATCH` for a hand match).

    """

    table: pd.DataFrame


def decimal_text(value: str) -> str:
    """Rewrite a decimal without exponent or trailing zeros (``.50`` -> ``0.5``)."""
    number = Decimal(value).normalize()
    text = f"{number:f}"
    return "0" if text in {"-0", ""} else text


def read_prices(prices_dir: str | Path) -> Prices:
    """Read one price per SR28 food from ``ppnap_food_code_to_sr28.csv``.

    Only rows with ``preferred_for_ndb = yes`` are used; the 2017/2018 price is
    taken where present, else the 2015/2016 one; the cycle is kept. No price is
    estimated.
    """
    path = Path(prices_dir) / "ppnap_food_code_to_sr28.csv"
    if not path.is_file():
        msg = (
            f"Price mapping {path} was not found; "
            "pass the folder holding ppnap_food_code_to_sr28.csv."
        )
        raise FoodTableError(msg, path=str(path))
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)
    rows = raw[(raw["preferred_for_ndb"] == "yes") & (raw["ndb_no"] != "")]
    new = rows["price_100gm_2017_2018"] != ""
    table = pd.DataFrame(
        {
            "price": rows["price_100gm_2017_2018"].where(
                new, rows["price_100gm_2015_2016"]
            ),
            "year": pd.Series("2017/2018", index=rows.index).where(new, "2015/2016"),
            "food_code": rows["food_code"],
            "how": "",
        }
    )
    table.index = pd.Index(rows["ndb_no"])
    table = table[table["price"] != ""]
    return Prices(table[~table.index.duplicated()])


def food_rows(
    sr28: SR28,
    ndbs: Sequence[str],
    *,
    prices: Prices | None = None,
    names: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Build the SR28-derived text columns of ``foods.csv`` for ``ndbs``.

    Returns:
        A text frame in ``ndbs`` order with the columns ``ndb_no, food_group,``
        the 11 nutrients, the three diet tags, ``allergens`` (``;``-list),
        ``fortified``, the price columns, ``sr28_description`` and
        ``provenance``.

    """
    foods = sr28.foods.loc[list(ndbs)]
    values = nutrient_strings(sr28).loc[list(ndbs)]
    out = pd.DataFrame(index=pd.RangeIndex(len(ndbs)))
    out["ndb_no"] = list(ndbs)
    out["food_group"] = foods["food_group"].to_numpy()
    provenance = [[f"USDA SR28 NDB {ndb}"] for ndb in ndbs]
    for nutrient in Nutrient:
        out[nutrient.value] = values[nutrient.sr28_number].to_numpy()
    # Vitamin D: 328 (ug) where present, else 324 (IU) / 40, noted in provenance.
    d_ug = out[Nutrient.VITAMIN_D.value].tolist()
    d_iu = values[VITAMIN_D_IU].tolist()
    for i, (ug, iu) in enumerate(zip(d_ug, d_iu, strict=True)):
        if ug == "" and iu != "":
            d_ug[i] = decimal_text(str(Decimal(iu) / Decimal(40)))
            provenance[i].append("vitamin_d_ug from nutrient 324 (IU) / 40")
    out[Nutrient.VITAMIN_D.value] = d_ug
    # The curated name is searched too: it may name an ingredient SR28 does not.
    common = foods["com_name"].tolist()
    if names is not None:
        common = [f"{c} | {n}" for c, n in zip(common, names, strict=True)]
    # Imported here: compiling the tagging rules costs ~80 ms that loading
    # the bundled table (which only imports this module's constants) never needs.
    from mealplan._tagging import tag_foods

    d_forms = vitamin_d_forms(sr28)
    forms = [d_forms.get(ndb, "") for ndb in ndbs]
    tags = tag_foods(
        foods["long_desc"],
        foods["food_group"],
        common,
        foods["manufac_name"],
        forms,
    )
    out["vitamin_d_form"] = forms
    for i, form in enumerate(forms):
        if form:
            row = VITAMIN_D2 if form == "D2" else VITAMIN_D3
            provenance[i].append(f"vitamin D all {form} (SR28 {row} = 328)")
    for diet in _DIET_TAGS:
        out[diet] = [getattr(t, diet) for t in tags]
    out["allergens"] = [";".join(t.allergen_list) for t in tags]
    for p in provenance:
        p.append(_TAG_NOTE)
    marks = fortified_marks(sr28)
    out["fortified"] = [";".join(marks.get(ndb, ())) for ndb in ndbs]
    table = prices.table if prices is not None else None
    lookup: dict[str, tuple[str, str, str, str]] = (
        {}
        if table is None
        else {
            str(n): (str(p), str(y), str(c), str(h))
            for n, p, y, c, h in zip(
                table.index,
                table["price"],
                table["year"],
                table["food_code"],
                table["how"] if "how" in table.columns else [""] * len(table),
                strict=True,
            )
        }
    )
    none = ("", "", "", "")
    out["price_per_100g"] = [lookup.get(n, none)[0] for n in ndbs]
    out["price_year"] = [lookup.get(n, none)[1] for n in ndbs]
    out["price_source"] = [
        f"USDA ERS PP-NAP {lookup[n][1]}, FNDDS food code {lookup[n][2]}"
        + (f", {lookup[n][3]}" if lookup[n][3] else "")
        if n in lookup
        else ""
        for n in ndbs
    ]
    out["sr28_description"] = foods["long_desc"].to_numpy()
    out["provenance"] = ["; ".join(p) for p in provenance]
    return out


def portion_rows(
    sr28: SR28, ndbs: Mapping[str, str], defaults: Mapping[str, str]
) -> pd.DataFrame:
    """Build ``portions.csv`` rows from SR28 WEIGHT.

    Args:
        sr28: The release.
        ndbs: Food id -> NDB number.
        defaults: Food id -> WEIGHT Seq of its default portion; ``""`` for a
            food with no WEIGHT row, which gets one ``100 g`` portion (seq 0).

    Returns:
        A text frame with :data:`PORTIONS_COLUMNS`, sorted by food id and seq.

    """
    # One pass over WEIGHT in plain records: a pandas get_group and to_dict
    # per food took 20 of from_sr28's 30 s on the whole release.
    by_ndb: dict[Any, list[dict[Hashable, Any]]] = {}
    for rec in sr28.weight.to_dict("records"):
        by_ndb.setdefault(rec["ndb_no"], []).append(rec)
    records: list[dict[str, str]] = []
    for food_id in sorted(ndbs):
        ndb = ndbs[food_id]
        default = defaults.get(food_id, "")
        if ndb in by_ndb:
            for rec in by_ndb[ndb]:
                amount = decimal_text(rec["amount"])
                records.append(
                    {
                        "food_id": food_id,
                        "seq": str(int(rec["seq"])),
                        "amount": amount,
                        "description": f"{amount} {rec['msre_desc']}",
                        "grams": rec["gm_wgt"],
                        "is_default": "true" if rec["seq"] == default else "false",
                    }
                )
        else:
            records.append(
                {
                    "food_id": food_id,
                    "seq": "0",
                    "amount": "100",
                    "description": "100 g",
                    "grams": "100",
                    "is_default": "true",
                }
            )
    frame = pd.DataFrame(records, columns=list(PORTIONS_COLUMNS))
    order = sorted(
        range(len(records)),
        key=lambda k: (records[k]["food_id"], int(records[k]["seq"])),
    )
    return frame.iloc[order].reset_index(drop=True)


def _bool_text(values: Iterable[bool]) -> list[str]:
    return ["true" if v else "false" for v in values]


def _selected_foods(
    sr28: SR28,
    selection: pd.DataFrame,
    mentions: pd.DataFrame,
    prices: Prices | None,
    structure: Mapping[str, Mapping[str, str]] | None = None,
) -> pd.DataFrame:
    base = food_rows(
        sr28,
        selection["ndb_no"].tolist(),
        prices=prices,
        names=selection["name"].tolist(),
    )
    sections: dict[str, set[str]] = {}
    for rec in mentions.to_dict("records"):
        for food_id in _split(rec["food_ids"]):
            sections.setdefault(food_id, set()).add(rec["section"])
    out = pd.DataFrame(index=base.index)
    out["id"] = selection["id"].to_numpy()
    out["name"] = selection["name"].to_numpy()
    out["ndb_no"] = base["ndb_no"]
    out["food_group"] = base["food_group"]
    out["category"] = selection["category"].to_numpy()
    for nutrient in Nutrient:
        out[nutrient.value] = base[nutrient.value]
    provenance = base["provenance"].tolist()
    for i, rec in enumerate(selection.to_dict("records")):
        removed = set(_split(rec["not_diets"]))
        for diet in _DIET_TAGS:
            # The selection can only remove a diet tag, never add one.
            base.at[i, diet] = bool(base.at[i, diet]) and diet not in removed
        extra = set(_split(rec["extra_allergens"]))
        merged = set(_split(str(base.at[i, "allergens"]))) | extra
        base.at[i, "allergens"] = ";".join(sorted(merged))
        if extra:
            provenance[i] += "; extra_allergens from selection.csv: " + ";".join(
                sorted(extra)
            )
        if removed:
            provenance[i] += "; not_diets from selection.csv: " + ";".join(
                sorted(removed)
            )
    for diet in _DIET_TAGS:
        out[diet] = _bool_text(base[diet])
    out["allergens"] = base["allergens"]
    out["fortified"] = base["fortified"]
    out["meal_slots"] = [
        ";".join(sorted(set(_split(s)))) for s in selection["meal_slots"]
    ]
    out["article_sections"] = [
        ";".join(sorted(sections.get(f, ()))) for f in selection["id"]
    ]
    out["max_portions"] = [
        decimal_text(m) if m else "" for m in selection["max_portions"]
    ]
    for column in SR28_COLUMNS:
        out[column] = base[column]
    out["provenance"] = provenance
    out["fndds_code"] = ""
    for column in ("base", "roles", "whole_units"):
        out[column] = [
            structure[f][column] if structure is not None else ""
            for f in selection["id"]
        ]
    return out.sort_values("id", kind="stable").reset_index(drop=True)[
        list(FOODS_COLUMNS)
    ]


SR28_COLUMNS: tuple[str, ...] = (
    "price_per_100g",
    "price_year",
    "price_source",
    "sr28_description",
    "vitamin_d_form",
)
"""Columns of :func:`food_rows` a table takes as they are (bundled or whole SR28)."""


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write a text frame as UTF-8 CSV with LF endings, minimal quoting."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(frame.columns)
    writer.writerows(frame.astype(str).itertuples(index=False, name=None))
    path.write_bytes(buffer.getvalue().encode("utf-8"))


def build_foods(
    sr28_dir: str | Path,
    out_dir: str | Path,
    *,
    prices_dir: str | Path | None = None,
    selection_path: str | Path | None = None,
    mentions_path: str | Path | None = None,
    fndds_dir: str | Path | None = None,
) -> tuple[Path, Path]:
    """Regenerate ``foods.csv`` and ``portions.csv`` in ``out_dir``.

    Args:
        sr28_dir: Folder of the SR28 ASCII release.
        out_dir: Where to write the two files (created if needed).
        prices_dir: Folder of the PP-NAP files; without it prices stay empty.
        selection_path: ``selection.csv``; defaults to ``out_dir/selection.csv``.
        mentions_path: ``article_mentions.csv``; defaults to the file beside
            the selection.
        fndds_dir: Folder of FNDDS 2017-2018; with it (and ``prices_dir``,
            which holds the recipes) the dishes of ``dish_selection.csv``
            (beside the selection) are written to ``dishes.csv``,
            ``dish_portions.csv`` and ``dish_ingredients.csv`` (kept apart from
            ``foods.csv`` so that loading the table without dishes reads no
            more than before).

    ``structure.csv`` beside the selection, when present, gives the SR28
    foods' ``base``, ``roles`` and ``whole_units``; ``price_matches.csv``
    beside it, the prices of foods the PP-NAP mapping leaves out
    (:mod:`mealplan._price_matches`).

    Returns:
        The paths of ``foods.csv`` and ``portions.csv``.

    Raises:
        FoodTableError: An input is missing or has a bad row.

    """
    from mealplan._sr28 import read_sr28

    out = Path(out_dir)
    selection_file = Path(selection_path) if selection_path else out / "selection.csv"
    mentions_file = (
        Path(mentions_path)
        if mentions_path
        else selection_file.parent / "article_mentions.csv"
    )
    structure_file = selection_file.parent / "structure.csv"
    if fndds_dir is not None and prices_dir is None:
        msg = (
            "Dishes need the FNDDS 2015-2016 recipes in the prices folder; "
            "pass --prices with --fndds."
        )
        raise FoodTableError(msg, path=str(fndds_dir))
    # The curated files and the prices first: a bad row there fails at once,
    # not after reading SR28 (NUT_DATA alone is 680,000 rows, seconds).
    selection = selection_rows(selection_file)
    mentions = read_mentions(mentions_file, selection["id"])
    structure = (
        structure_rows(structure_file, selection["id"])
        if structure_file.is_file()
        else None
    )
    prices = read_prices(prices_dir) if prices_dir is not None else None
    matches_file = selection_file.parent / "price_matches.csv"
    if prices is not None and prices_dir is not None and matches_file.is_file():
        # The reviewed hand matches price what the mapping leaves out.
        hand = read_price_matches(
            matches_file,
            dict(zip(selection["id"], selection["ndb_no"], strict=True)),
            set(prices.table.index),
            prices_dir,
        )
        prices = Prices(pd.concat([prices.table, hand]))
    sr28 = read_sr28(sr28_dir)
    check_selection_in_sr28(selection, selection_file, sr28)
    if structure is not None:
        check_structure_in_sr28(structure, structure_file, sr28)
    foods = _selected_foods(sr28, selection, mentions, prices, structure)
    portions = portion_rows(
        sr28,
        dict(zip(selection["id"], selection["ndb_no"], strict=True)),
        dict(zip(selection["id"], selection["default_portion"], strict=True)),
    )
    ingredients: pd.DataFrame | None = None
    dishes: tuple[pd.DataFrame, pd.DataFrame] | None = None
    if fndds_dir is not None:
        assert prices_dir is not None  # checked before reading anything
        dish_foods, dish_portions, ingredients = _dishes(
            sr28,
            selection,
            mentions,
            fndds_dir=Path(fndds_dir),
            prices_dir=prices_dir,
            dish_file=selection_file.parent / "dish_selection.csv",
        )
        dishes = (dish_foods, dish_portions)
    out.mkdir(parents=True, exist_ok=True)
    foods_path, portions_path = out / "foods.csv", out / "portions.csv"
    write_csv(foods, foods_path)
    write_csv(portions, portions_path)
    if dishes is not None and ingredients is not None:
        write_csv(dishes[0], out / "dishes.csv")
        write_csv(dishes[1], out / "dish_portions.csv")
        write_csv(ingredients, out / "dish_ingredients.csv")
        # FPED 2017-2018's food-pattern equivalents of each dish (the
        # pattern credit of a dish, mealplan._fped).
        from mealplan._fped import FPED_COLUMNS, fped_rows

        assert fndds_dir is not None
        fped = fped_rows(
            fndds_dir,
            zip(
                map(str, dishes[0]["id"]),
                map(str, dishes[0]["fndds_code"]),
                strict=True,
            ),
        )
        write_csv(pd.DataFrame(fped, columns=list(FPED_COLUMNS)), out / "dish_fped.csv")
    standins_file = selection_file.parent / "ul_standins.csv"
    if standins_file.is_file():
        # The reviewed siblings are the file's own; their values per 100 g
        # are SR28's, derived here (mealplan._ul_standins).
        from mealplan._ul_standins import (
            STANDINS_COLUMNS,
            read_ul_standins,
            standin_rows,
        )

        curated = read_ul_standins(standins_file, values=False)
        write_csv(
            pd.DataFrame(standin_rows(sr28, curated), columns=list(STANDINS_COLUMNS)),
            out / "ul_standins.csv",
        )
    if structure is not None:
        from mealplan._purchase_forms import PURCHASE_COLUMNS, purchase_rows

        ndb = dict(zip(selection["id"], selection["ndb_no"], strict=True))
        buy = {ndb[f]: r["buy_ndb"] for f, r in structure.items() if r["buy_ndb"]}
        used = set(ndb.values())
        if ingredients is not None:
            used |= set(ingredients["ndb_no"])
            from mealplan._purchase_forms import ingredient_buys

            pairs = zip(ingredients["ndb_no"], ingredients["food_ids"], strict=True)
            extra = ingredient_buys(sr28, pairs, structure)
            buy = {**extra, **buy}  # a bundled food's own purchase form first
        rows = purchase_rows(sr28, used, buy)
        write_csv(
            pd.DataFrame(rows, columns=list(PURCHASE_COLUMNS)),
            out / "purchase_forms.csv",
        )
    return foods_path, portions_path


def _dishes(
    sr28: SR28,
    selection: pd.DataFrame,
    mentions: pd.DataFrame,
    *,
    fndds_dir: Path,
    prices_dir: str | Path,
    dish_file: Path,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Build the dish rows, dish portions and dish ingredients of ``dish_file``."""
    # Imported here: mealplan._fndds_dishes imports this module.
    from mealplan import _fndds, _fndds_dishes

    fndds = _fndds.read_fndds(fndds_dir)
    dishes = _fndds_dishes.read_dish_selection(dish_file, fndds)
    clash = sorted({d["id"] for d in dishes} & set(selection["id"]))
    if clash:
        msg = (
            f"{dish_file.name}: id {clash[0]!r} is also an id of selection.csv; "
            "rename the dish."
        )
        raise FoodTableError(msg, path=str(dish_file), column="id")
    sr = sr28.foods
    descriptions = {
        str(n): (str(d), str(g), str(c), str(m))
        for n, d, g, c, m in zip(
            sr.index,
            sr["long_desc"],
            sr["food_group"],
            sr["com_name"],
            sr["manufac_name"],
            strict=True,
        )
    }
    tables = _fndds_dishes.dish_tables(
        fndds,
        _fndds.read_recipes(prices_dir),
        dishes,
        sr28_descriptions=descriptions,
        bundled=dict(zip(selection["id"], selection["ndb_no"], strict=True)),
        mentions=[
            {str(k): str(v) for k, v in r.items()} for r in mentions.to_dict("records")
        ],
        prices=_fndds.code_prices(prices_dir),
        ingredient_overrides=_fndds_dishes.read_ingredient_tags(
            dish_file.parent / "ingredient_tags.csv", descriptions
        )
        if (dish_file.parent / "ingredient_tags.csv").is_file()
        else None,
    )
    all_foods = pd.DataFrame(tables.foods, columns=list(FOODS_COLUMNS))
    all_foods = all_foods.sort_values("id", kind="stable").reset_index(drop=True)
    all_portions = pd.DataFrame(tables.portions, columns=list(PORTIONS_COLUMNS))
    order = sorted(
        range(len(all_portions)),
        key=lambda k: (
            str(all_portions.at[k, "food_id"]),
            int(str(all_portions.at[k, "seq"])),
        ),
    )
    all_portions = all_portions.iloc[order].reset_index(drop=True)
    ingredients = pd.DataFrame(
        tables.ingredients, columns=list(_fndds_dishes.DISH_INGREDIENT_COLUMNS)
    )
    return all_foods, all_portions, ingredients
