"""The end-of-run check finds an orphan the tests started, and ends it."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from tests import leftovers

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads /proc"
)

_ORPHAN = (
    "import subprocess, sys\n"
    "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'],\n"
    "                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "print(p.pid)\n"
)


def test_an_orphaned_grandchild_is_found_and_ended() -> None:
    # The child starts a grandchild and exits at once: the grandchild is
    # orphaned (re-parented away from this process) but carries the mark.
    out = subprocess.run(
        [sys.executable, "-c", _ORPHAN], capture_output=True, text=True, check=True
    )
    pid = int(out.stdout)
    try:
        found = {p.pid: p for p in leftovers.leftovers()}
        assert pid in found
        assert "time.sleep(120)" in found[pid].command
        assert not leftovers.ends_with_us(found[pid])
    finally:
        leftovers.end([pid], grace=5.0)
    end = time.monotonic() + 5
    while time.monotonic() < end and pid in {p.pid for p in leftovers.leftovers()}:
        time.sleep(0.05)
    assert pid not in {p.pid for p in leftovers.leftovers()}
