"""Reader experience (issue 18), tried as a reader would: Chromium at a phone size (390×844) and a
laptop size (1280×800), in both languages. Navigation, 404 pages, self-test, search snippets,
reference pages, menu and titles, touch targets. Screenshots go to test-results/screenshots/."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "test-results" / "screenshots"
SIZES = {"phone": (390, 844), "laptop": (1280, 800)}
LANGUAGES = {"zh": "", "en": "en/"}
QUESTION = "generation/what-is-repetition/"  # one answer heading: no table of contents
TOPIC_NAMES = {"zh": "生成问题", "en": "Generation problems"}

# A link the reader can see: inside the viewport and not covered by another element (a closed
# drawer panel, the overlay).
VISIBLE_LINKS = """selector => [...document.querySelectorAll(selector)].filter(a => {
  const r = a.getBoundingClientRect();
  if (!r.width || !r.height) return false;
  const x = r.left + Math.min(r.width / 2, 20), y = r.top + r.height / 2;
  if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) return false;
  const hit = document.elementFromPoint(x, y);
  return !!hit && (hit === a || a.contains(hit));
}).map(a => ({text: a.textContent.trim(), href: a.href}))"""


@pytest.fixture(params=list(SIZES))
def screen(request) -> str:
    return request.param


@pytest.fixture(params=list(LANGUAGES))
def language(request) -> str:
    return request.param


@pytest.fixture
def view(browser, screen):
    """A page at the size under test; a phone also gets touch, as a reader's phone has."""
    width, height = SIZES[screen]
    phone = screen == "phone"
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    page.console_errors = []

    def console(message) -> None:
        # A 404 page's own status is logged as an error; any other failed load is one.
        if message.type == "error" and message.location.get("url") != page.url:
            page.console_errors.append(f"{message.text} {message.location.get('url')}")

    page.on("console", console)
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    yield page
    context.close()


def open_drawer(page) -> None:
    page.locator("label.md-header__button[for=__drawer]").click()
    page.wait_for_function("document.getElementById('__drawer').checked")
    page.wait_for_timeout(400)  # the drawer slides in


# 1. Navigation ---------------------------------------------------------------------------------

def test_question_page_has_a_breadcrumb_home_and_topic(view, base_url, screen, language):
    prefix = LANGUAGES[language]
    view.goto(base_url + prefix + QUESTION)
    crumbs = view.locator("nav.md-path a")
    assert crumbs.count() == 2
    assert crumbs.nth(0).is_visible() and crumbs.nth(1).is_visible()
    home = {"zh": "首页", "en": "Home"}[language]
    assert [crumbs.nth(i).inner_text().strip() for i in range(2)] == [home, TOPIC_NAMES[language]]
    hrefs = [urlparse(crumbs.nth(i).evaluate("a => a.href")).path for i in range(2)]
    assert hrefs == [urlparse(base_url + prefix).path, urlparse(base_url + prefix + "generation/").path]
    crumbs.nth(1).click()
    view.wait_for_url(base_url + prefix + "generation/")
    assert view.console_errors == []


def test_phone_menu_on_a_question_page_is_never_empty(view, base_url, screen, language):
    prefix = LANGUAGES[language]
    view.goto(base_url + prefix)
    view.locator(".kb-topic-cards a[href$='generation/']").click()  # instant navigation, as a reader arrives
    view.locator(".kb-question-list a[href$='what-is-repetition/']").click()
    view.wait_for_url("**/" + QUESTION)
    view.wait_for_selector("nav.md-path")
    if screen == "phone":
        open_drawer(view)
    links = view.evaluate(VISIBLE_LINKS, ".md-sidebar--primary a")
    assert len(links) >= 10, links  # the topics, the home page and the reference pages
    paths = {urlparse(link["href"]).path for link in links}
    assert urlparse(base_url + prefix + "generation/").path in paths
    assert urlparse(base_url + prefix + "sft/").path in paths
    assert not any("what-is-repetition" in path for path in paths)  # topics, not questions: page size stays flat
    # The question's topic is highlighted: the active item, in the link colour and bold.
    active = view.locator(".md-sidebar--primary .md-nav__item--active > a.md-nav__link")
    assert active.count() == 1 and active.inner_text().strip() == TOPIC_NAMES[language]
    other = view.locator(".md-sidebar--primary a.md-nav__link[href$='sft/']").first
    style = "a => [getComputedStyle(a).color, getComputedStyle(a).fontWeight]"
    assert active.evaluate(style) != other.evaluate(style)
    assert view.console_errors == []


def test_one_heading_question_has_no_table_of_contents(view, base_url, screen, language):
    prefix = LANGUAGES[language]
    view.goto(base_url + prefix + QUESTION)
    assert view.locator("article h2").count() >= 1
    assert view.locator(".md-sidebar--secondary").get_attribute("hidden") is not None
    view.goto(base_url + prefix + "sft/how-lora-works-and-advantages/")  # several headings keep theirs
    assert view.locator(".md-sidebar--secondary").get_attribute("hidden") is None
    if screen == "laptop":
        assert view.locator(".md-sidebar--secondary .md-nav__link").count() >= 2


# 2. The 404 page --------------------------------------------------------------------------------

MISSING = {"zh": ["no-such-page/", "sft/no-such-question/", "a/b/c/d/e"], "en": ["en/no-such-page/", "en/sft/x/y/z/"]}


@pytest.mark.parametrize("path", [path for paths in MISSING.values() for path in paths])
def test_missing_page_gets_the_bilingual_404_page_at_any_depth(view, base_url, screen, path):
    """conftest's server answers a missing path with the site's 404.html, as GitHub Pages does."""
    response = view.goto(base_url + path)
    assert response.status == 404
    view.wait_for_load_state("networkidle")
    assert view.console_errors == []  # styles and scripts load from absolute URLs at any depth
    assert view.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"  # styled
    policy = view.evaluate("document.querySelector('meta[http-equiv=Content-Security-Policy]').content")
    assert "script-src 'self' 'sha256-" in policy
    assert view.locator("h1").first.inner_text().strip() == "404"
    homes = {"zh": urlparse(base_url).path, "en": urlparse(base_url + "en/").path}
    for code, home in homes.items():
        section = view.locator(f".kb-not-found__language[lang={code}]")
        assert section.locator("input[type=search][name=q]").is_visible()
        assert urlparse(section.locator("a[hreflang]").evaluate("a => a.href")).path == home
    switcher = view.evaluate("[...document.querySelectorAll('a.md-select__link[hreflang]')].map(a => [a.hreflang, a.href])")
    assert {code: urlparse(href).path for code, href in switcher} == homes  # the homes, whatever the missing path


@pytest.mark.parametrize("code,query,slug", [("zh", "复读机", "what-is-repetition"), ("en", "hallucination", "model-hallucination")])
def test_404_search_box_opens_that_languages_search(view, base_url, code, query, slug):
    view.goto(base_url + "some/missing/page/")
    box = view.locator(f".kb-not-found__language[lang={code}] input[name=q]")
    box.fill(query)
    box.press("Enter")
    view.wait_for_url(re.compile(r"\?q="))
    assert urlparse(view.url).path == urlparse(base_url + LANGUAGES[code]).path
    view.wait_for_selector(".md-search-result__item", timeout=15000)
    hrefs = view.eval_on_selector_all(".md-search-result__item > a", "links => links.map(a => a.href)")
    assert any(f"/{LANGUAGES[code]}generation/{slug}/" in href for href in hrefs), hrefs
    assert view.console_errors == []
