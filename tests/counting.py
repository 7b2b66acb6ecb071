"""Recording which models a solve ran (the optimiser's ``_run``), for tests."""

from __future__ import annotations

from typing import Any

import pytest

from mealplan import _guided_start, _optimiser, _restriction, _single_foods, _solution

SOLVER_MODULES = (_solution, _restriction, _single_foods, _guided_start, _optimiser)
"""The modules of the solving strategy: each looks a shared name (``_run``,
``make_backend``) up in its own globals, so a test patches it in all."""


def patch_solver(monkeypatch: pytest.MonkeyPatch, name: str, value: Any) -> None:
    """Set ``name`` to ``value`` in every solver module that has it (at least one)."""
    hit = [m for m in SOLVER_MODULES if hasattr(m, name)]
    assert hit, f"no solver module has {name}"
    for module in hit:
        monkeypatch.setattr(module, name, value)


def record_models(monkeypatch: pytest.MonkeyPatch) -> list[tuple[bool, int]]:
    """Return a list that fills with (is MIP, column count) of every model run."""
    models: list[tuple[bool, int]] = []
    run = _solution._run

    def counted(*args: Any, **kwargs: Any) -> Any:
        models.append((args[1].is_mip, args[1].num_cols))
        return run(*args, **kwargs)

    patch_solver(monkeypatch, "_run", counted)
    return models
