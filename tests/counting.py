"""Recording which models a solve ran (the optimiser's ``_run``), for tests."""

from __future__ import annotations

from typing import Any

import pytest

import mealplan._optimiser as optimiser


def record_models(monkeypatch: pytest.MonkeyPatch) -> list[tuple[bool, int]]:
    """Return a list that fills with (is MIP, column count) of every model run."""
    models: list[tuple[bool, int]] = []
    run = optimiser._run

    def counted(*args: Any, **kwargs: Any) -> Any:
        models.append((args[1].is_mip, args[1].num_cols))
        return run(*args, **kwargs)

    monkeypatch.setattr(optimiser, "_run", counted)
    return models
