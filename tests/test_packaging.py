"""The wheel carries the food table and works from another directory."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # No build isolation: hatchling comes with the test extras, and CI must
    # not depend on fetching a build backend for every run.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
    )
    (whl,) = out.glob("mealplan-*.whl")
    return whl


def test_wheel_contains_data_and_types(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "mealplan/py.typed",
        "mealplan/_data/foods/foods.csv",
        "mealplan/_data/foods/portions.csv",
        "mealplan/_data/foods/article_mentions.csv",
        "mealplan/_data/foods/dri_nih_ods.csv",
        "mealplan/_static/app.js",
        "mealplan/_static/page.css",
        "mealplan/schemas/openapi.json",
    ):
        assert required in names, required
    assert not any(n.startswith("foods/") for n in names)


def test_installed_wheel_loads_bundled_table_from_elsewhere(
    wheel: Path, tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    # Dependencies come from the test environment through a plain path entry
    # (a .pth line adds the folder but does not run the editable install's own
    # .pth files there), so the only mealplan importable is the wheel's.
    site = Path(
        subprocess.run(
            [
                str(python),
                "-c",
                "import sysconfig; print(sysconfig.get_paths()['purelib'])",
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
    )
    code = (
        "import mealplan, pathlib; t = mealplan.load_foods(); "
        "p = pathlib.Path(mealplan.__file__).resolve(); "
        f"print(len(t), p.is_relative_to(pathlib.Path({str(site)!r}).resolve()))"
    )
    run = subprocess.run(
        [str(python), "-c", code],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
    )
    count, from_wheel = run.stdout.split()
    assert int(count) >= 400
    assert from_wheel == "True"
