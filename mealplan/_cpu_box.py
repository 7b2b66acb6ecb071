"""A box of CPU seconds for the search after a one-day plan's first plan.

The guided start (:mod:`mealplan._optimiser`) usually answers a day with a
restricted MILP that passes the gap test. When none does, the widest
restriction without the gap test's cutoff and then the full MILP search for
a better plan than the first, and under the RDA panel that search rarely
ends by proof: the LP bound is weak, so it ran to the request's clock (10 s
for a 2-year-old pescatarian girl; README "Performance"). A :class:`CpuBox`
ends that search a fixed number of CPU seconds after the first plan was in
hand, whatever the machine's load: CPU time, not wall time, so the same day
gets about the same plan on a quiet machine and a busy one.

The clock is this process's CPU time (:func:`time.process_time`), HiGHS's
threads included: the server's and the batch's workers are processes of
their own, so a request's solves are the only CPU the clock counts there.
A caller planning in several threads of one process shares that clock: each
box then ends sooner, never later, and the plan still says it was boxed
(:func:`time.thread_time` would miss HiGHS's own worker threads).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["CpuBox"]


@dataclass
class CpuBox:
    """``seconds`` of CPU for the search, counted from the first plan in hand."""

    seconds: float
    clock: Callable[[], float] = field(
        default=time.process_time, repr=False, compare=False
    )
    """The CPU clock (tests pass a fake one)."""
    started: float | None = None
    """The clock's value when the first plan was in hand (None: not yet)."""
    fired: bool = False
    """Whether the box ended a solve, or a solve was skipped for it."""

    def start(self) -> None:
        """Start the box now, unless it started already (a plan is in hand)."""
        if self.started is None:
            self.started = self.clock()

    def expired(self) -> bool:
        """Return whether the box's seconds have run out since the first plan."""
        return self.started is not None and self.clock() - self.started > self.seconds

    def stop(self, primal: float, dual: float) -> bool:
        """Start at the MILP's first plan; return True once the box has run out."""
        del dual
        if math.isfinite(primal):
            self.start()
        if self.expired():
            self.fired = True
            return True
        return False

    def skip(self) -> bool:
        """Return whether the next search may be skipped (and note it if so)."""
        if self.expired():
            self.fired = True
            return True
        return False
