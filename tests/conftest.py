"""Shared test set-up: hypothesis profile and the ../shared data helper."""

from __future__ import annotations

import os
import pickle
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
# Let tests import their helpers as ``tests.strategies`` under importlib mode.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests import leftovers  # noqa: E402  (needs the path above)

if TYPE_CHECKING:
    from tests.plans import PlanCache

leftovers.mark()  # every process the tests start carries this run's mark

settings.register_profile(
    "mealplan",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    # In CI (.ci/run sets CI) the examples are derived from each test, so a
    # commit's verdict is the same on every run; locally they stay random and
    # keep finding new cases.
    derandomize=bool(os.environ.get("CI")),
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
def sr28_foods(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The whole SR28 release as a FoodTable, built once per run (~7-10 s).

    Under pytest-xdist (the README's ``-n 2``) six modules on both workers
    read it: the first worker to ask builds it and leaves it pickled in the
    run's own temporary folder, and the other loads that (0.03 s) instead of
    building it again. Pickling is how the batch hands a table to its worker
    processes; the table is still built from SR28 once in every run.
    """
    from mealplan import FoodTable

    sr28 = need_shared()
    prices = PRICES_DIR if PRICES_DIR.is_dir() else None
    try:
        import fcntl
    except ImportError:  # not POSIX: each worker builds its own
        fcntl = None  # type: ignore[assignment]
    if not os.environ.get("PYTEST_XDIST_WORKER") or fcntl is None:
        return FoodTable.from_sr28(sr28, prices_dir=prices)
    # A worker's base temporary folder is its own; the parent is this run's,
    # shared by its workers and by no other run.
    cache = tmp_path_factory.getbasetemp().parent / "sr28_foods.pickle"
    with cache.with_suffix(".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if cache.is_file():
            return pickle.loads(cache.read_bytes())
        table = FoodTable.from_sr28(sr28, prices_dir=prices)
        cache.write_bytes(pickle.dumps(table))
        return table


@pytest.fixture(scope="session")
def plans(tmp_path_factory: pytest.TempPathFactory) -> PlanCache:
    """Plans solved once a run, for tests that take a plan as given (tests/plans.py).

    Under pytest-xdist the workers share them through this run's temporary
    folder (the parent of a worker's own), as :func:`sr28_foods` shares SR28.
    """
    from tests.plans import PlanCache

    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return PlanCache(None)
    folder = tmp_path_factory.getbasetemp().parent / "plans"
    folder.mkdir(exist_ok=True)
    return PlanCache(folder)


@pytest.fixture(scope="session")
def http_server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One ``mealplan serve`` on loopback, shared by the HTTP and page tests."""
    pytest.importorskip("fastapi", reason="needs the server extra")
    from tests.serving import running_server

    tmp = tmp_path_factory.mktemp("http-server")
    with running_server(
        tmp,
        "--workers",
        "1",
        "--queue",
        "4",
        "--max-time-limit",
        "8",
        "--cors-origin",
        "https://app.example",
    ) as server:
        yield server


def require_solver(name: str) -> str:
    """Return solver ``name``, skipping the test when its program is not installed.

    GLPK is the one optional command-line solver the suite drives (``.ci/run``
    installs ``glpk-utils``); CBC comes with PuLP, HiGHS with highspy.
    """
    if name == "glpk" and shutil.which("glpsol") is None:
        pytest.skip("glpsol is not installed (apt-get install glpk-utils)")
    return name


@pytest.fixture(params=["cbc", "glpk"])
def pulp_solver(request: pytest.FixtureRequest) -> str:
    """Each PuLP command-line solver by name; the GLPK case skips without glpsol."""
    return require_solver(str(request.param))


# ------------------------------------------------------------ the run's end


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Name and end any process the tests started that is still running.

    Such a process, even orphaned, can keep CI waiting after the last test;
    naming it here makes the leak visible in the log (and a bug to fix).
    """
    left = [p for p in leftovers.leftovers() if not leftovers.ends_with_us(p)]
    if left:
        lines = "\n".join(f"  pid {p.pid} (parent {p.ppid}): {p.command}" for p in left)
        sys.stderr.write(
            f"\nconftest: {len(left)} process(es) started by the tests were "
            f"still running after the last test; ending them:\n{lines}\n"
        )
        leftovers.end([p.pid for p in left])
    session.config.stash[_EXIT_STATUS] = int(exitstatus)


_EXIT_STATUS = pytest.StashKey[int]()


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """In CI, leave without the interpreter's teardown once pytest is done.

    The verdict is printed by now. What remains is the teardown of
    third-party runtimes (HiGHS's thread pool, executor and multiprocessing
    exit hooks, Dask's event loop), and a CI run once passed every test and
    then never exited within its 90-minute limit. Locally the normal exit is
    kept (tools such as coverage write their data at exit).
    """
    if not os.environ.get("CI") or _EXIT_STATUS not in config.stash:
        return
    import threading

    # Give back the real stdout/stderr (and anything captured outside a
    # test) before leaving, as pytest's own clean-up would.
    capture = config.pluginmanager.getplugin("capturemanager")
    if capture is not None:
        capture.stop_global_capturing()
    alive = [
        t.name
        for t in threading.enumerate()
        if t is not threading.main_thread() and not t.daemon
    ]
    if alive:
        sys.stderr.write(f"conftest: non-daemon threads still running: {alive}\n")
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(config.stash[_EXIT_STATUS])
