"""One clock per request: every solve of a plan, regenerate or diagnosis shares it.

A :class:`Deadline` is made once from the request's ``time_limit``; the
strategy layer asks it how long the next solve may run (:meth:`Deadline.limit`)
and records when a solve stopped because time ran out (:attr:`Deadline.hit`).
A part of the work gets a part of it (:meth:`Deadline.sub`,
:meth:`Deadline.part`) that remembers the request's own end
(:attr:`Deadline.end`) and the request's clock (:attr:`Deadline.clock`,
injectable, so tests move time by hand).

How a request stays within its limit, piece by piece:

- **Solves.** A backend gives each solve what is left of its part as HiGHS's
  time limit, starts no solve once its part has expired, and abandons a
  solve HiGHS has not stopped shortly after the request's end
  (:data:`mealplan._backend_highs._ABANDON_AFTER`).
- **Model builds.** :func:`mealplan._formulation.formulate`, given the
  deadline, calls :meth:`Deadline.check` before each block of rows (a block
  is one vectorised step, not a row: the check costs one clock read per
  block) and between the passes that freeze the arrays
  (:meth:`~mealplan._arrays.ModelBuilder.build`). Once the deadline has
  passed it raises :class:`OutOfTime`, and the half-built model is dropped: the
  strategy layer (:mod:`mealplan._optimiser`) catches it where the model was
  wanted and carries on as if that solve had hit its time limit. So the
  caller gets the best complete plan found before (a restricted MILP's, the
  day-by-day seed's), or, when there is none, the typed time-limit error
  (:class:`~mealplan._errors.SolverError`); never a plan from a partial model.
  Building the :class:`~mealplan._problem.Problem` itself (once per request,
  before any solve) is not split: its time is part of the margin.
- **The diagnosis.** The conflict search gets a share of what is left
  (:meth:`Deadline.sub`) and the advice only what the request has left after
  it: no floor. Advice that had no time to be re-planned still lists the
  changes it could name, each with ``verified`` false (the suggestion's
  counterpart of a conflict's ``proven``), and a note says the time limit ran
  out; :class:`~mealplan._diagnosis_models.Suggestion` needed no new field.

The margin that remains is the longest piece that is not checked: one block
of a build or one pass of freezing its arrays (one day over all 8,789 SR28
foods: 0.1-0.3 s on a loaded 2-core machine; a whole 3-day SR28 MILP's 5 M
entries: 0.4-2 s), building the Problem (0.1-0.4 s for one SR28 day), the
advice's own Python with no time left, HiGHS's grace after the request's
end, and assembling the plan. It is measured in ``benchmarks/deadline_latest.md``
(session 10: at most 0.21 s at load 10, against 0.43 s before; 0.24 s
against 0.95 s at load 14).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Deadline", "OutOfTime"]

# HiGHS needs a positive time limit; a solve given less than this still
# returns at once with whatever it has.
_MIN_LIMIT = 0.01


class OutOfTime(Exception):  # noqa: N818 (a signal, not an error a caller sees)
    """A model build found its deadline passed between two of its blocks.

    Raised by :meth:`Deadline.check`; the strategy layer catches it where the
    model was wanted and drops the half-built model. It never reaches a
    caller of the public API.
    """


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

    def check(self) -> None:
        """Raise :class:`OutOfTime` (noting a hit) if no time is left.

        For long pieces of Python work between solves (a model build), at
        points where stopping leaves nothing half-done that anyone keeps.
        """
        if self.expired:
            self.note_hit()
            raise OutOfTime

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
