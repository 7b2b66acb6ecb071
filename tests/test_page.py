"""The web page in a real headless browser (Debian's chromium, via Playwright).

Fill the form, get a plan, see the chart, regenerate a meal, see a diagnosis
for an impossible request; at phone width, with every request outside the
server blocked (the page must work offline). Set MEALPLAN_SCREENSHOT=PATH to
save the screenshot the README shows.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="needs the server extra")

from tests.serving import Server

PHONE = {"width": 390, "height": 844}


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    # CI installs chromium (.ci/run); only a developer's machine may lack it.
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed; .ci/run installs it with apt-get")
    pytest.skip("needs a chromium executable (apt-get install chromium)")


@pytest.fixture(scope="module")
def page_server(http_server: Server) -> Server:
    return http_server  # tests/conftest.py


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = _chromium()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, page_server: Server) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    problems: list[str] = []
    outside: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(page_server.url):
            r.continue_()
        else:  # offline: nothing may come from anywhere else
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda e: problems.append(str(e)))

    def console(m: Any) -> None:
        # The browser logs every 4xx it is answered; those are expected here.
        if m.type == "error" and not m.text.startswith("Failed to load resource"):
            problems.append(m.text)

    page.on("console", console)
    page.goto(page_server.url + "/")
    yield page
    assert not problems, problems
    assert not outside, outside
    context.close()


def _clip(page: Any) -> dict[str, float]:
    """From the top of the page to the end of the coverage chart's legend."""
    box = page.locator("#result .mp-coverage .mp-legend").bounding_box()
    top = page.evaluate("window.scrollY")
    return {"x": 0, "y": 0, "width": 1100, "height": box["y"] + top + box["height"]}


def meal_foods(page: Any, meal: str) -> list[str]:
    section = page.locator(f'#result section.mp-meal[data-meal="{meal}"]')
    # Foods: the day's added salt (id "salt") is recomputed with the day.
    return sorted(
        t for t in section.locator("td small").all_inner_texts() if t != "salt"
    )


def test_plan_chart_regenerate_at_phone_width(page: Any) -> None:
    assert page.locator("#disclaimer").is_visible()
    page.fill("#age", "34")
    page.select_option("#sex", "female")
    page.select_option("#life-stage", "pregnant-2")
    page.fill("#weight", "64")
    page.select_option("#diet", "vegetarian")
    page.check('input[name="allergy"][value="peanuts"]')
    page.fill("#exclude", "spinach, liver")
    page.click("#submit")
    page.wait_for_selector("#result .mp-plan", timeout=90_000)

    # Meal by meal, with the chart (a bar per bounded nutrient, ULs marked).
    meals = page.locator("#result section.mp-meal")
    assert meals.count() >= 3
    # Each meal named as a menu names it (DayPlan.meals), in its own box.
    titles = page.locator("#result section.mp-meal p.mp-meal-title")
    assert titles.count() == meals.count()
    assert " with " in " ".join(titles.all_inner_texts())
    bars = page.locator("#result .mp-coverage svg.mp-chart g.mp-bar")
    charted = set(bars.evaluate_all("els => els.map(e => e.dataset.nutrient)"))
    assert {"magnesium_mg", "calcium_mg", "vitamin_d_ug", "vitamin_b12_ug"} <= charted
    assert page.locator("#result .mp-coverage .mp-ul").count() >= 2
    assert page.locator("#result .mp-citations li").count() >= 1
    assert page.locator("#result .mp-grocery tbody tr").count() >= 3
    assert page.locator("#result .mp-disclaimer").first.is_visible()
    assert "peanut" not in page.locator("#result").inner_text().lower()
    # Usable on a phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    shot = os.environ.get("MEALPLAN_SCREENSHOT")
    if shot:  # the README's picture: a desktop window, the plan and its chart
        page.set_viewport_size({"width": 1100, "height": 1000})
        page.locator("#result .mp-coverage").scroll_into_view_if_needed()
        page.screenshot(path=shot, full_page=True, clip=_clip(page))
        page.set_viewport_size(PHONE)

    # One click regenerates dinner; the other meals stay.
    before = {m: meal_foods(page, m) for m in ("breakfast", "lunch", "dinner")}
    renders = page.locator("#result").get_attribute("data-renders")
    page.click('#result button.mp-regenerate[data-meal="dinner"]')
    # A new render, or the error the page shows instead (a failed regenerate
    # used to leave this waiting out its 90 s with nothing to say why).
    page.wait_for_function(
        f"document.querySelector('#result').dataset.renders !== '{renders}'"
        " || document.querySelector('#error').textContent.trim() !== ''",
        timeout=90_000,
    )
    error = page.locator("#error").inner_text().strip()
    assert not error, error
    after = {m: meal_foods(page, m) for m in ("breakfast", "lunch", "dinner")}
    assert after["dinner"] != before["dinner"]
    assert after["breakfast"] == before["breakfast"]
    assert after["lunch"] == before["lunch"]


def test_an_impossible_request_shows_its_diagnosis(page: Any) -> None:
    page.fill("#age", "35")
    page.select_option("#diet", "vegan")
    page.fill("#budget", "0.5")
    page.click("#submit")
    page.wait_for_selector("#result .mp-diagnosis", timeout=90_000)
    assert page.locator("#result .mp-conflict").count() >= 1
    assert "budget" in page.locator("#result").inner_text().lower()


def test_the_salt_box_turns_added_salt_off(page: Any) -> None:
    # A vegan man's default day is short of the sodium AI: it is salted,
    # unless the box says he was told to limit salt.
    page.fill("#age", "40")
    page.select_option("#sex", "male")
    page.select_option("#diet", "vegan")
    page.click("#submit")
    page.wait_for_selector("#result .mp-plan", timeout=90_000)
    assert "seasoned with" in page.locator("#result").inner_text()
    # The box asks for no salt: the request the page sends says so (the
    # plan it gets is the API's, tested in tests/test_salt.py).
    page.check("#no-added-salt")
    with page.expect_request("**/v1/plans") as sent:
        page.click("#submit")
    assert json.loads(sent.value.post_data or "{}").get("added_salt") is False


def test_the_free_from_boxes_ask_for_the_need(page: Any) -> None:
    # The page had no gluten or lactose option, and "gluten-free" typed in
    # "Leave out" dropped the gluten-free foods (now refused): the boxes send
    # free_from, and a typed "gluten-free" is explained.
    page.check('input[name="free_from"][value="gluten"]')
    with page.expect_request("**/v1/plans") as sent:
        page.click("#submit")
    assert json.loads(sent.value.post_data or "{}").get("free_from") == ["gluten"]
    page.wait_for_selector("#result .mp-plan, #error:not([hidden])", timeout=90_000)
    page.uncheck('input[name="free_from"][value="gluten"]')
    page.fill("#exclude", "gluten-free")
    page.click("#submit")
    page.wait_for_selector("#error:not([hidden])", timeout=30_000)
    assert "--free-from gluten" in page.locator("#error").inner_text()


def test_bad_input_is_explained(page: Any) -> None:
    page.fill("#age", "300")
    page.click("#submit")
    page.wait_for_selector("#error:not([hidden])", timeout=30_000)
    assert "person.age" in page.locator("#error").inner_text()


def test_a_longer_plan_goes_through_a_job(page: Any, page_server: Server) -> None:
    page.fill("#age", "60")
    page.select_option("#sex", "male")
    page.fill("#days", "4")
    cpu = page_server.tree_cpu_seconds()
    page.click("#submit")
    # The job runs under the default 10 s limit: a plan, or the time-limit
    # error, is shown well within two minutes on any machine.
    page.wait_for_selector("#result .mp-plan, #error:not([hidden])", timeout=120_000)
    if page.locator("#error").is_visible():
        text = page.locator("#error").inner_text()
        used = page_server.tree_cpu_seconds() - cpu
        # A 4-day plan's first plan needs about 1 s of CPU; a server that got
        # less than half its 10 s limit in CPU was starved by a loaded
        # machine (CI saw it at load 12), which says nothing of the page.
        if "time limit" in text and used < 5.0:
            pytest.skip(f"starved server: {used:.1f} s CPU in the job ({text})")
        pytest.fail(f"the 4-day job showed an error: {text}")
    titles = page.locator("#result h2.mp-day-title").all_inner_texts()
    assert [t.split(" —")[0] for t in titles] == [f"Day {d}" for d in range(1, 5)]
    # A whole day can be re-planned too.
    assert page.locator('#result button.mp-regenerate[data-day="3"]').count() >= 1
