"""The public API is exactly what __all__ names, and nothing leaks PuLP."""

from __future__ import annotations

import inspect
import subprocess
import sys

import mealplan


def test_all_names_every_public_object() -> None:
    # Names are imported on first use (PEP 562): reach for each one first.
    for name in mealplan.__all__:
        getattr(mealplan, name)
    assert set(dir(mealplan)) >= set(mealplan.__all__)
    public = {
        name
        for name, value in vars(mealplan).items()
        if not name.startswith("_")
        and not inspect.ismodule(value)
        and name != "annotations"
    }
    assert public == set(mealplan.__all__)
    assert len(mealplan.__all__) == len(set(mealplan.__all__))


def test_errors_form_one_tree() -> None:
    for name in mealplan.__all__:
        obj = getattr(mealplan, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, mealplan.MealPlanError)
            assert obj.__module__ == "mealplan"


def test_only_the_pulp_backend_imports_pulp() -> None:
    from pathlib import Path

    package = Path(mealplan.__file__).parent
    importers = sorted(
        p.name
        for p in package.glob("*.py")
        if "import pulp" in p.read_text() or "from pulp" in p.read_text()
    )
    assert importers == ["_backend_pulp.py"]


def test_plan_results_hold_no_pulp_objects() -> None:
    code = (
        "import mealplan, json; p = mealplan.plan({'person': {'age': 40, 'sex': 'male'}});"
        "json.loads(p.model_dump_json()); print(type(p).__module__)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    assert out.strip() == "mealplan._plan_models"
