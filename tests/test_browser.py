"""Browser tests in Debian's Chromium through Playwright, against the built site on 127.0.0.1."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def search(page, query: str) -> list[str]:
    """Type into Material's header search; returns the result titles' link targets."""
    page.keyboard.press("/")
    box = page.locator("input.md-search__input")
    box.fill(query)
    box.press("End")  # Material searches on keyup; fill() sends none
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    return page.eval_on_selector_all(".md-search-result__item > a", "links => links.map(a => a.href)")


def test_home_loads_without_console_errors(page, base_url):
    page.goto(base_url)
    assert page.locator("h1").first.inner_text().startswith("大模型面试题知识库")
    assert page.locator(".kb-topic-cards li").count() >= 5
    page.wait_for_load_state("networkidle")
    assert page.console_errors == []
    assert page.failed_requests == []


def test_search_for_repetition_lists_the_three_questions(page, base_url):
    page.goto(base_url)
    links = search(page, "复读机")
    joined = " ".join(links)
    for slug in ("what-is-repetition", "why-repetition-happens", "mitigate-repetition"):
        assert f"generation/{slug}/" in joined, (slug, links)
    assert page.console_errors == []
