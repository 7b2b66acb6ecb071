"""JSON text from outside, read strictly before any model sees it.

Python's ``json`` module keeps the last of two equal keys (so
``{"allergies": ["peanuts"], "allergies": []}`` would silently plan without
the allergy), recurses without bound and keeps lone surrogates that cannot be
written back out. :func:`load_json` rejects all of these, and text longer
than a limit, before parsing into Python objects that a model validates.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

__all__ = [
    "MAX_JSON_DEPTH",
    "MAX_PLAN_BYTES",
    "MAX_REQUEST_BYTES",
    "JSONInputError",
    "find_lone_surrogate",
    "json_kind",
    "load_json",
    "loc_text",
]

MAX_REQUEST_BYTES = 1_000_000
"""Longest request accepted, in bytes of UTF-8 (a full request is a few kB)."""
MAX_PLAN_BYTES = 16_000_000
"""Longest saved plan accepted (a 28-day plan is about 1 MB)."""
MAX_JSON_DEPTH = 32
"""Deepest nesting of arrays and objects (the contract needs about 8)."""

_SURROGATE = re.compile("[\ud800-\udfff]")


class JSONInputError(ValueError):
    """JSON text that is too large, too deep, malformed or ambiguous.

    Attributes:
        loc: Where, as keys and indices from the top (empty: the whole text).
        kind: A short machine name (``json_invalid``, ``json_too_large``...).

    """

    def __init__(
        self, message: str, loc: tuple[str | int, ...] = (), kind: str = "json_invalid"
    ) -> None:
        super().__init__(message)
        self.loc = loc
        self.kind = kind


class _Duplicated(dict[str, Any]):
    """An object that held ``key`` twice: found with its path by _check_tree.

    The parser's hook sees one object at a time, not where it sits, so the
    error is raised by the walk that knows the path ("person.age", not
    "age", for a person given two ages).
    """

    key: str = ""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            found = _Duplicated(out)
            found.key = key
            return found
        out[key] = value
    return out


def json_kind(value: object) -> str:
    """Return what a parsed JSON value is, in JSON's words ("an array", "null")."""
    kinds = {
        list: "an array",
        str: "a string",
        bool: "true or false",
        dict: "an object",
    }
    if value is None:
        return "null"
    return next((k for t, k in kinds.items() if type(value) is t), "a number")


def loc_text(loc: Sequence[object]) -> str:
    r"""Return a field path as one line: ``bounds.calcium_mg.minimum``.

    A key from outside may hold a newline or any other character; such a key
    (or one over 40 characters) is shown quoted and escaped
    (``bounds.'a\nb'``), so a message naming it stays one line.
    """
    parts = []
    for part in loc:
        text = str(part)
        plain = text.isprintable() and 0 < len(text) <= 40
        parts.append(text if plain else _shown(text))
    return ".".join(parts) or "request"


def find_lone_surrogate(text: str) -> bool:
    """Return whether ``text`` holds a lone UTF-16 surrogate (not valid Unicode)."""
    return not text.isascii() and _SURROGATE.search(text) is not None


def _shown(text: str) -> str:
    shown = ascii(text)
    return shown if len(shown) <= 40 else shown[:37] + "..."


def load_json(
    data: str | bytes | bytearray,
    *,
    max_bytes: int = MAX_REQUEST_BYTES,
    max_depth: int = MAX_JSON_DEPTH,
) -> Any:
    """Parse JSON text strictly.

    Raises:
        JSONInputError: The text is over ``max_bytes``, not UTF-8, not JSON,
            nested deeper than ``max_depth``, has a duplicate key or a lone
            surrogate; the message is one sentence.

    """
    size = (
        len(data)
        if isinstance(data, bytes | bytearray)
        else len(data.encode("utf-8", "surrogatepass"))
    )
    if size > max_bytes:
        msg = f"the JSON text is {size:,} bytes, above the limit of {max_bytes:,}"
        raise JSONInputError(msg, (), "json_too_large")
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8")
        except UnicodeDecodeError:
            msg = "the JSON text is not UTF-8; send UTF-8 text"
            raise JSONInputError(msg) from None
    try:
        value = json.loads(data, object_pairs_hook=_pairs)
    except RecursionError:
        msg = f"the JSON text is nested too deeply (the limit is {max_depth} levels)"
        raise JSONInputError(msg, (), "json_too_deep") from None
    except json.JSONDecodeError as exc:
        msg = f"the text is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        raise JSONInputError(msg) from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        first = str(exc).split(";")[0].strip()
        if "integer string conversion" in first:
            # Python's words ("Exceeds the limit (4300 digits) for integer
            # string conversion"): said as the input's fault.
            first = "a number has more than 4,300 digits"
        msg = f"the text is not usable JSON ({first})"
        raise JSONInputError(msg) from None
    _check_tree(value, max_depth)
    return value


def _check_tree(value: Any, max_depth: int) -> None:
    """Check nesting depth and strings without recursion."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, ())]
    while stack:
        node, loc = stack.pop()
        if len(loc) > max_depth:
            msg = f"the JSON text is nested deeper than {max_depth} levels"
            raise JSONInputError(msg, loc[:3], "json_too_deep")  # where it starts
        if isinstance(node, str):
            if find_lone_surrogate(node):
                msg = f"the string {_shown(node)} holds a lone surrogate, which is not valid Unicode"
                raise JSONInputError(msg, loc, "string_unicode")
        elif isinstance(node, dict):
            if isinstance(node, _Duplicated):
                msg = f"key {_shown(node.key)} appears twice in one object; keep one"
                raise JSONInputError(msg, (*loc, node.key), "json_duplicate_key")
            for key, item in node.items():
                if find_lone_surrogate(key):
                    msg = f"the key {_shown(key)} holds a lone surrogate, which is not valid Unicode"
                    raise JSONInputError(msg, loc, "string_unicode")
                stack.append((item, (*loc, key)))
        elif isinstance(node, list):
            stack.extend((item, (*loc, i)) for i, item in enumerate(node))
