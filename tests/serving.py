"""Start ``mealplan serve`` on loopback for the HTTP tests, and stop it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    process: subprocess.Popen[str]
    url: str
    log_path: Path
    output: str = field(default="")

    def client(self, timeout: float = 60.0) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=timeout)

    def children(self) -> list[int]:
        """Process ids of the solver workers (children of the server)."""
        pids: list[int] = []
        for task in Path(f"/proc/{self.process.pid}/task").glob("*/children"):
            pids += [int(p) for p in task.read_text().split()]
        return pids

    def tree_cpu_seconds(self) -> float:
        """CPU seconds used so far by the server and every live descendant.

        Solver workers are the server's children or a forkserver's children;
        a test judges a time-limit failure by this (a process tree starved by
        a loaded machine accrues little CPU in its wall-clock limit).
        """
        total, todo, seen = 0.0, [self.process.pid], set()
        tick = os.sysconf("SC_CLK_TCK")
        while todo:
            pid = todo.pop()
            if pid in seen:
                continue
            seen.add(pid)
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
                # Fields after the command's closing parenthesis: utime and
                # stime are the 12th and 13th.
                fields = stat.rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / tick
                for task in Path(f"/proc/{pid}/task").glob("*/children"):
                    todo += [int(c) for c in task.read_text().split()]
            except (OSError, IndexError, ValueError):
                continue  # a worker that ended meanwhile
        return total

    def stop(self, timeout: float = 60.0) -> int:
        """SIGTERM the server (graceful shutdown) and wait; return its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self.output = self.log_path.read_text(encoding="utf-8", errors="replace")
        return code


_PORT_TRIES = 5
"""Ports tried in turn: free_port's port is free when asked, but another
test process (pytest-xdist runs two) may bind it before the server does."""


@contextmanager
def running_server(tmp: Path, *flags: str, ready: float = 120.0) -> Iterator[Server]:
    """Run ``mealplan serve`` with ``flags`` on a free loopback port."""
    for attempt in range(_PORT_TRIES):
        port = free_port()
        log_path = tmp / f"server-{port}.log"
        log = log_path.open("w", encoding="utf-8")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        process = subprocess.Popen(
            [sys.executable, "-m", "mealplan", "serve", "--port", str(port), *flags],
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=ROOT,
            env=env,
        )
        server = Server(process, f"http://127.0.0.1:{port}", log_path)
        if not _lost_its_port(server) or attempt == _PORT_TRIES - 1:
            break
        server.stop()
        log.close()
    try:
        deadline = time.monotonic() + ready
        while True:
            if process.poll() is not None:
                msg = f"server exited early: {log_path.read_text()}"
                raise RuntimeError(msg)
            try:
                if httpx.get(server.url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                msg = f"server not ready in {ready} s: {log_path.read_text()}"
                raise RuntimeError(msg)
            time.sleep(0.1)
        yield server
    finally:
        server.stop()
        log.close()


def _lost_its_port(server: Server, wait: float = 120.0) -> bool:
    """Whether the server exited at start because its port was taken.

    Waits until it answers /healthz (False), exits (True when its log says
    the address was in use), or ``wait`` passes (False: the caller's own
    readiness check reports it).
    """
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            text = server.log_path.read_text(encoding="utf-8", errors="replace")
            return "address already in use" in text.lower()
        try:
            if httpx.get(server.url + "/healthz", timeout=2).status_code == 200:
                return False
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    return False
