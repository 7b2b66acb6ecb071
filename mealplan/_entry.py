"""The ``mealplan`` console script: start-up itself is interruptible (issue 15).

Importing the command line (pydantic models, numpy, the food table code)
takes about half a second, several under load. Python's default SIGINT
handler turns a Ctrl-C in that window into a KeyboardInterrupt traceback from
deep inside an import, and SIGTERM kills the process by signal. So before
that import this module installs a handler of its own for both: nothing has
been written and no solver runs yet, so it prints the CLI's one line and
ends the process with 130 at once. It stays installed until the command's
own handling takes over: :class:`mealplan._interrupt.InterruptGuard` for
``plan`` and the like (which restores it when it ends), and for ``batch``
and ``serve``, which handle signals themselves, Python's defaults
(:func:`hand_over`).

Only the console script and ``python -m mealplan`` run this; a program that
imports mealplan keeps its own signal handling. What comes before this
module's first line (the interpreter's own start-up, ``import mealplan``'s
few light modules) is outside the package's reach.
"""

from __future__ import annotations

import os
import signal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import FrameType

__all__ = ["hand_over", "main"]

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _line(signum: int) -> str:
    """Return the CLI's interrupt line (as :func:`mealplan._interrupt.message`).

    Not imported from there: that module's imports (threads, sockets,
    subprocess) would widen the window this closes.
    """
    return (
        f"mealplan: interrupted ({signal.Signals(signum).name}); nothing was written."
    )


def _during_start_up(signum: int, frame: FrameType | None) -> None:
    # os.write and os._exit: no Python-level I/O or clean-up that the import
    # under way (holding its locks) could be caught in the middle of.
    try:
        os.write(2, (_line(signum) + "\n").encode())
    finally:
        os._exit(130)


def hand_over() -> None:
    """Give SIGINT and SIGTERM back to Python's defaults, if start-up still holds them.

    For commands that handle signals their own way (``serve``: uvicorn ends
    the process by re-raising SIGTERM after its graceful shutdown).
    """
    for sig, default in (
        (signal.SIGINT, signal.default_int_handler),
        (signal.SIGTERM, signal.SIG_DFL),
    ):
        if signal.getsignal(sig) is _during_start_up:
            signal.signal(sig, default)


def main() -> int:
    """Run the command line with ``sys.argv``; a signal during start-up exits 130."""
    for sig in _SIGNALS:
        signal.signal(sig, _during_start_up)
    from mealplan._cli import main as run  # the slow part of start-up

    # The handler stays until the command's own takes over (the CLI's guard,
    # which restores it when it ends; batch and serve get Python's defaults
    # back, see hand_over): restoring them here would leave a gap (argument
    # parsing) where SIGTERM killed the process by signal and SIGINT printed
    # no signal name.
    return run()
