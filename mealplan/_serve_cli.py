"""The ``serve`` command: the HTTP service and its web page (the server extra)."""

from __future__ import annotations

import argparse
from typing import Any

from mealplan._cli_args import EXIT_OK, BadInputError, formatter

__all__ = ["add_serve", "server_module"]

_SERVE_EPILOG = """\
examples:
  mealplan serve
  mealplan serve --host 0.0.0.0 --port 8080 --workers 4
  curl -s localhost:8000/v1/plans -H 'Content-Type: application/json' \\
       -d '{"person": {"age": 35, "sex": "female"}}'

Needs the server extra: pip install 'mealplan[server]'. The web page is at /,
the API's OpenAPI document at /openapi.json.
"""


def add_serve(commands: Any) -> None:
    """Add ``mealplan serve``."""
    p = commands.add_parser(
        "serve",
        help="run the HTTP service and its web page",
        description="Run the HTTP service (JSON API under /v1, web page at /).",
        epilog=_SERVE_EPILOG,
        formatter_class=formatter,
    )
    p.add_argument("--host", default="127.0.0.1", help="address (127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (8000)")
    p.add_argument(
        "--workers", type=int, default=2, metavar="N", help="solver processes (2)"
    )
    p.add_argument(
        "--queue",
        type=int,
        default=16,
        metavar="N",
        help="solves that may wait for a worker before 503 (16)",
    )
    p.add_argument(
        "--max-time-limit",
        type=float,
        default=60.0,
        metavar="S",
        help="largest solver time limit a request may ask for, s (60)",
    )
    p.add_argument(
        "--overhead",
        type=float,
        default=15.0,
        metavar="S",
        help="time a synchronous plan may take beyond its time limit before 504, s (15)",
    )
    p.add_argument(
        "--max-body",
        type=int,
        default=1_000_000,
        metavar="BYTES",
        help="largest request body (1000000)",
    )
    p.add_argument(
        "--grace",
        type=float,
        default=30.0,
        metavar="S",
        help="on shutdown, time given to accepted jobs before they fail, s (30)",
    )
    p.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="repeatable; a web origin (https://app.example) whose pages may "
        "call the API from a browser",
    )
    p.set_defaults(run=_cmd_serve, format="text")


def server_module() -> Any:
    """Return :mod:`mealplan._server`, or a one-line error without the extra."""
    import importlib

    try:
        server = importlib.import_module("mealplan._server")
    except ImportError as exc:
        msg = f"mealplan serve needs the server extra ({exc.name} is missing); install it with: pip install 'mealplan[server]'."
        raise BadInputError(msg) from None
    return server


def _cmd_serve(args: argparse.Namespace) -> int:
    checks = [
        (1 <= args.workers <= 64, "--workers", "between 1 and 64"),
        (0 <= args.queue <= 10_000, "--queue", "between 0 and 10000"),
        (0 <= args.port <= 65535, "--port", "between 0 and 65535"),
        (0 < args.max_time_limit <= 3600, "--max-time-limit", "in (0, 3600]"),
        (0 <= args.overhead <= 3600, "--overhead", "in [0, 3600]"),
        (1024 <= args.max_body <= 100_000_000, "--max-body", "in [1024, 1e8]"),
        (0 <= args.grace <= 3600, "--grace", "in [0, 3600]"),
    ]
    for ok, flag, expected in checks:
        if not ok:
            value = getattr(args, flag[2:].replace("-", "_"))
            msg = f"mealplan serve: {flag} {value} is out of range; give a value {expected}."
            raise BadInputError(msg, [{"loc": flag, "msg": "out of range"}])
    server = server_module()
    import logging

    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s")
    settings = server.ServerSettings(
        workers=args.workers,
        queue=args.queue,
        max_time_limit=args.max_time_limit,
        overhead=args.overhead,
        max_body=args.max_body,
        grace=args.grace,
        cors_origins=tuple(args.cors_origin),
    )
    uvicorn.run(
        server.create_app(settings),
        host=args.host,
        port=args.port,
        log_level="info",
        timeout_graceful_shutdown=int(args.grace) + 5,
    )
    return EXIT_OK
