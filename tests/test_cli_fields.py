"""Every PlanRequest field a diagnosis or an explanation can name has a CLI flag."""

from __future__ import annotations

from typing import Any

import pytest

from mealplan._cli import build_parser, main
from mealplan._models import PlanRequest
from mealplan._request_cli import request as _request

PERSON = ["--age", "35", "--sex", "female"]

# field -> (flags, the value the request gets)
FLAGS: dict[str, tuple[list[str], Any]] = {
    "diet": (["--diet", "vegan"], "vegan"),
    "allergies": (["--allergy", "sesame"], ["sesame"]),
    "exclude": (["--exclude", "liver"], ["liver"]),
    "include": (["--include", "almonds"], ["almonds"]),
    "allow_fortified": (["--no-fortified"], False),
    "kcal_min": (["--kcal", "1500-2500"], 1500.0),
    "kcal_max": (["--kcal", "1500-2500"], 2500.0),
    "budget_per_day": (["--budget", "4.5"], 4.5),
    "max_foods": (["--max-foods", "9"], 9),
    "objective": (["--objective", "cost"], "cost"),
    "portion_mode": (["--portion-mode", "whole"], "whole"),
    "portion_limits": (["--no-portion-limits"], False),
    "macro_limits": (["--no-macro-limits"], False),
    "margin": (["--margin", "1.2"], 1.2),
    "bounds": (
        ["--min", "iron_mg=10", "--max", "iron_mg=40", "--no-bound", "potassium_mg"],
        {
            "iron_mg": {"minimum": 10.0, "maximum": 40.0, "remove": False},
            "potassium_mg": {"minimum": None, "maximum": None, "remove": True},
        },
    ),
    "allow_shortfall": (["--allow-shortfall"], True),
    "days": (["--days", "3"], 3),
    "meals": (["--no-meals"], None),
    "nutrient_period": (["--nutrient-period", "average"], "average"),
    "daily_floor": (["--daily-floor", "0.8"], 0.8),
    "max_days_per_food": (["--days", "3", "--max-days-per-food", "3"], 3),
    "max_grams_per_week": (["--max-grams-per-week", "900"], 900.0),
    "pins": (
        ["--days", "3", "--pin", "almonds:breakfast@1,3"],
        [{"food": "almonds", "days": [1, 3], "meal": "breakfast"}],
    ),
    "bans": (
        ["--ban", "spinach-raw"],
        [{"food": "spinach-raw", "days": None, "meal": None}],
    ),
    "solver": (["--solver", "cbc"], "cbc"),
    "time_limit": (["--time-limit", "5"], 5.0),
    "mip_gap": (["--mip-gap", "0.02"], 0.02),
    "panel": (["--panel", "full"], "full"),
    "absorbable_calcium": (["--absorbable-calcium"], True),
    "added_salt": (["--no-added-salt"], False),
    "room_for_unmeasured": (["--no-room-for-unmeasured"], False),
    "supplements": (["--supplements"], True),
    "structure": (["--structure"], True),
    "likes": (["--like", "lentils"], ["lentils"]),
    "dislikes": (["--dislike", "banana"], ["banana"]),
    "variety_seed": (["--variety-seed", "7"], 7),
    "free_from": (
        ["--free-from", "gluten", "--free-from", "lactose"],
        ["gluten", "lactose"],
    ),
}
NOT_FLAGS = {"schema_version", "person", "targets", "meal_structure"}
"""Person fields have their own flags; explicit targets and a custom meal
structure (nested lists of parts) come from --request."""


def test_every_request_field_has_a_flag() -> None:
    assert set(PlanRequest.model_fields) - NOT_FLAGS == set(FLAGS)


@pytest.mark.parametrize("field", sorted(FLAGS))
def test_flag_sets_its_field(field: str) -> None:
    flags, expected = FLAGS[field]
    request = _request(build_parser().parse_args(["plan", *PERSON, *flags]))
    assert request.model_dump(mode="json")[field] == expected


def test_clearing_flags_override_a_request_file(tmp_path: Any) -> None:
    path = tmp_path / "request.json"
    path.write_text(
        '{"person": {"age": 35, "sex": "female"}, "exclude": ["liver"], '
        '"include": ["almonds"], "budget_per_day": 3, "bans": [{"food": "kale-raw"}]}'
    )
    args = ["plan", "--request", str(path), "--no-exclude", "--no-include"]
    request = _request(build_parser().parse_args([*args, "--no-budget", "--no-bans"]))
    assert request.exclude == []
    assert request.include == []
    assert request.budget_per_day is None
    assert request.bans == []


@pytest.mark.parametrize(
    "bad",
    [["--min", "iron_mg"], ["--max", "iron_mg=-1"], ["--min", "=3"], ["--pin", "@1"]],
)
def test_bad_field_flags_exit_2(
    bad: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", *PERSON, *bad]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "Traceback" not in err
