"""A line of ``mealplan batch`` speaks the CLI's words, not Python's.

An unknown food's hint said "use FoodTable.search() to find ids" in the
CLI's output (the new-user review of session 31).
"""

from __future__ import annotations

from mealplan._batch_cli import _in_cli_words
from mealplan._batch_models import BatchError, BatchResult, BatchStatus
from mealplan._catalog_search import SEARCH_HINT


def _invalid(message: str) -> BatchResult:
    return BatchResult(
        id="line-1",
        index=0,
        status=BatchStatus.INVALID,
        error=BatchError(
            type="UnknownFoodError",
            message=message,
            errors=[{"loc": "request", "msg": message}],
        ),
    )


def test_an_unknown_foods_hint_names_the_cli_command() -> None:
    result = _in_cli_words(
        _invalid(f"Food 'unicorn' is not in the food table; {SEARCH_HINT}")
    )
    assert result.error is not None
    assert "mealplan foods search WORDS" in result.error.message
    assert "FoodTable" not in result.error.message
    assert "FoodTable" not in result.error.errors[0]["msg"]


def test_other_results_are_kept_as_they_are() -> None:
    kept = _invalid("Food 'x' is not in the food table; did you mean 'y'?")
    assert _in_cli_words(kept) is kept
