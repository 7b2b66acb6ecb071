"""Hardening, second sweep: the request lists the first sweep missed.

``likes``, ``dislikes`` and ``meal_structure`` had no size limit (100,000
``likes`` did not answer in 120 s through the CLI; 20,000 meal parts ran to
the time limit), ``variety_seed`` took ``true`` or ``"3"`` as a number, a
slot given twice in ``meal_structure`` silently kept the last, an unknown
like was reported as an "exclude entry", and bytes on stdin that are not
UTF-8 were called a lone surrogate.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from typing import Any

import pytest

from mealplan import RequestError, parse_request
from mealplan._models import MAX_LIKES, MAX_PARTS, MAX_ROLES

BASE: dict[str, Any] = {"person": {"age": 35, "sex": "female"}}


def _bad_request(data: dict[str, Any]) -> RequestError:
    with pytest.raises(RequestError) as info:
        parse_request(data)
    message = str(info.value)
    assert "\n" not in message
    assert message.endswith(".")
    return info.value


def _structure(parts: int = 1, roles: int = 1, name: str = "p") -> list[Any]:
    part = {"name": name, "roles": ["fruit"] * roles}
    return [{"slot": "snack", "parts": [part] * parts}]


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"likes": ["tofu"] * (MAX_LIKES + 1)}, "likes"),
        ({"dislikes": ["tofu"] * (MAX_LIKES + 1)}, "dislikes"),
        ({"likes": ["x" * 10_000]}, "likes.0"),
        ({"dislikes": [""]}, "dislikes.0"),
        ({"meal_structure": _structure(parts=MAX_PARTS + 1)}, "meal_structure.0.parts"),
        (
            {"meal_structure": _structure(roles=MAX_ROLES + 1)},
            "meal_structure.0.parts.0.roles",
        ),
        (
            {"meal_structure": _structure(name="p" * 10_000)},
            "meal_structure.0.parts.0.name",
        ),
        ({"meal_structure": _structure() * 5}, "meal_structure"),
    ],
    ids=[
        "likes",
        "dislikes",
        "long-like",
        "empty-dislike",
        "parts",
        "roles",
        "part-name",
        "structures",
    ],
)
def test_taste_and_structure_lists_are_bounded(
    patch: dict[str, Any], field: str
) -> None:
    error = _bad_request({**BASE, **patch})
    assert error.errors[0]["loc"] == field


def test_the_documented_taste_and_structure_limits_are_accepted() -> None:
    request = parse_request(
        {
            **BASE,
            "likes": ["tofu"] * MAX_LIKES,
            "dislikes": ["liver"] * MAX_LIKES,
            "meal_structure": _structure(parts=MAX_PARTS, roles=MAX_ROLES),
        }
    )
    assert len(request.likes) == len(request.dislikes) == MAX_LIKES


def test_a_slot_given_twice_in_meal_structure_is_an_error() -> None:
    error = _bad_request({**BASE, "meal_structure": _structure() * 2})
    assert "'snack' twice" in str(error)


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"variety_seed": True}, "variety_seed"),
        ({"variety_seed": "3"}, "variety_seed"),
        ({"variety_seed": 1.0}, "variety_seed"),
        ({"variety_seed": 2**64}, "variety_seed"),
        (
            {
                "meal_structure": [
                    {
                        "slot": "snack",
                        "parts": [{"name": "p", "roles": ["fruit"], "min_items": True}],
                    }
                ]
            },
            "meal_structure.0.parts.0.min_items",
        ),
    ],
    ids=["seed-true", "seed-string", "seed-float", "seed-huge", "min-items-true"],
)
def test_booleans_and_strings_are_not_whole_numbers(
    patch: dict[str, Any], field: str
) -> None:
    error = _bad_request({**BASE, **patch})
    assert error.errors[0]["loc"] == field


def test_a_negative_seed_is_still_a_seed() -> None:
    assert parse_request({**BASE, "variety_seed": -7}).variety_seed == -7


@pytest.mark.parametrize("field", ["likes", "dislikes"])
def test_an_unknown_taste_word_names_its_own_field(field: str) -> None:
    import mealplan

    with pytest.raises(RequestError) as info:
        mealplan.plan({**BASE, field: ["zzzqx"]})
    assert str(info.value).startswith(f"The {field} entry 'zzzqx' matches no food")
    assert info.value.errors[0]["loc"] == field


def test_stdin_that_is_not_utf8_is_called_so() -> None:
    text = b'{"person": {"age": 35, "sex": "\xff"}}'
    done = subprocess.run(
        [sys.executable, "-m", "mealplan", "plan", "--request", "-"],
        input=text,
        capture_output=True,
        timeout=120,
        check=False,
    )
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert err.strip() == (
        "Request on stdin is not UTF-8 (byte 32); send UTF-8 JSON text."
    )


def test_a_union_field_is_reported_against_the_branch_its_input_took() -> None:
    # supplements is true or a list of ids: 51 ids once said "should be a
    # valid boolean", with the branch tag in the field's path.
    error = _bad_request({**BASE, "supplements": ["vitamin-d3-25ug"] * 51})
    assert str(error) == (
        "Invalid plan request: supplements: List should have at most 50 items "
        "after validation, not 51."
    )
    assert [e["loc"] for e in error.errors] == ["supplements"]


@pytest.mark.parametrize(
    ("data", "loc"),
    [
        ({**BASE, "bounds": {"a\nb": {"minimum": 1}}}, "bounds.'a\\nb'.[key]"),
        ({**BASE, "x\ny": 1}, "'x\\ny'"),
        (
            '{"person": {"age": 35, "sex": "female"}, '
            '"absorbable_calcium": {"\\n": "\\ud800"}}',
            "absorbable_calcium.'\\n'",
        ),
    ],
    ids=["bound-key", "unknown-key", "json-key"],
)
def test_a_key_with_a_newline_is_quoted_in_one_line(
    data: dict[str, Any] | str, loc: str
) -> None:
    # Found by fuzzing every field: the key's newline split the message.
    with pytest.raises(RequestError) as info:
        parse_request(data)
    assert "\n" not in str(info.value)
    assert info.value.errors[0]["loc"] == loc


def test_batch_lines_are_read_as_strictly_as_a_request() -> None:
    # json.loads kept the last of two equal keys (no allergy filter) and a
    # deep line's RecursionError ended the whole batch as an internal error.
    from concurrent.futures import ThreadPoolExecutor

    import mealplan

    person = '"person": {"age": 35, "sex": "female"}'
    lines = [
        "{" + person + ', "allergies": ["peanuts"], "allergies": []}',
        "{" + person + ', "likes": ' + "[" * 1000 + "1" + "]" * 1000 + "}",
        "{" + person + ', "exclude": ["\\ud800"]}',
    ]
    with ThreadPoolExecutor(1) as pool:
        results = list(mealplan.plan_many(lines, executor=pool))
    words = ["key 'allergies' appears twice", "nested too deeply", "lone surrogate"]
    for result, expected in zip(results, words, strict=True):
        assert result.status is mealplan.BatchStatus.INVALID
        assert result.error is not None
        assert expected in result.error.message
        assert "\n" not in result.error.message


def test_a_python_list_nested_100000_deep_is_a_request_error() -> None:
    # Its repr in the error report raised RecursionError out of plan().
    deep: Any = 1
    for _ in range(100_000):
        deep = [deep]
    error = _bad_request({**BASE, "likes": deep})
    assert error.errors[0]["loc"] == "likes.0"


@pytest.mark.parametrize(
    ("args", "kwargs", "words"),
    [
        ((), {"margin": True}, r"margin must be a number \(got True\)"),
        ((), {"kcal_min": "1800"}, "kcal_min must be a number"),
        ((), {"panel": "everything"}, "panel must be one of"),
        ((5,), {}, r"person must be a Person or a dict \(got int\)"),
        (({"age": float("inf"), "sex": "female"},), {}, "finite number"),
    ],
    ids=["margin-true", "kcal-string", "panel", "person-int", "person-dict-inf"],
)
def test_targets_for_arguments_are_typed_errors(
    args: tuple[Any, ...], kwargs: dict[str, Any], words: str
) -> None:
    # True was a margin of 1, an unknown panel a raw ValueError and a dict
    # person an AttributeError.
    import mealplan

    person = args or (mealplan.Person(age=35, sex=mealplan.Sex.FEMALE),)
    with pytest.raises(RequestError, match=words):
        mealplan.targets_for(*person, **kwargs)


def test_targets_for_takes_a_person_as_a_dict() -> None:
    import mealplan

    person = mealplan.Person(age=35, sex=mealplan.Sex.FEMALE)
    # targets_for is annotated ``person: Person`` but validates a dict too
    # ("person must be a Person or a dict"): the dict goes in untyped.
    as_dict: Any = {"age": 35, "sex": "female"}
    assert mealplan.targets_for(as_dict) == mealplan.targets_for(person)


@pytest.mark.parametrize("path", ["/dev/null", "."])
def test_a_table_path_that_is_no_file_is_called_so(path: str) -> None:
    import mealplan

    with pytest.raises(mealplan.FoodTableError, match="is not a file; check the path"):
        mealplan.load_foods(path)


def test_a_denormal_energy_plans_or_is_diagnosed_without_an_overflow() -> None:
    # Found by the table fuzz: 1e-310 kcal per 100 g overflowed dividing the
    # energy cap (a RuntimeWarning, an error under the suite's settings).
    import warnings

    import pandas as pd

    import mealplan
    from mealplan._resources import foods_dir

    foods = pd.read_csv(foods_dir() / "foods.csv", dtype={"ndb_no": str}).iloc[:40]
    foods = foods.assign(energy_kcal=foods["energy_kcal"].astype(float))
    foods.loc[foods.index[0], "energy_kcal"] = 1e-310
    table = mealplan.FoodTable.from_dataframe(foods)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with contextlib.suppress(mealplan.InfeasiblePlanError, mealplan.SolverError):
            mealplan.plan({**BASE, "time_limit": 5}, table)


def test_a_number_of_5000_digits_is_said_in_the_inputs_words() -> None:
    # Python's own words were passed on: "Exceeds the limit (4300 digits)
    # for integer string conversion".
    from mealplan._strictjson import JSONInputError, load_json

    with pytest.raises(JSONInputError) as info:
        load_json('{"person": {"age": ' + "9" * 5000 + "}}")
    assert "more than 4,300 digits" in str(info.value)
    assert "integer string conversion" not in str(info.value)
