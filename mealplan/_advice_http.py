"""A diagnosis in an HTTP client's words: request fields, not CLI flags.

The diagnosis is written for the CLI and :func:`mealplan.plan` alike: its
message ends with the change's flag ("stop requiring 'honey' every day
(--no-include)") and each conflict's relaxation says "; flag --budget 6".
An app that sent JSON has no flags to pass; it has the suggestion's
``patch``, a JSON merge patch to its request. The service (``mealplan
serve``) answers with this copy, whose words name the patch instead; every
field but the words is the same.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mealplan._diagnosis_models import Diagnosis, Suggestion

__all__ = ["for_http"]


def _patch_words(s: Suggestion) -> str:
    return f"merge {json.dumps(s.patch, ensure_ascii=False)} into the request"


def for_http(diagnosis: Diagnosis) -> Diagnosis:
    """Return ``diagnosis`` with its CLI flags said as request patches."""
    flagged = [s for s in diagnosis.suggestions if s.flag]
    if not flagged:
        return diagnosis
    message = diagnosis.message
    best = next((s for s in diagnosis.suggestions if s.verified), None)
    if best is not None and best.flag:
        message = message.replace(f" ({best.flag})", f" ({_patch_words(best)})", 1)
    conflicts = []
    for conflict in diagnosis.conflicts:
        words = conflict.relaxation
        for s in flagged:
            if f"; flag {s.flag}" in words:
                words = words.replace(f"; flag {s.flag}", f"; {_patch_words(s)}", 1)
        conflicts.append(conflict.model_copy(update={"relaxation": words}))
    return diagnosis.model_copy(update={"message": message, "conflicts": conflicts})
