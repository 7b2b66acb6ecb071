"""One clock per request: every solve of a plan, regenerate or diagnosis shares it.

A :class:`Deadline` is made once from the request's ``time_limit``; the
strategy layer asks it how long the next solve may run (:meth:`Deadline.limit`)
and records when a solve stopped because time ran out (:attr:`Deadline.hit`).
A part of the work gets a part of it (:meth:`Deadline.sub`,
:meth:`Deadline.part`) that remembers the request's own end
(:attr:`Deadline.end`): a backend gives each solve what is left of its part
as HiGHS's time limit, starts no solve once its part has expired, and
abandons a solve HiGHS has not stopped shortly after the request's end
(:data:`mealplan._backend_highs._ABANDON_AFTER`), so a request never runs
past its limit by more than a small, measured margin
(``benchmarks/deadline_latest.md``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
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
    outer: float | None = None
    """The :attr:`clock` value the whole request ends by, when this deadline
    is a part of it (None: this deadline is the request's own)."""
    clock: Callable[[], float] = field(
        default=time.monotonic, repr=False, compare=False
    )
    """The clock (:func:`time.monotonic`; tests pass a fake one)."""

    @property
    def at(self) -> float:
        """The :attr:`clock` value this deadline ends by."""
        end = self.started + self.seconds
        return end if self.outer is None else min(end, self.outer)

    @property
    def end(self) -> float:
        """The :attr:`clock` value the whole request ends by (its own deadline)."""
        return self.at if self.outer is None else self.outer

    def left(self) -> float:
        """Return the seconds left (never negative)."""
        return max(self.at - self.clock(), 0.0)

    def elapsed(self) -> float:
        """Return the seconds since the request started."""
        return self.clock() - self.started

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

        The part's deadline never ends after this one (an expired deadline's
        part is expired too); a hit in the part is not copied back (the
        caller decides whether it matters).
        """
        return self.part(self.left() * share)

    def to_end(self, seconds: float) -> Deadline:
        """Return a deadline of ``seconds`` at most, ending by the request's end.

        For a short evaluation of a plan in hand (its objective, by a tiny LP)
        after a solve that used all of its own part: the request may still
        have time even when this part has none.
        """
        now = self.clock()
        return Deadline(
            min(seconds, max(self.end - now, 0.0)),
            started=now,
            outer=self.end,
            clock=self.clock,
        )

    def part(self, seconds: float) -> Deadline:
        """Return a deadline for a part of the work: ``seconds``, at most what is left."""
        return Deadline(
            min(seconds, self.left()),
            started=self.clock(),
            outer=self.end,
            clock=self.clock,
        )
