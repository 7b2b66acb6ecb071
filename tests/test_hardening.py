"""Hardening: every bad input is a typed one-line error, never a traceback.

One test per case of the hardening issue, then Hypothesis fuzzing of the JSON
contract and of food tables through the API and the CLI. Requests that pass
validation are planned with a short horizon (one day, a small time limit).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mealplan
from mealplan import (
    FoodTable,
    FoodTableError,
    InfeasiblePlanError,
    MealPlanError,
    RequestError,
    SolverError,
    load_foods,
    parse_request,
)
from mealplan._cli import main
from mealplan._models import MAX_EXCLUDE, MAX_MEALS
from mealplan._tabletext import MAX_ROWS
from tests.strategies import json_values, unicode_edge_text

PERSON = {"age": 35, "sex": "female"}
BASE: dict[str, Any] = {"person": PERSON}


def _bad_request(data: dict[str, Any] | str) -> RequestError:
    with pytest.raises(RequestError) as info:
        parse_request(data)
    message = str(info.value)
    assert "\n" not in message
    assert message.endswith(".")
    assert info.value.errors
    return info.value


def _attempt(
    call: Any, *args: Any, expected: tuple[type[Exception], ...]
) -> tuple[Any, Exception | None]:
    """Run ``call``; return (result, None) or (None, the expected exception)."""
    try:
        return call(*args), None
    except expected as exc:
        return None, exc


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    assert "internal error" not in err, err
    return status, out, err


# ------------------------------------------------ numbers at the boundary


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        pytest.param({"budget_per_day": math.inf}, "budget_per_day", id="budget-inf"),
        pytest.param({"budget_per_day": math.nan}, "budget_per_day", id="budget-nan"),
        pytest.param({"budget_per_day": 1e9}, "budget_per_day", id="budget-huge"),
        pytest.param(
            {"bounds": {"calcium_mg": {"maximum": math.inf}}},
            "bounds.calcium_mg.maximum",
            id="bound-max-inf",
        ),
        pytest.param(
            {"bounds": {"calcium_mg": {"minimum": 1e21}}},
            "bounds.calcium_mg.minimum",
            id="bound-min-1e21",
        ),
        pytest.param(
            {"bounds": {"calcium_mg": {"minimum": -5}}},
            "bounds.calcium_mg.minimum",
            id="bound-negative",
        ),
        pytest.param({"person": {**PERSON, "age": True}}, "person.age", id="age-true"),
        pytest.param({"days": True}, "days", id="days-true"),
        pytest.param({"days": "3"}, "days", id="days-string"),
        pytest.param({"person": {**PERSON, "age": -1}}, "person.age", id="age-neg"),
        pytest.param(
            {"person": {**PERSON, "weight_kg": math.inf}},
            "person.weight_kg",
            id="weight-inf",
        ),
        pytest.param({"kcal_min": math.nan}, "kcal_min", id="kcal-nan"),
        pytest.param({"time_limit": math.inf}, "time_limit", id="time-inf"),
        pytest.param({"max_grams_per_week": 1e308}, "max_grams_per_week", id="grams"),
        pytest.param(
            {"meals": [{"name": "x", "slot": "lunch", "energy_share": [0, math.nan]}]},
            "meals.0",
            id="share-nan",
        ),
        pytest.param({"bounds": {"Calcium MG": {"minimum": 1}}}, "bounds", id="key"),
        pytest.param({"surprise": 1}, "surprise", id="unknown-field"),
    ],
)
def test_non_finite_huge_and_wrong_numbers_are_request_errors(
    patch: dict[str, Any], field: str
) -> None:
    error = _bad_request({**BASE, **patch})
    assert any(e["loc"].startswith(field) for e in error.errors), error.errors


def _targets(shares: object) -> dict[str, Any]:
    return {
        "targets": {
            "bounds": [{"nutrient": "calcium_mg", "unit": "mg", "minimum": 1000}],
            "macro_shares": shares,
        }
    }


@pytest.mark.parametrize(
    "shares",
    [
        {"protien_g": [0.1, 0.3]},
        {"protein_g": [0.9, 0.1]},
        {"protein_g": [-1, 5]},
        {"protein_g": [math.nan, 0.3]},
        {"protein_g": [True, 0.3]},
        {"protein_g": [0.1, 0.2, 0.3]},
    ],
)
def test_macro_shares_must_be_known_ordered_fractions(shares: object) -> None:
    error = _bad_request(_targets(shares))
    assert error.errors[0]["loc"].startswith("targets.macro_shares")


def test_infinite_target_in_json_is_a_request_error() -> None:
    text = (
        '{"targets": {"bounds": [{"nutrient": "calcium_mg", "unit": "mg", '
        '"minimum": Infinity}]}}'
    )
    error = _bad_request(text)
    assert error.errors[0]["loc"] == "targets.bounds.0.minimum"


def test_cli_budget_inf_exits_2_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _cli(
        ["plan", "--age", "35", "--sex", "female", "--budget", "inf"], capsys
    )
    assert status == 2
    assert len(err.strip().splitlines()) == 1
    assert "budget_per_day" in err
    assert "finite" in err


# --------------------------------------------------------------- JSON text


def test_duplicate_json_keys_are_rejected(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = '{"person": {"age": 35, "sex": "female"}, "allergies": ["peanuts"], "allergies": []}'
    error = _bad_request(text)
    assert "allergies" in str(error)
    assert "twice" in str(error)
    path = tmp_path / "r.json"
    path.write_text(text, encoding="utf-8")
    status, _, err = _cli(["plan", "--request", str(path)], capsys)
    assert status == 2
    assert "twice" in err


@pytest.mark.parametrize("depth", [40, 1_000, 100_000])
def test_deep_nesting_is_rejected_before_validation(
    depth: int, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = '{"person": ' + "[" * depth + "]" * depth + "}"
    error = _bad_request(text)
    assert "nested" in str(error)
    path = tmp_path / "r.json"
    path.write_text(text, encoding="utf-8")
    status, _, err = _cli(["plan", "--request", str(path)], capsys)
    assert status == 2
    assert "nested" in err


def test_oversized_request_is_rejected_before_parsing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = json.dumps({**BASE, "exclude": ["x" * 100] * 20_000})
    error = _bad_request(text)
    assert "limit" in str(error)
    path = tmp_path / "r.json"
    path.write_text(text, encoding="utf-8")
    status, _, err = _cli(["plan", "--request", str(path)], capsys)
    assert status == 2
    assert "limit" in err


@pytest.mark.parametrize("where", ["exclude", "meal", "key"])
def test_lone_surrogates_are_rejected(where: str) -> None:
    bad = "\ud800"
    data: dict[str, Any] = {
        "exclude": {**BASE, "exclude": [f"a{bad}"]},
        "meal": {**BASE, "meals": [{"name": bad, "slot": "lunch"}]},
        "key": {**BASE, "bounds": {bad: {"minimum": 1}}},
    }[where]
    _bad_request(data)  # a Python dict
    _bad_request(json.dumps(data))  # JSON text with a \ud800 escape


def test_messages_stay_on_one_line() -> None:
    error = _bad_request({**BASE, "meals": [{"name": "a\nb", "slot": "brunch"}]})
    assert "\n" not in str(error)
    error = _bad_request({**BASE, "exclude": ["a\nb"] * (MAX_EXCLUDE + 1)})
    assert "\n" not in str(error)


# ----------------------------------------------------------------- limits


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"meals": [{"name": f"m{i}", "slot": "snack"} for i in range(300)]}, "meals"),
        (
            {"meals": [{"name": f"m{i}", "slot": "snack"} for i in range(10_000)]},
            "meals",
        ),
        ({"exclude": [f"w{i}" for i in range(500_000)]}, "exclude"),
        ({"include": ["almonds"] * 1000}, "include"),
        ({"pins": [{"food": "almonds"}] * 1000}, "pins"),
        ({"bans": [{"food": "almonds"}] * 1000}, "bans"),
        ({"bounds": {f"n{i}_mg": {"minimum": 1} for i in range(1000)}}, "bounds"),
        ({"exclude": ["x" * 10_000]}, "exclude.0"),
    ],
    ids=[
        "meals-300",
        "meals-10000",
        "exclude",
        "include",
        "pins",
        "bans",
        "bounds",
        "long-word",
    ],
)
def test_request_sizes_are_bounded(patch: dict[str, Any], field: str) -> None:
    error = _bad_request({**BASE, **patch})
    assert error.errors[0]["loc"] == field


def test_the_documented_meal_limit_is_accepted() -> None:
    meals = [
        {"name": f"m{i}", "slot": "snack", "min_foods": 0} for i in range(MAX_MEALS)
    ]
    assert len(parse_request({**BASE, "meals": meals}).meals or []) == MAX_MEALS


# ------------------------------------------------------------ food tables


def _table(**columns: Any) -> pd.DataFrame:
    return pd.DataFrame({"id": ["a", "b"], "name": ["A", "B"], **columns})


@pytest.mark.parametrize(
    ("build", "column"),
    [
        (lambda: _table(calcium_mg=[1.0, 1e16]), "calcium_mg"),
        (lambda: _table(protein_g=[1.0, 250.0]), "protein_g"),
        (lambda: _table(energy_kcal=[1.0, 1e5]), "energy_kcal"),
        (lambda: _table(max_portions=[1.0, 1e308]), "max_portions"),
        (lambda: _table(price_per_100g=[1.0, math.inf]), "price_per_100g"),
        (lambda: _table(calcium_mg=[1.0, True]), "calcium_mg"),
        (lambda: _table(name=["A", "\ud800"]), "name"),
    ],
)
def test_impossible_table_values_are_food_table_errors(build: Any, column: str) -> None:
    with pytest.raises(FoodTableError) as info:
        FoodTable.from_dataframe(build())
    assert info.value.column == column
    assert "\n" not in str(info.value)
    # The hint fits the column: max_portions is a count, not a value per 100 g.
    if column == "max_portions":
        assert "per 100 g" not in str(info.value)


def test_portion_of_1e308_grams_is_a_food_table_error() -> None:
    portions = pd.DataFrame(
        {
            "food_id": ["a"],
            "seq": [1],
            "amount": [1.0],
            "description": ["1 cup"],
            "grams": [1e308],
            "is_default": [True],
        }
    )
    with pytest.raises(FoodTableError) as info:
        FoodTable.from_dataframe(_table(), portions=portions)
    assert info.value.column == "grams"


def test_duplicate_dataframe_columns_are_a_food_table_error() -> None:
    df = pd.DataFrame(
        [["a", "A", 1.0, 2.0]], columns=["id", "name", "calcium_mg", "calcium_mg"]
    )
    with pytest.raises(FoodTableError, match="twice") as info:
        FoodTable.from_dataframe(df)
    assert info.value.column == "calcium_mg"


@pytest.mark.parametrize("bad", [123, 1.5, b"foods.csv", ["foods.csv"], object()])
def test_load_foods_of_a_non_path_is_a_food_table_error(bad: Any) -> None:
    with pytest.raises(FoodTableError, match="path"):
        load_foods(bad)


def test_from_dataframe_of_a_non_frame_is_a_food_table_error() -> None:
    with pytest.raises(FoodTableError, match="DataFrame"):
        FoodTable.from_dataframe({"id": ["a"]})  # type: ignore[arg-type]


def test_table_sizes_are_bounded(tmp_path: Path) -> None:
    rows = MAX_ROWS + 1
    df = pd.DataFrame({"id": [f"f{i}" for i in range(rows)], "name": ["F"] * rows})
    with pytest.raises(FoodTableError, match="limit"):
        FoodTable.from_dataframe(df)
    wide = pd.DataFrame(
        {"id": ["a"], "name": ["A"], **{f"x{i}_mg": [1.0] for i in range(300)}}
    )
    with pytest.raises(FoodTableError, match="limit"):
        FoodTable.from_dataframe(
            wide, extra_nutrients={f"x{i}_mg": "mg" for i in range(300)}
        )
    path = tmp_path / "foods.csv"
    path.write_text(
        "id,name\n" + "".join(f"f{i},F\n" for i in range(rows)), encoding="utf-8"
    )
    with pytest.raises(FoodTableError, match="limit"):
        load_foods(path)


def test_ragged_csv_rows_name_the_row(tmp_path: Path) -> None:
    path = tmp_path / "foods.csv"
    path.write_text("id,name,calcium_mg\na,A,1\nb,B,2,3\n", encoding="utf-8")
    with pytest.raises(FoodTableError) as info:
        load_foods(path)
    assert info.value.row == 2


# ---------------------------------------------------- regenerate, strictly


@pytest.fixture(scope="module")
def saved_plan() -> dict[str, Any]:
    """A two-day plan as JSON: one planned day, copied as day 2.

    Only rejections are tested, so the copy need not meet the weekly rules;
    planning one day keeps the fixture quick on a loaded machine.
    """
    plan = mealplan.plan({**BASE, "time_limit": 60})
    data: dict[str, Any] = json.loads(plan.model_dump_json())
    data["request"]["days"] = 2
    second = json.loads(json.dumps(data["days"][0]))
    second["day"] = 2
    for item in second["items"]:
        item["day"] = 2
    data["days"].append(second)
    mealplan.MealPlan.model_validate(data)  # the untampered copy is valid
    return data


def _tampered(saved: dict[str, Any], how: str) -> str:
    data = json.loads(json.dumps(saved))
    item = data["days"][0]["items"][0]
    if how in ("nan", "inf"):
        return json.dumps(data).replace(
            f'"portions": {json.dumps(item["portions"])}',
            '"portions": NaN' if how == "nan" else '"portions": Infinity',
            1,
        )
    if how == "negative":
        item["portions"] = -1.0
    elif how == "truncated":
        data["days"] = data["days"][:1]
    elif how == "unknown-meal":
        item["meal"] = "elevenses"
    elif how == "third-portion":
        item["portions"] = 1 / 3
    elif how == "renumbered":
        data["days"][1]["day"] = 5
    elif how == "duplicate-key":
        return json.dumps(data)[:-1] + ', "days": []}'
    return json.dumps(data)


@pytest.mark.parametrize(
    ("how", "needle"),
    [
        ("nan", "finite"),
        ("inf", "finite"),
        ("negative", "greater than or equal to 0"),
        ("truncated", "truncated"),
        ("unknown-meal", "elevenses"),
        ("renumbered", "numbered"),
        ("third-portion", "multiple of 0.5"),
        ("duplicate-key", "twice"),
    ],
)
def test_regenerate_rejects_a_tampered_plan(
    saved_plan: dict[str, Any],
    how: str,
    needle: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = _tampered(saved_plan, how)
    with pytest.raises(ValueError, match=needle):
        mealplan.MealPlan.model_validate_json(text)
    path = tmp_path / "plan.json"
    path.write_text(text, encoding="utf-8")
    status, _, err = _cli(["regenerate", "--plan", str(path), "--day", "1"], capsys)
    assert status == 2
    assert len(err.strip().splitlines()) == 1
    assert needle in err


# ------------------------------------------------------------ CLI mapping


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (mealplan.FoodTableError("Bad table\nrow 2."), 2),
        (RequestError("Bad request."), 2),
        (mealplan.TargetError("No DRI row."), 2),
        (mealplan.UnknownNutrientError("No column.", "x"), 2),
        (mealplan.UnknownFoodError("No food.", "x"), 2),
        (InfeasiblePlanError("No plan."), 1),
        (SolverError("The solver stopped.", "x"), 3),
        (MealPlanError("Something."), 3),
    ],
)
def test_every_meal_plan_error_maps_to_its_exit_code(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    error: MealPlanError,
    status: int,
) -> None:
    import mealplan._planner

    def fail(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(mealplan._planner, "plan", fail)
    got, _, err = _cli(["plan", "--age", "35", "--sex", "female"], capsys)
    assert got == status
    if status != 1:
        assert len(err.strip().splitlines()) == 1


def _run_cli(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mealplan", *args],
        capture_output="stdout" not in kwargs,
        text=True,
        timeout=120,
        check=False,
        **kwargs,
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_full_disk_is_reported_plainly_with_exit_3() -> None:
    with open("/dev/full", "w") as full:
        result = _run_cli(
            "foods", "search", "milk", stdout=full, stderr=subprocess.PIPE
        )
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "could not be written" in lines[0]
    assert "No space left" in lines[0]
    assert "report" not in lines[0]


def test_closed_pipe_is_reported_plainly_with_exit_3() -> None:
    read, write = os.pipe()
    os.close(read)
    try:
        result = _run_cli(
            "foods", "search", "milk", stdout=write, stderr=subprocess.PIPE
        )
    finally:
        os.close(write)
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "closed the pipe" in lines[0]


# ---------------------------------------------------------------- fuzzing

# Every field of the contract, so a field added later is fuzzed too (the
# first list missed likes, dislikes, meal_structure and variety_seed, whose
# missing limits and lax types a second sweep found from outside).
FIELDS = sorted(mealplan.PlanRequest.model_fields)
# Values the planner accepts, mixed in so that some fuzzed requests reach it.
GOOD: dict[str, list[Any]] = {
    "diet": ["vegan", "vegetarian", "pescatarian"],
    "allergies": [["milk"], ["peanuts", "soy"]],
    "exclude": [["milk"], ["almonds", "spinach"]],
    "kcal_min": [1500, 2500.5],
    "budget_per_day": [1, 5.5, 50],
    "max_foods": [3, 20],
    "objective": ["cost"],
    "portion_mode": ["continuous", "whole"],
    "margin": [1.5],
    "bounds": [{"calcium_mg": {"minimum": 1200}}, {"sodium_mg": {"remove": True}}],
    "age": [2, 70.5, 120],
    "sex": ["male"],
    "weight_kg": [60],
    "likes": [["tofu"], ["salmon", "spinach"]],
    "dislikes": [["liver"]],
    "free_from": [["gluten"], ["lactose"]],
    "panel": ["off", "rda"],
    "structure": [False],
    "supplements": [True, ["vitamin-b12-250ug"]],
    "variety_seed": [7, -3],
}
PERSON_FIELDS = [
    "age",
    "sex",
    "pregnancy",
    "trimester",
    "lactation",
    "weight_kg",
    "height_cm",
]


@st.composite
def fuzzed_requests(draw: st.DrawFn) -> dict[str, Any]:
    """A valid base request with some fields (or person fields) replaced at random."""
    data: dict[str, Any] = {"person": dict(PERSON), "days": 1, "time_limit": 5.0}
    for _ in range(draw(st.integers(1, 3))):
        to_person = draw(st.booleans()) and isinstance(data["person"], dict)
        field = draw(st.sampled_from(PERSON_FIELDS if to_person else FIELDS))
        good = GOOD.get(field, [])
        value = draw(
            st.sampled_from(good) if bool(good) and draw(st.booleans()) else json_values
        )
        (data["person"] if to_person else data)[field] = value
    return data


def _as_json(data: Any) -> str:
    return json.dumps(data, allow_nan=True)


@settings(max_examples=300)
@given(fuzzed_requests())
def test_fuzzed_requests_validate_or_raise_request_errors(data: dict[str, Any]) -> None:
    for given_as in (data, _as_json(data)):
        request, exc = _attempt(parse_request, given_as, expected=(RequestError,))
        if exc is not None:
            assert "\n" not in str(exc)
            assert isinstance(exc, RequestError)
            assert exc.errors
        else:
            # Whatever validates can be written out and read back.
            assert parse_request(request.model_dump_json()) == request
            _assert_not_coerced(data, request)


def _assert_not_coerced(data: dict[str, Any], request: mealplan.PlanRequest) -> None:
    """A boolean is no number and a string no number (variety_seed took both)."""
    dumped = request.model_dump(mode="json")
    for field, value in data.items():
        if field == "person" and isinstance(value, dict):
            _assert_not_coerced_in(value, dumped["person"])
        elif field in dumped:
            _assert_same_kind(field, value, dumped[field])


def _assert_not_coerced_in(given: dict[str, Any], dumped: dict[str, Any]) -> None:
    for field, value in given.items():
        _assert_same_kind(f"person.{field}", value, dumped[field])


def _assert_same_kind(field: str, value: Any, kept: Any) -> None:
    if isinstance(value, bool):
        assert isinstance(kept, bool), (field, value, kept)
    elif isinstance(value, str) and not isinstance(kept, str | bool):
        # ("yes" as a boolean is pydantic's lax reading, left as it is.)
        assert kept is None or isinstance(kept, list | dict), (field, value, kept)


@settings(max_examples=300)
@given(st.text(max_size=200) | unicode_edge_text)
def test_any_text_is_a_request_or_a_request_error(text: str) -> None:
    _, exc = _attempt(parse_request, text, expected=(RequestError,))
    assert exc is None or "\n" not in str(exc)


def _small_table() -> FoodTable:
    table = load_foods()
    return table.subset(table.ids[::12])


@settings(max_examples=25)
@given(fuzzed_requests())
def test_fuzzed_requests_plan_diagnose_or_fail_typed(data: dict[str, Any]) -> None:
    data["days"] = 1
    data["time_limit"] = 3.0
    result, exc = _attempt(
        mealplan.plan,
        data,
        _SMALL,
        expected=(
            InfeasiblePlanError,
            SolverError,
            RequestError,
            mealplan.TargetError,
            mealplan.UnknownFoodError,
            mealplan.UnknownNutrientError,
        ),
    )
    if exc is None:
        json.loads(mealplan.render_json(result))
    else:
        assert "\n" not in str(exc)


_SMALL = _small_table()


@settings(max_examples=25)
@given(data=fuzzed_requests())
def test_fuzzed_requests_through_the_cli_exit_0_1_2_or_3(
    tmp_path_factory: pytest.TempPathFactory, data: dict[str, Any]
) -> None:
    data["days"] = 1
    data["time_limit"] = 3.0
    path = tmp_path_factory.mktemp("req") / "r.json"
    path.write_text(_as_json(data), encoding="utf-8")
    import io
    from contextlib import redirect_stderr, redirect_stdout

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(["plan", "--request", str(path), "--format", "json"])
    assert status in (0, 1, 2, 3)
    assert "Traceback" not in err.getvalue()
    assert "internal error" not in err.getvalue(), err.getvalue()
    if status in (2, 3):
        assert len(err.getvalue().strip().splitlines()) == 1
    if status == 3:
        assert "solver" in err.getvalue().lower() or "time" in err.getvalue().lower()
    if status in (0, 1):
        json.loads(out.getvalue())


cells = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    unicode_edge_text,
    st.lists(st.text(max_size=5), max_size=3),
)
COLUMNS = [
    "calcium_mg",
    "protein_g",
    "energy_kcal",
    "vegan",
    "allergens",
    "meal_slots",
    "max_portions",
    "price_per_100g",
    "ndb_no",
    "name",
]


@settings(max_examples=150)
@given(
    st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=4, unique=True),
    st.data(),
)
def test_fuzzed_tables_load_or_raise_food_table_errors(
    columns: list[str], data: st.DataObject
) -> None:
    rows = data.draw(st.integers(1, 4))
    df = pd.DataFrame(
        {"id": [f"f{i}" for i in range(rows)], "name": [f"F{i}" for i in range(rows)]}
    )
    for column in columns:
        df[column] = pd.Series([data.draw(cells) for _ in range(rows)], dtype=object)
    table, exc = _attempt(FoodTable.from_dataframe, df, expected=(FoodTableError,))
    if exc is not None:
        assert "\n" not in str(exc)
        return
    for column in table.nutrients:
        values = table.numbers(column)
        assert np.all(np.isnan(values) | ((values >= 0) & (values < 1e9)))
    assert table.ids == list(df["id"])


@st.composite
def fuzzed_tables(draw: st.DrawFn) -> pd.DataFrame:
    """A table of real bundled foods with some cells replaced by hostile values."""
    base = _SMALL.to_dataframe().iloc[: draw(st.integers(3, 12))].copy()
    for _ in range(draw(st.integers(0, 4))):
        column = draw(st.sampled_from(COLUMNS))
        row = draw(st.integers(0, len(base) - 1))
        base[column] = base[column].astype(object)
        col = base.columns.get_loc(column)
        assert isinstance(col, int), column  # one column of that name
        base.iat[row, col] = draw(cells)
    return base


@settings(max_examples=20)
@given(fuzzed_tables())
def test_fuzzed_tables_plan_diagnose_or_fail_typed(df: pd.DataFrame) -> None:
    table, exc = _attempt(FoodTable.from_dataframe, df, expected=(FoodTableError,))
    if exc is not None:
        assert "\n" not in str(exc)
        return
    request = {**BASE, "time_limit": 2.0, "max_foods": None}
    result, exc = _attempt(
        mealplan.plan, request, table, expected=(InfeasiblePlanError, SolverError)
    )
    if exc is None:
        json.loads(mealplan.render_json(result))
    else:
        assert "\n" not in str(exc)


@settings(max_examples=100)
@given(
    rows=st.lists(
        st.lists(
            (st.text(max_size=8) | unicode_edge_text).map(
                lambda t: t.translate({ord(c): None for c in ',"\r\n\x85\u2028\u2029'})
            ),
            min_size=1,
            max_size=4,
        ),
        max_size=5,
    ),
    header=st.sampled_from(
        ["id,name", "id,name,calcium_mg", "id,name,vegan,allergens"]
    ),
)
def test_fuzzed_csv_files_load_or_raise_food_table_errors(
    tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]], header: str
) -> None:
    path = tmp_path_factory.mktemp("csv") / "foods.csv"
    lines = [header, *(",".join(r) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    table, exc = _attempt(load_foods, path, expected=(FoodTableError,))
    if exc is not None:
        assert "\n" not in str(exc)
        assert isinstance(exc, FoodTableError)
        assert exc.path == str(path)
    else:
        assert len(table) == len([r for r in rows if "".join(r)])  # blank lines skip


def test_a_denormal_minimum_gives_no_infinite_percentage() -> None:
    # 100 * amount / 5e-324 overflows; the plan says "no percentage" instead.
    request = {**BASE, "bounds": {"calcium_mg": {"minimum": 5e-324}}, "time_limit": 60}
    plan = mealplan.plan(request)
    total = plan.days[0].total("calcium_mg")
    assert total.percent_of_minimum is None
    assert mealplan.MealPlan.model_validate_json(plan.model_dump_json()) == plan
