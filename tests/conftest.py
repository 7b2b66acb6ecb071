"""Shared test set-up: hypothesis profile and the ../shared data helper."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
# Let tests import their helpers as ``tests.strategies`` under importlib mode.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

settings.register_profile(
    "mealplan",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("mealplan")

SHARED = ROOT.parent / "shared"
SR28_DIR = SHARED / "data" / "usda-sr-legacy"
PRICES_DIR = SHARED / "data" / "prices"
FNDDS_DIR = SHARED / "data" / "fndds-2017-2018"


def need_shared() -> Path:
    """Return the SR28 folder, or skip the test when ../shared is absent."""
    if not (SR28_DIR / "FOOD_DES.txt").is_file():
        pytest.skip("needs ../shared/data/usda-sr-legacy (absent on users' machines)")
    return SR28_DIR


@pytest.fixture
def shared_dir() -> Path:
    """The ../shared folder; skips the test when it is absent."""
    need_shared()
    return SHARED


@pytest.fixture(scope="session")
def sr28_dir() -> Path:
    """The SR28 release folder; skips the test when it is absent."""
    return need_shared()


@pytest.fixture(scope="session")
def sr28_foods() -> Any:
    """The whole SR28 release as a FoodTable, built once per session (~10 s)."""
    from mealplan import FoodTable

    prices = PRICES_DIR if PRICES_DIR.is_dir() else None
    return FoodTable.from_sr28(need_shared(), prices_dir=prices)
