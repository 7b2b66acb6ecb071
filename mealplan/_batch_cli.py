"""``mealplan batch``: plan a JSON-lines file of requests, resumably.

Every request line of the input gets exactly one line in the output (its id,
index, status, and its plan, diagnosis or error), written and flushed whole as
soon as it is known, so an interrupted run leaves a valid file and rerunning
the same command skips the ids already in it. Blank lines are not requests
and get no output line.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import IO, Any

from mealplan._batch_models import BatchResult, BatchStatus
from mealplan._batch_worker import Job, default_workers, invalid, prepare
from mealplan._catalog_search import SEARCH_HINT

__all__ = ["add_batch"]

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_FAILURE = 3
EXIT_INTERRUPTED = 130

_EPILOG = """\
input: one JSON request per line, as for 'mealplan plan --request', with an
optional "id" (a line without one gets the id "line-N"). Example line:
  {"id": "ann", "person": {"age": 35, "sex": "female"}, "diet": "vegan"}

output: one JSON line per request line, as soon as it is planned (completion
order unless --ordered): {"id", "index", "status", and "plan", "diagnosis" or
"error"}; status is planned, infeasible, invalid or failed. Rerun the same
command to resume: ids already in the output are skipped.

examples:
  mealplan batch requests.jsonl -o plans.jsonl
  mealplan batch requests.jsonl -o plans.jsonl --workers 2
  mealplan batch requests.jsonl -o plans.jsonl --scheduler tcp://10.0.0.5:8786
  mealplan batch requests.jsonl -o plans.jsonl --ray local

exit status: 0 every request got a plan or a diagnosis, 2 some lines were bad
input, 3 some requests failed (solver or worker), 130 interrupted (resumable).
"""


class _BadInputError(Exception):
    pass


def add_batch(commands: Any, run_bad_input: type[Exception]) -> None:
    """Add the ``batch`` subcommand to the ``mealplan`` parser."""
    p = commands.add_parser(
        "batch",
        help="plan a JSON-lines file of requests in parallel (resumable)",
        description="Plan every request of a JSON-lines file in parallel and "
        "write one JSON line per request.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("input", metavar="REQUESTS", help="a JSON-lines file ('-': stdin)")
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        help="the JSON-lines results, appended to and resumed ('-': stdout)",
    )
    p.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help=f"worker processes (default: the CPUs available, here {default_workers()})",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="plan on a Dask cluster, e.g. tcp://host:8786 (needs mealplan[dask])",
    )
    p.add_argument(
        "--ray",
        metavar="ADDRESS",
        help="plan on Ray: 'local' starts a runtime on this machine, 'auto' or "
        "ray://host:10001 joins a cluster (needs mealplan[ray])",
    )
    p.add_argument(
        "--chunksize",
        type=int,
        default=None,
        metavar="N",
        help="requests per task (default: chosen as the batch goes, about a "
        "second of work per task)",
    )
    p.add_argument(
        "--ordered",
        action="store_true",
        help="write results in input order (default: as each completes)",
    )
    p.add_argument(
        "--retry-failed",
        action="store_true",
        help="on resume, plan again the requests whose line says 'failed'",
    )
    p.add_argument("--format", choices=["jsonl"], default="jsonl", help="output format")

    def run(args: argparse.Namespace) -> int:
        try:
            return _cmd_batch(args)
        except _BadInputError as exc:
            raise run_bad_input(str(exc)) from None

    p.set_defaults(run=run)


# ------------------------------------------------------------------- resume


def _done_ids(path: Path, retry_failed: bool) -> dict[str, BatchStatus]:
    """Read the ids an earlier run finished; drop a partial last line.

    A run killed mid-write (SIGKILL, power cut) can leave a last line without
    its newline: it is cut off, and that request is planned again. With
    ``retry_failed``, lines whose request failed are removed (the file is
    rewritten atomically) so those requests are planned again.

    The file is read line by line: the output of a 10,000-request sweep is
    over 100 MB, and only the ids and statuses are kept.
    """
    if not path.is_file():  # new, or a device such as /dev/stdout
        return {}
    done: dict[str, BatchStatus] = {}
    dropped = 0
    end = 0  # where the last whole line ends
    with path.open("rb") as f:
        for n, line in enumerate(f, 1):
            if not line.endswith(b"\n"):
                break  # a partial last line
            end += len(line)
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                rid = str(data["id"])
                status = BatchStatus(data["status"])
            except (ValueError, KeyError, TypeError):
                msg = (
                    f"mealplan batch: line {n} of the output file {str(path)!r} is not a "
                    "batch result; give another -o file or remove that line."
                )
                raise _BadInputError(msg) from None
            if retry_failed and status is BatchStatus.FAILED:
                dropped += 1
                continue
            done[rid] = status
    if end != path.stat().st_size:
        with path.open("r+b") as f:
            f.truncate(end)
    if dropped:
        _drop_failed(path)
    return done


def _drop_failed(path: Path) -> None:
    """Rewrite ``path`` without its failed lines, atomically, line by line."""
    tmp = path.with_name(path.name + ".tmp")
    with path.open("rb") as src, tmp.open("wb") as dst:
        for line in src:
            if line.strip():
                with contextlib.suppress(ValueError, KeyError, TypeError):
                    if BatchStatus(json.loads(line)["status"]) is BatchStatus.FAILED:
                        continue
            dst.write(line)
    os.replace(tmp, path)


# ----------------------------------------------------------------- progress


def _duration(seconds: float) -> str:
    seconds = max(0, int(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}h{m:02d}m" if h else f"{m}m{s:02d}s"


class _Progress:
    """A one-line progress bar with rate and ETA on a terminal's stderr."""

    def __init__(self, total: int | None, stream: IO[str]) -> None:
        self.total = total
        self.stream = stream
        self.count = 0
        self.began = time.monotonic()
        self.shown = 0.0

    def update(self, _result: BatchResult) -> None:
        self.count += 1
        now = time.monotonic()
        if now - self.shown < 0.2 and self.count != self.total:
            return
        self.shown = now
        elapsed = max(now - self.began, 1e-9)
        rate = self.count / elapsed
        if self.total:
            share = min(1.0, self.count / self.total)
            bar = "#" * int(share * 24)
            eta = _duration((self.total - self.count) / rate) if rate else "?"
            text = (
                f"\r[{bar:<24}] {self.count}/{self.total} {share:4.0%} "
                f"{rate:.1f} plans/s ETA {eta} "
            )
        else:
            text = f"\r{self.count} done, {rate:.1f} plans/s "
        self.stream.write(text)
        self.stream.flush()

    def close(self) -> None:
        if self.count and self.shown:
            self.stream.write("\n")
            self.stream.flush()
        self.shown = 0.0  # closing twice ends the line once


# ------------------------------------------------------------------- writing


class _Writer:
    """Writes whole lines only: an interrupt waits until the line is flushed."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.writing = False
        self.interrupted = False

    def on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.writing:
            self.interrupted = True
            return
        raise KeyboardInterrupt

    def write(self, result: BatchResult) -> None:
        # The interrupt waits through the serialising too: raised inside
        # pydantic's serialiser, a Ctrl-C came out as "internal error
        # (PydanticSerializationError ... KeyboardInterrupt)", exit 3, where
        # the batch ends with exit 130 and resumes.
        self.writing = True
        try:
            line = result.to_json_line() + "\n"
            self.stream.write(line)
            self.stream.flush()
        finally:
            self.writing = False
        if self.interrupted:
            raise KeyboardInterrupt


def _in_cli_words(result: BatchResult) -> BatchResult:
    """Return ``result`` with an unknown food's hint in the CLI's words.

    The worker speaks to Python callers ("use FoodTable.search() to find
    ids"); a line of ``mealplan batch`` is read at a shell.
    """
    error = result.error
    if error is None or SEARCH_HINT not in error.message:
        return result
    cli = "use 'mealplan foods search WORDS' to find ids."
    fixed = error.model_copy(
        update={
            "message": error.message.replace(SEARCH_HINT, cli),
            "errors": [
                {k: v.replace(SEARCH_HINT, cli) for k, v in e.items()}
                for e in error.errors
            ],
        }
    )
    return result.model_copy(update={"error": fixed})


# ------------------------------------------------------------------- reading


def _lines(name: str) -> Iterator[tuple[int, bytes]]:
    """(0-based line number, bytes) of each non-blank line, read lazily.

    Bytes, not text: a line that is not UTF-8 is then bad input for that line
    alone (the JSON decoder says so), not an error for the whole file.
    """
    if name == "-":
        for n, line in enumerate(sys.stdin.buffer):
            if line.strip():
                yield n, line
        return
    try:
        with open(name, "rb") as f:
            for n, line in enumerate(f):
                if line.strip():
                    yield n, line
    except OSError as exc:
        msg = f"mealplan batch: cannot read {name!r} ({exc.strerror}); give a JSON-lines file."
        raise _BadInputError(msg) from None


def _count(name: str) -> int | None:
    if name == "-":
        return None
    with open(name, "rb") as f:
        return sum(1 for line in f if line.strip())


def _jobs(
    name: str, done: dict[str, BatchStatus], skipped: Counter[BatchStatus]
) -> Iterator[Job | BatchResult]:
    """Yield a prepared job for every line not done yet; repeated ids are bad input."""
    seen: dict[str, int] = {}
    for n, line in _lines(name):
        item = prepare(line, n, _line_id)
        if item.id in done:
            skipped[done[item.id]] += 1
            continue
        if item.id in seen:
            msg = (
                f"Line {n + 1} repeats the id {item.id!r} of line {seen[item.id] + 1}; "
                "give every request its own id."
            )
            item = invalid(item.id, n, msg, "id")
        else:
            seen[item.id] = n
        yield item


def _line_id(index: int) -> str:
    return f"line-{index + 1}"


# ---------------------------------------------------------------------- run


def _ray_executor(address: str) -> tuple[Any, Callable[[], None]]:
    """Return the Ray executor for --ray (and how to close it)."""
    try:
        import ray
    except ImportError:
        msg = "mealplan batch: --ray needs Ray; install it with pip install 'mealplan[ray]'."
        raise _BadInputError(msg) from None
    from mealplan._batch_ray import ray_executor

    start: Any = ray.init  # untyped: Any whether or not Ray is installed
    try:
        start(
            address=None if address == "local" else address,
            include_dashboard=False,
            log_to_driver=False,
        )
    except (ConnectionError, OSError, TimeoutError, ValueError) as exc:
        msg = f"mealplan batch: cannot start or reach Ray at {address!r} ({exc}); check the address."
        raise _BadInputError(msg) from None
    executor = ray_executor()

    def close() -> None:
        # Nothing is in flight after a whole run; on an interrupt the tasks
        # still running are cancelled rather than waited for.
        executor.shutdown(wait=False, cancel_futures=True)
        ray.shutdown()

    return executor, close


class _WorkersFailed(Exception):  # noqa: N818 (a verdict with its message)
    """The pool or cluster failed while the batch ran (not the output file)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _next_result(
    results: Any, counts: Counter[BatchStatus], progress: _Progress | None
) -> BatchResult | None:
    """Return the next result, None at the end; raise _WorkersFailed for the pool.

    An OSError here is the executor's (a Dask scheduler or Ray cluster that
    went away, a broken worker pool), never the output file's: told apart
    from a failed write, which the caller reports as such (a lost scheduler
    was reported as "cannot write to the output file").
    """
    try:
        return next(results)  # type: ignore[no-any-return]
    except StopIteration:
        return None
    except (OSError, EOFError) as exc:
        results.close()
        if progress is not None:
            progress.close()
        detail = getattr(exc, "strerror", None) or exc
        msg = (
            f"mealplan batch: the workers failed ({detail}) after "
            f"{counts.total()} new line(s); check the pool, --scheduler or --ray "
            "cluster and rerun the same command to resume."
        )
        raise _WorkersFailed(msg) from None


def _executor(args: argparse.Namespace) -> tuple[Any, Callable[[], None]]:
    """Return the Dask or Ray executor (and how to close it), or None."""
    if args.ray is not None:
        return _ray_executor(args.ray)
    if args.scheduler is None:
        return None, lambda: None
    try:
        import distributed
    except ImportError:
        msg = "mealplan batch: --scheduler needs Dask; install it with pip install 'mealplan[dask]'."
        raise _BadInputError(msg) from None
    connect: Any = distributed.Client  # untyped: Any whether or not Dask is installed
    try:
        client = connect(args.scheduler, timeout=30)
    except (OSError, TimeoutError, ValueError) as exc:
        msg = f"mealplan batch: cannot reach the Dask scheduler {args.scheduler!r} ({exc}); check the address."
        raise _BadInputError(msg) from None
    return client.get_executor(), client.close


def _check_args(args: argparse.Namespace) -> None:
    if args.workers is not None and args.workers < 1:
        msg = f"mealplan batch: --workers must be at least 1 (got {args.workers})."
        raise _BadInputError(msg)
    if args.chunksize is not None and args.chunksize < 1:
        msg = f"mealplan batch: --chunksize must be at least 1 (got {args.chunksize})."
        raise _BadInputError(msg)
    if args.workers is not None and args.scheduler is not None:
        msg = "mealplan batch: give --workers or --scheduler, not both (a Dask cluster sizes itself)."
        raise _BadInputError(msg)
    if args.ray is not None and (
        args.workers is not None or args.scheduler is not None
    ):
        msg = "mealplan batch: give --ray alone, without --workers or --scheduler (a Ray cluster sizes itself)."
        raise _BadInputError(msg)
    if args.input != "-" and not Path(args.input).is_file():
        msg = f"mealplan batch: input file {args.input!r} does not exist; give a JSON-lines file."
        raise _BadInputError(msg)


def _summary(counts: Counter[BatchStatus], skipped: Counter[BatchStatus]) -> str:
    parts = [f"{counts[s]} {s.value}" for s in BatchStatus if counts[s]]
    text = ", ".join(parts) or "nothing to do"
    if skipped.total():
        text += f" ({skipped.total()} already done, skipped)"
    return text


def _exit_code(counts: Counter[BatchStatus]) -> int:
    if counts[BatchStatus.FAILED]:
        return EXIT_FAILURE
    if counts[BatchStatus.INVALID]:
        return EXIT_BAD_INPUT
    return EXIT_OK


def _close_quietly(stream: IO[str]) -> None:
    # After a failed write the buffer still holds the line; closing retries
    # it and fails again, which was already reported.
    with contextlib.suppress(OSError):
        stream.close()


def _cmd_batch(args: argparse.Namespace) -> int:
    _check_args(args)
    to_stdout = args.output == "-"
    out_path = Path(args.output)
    done = {} if to_stdout else _done_ids(out_path, args.retry_failed)
    total = _count(args.input)
    if total is not None:
        total = max(0, total - len(done))
    counts: Counter[BatchStatus] = Counter()
    skipped: Counter[BatchStatus] = Counter()
    progress = _Progress(total, sys.stderr) if sys.stderr.isatty() else None
    executor, close_executor = _executor(args)
    began = time.monotonic()
    where = "stdout" if to_stdout else repr(args.output)
    with contextlib.ExitStack() as stack:
        stack.callback(close_executor)
        if to_stdout:
            stream: IO[str] = sys.stdout
        else:
            try:
                stream = out_path.open("a", encoding="utf-8")
                stack.callback(_close_quietly, stream)
            except OSError as exc:
                msg = f"mealplan batch: cannot write {args.output!r} ({exc.strerror}); give a writable -o file."
                raise _BadInputError(msg) from None
        writer = _Writer(stream)
        previous = {
            sig: signal.signal(sig, writer.on_signal)
            for sig in (signal.SIGINT, signal.SIGTERM)
        }
        stack.callback(lambda: [signal.signal(s, h) for s, h in previous.items()])
        if progress is not None:
            stack.callback(progress.close)
        # Imported here: multiprocessing and the pool are for this command only.
        from mealplan._batch import run_jobs

        results = run_jobs(
            _jobs(args.input, done, skipped),
            executor=executor,
            workers=args.workers,
            chunksize=args.chunksize,
            ordered=args.ordered,
        )
        try:
            while (result := _next_result(results, counts, progress)) is not None:
                writer.write(_in_cli_words(result))
                counts[result.status] += 1
                if progress is not None:
                    progress.update(result)
        except _WorkersFailed as failed:
            print(failed.message, file=sys.stderr)
            return EXIT_FAILURE
        except KeyboardInterrupt:
            results.close()
            if progress is not None:
                progress.close()
            print(
                f"mealplan batch: interrupted after {counts.total()} new line(s); "
                "rerun the same command to resume.",
                file=sys.stderr,
            )
            return EXIT_INTERRUPTED
        except BrokenPipeError:
            raise
        except OSError as exc:  # a full disk, a closed file
            results.close()
            if progress is not None:
                progress.close()
            print(
                f"mealplan batch: cannot write to {where!s} ({exc.strerror or exc}) "
                f"after {counts.total()} new line(s); fix that and rerun the same "
                "command to resume.",
                file=sys.stderr,
            )
            return EXIT_FAILURE
    seconds = time.monotonic() - began
    print(
        f"mealplan batch: {_summary(counts, skipped)} in {seconds:.1f} s; "
        f"results in {where}.",
        file=sys.stderr,
    )
    return _exit_code(counts + skipped)
