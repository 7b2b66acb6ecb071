"""Each script in examples/ runs cleanly (it asserts on its own output)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SCRIPTS = sorted(p.name for p in EXAMPLES.glob("*.py"))


def test_the_promised_examples_exist() -> None:
    for name in (
        "quickstart_day.py",
        "vegan_week.py",
        "diet_app_json.py",
        "own_food_table.py",
        "pregnant_user.py",
    ):
        assert name in SCRIPTS


@pytest.mark.parametrize("name", SCRIPTS)
def test_example_runs(name: str, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # examples must not depend on the working directory
        # The examples whose checks hold for any plan take the first one.
        env={**os.environ, "MEALPLAN_EXAMPLES_FIRST_PLAN": "1"},
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert result.stdout.strip()
