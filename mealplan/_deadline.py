"""One clock per request: every solve of a plan, regenerate or diagnosis shares it.

A :class:`Deadline` is made once from the request's ``time_limit``; the
strategy layer asks it how long the next solve may run (:meth:`Deadline.limit`)
and records when a solve stopped because time ran out (:attr:`Deadline.hit`),
so a request never runs past its limit by more than one solve's stopping
latency, and a plan can say whether its deadline decided anything.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

__all__ = ["Deadline"]

# HiGHS needs a positive time limit; a solve given less than this still
# returns at once with whatever it has.
_MIN_LIMIT = 0.01


@dataclass
class Deadline:
    """A point in time every solve of one request must finish by."""

    seconds: float
    """The budget the request gave, in seconds."""
    started: float = field(default_factory=time.monotonic)
    hit: bool = False
    """Whether some solve stopped because its time ran out."""

    @property
    def at(self) -> float:
        """The :func:`time.monotonic` value the request must end by."""
        return self.started + self.seconds

    def left(self) -> float:
        """Return the seconds left (never negative)."""
        return max(self.at - time.monotonic(), 0.0)

    def elapsed(self) -> float:
        """Return the seconds since the request started."""
        return time.monotonic() - self.started

    @property
    def expired(self) -> bool:
        """Whether no time is left."""
        return self.left() <= 0.0

    def limit(self, share: float = 1.0, cap: float | None = None) -> float:
        """Return the time limit for the next solve: ``share`` of what is left.

        Args:
            share: Fraction of the remaining time the solve may take.
            cap: Upper limit in seconds, if any.

        """
        seconds = self.left() * share
        if cap is not None:
            seconds = min(seconds, cap)
        return max(seconds, _MIN_LIMIT)

    def note_hit(self) -> None:
        """Record that a solve stopped on its time limit."""
        self.hit = True

    def sub(self, share: float) -> Deadline:
        """Return a deadline for a part of the work: ``share`` of what is left.

        The part's deadline never ends after this one; a hit in the part is
        not copied back (the caller decides whether it matters).
        """
        return Deadline(self.left() * share)
