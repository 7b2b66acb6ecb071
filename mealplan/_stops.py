"""MILP ``stop`` callbacks: when a branch-and-bound search should end early.

A backend calls its ``stop(primal, dual)`` as the search reports progress
(the best plan's objective, the best bound); these build the callbacks the
optimiser combines: a CPU-time box, a stall after the last better plan (or
after the first plan), and any of several.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["cpu_until", "either", "stall_once_planned", "stall_stop"]


def cpu_until(until: float) -> Callable[[float, float], bool]:
    """Return a MILP ``stop`` that ends the search once the CPU clock passes ``until``."""

    def stop(primal: float, dual: float) -> bool:
        del primal, dual
        return time.process_time() > until

    return stop


def either(
    *stops: Callable[[float, float], bool] | None,
) -> Callable[[float, float], bool] | None:
    """Return a MILP ``stop`` that ends the search when any of ``stops`` says so."""
    given = [s for s in stops if s is not None]
    if len(given) <= 1:
        return given[0] if given else None

    def stop(primal: float, dual: float) -> bool:
        # Every stop is asked, none skipped by a short circuit: each keeps
        # its own record of the last better plan.
        said = [s(primal, dual) for s in given]
        return any(said)

    return stop


def stall_stop(
    seconds: float, clock: Callable[[], float] = time.process_time
) -> Callable[[float, float], bool]:
    """Return a MILP ``stop``: end ``seconds`` after the last better plan.

    The clock starts with the search; a plan better than every earlier one
    restarts it.
    """
    last = [clock(), math.inf]

    def stop(primal: float, dual: float) -> bool:
        del dual
        now = clock()
        if primal < last[1] - 1e-9 * (1.0 + abs(primal)):
            last[0], last[1] = now, primal
        return now - last[0] > seconds

    return stop


def stall_once_planned(
    seconds: float, clock: Callable[[], float] = time.process_time
) -> Callable[[float, float], bool]:
    """Return :func:`stall_stop` counted from the first plan, never stopping before it.

    A restriction that needs more than ``seconds`` to find any plan keeps
    its time (stopped plan-less, its caller would fall back to the whole
    model, which is slower).
    """
    stall = stall_stop(seconds, clock)

    def stop(primal: float, dual: float) -> bool:
        # The first plan resets the stall's clock (a better plan than none).
        return math.isfinite(primal) and stall(primal, dual)

    return stop
