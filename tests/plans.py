"""One solve per distinct plan request in a test run, for tests given a plan.

Many tests take a plan as their input and check what is true of it or of its
reports; several ask for the very same plan (the README's vegetarian woman of
35 on the bundled table, in three files). Measured on the whole suite, solves
repeated with an identical request and table cost about a minute of test
time, a third of it in tests that take the plan as a given. :class:`PlanCache`
(the session fixture ``plans``) solves each distinct request once a run and
hands every caller the same plan.

- The key is the whole input: the parsed request's JSON (a dict, JSON text and
  a :class:`~mealplan.PlanRequest` that mean the same share a key) and a
  fingerprint of the food table's content (``None``, the bundled default, is
  its own key). Equal tables built in either pytest-xdist worker have the same
  fingerprint (sets are pickled sorted, since string hashing differs between
  processes); a table that differs in any column, portion, mention or
  override has another.
- Under pytest-xdist, ``--dist worksteal`` may run the tests of one file on
  either worker, so the plans are shared through the run's own temporary
  folder, one pickle a key under its own file lock, as the ``sr28_foods``
  fixture shares the SR28 table: the first worker to ask solves, the other
  waits for that solve and loads its result.
- A :class:`~mealplan.MealPlan` is frozen, but its lists (days, items, notes)
  are not: every caller gets its own copy, unpickled from the bytes kept, so
  no test sees another's changes. Pickling keeps every field exactly (the
  round trip is checked in ``test_plan_cache.py``).
- Only plans are kept. A request that raises (``InfeasiblePlanError``,
  ``SolverError``) is solved again by each caller.

Not for a test whose point is the solve itself (determinism, time limits,
solver backends, concurrency, the server, the command line, explain's
re-solves, effort counts, or anything that stubs or patches the solver):
those call :func:`mealplan.plan`.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import mealplan
from mealplan import FoodTable, MealPlan, PlanRequest
from mealplan._planner import parse_request

# Caches a table fills on first use, derived from what it is built from: left
# out of its fingerprint, so a table that has been read from and one that
# has not share it. (A cache this list misses only costs a second solve.)
_TABLE_CACHES = (
    "_frame",
    "_portions_frame",
    "_mentions_frame",
    "_mentions_by_food",
    "_fortified",
)


class _SortedSets(pickle.Pickler):
    """A pickler that writes sets sorted: the same bytes in every process."""

    def persistent_id(self, obj: Any) -> Any:
        if isinstance(obj, set | frozenset):
            return ("set", sorted(obj, key=repr))
        return None


def table_fingerprint(table: FoodTable | None) -> str:
    """A digest of ``table``'s content, equal in every process for equal tables."""
    if table is None:
        return "bundled-default"
    state = dict(vars(table))
    for name in _TABLE_CACHES:
        state[name] = None
    buffer = io.BytesIO()
    _SortedSets(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(sorted(state.items()))
    return hashlib.sha256(buffer.getvalue()).hexdigest()


class PlanCache:
    """Plans by request and table, solved once a run (see the module docstring).

    Args:
        folder: Where the plans are shared with the other workers of this
            run; None keeps them in this process only.

    """

    def __init__(self, folder: Path | None) -> None:
        self._folder = folder
        self._kept: dict[str, bytes] = {}
        # id(table) -> (the table, its fingerprint): the table is held, so
        # its id is never reused for another while it is here.
        self._fingerprints: dict[int, tuple[FoodTable, str]] = {}
        self.solves = 0
        """How many plans this process solved (for the cache's own test)."""

    def plan(
        self,
        request: PlanRequest | Mapping[str, Any] | str,
        foods: FoodTable | None = None,
    ) -> MealPlan:
        """``mealplan.plan(request, foods)``, solved once a run; a copy of its own."""
        key = self.key(request, foods)
        blob = self._kept.get(key)
        if blob is None:
            blob = self._shared(key, request, foods)
            self._kept[key] = blob
        plan = pickle.loads(blob)
        assert isinstance(plan, MealPlan)
        return plan

    def key(
        self,
        request: PlanRequest | Mapping[str, Any] | str,
        foods: FoodTable | None = None,
    ) -> str:
        """The digest of the whole input: the parsed request and the table."""
        if foods is None:
            table = "bundled-default"
        else:
            known = self._fingerprints.get(id(foods))
            if known is None or known[0] is not foods:
                known = (foods, table_fingerprint(foods))
                self._fingerprints[id(foods)] = known
            table = known[1]
        text = f"{table}\n{parse_request(request).model_dump_json()}"
        return hashlib.sha256(text.encode()).hexdigest()

    def _solve(
        self, request: PlanRequest | Mapping[str, Any] | str, foods: FoodTable | None
    ) -> bytes:
        self.solves += 1
        return pickle.dumps(mealplan.plan(request, foods))

    def _shared(
        self,
        key: str,
        request: PlanRequest | Mapping[str, Any] | str,
        foods: FoodTable | None,
    ) -> bytes:
        try:
            import fcntl
        except ImportError:  # not POSIX: each worker solves its own
            return self._solve(request, foods)
        if self._folder is None:
            return self._solve(request, foods)
        path = self._folder / f"{key}.pickle"
        with path.with_suffix(".lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            if path.is_file():
                return path.read_bytes()
            blob = self._solve(request, foods)
            partial = path.with_suffix(f".{os.getpid()}.part")
            partial.write_bytes(blob)
            partial.replace(path)
            return blob
