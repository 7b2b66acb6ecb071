"""The installed ``mealplan`` entry point, run as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import mealplan
from mealplan._cli import main, schema_text

BIN = Path(sys.executable).parent / "mealplan"
SCHEMA_DIR = Path(mealplan.__file__).parent / "schemas"
PERSON = ["--age", "35", "--sex", "female"]
# Vegan without fortified foods has no vitamin B12 source: infeasible, quickly.
INFEASIBLE = [*PERSON, "--diet", "vegan", "--no-fortified"]


def run(
    *args: str, stdin: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run_all(
    commands: Sequence[Sequence[str]],
) -> dict[tuple[str, ...], subprocess.CompletedProcess[str]]:
    """Run independent commands concurrently (each is a real subprocess)."""
    workers = 2
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = pool.map(lambda c: run(*c), commands)
        return {tuple(c): r for c, r in zip(commands, results, strict=True)}


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def plan_json() -> str:
    result = run("plan", *PERSON, "--diet", "vegetarian", "--format", "json")
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def plan_file(plan_json: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plan") / "plan.json"
    path.write_text(plan_json, encoding="utf-8")
    return path


def test_entry_point_is_installed() -> None:
    assert BIN.is_file()


# --------------------------------------------------------------------- plan


def test_plan_json_is_pure_json_and_a_meal_plan(plan_json: str) -> None:
    # No solver banner may reach stdout: the whole of it parses.
    data = json.loads(plan_json)
    plan = mealplan.MealPlan.model_validate(data)
    assert plan.request.diet is mealplan.Diet.VEGETARIAN
    assert plan.days[0].items


def test_plan_text_is_readable() -> None:
    result = run("plan", *PERSON, "--diet", "vegetarian")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    assert "Meal plan for a 35-year-old female, vegetarian diet" in out
    for label in ("Magnesium", "Calcium", "Vitamin D", "Vitamin B12"):
        assert label in out
    assert "information, not medical advice" in out
    assert out.rstrip().endswith('numbness."')


def test_plan_from_request_file_with_flag_overrides(
    tmp_path: Path, plan_json: str
) -> None:
    request = json.loads(plan_json)["request"]
    path = tmp_path / "request.json"
    path.write_text(json.dumps(request), encoding="utf-8")
    result = run("plan", "--request", str(path), "--format", "markdown")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Meal plan for a 35-year-old female")
    # Flags override fields of the file: this one is invalid, so it must show.
    result = run("plan", "--request", str(path), "--days", "0")
    assert "days" in one_line_error(result)


def test_plan_request_from_stdin() -> None:
    result = run(
        "plan",
        "--request",
        "-",
        "--diet",
        "paleo",
        stdin='{"person": {"age": 40, "sex": "male"}}',
    )
    assert "diet" in one_line_error(result)


def test_infeasible_exits_1_with_diagnosis(
    batch: dict[tuple[str, ...], subprocess.CompletedProcess[str]],
) -> None:
    result = batch[("plan", *INFEASIBLE)]
    assert result.returncode == 1, result.stderr
    assert "No plan meets this request" in result.stdout
    assert "Traceback" not in result.stderr
    result = batch[("plan", *INFEASIBLE, "--format", "json")]
    assert result.returncode == 1
    diagnosis = mealplan.Diagnosis.model_validate_json(result.stdout)
    assert diagnosis.conflicts


BAD_INPUTS = [
    pytest.param(["plan", *PERSON, "--colour", "red"], "--colour", id="unknown-flag"),
    pytest.param(["plan", "--age", "old", "--sex", "female"], "--age", id="wrong-type"),
    pytest.param(["plan", *PERSON, "--days", "99"], "days", id="out-of-range"),
    pytest.param(["plan", "--age", "-3", "--sex", "female"], "age", id="negative-age"),
    pytest.param(["plan", *PERSON, "--diet", "paleo"], "diet", id="unknown-diet"),
    pytest.param(["plan", *PERSON, "--kcal", "2500-1800"], "kcal", id="kcal-min>max"),
    pytest.param(["plan", *PERSON, "--kcal", "lots"], "kcal", id="kcal-not-a-range"),
    pytest.param(["plan", *PERSON, "--allergy", "gluten"], "allerg", id="allergen"),
    pytest.param(
        ["plan", *PERSON, "--include", "unicorn-steak"], "unicorn", id="unknown-food"
    ),
    pytest.param(["plan", *PERSON, "--budget", "0"], "budget", id="budget-zero"),
    pytest.param(
        ["plan", *PERSON, "--format", "xml"], "markdown, html or json", id="format-plan"
    ),
    pytest.param(["schema", "nope"], "openapi", id="schema-names-openapi"),
    pytest.param(["plan", *PERSON, "--budget", "-5"], "budget", id="budget-negative"),
    pytest.param(["plan", "--sex", "female"], "--age", id="missing-age"),
    pytest.param(["plan", *PERSON, "--sex", "other"], "sex", id="unknown-sex"),
    pytest.param(["plan", *PERSON, "--format", "xml"], "format", id="bad-format"),
    pytest.param(["plan", "--request", "/nonexistent.json"], "not found", id="no-file"),
    pytest.param(["foods", "show", "unicorn-steak"], "unicorn", id="unknown-food-show"),
    pytest.param(["targets", "--age", "35"], "--sex", id="targets-no-sex"),
    pytest.param(["targets", *PERSON, "--margin", "9"], "margin", id="targets-margin"),
    pytest.param(["schema", "menu"], "menu", id="unknown-schema"),
    pytest.param(["cook"], "cook", id="unknown-command"),
]


HELP = [
    [],
    ["plan"],
    ["regenerate"],
    ["foods"],
    ["foods", "search"],
    ["foods", "show"],
    ["targets"],
    ["schema"],
]


# Every process start imports pandas and PuLP (about a second), so the many
# bad-input and --help cases run main() in-process; SUBPROCESS_BAD_INPUTS
# checks each kind of exit-2 path through the real entry point too.
SUBPROCESS_BAD_INPUTS = [
    ["plan", *PERSON, "--colour", "red"],
    ["plan", *PERSON, "--diet", "paleo"],
    ["plan", *PERSON, "--include", "unicorn-steak"],
    ["plan", "--request", "/nonexistent.json"],
]


@pytest.fixture(scope="module")
def batch() -> dict[tuple[str, ...], subprocess.CompletedProcess[str]]:
    """The other commands of this file, run once (two at a time)."""
    commands = [*SUBPROCESS_BAD_INPUTS, ["--help"], ["plan", "--help"]]
    commands += [
        ["plan", *INFEASIBLE],
        ["plan", *INFEASIBLE, "--format", "json"],
        ["foods", "search", "pumpkin", "seeds"],
        ["foods", "search", "pumpkin", "seeds", "--format", "json"],
        ["foods", "show", "pumpkin-seeds-roasted"],
        ["foods", "show", "pumpkin-seeds-roasted", "--format", "json"],
        ["targets", *PERSON, "--pregnant", "--trimester", "2"],
        ["targets", *PERSON, "--format", "json"],
    ]
    return run_all(commands)


@pytest.mark.parametrize(("args", "needle"), BAD_INPUTS)
def test_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], needle: str
) -> None:
    code = main(args)
    out, err = capsys.readouterr()
    line = one_line_error(subprocess.CompletedProcess(args, code, out, err))
    assert needle in line


@pytest.mark.parametrize("args", SUBPROCESS_BAD_INPUTS)
def test_bad_input_through_the_entry_point(
    batch: dict[tuple[str, ...], subprocess.CompletedProcess[str]], args: list[str]
) -> None:
    one_line_error(batch[tuple(args)])


def test_bad_input_as_json(tmp_path: Path) -> None:
    path = tmp_path / "request.json"
    path.write_text(
        json.dumps({"person": {"age": 35, "sex": "female"}, "colour": "red"}),
        encoding="utf-8",
    )
    result = run("plan", "--request", str(path), "--format", "json")
    message = one_line_error(result)
    data = json.loads(result.stdout)
    assert data["error"] == message
    assert {"loc": "colour", "msg": data["errors"][0]["msg"]} in data["errors"]


@pytest.mark.parametrize(
    "args",
    [
        ["plan", "--age", "abc", "--sex", "female", "--format", "json"],
        ["plan", "--age", "30", "--sex", "female", "--bogus", "--format=json"],
        ["plan", "--age", "30", "--sex", "female", "--days", "1.5", "--format", "json"],
    ],
)
def test_flags_that_do_not_parse_still_print_the_json_body(
    capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    # Exit 2 with --format json prints {"error", "errors"} on stdout, the
    # flags' own errors too (before, argparse's went to stderr alone).
    assert main(args) == 2
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert data["error"] == err.strip()
    assert data["errors"] == [{"loc": "arguments", "msg": data["error"]}]


def test_request_file_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "request.json"
    path.write_text("{person: 35}", encoding="utf-8")
    assert "not valid JSON" in one_line_error(run("plan", "--request", str(path)))


# --------------------------------------------------------------- regenerate


def test_regenerate_a_meal(plan_file: Path) -> None:
    previous = mealplan.MealPlan.model_validate_json(plan_file.read_text())
    result = run(
        "regenerate", "--plan", str(plan_file), "--day", "1", "--meal", "dinner",
        "--format", "json",
    )  # fmt: skip
    # Another dinner always exists for this default day: exit 0 is the only
    # right outcome (accepting 1 as well let the test pass without a plan).
    assert result.returncode == 0, result.stderr
    new = mealplan.MealPlan.model_validate_json(result.stdout)
    # The other meals' foods are kept (the day's added salt is recomputed).
    keep = [i for i in previous.items if i.meal != "dinner" and i.kind == "food"]
    assert [i for i in new.items if i.meal != "dinner" and i.kind == "food"] == keep
    dinner = {i.food_id for i in new.items if i.meal == "dinner"}
    assert dinner != {i.food_id for i in previous.items if i.meal == "dinner"}
    assert any("Regenerated day 1 dinner" in n for n in new.notes)


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--day", "5"], "day"),
        (["--day", "1", "--meal", "elevenses"], "elevenses"),
        (["--day", "1", "--reject", "unicorn-steak"], "unicorn"),
    ],
)
def test_regenerate_bad_input(plan_file: Path, extra: list[str], needle: str) -> None:
    assert needle in one_line_error(run("regenerate", "--plan", str(plan_file), *extra))


def test_regenerate_rejects_a_file_that_is_not_a_plan(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text('{"schema_version": "1"}', encoding="utf-8")
    assert "not a valid MealPlan" in one_line_error(
        run("regenerate", "--plan", str(path), "--day", "1")
    )


# ------------------------------------------------------ foods, targets, schema


Batch = dict[tuple[str, ...], subprocess.CompletedProcess[str]]


def test_foods_search(batch: Batch) -> None:
    result = batch[("foods", "search", "pumpkin", "seeds")]
    assert result.returncode == 0
    assert "pumpkin-seeds-roasted" in result.stdout
    result = batch[("foods", "search", "pumpkin", "seeds", "--format", "json")]
    ids = [r["id"] for r in json.loads(result.stdout)]
    assert "pumpkin-seeds-roasted" in ids


def test_foods_show(batch: Batch) -> None:
    result = batch[("foods", "show", "pumpkin-seeds-roasted")]
    assert result.returncode == 0
    for needle in ("12016", "High-Magnesium Foods", "1 oz", "Magnesium", "allergens"):
        assert needle in result.stdout
    result = batch[("foods", "show", "pumpkin-seeds-roasted", "--format", "json")]
    assert json.loads(result.stdout)["ndb_no"] == "12016"


def test_targets(batch: Batch) -> None:
    result = batch[("targets", *PERSON, "--pregnant", "--trimester", "2")]
    assert result.returncode == 0, result.stderr
    for needle in ("Magnesium", "RDA", "UL", "Sources"):
        assert needle in result.stdout
    result = batch[("targets", *PERSON, "--format", "json")]
    targets = mealplan.NutrientTargets.model_validate_json(result.stdout)
    assert targets.get("calcium_mg") is not None
    # "The daily bounds the planner would use": a plan's default panel.
    assert targets.get("iron_mg") is not None


def test_targets_panel(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["targets", *PERSON, "--panel", "off", "--format", "json"]) == 0
    off = mealplan.NutrientTargets.model_validate_json(capsys.readouterr().out)
    assert off.get("iron_mg") is None
    assert main(["targets", *PERSON, "--panel", "most"]) == 2
    assert "panel" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "file"),
    [
        ("request", "plan-request.schema.json"),
        ("plan", "meal-plan.schema.json"),
        ("diagnosis", "diagnosis.schema.json"),
    ],
)
def test_schema_prints_the_models_schema(
    capsys: pytest.CaptureFixture[str], name: str, file: str
) -> None:
    # test_schema.py compares the committed copy in mealplan/schemas/ (file).
    assert main(["schema", name]) == 0
    out = capsys.readouterr().out
    assert out == schema_text(name)
    assert json.loads(out)["title"] in {"PlanRequest", "MealPlan", "Diagnosis"}
    assert file.endswith(".schema.json")


# --------------------------------------------------------------------- help


@pytest.mark.parametrize("command", HELP)
def test_help_with_examples(
    capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main([*command, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "usage: mealplan" in out
    assert "examples:" in out


def test_help_through_the_entry_point(batch: Batch) -> None:
    for command in (("--help",), ("plan", "--help")):
        result = batch[command]
        assert result.returncode == 0
        assert "examples:" in result.stdout


def test_python_dash_m() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mealplan", "schema", "diagnosis"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert json.loads(result.stdout)["title"] == "Diagnosis"


# ------------------------------------------------ explain, solver failure


def test_plan_explain_markdown() -> None:
    result = run("plan", *PERSON, "--explain", "--format", "markdown")
    assert result.returncode == 0, result.stderr
    assert "## Why this plan" in result.stdout
    assert result.stdout.rstrip().endswith('numbness."')


@pytest.mark.parametrize(
    ("error", "needle"),
    [
        (mealplan.SolverError("The solver found no plan within 1 s.", "x"), "solver"),
        (RuntimeError("boom"), "internal error (RuntimeError: boom)"),
    ],
)
def test_solver_failure_and_internal_errors_exit_3_without_traceback(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    error: Exception,
    needle: str,
) -> None:
    import mealplan._planner

    def fail(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(mealplan._planner, "plan", fail)
    assert main(["plan", *PERSON]) == 3
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert needle in err
    assert "Traceback" not in err


def test_an_unknown_flag_points_to_its_commands_help(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # argparse reports it from the top parser, whose help lists no flag of
    # 'plan' or 'targets': the message sends the reader to the command's.
    for command in ("plan", "targets"):
        assert main([command, *PERSON, "--colour", "red"]) == 2
        err = capsys.readouterr().err
        assert f"see 'mealplan {command} --help'" in err, err
