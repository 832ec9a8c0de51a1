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


@pytest.fixture(scope="session", autouse=True)
def screenshots_dir() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


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
    page.wait_for_function("() => document.getElementById('__drawer').checked")
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


# 3. Self-test -----------------------------------------------------------------------------------

CARD_ORDER = "[...document.querySelectorAll('.kb-card')].map(card => card.dataset.kbId).join(' ')"
SEARCH_OPEN = "() => document.getElementById('__search').checked"  # a function: polling an expression evals it, CSP says no
SEARCH_CLOSED = "() => !document.getElementById('__search').checked"


def search_stays_closed(page) -> bool:
    page.wait_for_timeout(300)  # Material opens search on the next tick, if it does
    return not page.evaluate(SEARCH_OPEN)


def start_self_test(page, base_url: str, language: str, path: str = "generation/") -> None:
    """Self-test on a topic page: the same component as the self-test page, whose every answer
    (7 MB of HTML) takes Chromium here some 20 s to load; the self-test page itself is tried below."""
    page.goto(base_url + LANGUAGES[language] + path)
    page.locator("[data-kb-action=toggle]").click()
    assert page.locator(".kb-selftest--active").count() == 1


def test_s_shuffles_without_opening_search_wherever_focus_is(view, base_url, screen, language):
    """On the self-test page; which also says its heading and intro once (the page's own)."""
    from llmqa.content import ui_strings

    ui = ui_strings(language)
    start_self_test(view, base_url, language, "self-test/")
    headings = view.locator("article h1, article h2").all_inner_texts()
    assert sum(ui["self_test"] in heading for heading in headings) == 1, headings
    assert ui["self_test_intro"] not in view.locator("article").inner_text()
    before = view.evaluate(CARD_ORDER)
    view.keyboard.press("s")
    assert search_stays_closed(view)
    after = view.evaluate(CARD_ORDER)
    assert after != before and sorted(after.split()) == sorted(before.split())
    view.locator("article h1").click()  # focus leaves the list
    view.keyboard.press("S")
    assert search_stays_closed(view) and view.evaluate(CARD_ORDER) != after
    current = view.locator(".kb-card--current")
    assert current.locator(".kb-card__answer").is_hidden()
    scrolled = view.evaluate("scrollY")
    view.locator("article h1").click()
    view.keyboard.press(" ")  # Space reveals the current answer instead of scrolling the page
    assert current.locator(".kb-card__answer").is_visible()
    assert view.evaluate("scrollY") == scrolled
    view.keyboard.press("m")
    assert current.get_attribute("data-kb-state") == "mastered"
    assert view.console_errors == []


def test_self_test_keys_never_fire_inside_inputs(view, base_url, screen, language):
    start_self_test(view, base_url, language)
    order = view.evaluate(CARD_ORDER)
    view.keyboard.press("/")  # Material's search: its box takes the keys
    box = view.locator("input.md-search__input")
    view.wait_for_function(SEARCH_OPEN)  # Material opens it a moment after focusing the box
    view.keyboard.type("mrs ")
    assert box.input_value() == "mrs "
    view.keyboard.press("Escape")
    view.wait_for_function(SEARCH_CLOSED)
    assert view.evaluate(CARD_ORDER) == order
    assert view.locator(".kb-card[data-kb-state=mastered], .kb-card[data-kb-state=review]").count() == 0
    # Without self-test on, S is Material's search key again.
    view.locator("[data-kb-action=toggle]").click()
    view.locator("article h1").click()
    view.keyboard.press("s")
    view.wait_for_function(SEARCH_OPEN)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_marked_and_unmarked_cards_look_different(view, base_url, screen, language, scheme):
    view.emulate_media(color_scheme=scheme)
    start_self_test(view, base_url, language)
    assert view.evaluate("document.body.getAttribute('data-md-color-scheme')") == ("slate" if scheme == "dark" else "default")
    view.keyboard.press("m")
    view.keyboard.press("ArrowRight")
    view.keyboard.press("r")
    style = "card => { const s = getComputedStyle(card); return [s.borderLeftColor, s.borderLeftWidth, s.backgroundColor]; }"
    cards = view.locator(".kb-card")
    mastered, review, plain = (cards.nth(i).evaluate(style) for i in range(3))
    assert len({tuple(mastered), tuple(review), tuple(plain)}) == 3
    assert float(mastered[1].removesuffix("px")) >= 4 and float(review[1].removesuffix("px")) >= 4
    assert mastered[2] != plain[2] and review[2] != plain[2]  # tinted
    labels = [cards.nth(i).locator("[data-kb-state-label]") for i in range(3)]
    assert labels[0].is_visible() and labels[1].is_visible() and labels[2].is_hidden()  # a word as well as colour
    view.screenshot(path=str(SHOTS / f"self-test-marked-{scheme}-{language}-{screen}.png"))


def test_review_only_and_hide_mastered_filters(view, base_url, screen, language):
    start_self_test(view, base_url, language)
    total = view.locator(".kb-card").count()
    ids = [view.locator(".kb-card").nth(i).get_attribute("data-kb-id") for i in range(3)]
    view.keyboard.press("r")
    view.keyboard.press("ArrowRight")
    view.keyboard.press("m")
    visible = "[...document.querySelectorAll('.kb-card')].filter(c => !c.hidden).map(c => c.dataset.kbId)"
    review_only = view.locator("[data-kb-selftest-filter=review]")
    review_only.click()
    assert review_only.get_attribute("aria-pressed") == "true"
    assert view.evaluate(visible) == [ids[0]]
    review_only.click()
    assert len(view.evaluate(visible)) == total
    hide_mastered = view.locator("[data-kb-selftest-filter=hide-mastered]")
    hide_mastered.click()
    shown = view.evaluate(visible)
    assert ids[1] not in shown and ids[0] in shown and len(shown) == total - 1
    view.locator(f".kb-card[data-kb-id='{ids[2]}'] [data-kb-action=mastered]").click()  # marked, so hidden now
    assert ids[2] not in view.evaluate(visible)


def test_topic_page_introduces_its_own_self_test(view, base_url, screen, language):
    from llmqa.content import ui_strings

    ui = ui_strings(language)
    view.goto(base_url + LANGUAGES[language] + "generation/")
    assert view.locator("h2#self-test").is_visible()
    assert ui["self_test_intro"] in view.locator(".kb-selftest").inner_text()


# 4. Search results ------------------------------------------------------------------------------

SEARCH_QUERIES = {"zh": "复读机", "en": "repetition"}
RESULTS = """() => [...document.querySelectorAll('.md-search-result__article')].map(a => ({
  text: a.innerText, href: a.closest('a').href,
  marks: [...a.querySelectorAll('mark')].map(m => m.textContent.toLowerCase()),
  tags: [...a.querySelectorAll('.md-tag')].map(t => t.textContent.trim()),
}))"""


def test_search_results_read_cleanly(view, base_url, screen, language):
    """Snippets without U+200B or leading punctuation, highlights only on the query, no page-terms
    line, tag labels in the page's language, and the glossary's result at its term's anchor."""
    view.goto(base_url + LANGUAGES[language])
    view.keyboard.press("/")
    box = view.locator("input.md-search__input")
    box.fill(SEARCH_QUERIES[language])
    box.press("End")
    view.wait_for_selector(".md-search-result__item", timeout=15000)
    results = view.evaluate(RESULTS)
    assert len(results) >= 4
    for result in results:
        assert "\u200b" not in result["text"]
        assert not any(re.match(r"[,。;:!?、)\]》,.;:!?]", line.strip()) for line in result["text"].splitlines() if line.strip())
        assert "本页术语" not in result["text"] and "Terms on this page" not in result["text"]
        assert set(result["marks"]) <= {SEARCH_QUERIES[language]}, result["marks"]
    assert any(result["marks"] for result in results)
    tags = [tag for result in results for tag in result["tags"]]
    assert tags and not any(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", tag) for tag in tags), tags  # labels, not ids
    if language == "zh":
        assert any(re.search(r"[\u4e00-\u9fff]", tag) for tag in tags)
    glossary = [r["href"] for r in results if "/glossary/" in r["href"]]
    assert glossary and all("#" in href for href in glossary), glossary
    view.screenshot(path=str(SHOTS / f"search-results-{language}-{screen}.png"))


# 5. Reference pages -----------------------------------------------------------------------------

LINES = "el => { const r = document.createRange(); r.selectNodeContents(el); return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; }"
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth + 1"


def test_errata_table_reads_on_a_phone(view, base_url, screen, language):
    view.goto(base_url + LANGUAGES[language] + "errata/")
    rows = view.locator("table.kb-errata tbody tr")
    assert rows.count() >= 15
    assert view.evaluate(NO_SIDEWAYS_SCROLL)
    for i in range(rows.count()):
        row = rows.nth(i)
        for cell in ("date", "kind"):
            assert row.locator(f".kb-errata__{cell}").evaluate(LINES) == 1  # never one or two characters a line
        assert row.locator(".kb-errata__question a").is_visible()
    layout = rows.first.evaluate("tr => getComputedStyle(tr).display")
    assert layout == ("block" if screen == "phone" else "table-row")  # stacked cards on a phone
    header = view.locator("table.kb-errata th").first.evaluate("th => getComputedStyle(th).backgroundColor")
    assert header != "rgba(0, 0, 0, 0)"  # styled, not a bare table
    if screen == "phone":
        assert rows.first.evaluate("tr => tr.getBoundingClientRect().right") <= SIZES["phone"][0]


def test_tags_page_has_an_index_with_counts(view, base_url, screen, language):
    view.goto(base_url + LANGUAGES[language] + "tags/")
    index = view.locator(".kb-tag-index a")
    groups = view.locator("details.kb-tag-group")
    assert index.count() == groups.count() >= 40
    assert index.first.evaluate("a => a.getBoundingClientRect().top") < groups.first.evaluate("d => d.getBoundingClientRect().top")
    for i in (0, index.count() // 2, index.count() - 1):
        link = index.nth(i)
        target = link.get_attribute("href").split("#")[-1]
        count = int(link.locator(".kb-tag-count").inner_text())
        assert view.locator(f"details[id='{target}'] li").count() == count
    link = index.nth(index.count() // 2)
    target = link.get_attribute("href").split("#")[-1]
    link.click()
    group = view.locator(f"details[id='{target}']")
    view.wait_for_function("id => { const list = document.getElementById(id); return !!list && list.open; }", arg=target)
    assert group.locator("li a").first.is_visible()
    if screen == "phone":
        assert view.evaluate("document.documentElement.scrollHeight") < 8000  # was 24,000 px with every list open


def test_a_question_tag_opens_its_list(view, base_url, screen, language):
    view.goto(base_url + LANGUAGES[language] + QUESTION)
    view.locator(".kb-page-meta a.kb-tag").first.click()
    view.wait_for_url(re.compile(r"/tags/#repetition$"))
    view.wait_for_function("() => { const list = document.getElementById('repetition'); return !!list && list.open; }")  # instant navigation swaps the page in after the URL changes
    assert view.locator("details#repetition a[href$='what-is-repetition/']").is_visible()


def glossary_entries(page) -> list[tuple[str, str]]:
    """(letter, term heading) for every term, in page order."""
    return page.evaluate("""() => {
      const out = []; let letter = null;
      document.querySelectorAll('article h2.kb-letter, article h3').forEach(h => {
        const text = h.textContent.replace('¶', '').trim();
        if (h.matches('h2.kb-letter')) letter = text; else if (letter) out.push([letter, text]);
      });
      return out;
    }""")


def test_glossary_in_reading_order_with_a_letter_index(view, base_url, screen, language):
    from pypinyin import lazy_pinyin

    view.goto(base_url + LANGUAGES[language] + "glossary/")
    letters = view.locator("p.kb-letter-index a").all_inner_texts()
    assert letters[:3] == ["A", "B", "C"] and len(letters) >= 20
    assert view.locator("p.kb-letter-index a").first.evaluate("a => a.getBoundingClientRect().top") < 600  # at the top
    entries = glossary_entries(view)
    assert len(entries) >= 120
    assert [letter for letter in dict.fromkeys(letter for letter, _ in entries)] == letters

    def key(name: str) -> str:
        name = name.split(" (")[0]  # without the abbreviation
        return " ".join(lazy_pinyin(name) if language == "zh" else [name]).lower()

    for letter, name in entries:
        first = key(name)[0]
        assert (first.upper() == letter) if first.isascii() and first.isalpha() else letter == "#", (letter, name)
    for letter in letters:
        names = [key(name) for group, name in entries if group == letter]
        assert names == sorted(names), (letter, names)  # pinyin order in Chinese, A–Z in English
    repeated = [name for _, name in entries if re.fullmatch(r"(.+) \((?i:\1)\)", name)]
    assert repeated == []  # no "GPT (GPT)"
    view.locator("p.kb-letter-index a", has_text="G").click()
    view.wait_for_url(re.compile(r"#letter-g$"))
    assert view.locator("#letter-g").is_visible()


def test_a_term_link_opens_its_definition_by_tap_or_hover(view, base_url, screen, language):
    view.goto(base_url + LANGUAGES[language] + QUESTION)
    term = view.locator("article .md-content__inner a.kb-term, article a.kb-term").first
    href = term.get_attribute("href")
    anchor = href.split("#")[1]
    if screen == "phone":
        term.tap()
        view.wait_for_url(re.compile(rf"/glossary/#{anchor}$"))
        definition = view.locator(f"h3[id='{anchor}'] + p")
        definition.wait_for()
        box = definition.bounding_box()
        assert box and 0 < box["y"] < SIZES["phone"][1] - 40  # in view, under the header
    else:
        term.hover()
        tooltip = view.locator(".md-tooltip2--active")
        tooltip.wait_for()
        assert len(tooltip.inner_text().strip()) > 20  # the definition, in Material's tooltip


# 6. Menu order and titles -----------------------------------------------------------------------

MENU = ".md-sidebar--primary .md-nav--primary > .md-nav__list > .md-nav__item > a.md-nav__link"


def test_menu_puts_topics_first_and_the_benchmark_in_the_footer(view, base_url, screen, language):
    from llmqa.content import topics, ui_strings

    view.goto(base_url + LANGUAGES[language] + "sft/")
    if screen == "phone":
        open_drawer(view)
    menu = [(text.strip(), href) for text, href in view.eval_on_selector_all(MENU, "links => links.map(a => [a.textContent, a.href])")]
    names = [topic[language]["name"] for topic in topics()]
    assert menu[0][0] == ui_strings(language)["home"]
    assert [text for text, _ in menu[1:1 + len(names)]] == names  # the topics, right after home
    assert not any("performance" in href for _, href in menu)
    rest = [urlparse(href).path.rstrip("/").split("/")[-1] for _, href in menu[1 + len(names):]]
    assert rest[:5] == ["self-test", "glossary", "tags", "errata", "downloads"]
    view.goto(base_url + LANGUAGES[language] + QUESTION)  # the drawer closed again
    footer = view.locator(".kb-footer-links a[href$='performance/']")
    footer.scroll_into_view_if_needed()
    assert footer.is_visible()
    footer.click()
    view.wait_for_url(re.compile(r"/performance/(#.*)?$"))
    assert view.locator("article h1").is_visible()


def test_titles_never_repeat_the_site_name(view, base_url, screen, language):
    site_name = {"zh": "大模型面试题知识库", "en": "LLM Interview Questions"}[language]
    view.goto(base_url + LANGUAGES[language])
    assert view.title() == site_name
    view.goto(base_url + LANGUAGES[language] + QUESTION)
    assert view.title().endswith(" - " + site_name) and view.title().count(site_name) == 1


# 7. Touch targets and axe -----------------------------------------------------------------------

# Controls that are not links inside running text (WCAG 2.5.8 exempts those): buttons, tags, the
# report link, breadcrumbs, indexes, the footer's links and the 404 search boxes.
CONTROLS = ("button, a.md-button, summary, input[type=search], .kb-page-meta a, .md-path a, .kb-letter-index a, "
            ".kb-tag-index a, .kb-footer-links a")
SMALL = """selector => [...document.querySelectorAll(selector)]
  .filter(el => { const s = getComputedStyle(el); return el.getClientRects().length && s.visibility !== 'hidden' && s.pointerEvents !== 'none' && s.opacity !== '0'; })
  .map(el => { const r = el.getBoundingClientRect(); return {what: el.outerHTML.slice(0, 80), width: r.width, height: r.height}; })
  .filter(t => t.width < 24 || t.height < 24)"""
TARGET_PAGES = [QUESTION, "generation/", "tags/", "glossary/", "errata/", "no-such-page/"]


@pytest.mark.parametrize("path", TARGET_PAGES)
def test_touch_targets_are_at_least_24_px(view, base_url, screen, language, path):
    view.goto(base_url + LANGUAGES[language] + path)
    if path == "generation/":
        view.locator("[data-kb-action=toggle]").click()  # the self-test's buttons
    assert view.locator(CONTROLS).count() > 0
    assert view.evaluate(SMALL, CONTROLS) == []


@pytest.mark.parametrize("path", TARGET_PAGES)
def test_axe_finds_nothing_serious_including_target_size(browser, base_url, screen, language, path):
    axe = ROOT / "node_modules/axe-core/axe.min.js"
    if not axe.exists():
        pytest.fail("node_modules/axe-core is missing: run `npm ci` (make test does)")
    width, height = SIZES[screen]
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)  # to inject axe
    page = context.new_page()
    page.goto(base_url + LANGUAGES[language] + path)
    page.wait_for_load_state("networkidle")
    if path == "generation/":
        page.locator("[data-kb-action=toggle]").click()
        page.locator("[data-kb-action=mastered]").first.click()  # a pressed button too
    page.evaluate("window.scrollTo(0, 0)")  # the sticky header would partly cover targets scrolled under it
    page.add_script_tag(path=str(axe))
    result = page.evaluate("async () => await axe.run(document, {rules: {'target-size': {enabled: true}}, resultTypes: ['violations']})")
    context.close()
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], "\n".join(serious)


# Screenshots for a reviewer -------------------------------------------------------------------

SCREENSHOT_PAGES = {"home": "", "topic": "generation/", "question": QUESTION, "self-test": "self-test/", "errata": "errata/", "glossary": "glossary/"}


@pytest.mark.parametrize("name", list(SCREENSHOT_PAGES))
def test_screenshots_of_the_main_pages(view, base_url, screen, language, name):
    """test-results/screenshots/<page>-<language>-<size>.png: the top of each page, as a reader sees it."""
    view.goto(base_url + LANGUAGES[language] + SCREENSHOT_PAGES[name])
    view.wait_for_load_state("networkidle")
    if name == "self-test":
        view.locator("[data-kb-action=toggle]").click()
        view.keyboard.press("m")
        view.keyboard.press("ArrowRight")
        view.keyboard.press("r")
        view.evaluate("window.scrollTo(0, 0)")
    path = SHOTS / f"{name}-{language}-{screen}.png"
    view.screenshot(path=str(path))
    assert path.stat().st_size > 10_000  # a rendered page, not a blank one
    if screen == "phone" and name == "question":
        open_drawer(view)
        view.screenshot(path=str(SHOTS / f"question-menu-{language}-phone.png"))
    assert view.console_errors == []
