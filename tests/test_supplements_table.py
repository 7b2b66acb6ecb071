"""A caller's own supplements table (pint style: bundled data a caller overrides).

The custom table is checked against the plan with the csv module alone
(``tests/checks.py``), and every malformed table is a typed one-line error
that names the row and column; nothing is dropped silently.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import mealplan
from mealplan import FoodTableError, RequestError, load_foods, load_supplements
from mealplan._cli import main
from mealplan._supplements import with_supplements
from tests.checks import check_plan, supplement_rows
from tests.test_supplements import ADULT, VEGAN_NO_FORTIFIED


def _b12(**change: str) -> dict[str, str]:
    row = dict(supplement_rows()["vitamin-b12-250ug"])
    row.update(id="my-b12-100ug", name="My B12 100 µg tablet", dose="100")
    row.update(change)
    return row


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def own_csv(tmp_path: Path) -> Path:
    return _write(tmp_path / "supplements.csv", [_b12()])


def test_a_callers_table_is_used_for_the_plan(own_csv: Path) -> None:
    table = load_foods().using_supplements(load_supplements(own_csv))
    assert load_foods().supplements is None  # the bundled table is unchanged
    result = mealplan.plan({**VEGAN_NO_FORTIFIED, "supplements": True}, table)
    pills = [i for i in result.items if i.kind == "supplement"]
    assert [i.food_id for i in pills] == ["my-b12-100ug"]
    # Its dose, not a bundled one: 100 µg of B12 from the tablet.
    augmented = with_supplements(table, result.request)
    assert augmented.value("my-b12-100ug", "vitamin_b12_ug") == pytest.approx(100 * 100)
    check_plan(result, augmented, supplements_csv=own_csv)
    # Reports given the table describe the caller's tablet.
    text = mealplan.render_text(result, table)
    assert "My B12 100 µg tablet" in text
    assert "100 µg vitamin B12" in text
    assert any("caller's own supplements table" in n for n in result.notes)
    # Without the table a report still names the tablet (from the plan).
    assert "My B12 100 µg tablet" in mealplan.render_text(result)
    assert "My B12 100 µg tablet" in mealplan.render_html(result)


def test_a_dataframe_gives_the_same_table(own_csv: Path) -> None:
    frame = pd.DataFrame([_b12()])
    assert load_supplements(frame) == load_supplements(own_csv)


def test_a_bundled_id_the_callers_table_lacks_is_unknown(own_csv: Path) -> None:
    table = load_foods().using_supplements(load_supplements(own_csv))
    with pytest.raises(RequestError, match="Unknown supplement 'vitamin-b12-250ug'"):
        mealplan.plan({"person": ADULT, "supplements": ["vitamin-b12-250ug"]}, table)


def _error(tmp_path: Path, rows: list[dict[str, str]]) -> FoodTableError:
    with pytest.raises(FoodTableError) as info:
        load_supplements(_write(tmp_path / "bad.csv", rows))
    message = str(info.value)
    assert "\n" not in message
    assert message.endswith(".")
    return info.value


@pytest.mark.parametrize(
    ("change", "column", "words"),
    [
        ({"dose": "0"}, "dose", "a number in (0, 100000]"),
        ({"dose": "nan"}, "dose", "a number"),
        ({"dose": "ten"}, "dose", "a number"),
        ({"nutrient": "iron_mg"}, "nutrient", "must be one of"),
        ({"form": ""}, "form", "must not be empty"),
        ({"dose_source": " "}, "dose_source", "must not be empty"),
        ({"form_source": ""}, "form_source", "must not be empty"),
        ({"vegan": "yes"}, "vegan", "true or false"),
        ({"allergens": "gluten"}, "allergens", "a ;-list of"),
        ({"min_age_years": "0.5"}, "min_age_years", "from 1 to 120"),
        ({"units_per_day": "1.5"}, "units_per_day", "1 to 4"),
        ({"vitamin_d_form": "D4"}, "vitamin_d_form", "D2, D3 or empty"),
        ({"id": "My B12!"}, "id", "lowercase letters"),
        ({"name": "two\nlines"}, "name", "one line"),
        ({"ul_applies_to": "total"}, "ul_applies_to", "must be 'none'"),
        ({"ul_applies_to": ""}, "ul_applies_to", "must be 'none'"),
        ({"adult_ul": "100"}, "adult_ul", "must be empty"),
        ({"ul_source": " "}, "ul_source", "must not be empty"),
        (
            {"nutrient": "magnesium_mg", "ul_applies_to": "total", "adult_ul": "350"},
            "ul_applies_to",
            "must be 'supplements'",
        ),
        (
            {"nutrient": "magnesium_mg", "ul_applies_to": "supplements"},
            "adult_ul",
            "must be 350, the UL for adults",
        ),
        (
            {"nutrient": "calcium_mg", "ul_applies_to": "total", "adult_ul": "3000"},
            "adult_ul",
            "must be 2500",
        ),
    ],
)
def test_a_bad_row_is_a_typed_error_naming_row_and_column(
    tmp_path: Path, change: dict[str, str], column: str, words: str
) -> None:
    error = _error(tmp_path, [_b12(id="good-b12"), _b12(**change)])
    assert error.row == 2
    assert error.column == column
    assert words in str(error)


def test_columns_are_checked_and_none_is_dropped(tmp_path: Path) -> None:
    row = _b12()
    del row["form_source"]
    assert _error(tmp_path, [row]).column == "form_source"
    # A column mealplan would not read is an error, not silently ignored.
    assert _error(tmp_path, [{**_b12(), "price": "0.05"}]).column == "price"
    assert _error(tmp_path, [_b12(), _b12()]).column == "id"  # duplicate id
    with pytest.raises(FoodTableError, match="has no rows"):
        load_supplements(pd.DataFrame(columns=list(_b12())))
    with pytest.raises(FoodTableError, match="was not found"):
        load_supplements(tmp_path / "missing.csv")
    with pytest.raises(FoodTableError, match="expected a pandas DataFrame"):
        load_supplements(123)  # type: ignore[arg-type]
    with pytest.raises(FoodTableError, match="load_supplements"):
        load_foods().using_supplements("supplements.csv")  # type: ignore[arg-type]
    # Every row of a good table is loaded.
    rows = [_b12(id=f"b12-{k}") for k in range(5)]
    assert [s.id for s in load_supplements(_write(tmp_path / "ok.csv", rows))] == [
        r["id"] for r in rows
    ]


def test_a_table_without_the_ul_columns_gets_its_nutrients_ul(
    tmp_path: Path,
) -> None:
    # A table written before the UL columns existed still loads: the UL is
    # the nutrient's (from the DRI report), not the product's.
    old = {k: v for k, v in _b12().items() if not k.startswith("ul_")}
    del old["adult_ul"]
    mg = dict(supplement_rows()["magnesium-100mg"])
    mg_old = {k: v for k, v in mg.items() if k in old}
    loaded = load_supplements(_write(tmp_path / "old.csv", [old, mg_old]))
    assert [s.ul_applies_to for s in loaded] == ["none", "supplements"]
    assert [s.adult_ul for s in loaded] == [None, 350]
    assert "IOM 1997" in loaded[1].ul_source
    # One UL column without the others is an error naming the missing one.
    assert _error(tmp_path, [{**old, "adult_ul": ""}]).column == "ul_applies_to"


def test_the_cli_plans_with_a_supplements_file(
    own_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "plan",
        "--age",
        "35",
        "--sex",
        "female",
        "--diet",
        "vegan",
        "--no-fortified",
        "--supplement",
        "my-b12-100ug",
        "--supplements-file",
        str(own_csv),
        "--mip-gap",
        "1",
        "--time-limit",
        "60",
        "--format",
        "json",
    ]
    assert main(argv) == 0
    result = mealplan.MealPlan.model_validate_json(capsys.readouterr().out)
    assert "my-b12-100ug" in {i.food_id for i in result.items}
    # The listing command reads it too.
    assert main(["supplements", "--supplements-file", str(own_csv)]) == 0
    assert "my-b12-100ug" in capsys.readouterr().out


def test_the_cli_rejects_a_bad_supplements_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _write(tmp_path / "bad.csv", [_b12(dose="-1")])
    argv: list[str] = ["plan", "--age", "35", "--sex", "female", "--supplements"]
    assert main([*argv, "--supplements-file", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert "row 1" in err
    assert "'dose'" in err
    assert "\n" not in err


def test_a_pickled_table_keeps_its_supplements(own_csv: Path) -> None:
    import pickle

    table: Any = load_foods().using_supplements(load_supplements(own_csv))
    again = pickle.loads(pickle.dumps(table))
    assert again.supplements == table.supplements
