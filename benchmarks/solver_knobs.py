"""The solving strategy's constants and functions, set wherever they are looked up.

The strategy spans three modules (``mealplan._solution``: one model's run;
``mealplan._guided_start``: the LP-guided restrictions; ``mealplan._optimiser``:
the full MILP), and each looks a name up in its own globals: a benchmark that
sets a constant or wraps ``_run`` does it in every module that has the name.
"""

from __future__ import annotations

from typing import Any

from mealplan import _guided_start, _optimiser, _restriction, _solution

MODULES = (_solution, _restriction, _guided_start, _optimiser)


def has(name: str) -> bool:
    """Whether any strategy module has ``name``."""
    return any(hasattr(m, name) for m in MODULES)


def get(name: str) -> Any:
    """The value of ``name`` (the same object in every module that has it)."""
    for module in MODULES:
        if hasattr(module, name):
            return getattr(module, name)
    msg = f"no strategy module has {name}"
    raise AttributeError(msg)


def set_everywhere(name: str, value: Any) -> None:
    """Set ``name`` to ``value`` in every strategy module that has it."""
    if not has(name):
        msg = f"no strategy module has {name}"
        raise AttributeError(msg)
    for module in MODULES:
        if hasattr(module, name):
            setattr(module, name, value)
