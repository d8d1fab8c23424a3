"""The six-lane stress chart on a built fixture site in real headless Chromium: seen whole at 1280 px,
scrolling inside its frame with a hint on a phone."""

from __future__ import annotations

import pytest
from test_charts import STRESS

from browser import CHART_FIT_JS, browser, serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_stress_chart_fits_a_desktop_and_scrolls_on_a_phone(book):
    book.write("procedures/gongwen/stress.yaml", STRESS)
    result = book.run("build")
    assert result.code == 0, result.out + result.err
    with serve(book.path("site")) as url, browser() as b:
        desktop = b.new_page(viewport={"width": 1280, "height": 800})
        desktop.goto(f"{url}/procedures/gongwen/stress/")
        fit = desktop.evaluate(CHART_FIT_JS)
        assert fit["scroll"] <= fit["frame"] and fit["smallest"] >= 11 - 0.05, fit
        assert not fit["hint"]
        phone = b.new_page(viewport={"width": 375, "height": 800})
        phone.goto(f"{url}/procedures/gongwen/stress/")
        fit = phone.evaluate(CHART_FIT_JS)
        assert fit["page"] <= 375 and fit["scroll"] > fit["frame"] and fit["smallest"] >= 11 - 0.05, fit
        assert fit["hint"]
        hint_box, chart_box = (phone.locator(sel).bounding_box() for sel in (".hb-chart-scroll", ".hb-chart"))
        assert hint_box["y"] + hint_box["height"] <= chart_box["y"] + 1  # above the chart, seen before scrolling into it
