"""End-to-end tests in Debian's Chromium: how a person uses the site, in both languages."""

from __future__ import annotations

import io
import json
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = [("zh", ""), ("en", "en/")]
AXE = ROOT / "node_modules/axe-core/axe.min.js"


def assert_clean(page):
    page.wait_for_load_state("networkidle")
    assert page.console_errors == [], page.console_errors
    assert page.failed_requests == [], page.failed_requests


def search(page, query: str) -> list[str]:
    page.keyboard.press("/")
    box = page.locator("input.md-search__input")
    box.fill(query)
    box.press("End")
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    return page.eval_on_selector_all(".md-search-result__item > a", "links => links.map(a => a.href)")


@pytest.mark.parametrize("language,prefix", LANGUAGES)
def test_home_topic_question_navigation(page, base_url, language, prefix):
    page.goto(base_url + prefix)
    page.click('.kb-topic-cards a[href$="generation/"]')
    page.wait_for_selector(".kb-question-list a")  # instant navigation swaps the content in
    assert page.locator(".kb-question-list a").count() >= 4
    page.click('.kb-question-list a[href$="what-is-repetition/"]')
    page.wait_for_selector("h2#answer-1")
    assert "/generation/what-is-repetition/" in page.url
    assert_clean(page)


@pytest.mark.parametrize("language,prefix,query,slug", [("zh", "", "复读机", "what-is-repetition"), ("en", "en/", "hallucination", "model-hallucination")])
def test_search_opens_the_page_and_highlights_the_term(page, base_url, language, prefix, query, slug):
    page.goto(base_url + prefix)
    links = search(page, query)
    target = next(link for link in links if f"/{prefix}generation/{slug}/" in link)
    assert all(("/en/" in link) == (language == "en") for link in links), links  # language-correct results
    page.goto(target)
    page.wait_for_selector("mark[data-md-highlight]", timeout=10000)
    assert query.lower() in page.locator("mark[data-md-highlight]").first.inner_text().lower()
    assert_clean(page)


@pytest.mark.parametrize("language,prefix", LANGUAGES)
def test_language_switcher_stays_on_the_same_question(page, base_url, language, prefix):
    other, other_prefix = ("en", "en/") if language == "zh" else ("zh", "")
    page.goto(base_url + prefix + "sft/")
    page.click('.kb-question-list a[href$="what-is-finetuning/"]')  # instant navigation first: the header is not reloaded
    page.wait_for_url("**/sft/what-is-finetuning/")
    page.wait_for_load_state("networkidle")
    page.evaluate(f"document.querySelector('a.md-select__link[hreflang={other}]').click()")
    page.wait_for_url(base_url + other_prefix + "sft/what-is-finetuning/")
    page.wait_for_function(f"() => document.documentElement.lang === '{other}'")
    assert_clean(page)


@pytest.mark.parametrize("language,prefix", LANGUAGES)
def test_related_links_lead_to_related_questions(page, base_url, language, prefix):
    page.goto(base_url + prefix + "generation/what-is-repetition/")
    related = page.locator(".kb-related a")
    hrefs = [related.nth(i).get_attribute("href") for i in range(related.count())]
    assert any("why-repetition-happens" in h for h in hrefs) and any("mitigate-repetition" in h for h in hrefs)
    related.first.click()
    page.wait_for_load_state("networkidle")
    assert "repetition" in page.url
    assert_clean(page)


@pytest.mark.parametrize("language,prefix,source", [("zh", "", "docs/sft/chat-or-base-model.md"), ("en", "en/", "docs/sft/chat-or-base-model.en.md")])
def test_edit_button_points_at_the_source_file(page, base_url, language, prefix, source):
    page.goto(base_url + prefix + "sft/chat-or-base-model/")
    href = page.locator("a.md-content__button[rel=edit]").get_attribute("href")
    assert href.endswith("/edit/main/" + source)
    assert (ROOT / source).exists()


def test_palette_toggle_switches_scheme(page, base_url):
    page.goto(base_url)
    before = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    page.locator("form[data-md-component=palette] label:visible").first.click()
    after = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    assert {before, after} == {"default", "slate"}


@pytest.mark.parametrize("language,prefix", LANGUAGES)
def test_404_page(page, base_url, language, prefix):
    response = page.goto(base_url + prefix + "no-such-page/")
    assert response.status == 404
    assert page.locator("h1").first.inner_text().strip() == "404"
    assert page.locator(f".kb-not-found__language[lang={language}] a[hreflang={language}]").count() == 1  # its home


@pytest.mark.parametrize("path", ["", "sft/", "sft/chat-or-base-model/"])
def test_mobile_layout_has_no_horizontal_scroll(browser, base_url, path):
    context = browser.new_context(viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(base_url + path)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.evaluate("document.documentElement.scrollWidth")
    page.locator("label.md-header__button[for=__drawer]").click()
    page.wait_for_timeout(400)
    assert page.evaluate("document.getElementById('__drawer').checked")
    assert page.locator(".md-sidebar--primary").is_visible()
    context.close()


@pytest.mark.inject
@pytest.mark.parametrize("path", ["", "sft/", "sft/chat-or-base-model/", "en/", "en/sft/", "en/sft/chat-or-base-model/"])
def test_accessibility_axe_has_no_serious_violations(page, base_url, path):
    if not AXE.exists():
        pytest.fail("node_modules/axe-core is missing: run `npm ci` (make test does)")
    page.goto(base_url + path)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], "\n".join(serious)


def test_self_test_reveal_mark_reload_switch_language_and_reset(page, base_url):
    page.goto(base_url + "generation/")
    section = page.locator("[data-kb-selftest]")
    first = section.locator(".kb-card").first
    question_id = first.get_attribute("data-kb-id")
    assert first.locator(".kb-card__answer").is_visible()  # a normal page until self-test starts
    section.locator('[data-kb-action="toggle"]').click()
    assert not first.locator(".kb-card__answer").is_visible()
    reveal = first.locator('[data-kb-action="reveal"]')
    assert reveal.get_attribute("aria-expanded") == "false"
    page.keyboard.press(" ")  # space reveals the current question
    assert first.locator(".kb-card__answer").is_visible() and reveal.get_attribute("aria-expanded") == "true"
    page.keyboard.press("m")
    assert first.get_attribute("data-kb-state") == "mastered"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("r")
    assert section.locator(".kb-card").nth(1).get_attribute("data-kb-state") == "review"
    page.reload()
    assert page.locator(f'.kb-card[data-kb-id="{question_id}"]').get_attribute("data-kb-state") == "mastered"
    assert "1/" in page.locator("[data-kb-progress]").inner_text()
    page.goto(base_url + "en/generation/")  # progress is keyed by id, not by language
    assert page.locator(f'.kb-card[data-kb-id="{question_id}"]').get_attribute("data-kb-state") == "mastered"
    page.goto(base_url)
    assert "1/" in page.locator('[data-kb-topic-progress*="what-is-repetition"]').inner_text()
    page.goto(base_url + "generation/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator('[data-kb-action="reset"]').click()
    assert page.locator(f'.kb-card[data-kb-id="{question_id}"]').get_attribute("data-kb-state") == ""
    assert page.evaluate("localStorage.getItem('llmqa.progress.v1')") == "{}"


def test_self_test_works_without_javascript(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "generation/")
    assert page.locator(".kb-card__answer").first.is_visible()
    assert not page.locator("[data-kb-toolbar]").is_visible()
    context.close()


def test_print_topic_to_pdf(page, base_url):
    from pypdf import PdfReader

    page.goto(base_url + "generation/")
    page.emulate_media(media="print")
    assert not page.locator(".md-sidebar--primary").is_visible()
    reader = PdfReader(io.BytesIO(page.pdf(format="A4")))
    text = "".join(p.extract_text() for p in reader.pages)
    assert len(reader.pages) > 1
    for title in ("什么是LLMs复读机问题", "如何缓解LLMs复读机问题"):
        assert title in text.replace(" ", "").replace("\n", "")
    assert "generation/" in text  # the page URL is printed


def test_formulas_print_to_pdf(page, base_url):
    from pypdf import PdfReader

    page.goto(base_url + "sft/how-lora-works-and-advantages/")
    page.emulate_media(media="print")
    page.wait_for_load_state("networkidle")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(page.pdf(format="A4"))).pages)
    assert "LoRA" in text
    assert "$$" not in text and "\\frac" not in text and "\\(" not in text  # KaTeX output, not TeX source


@pytest.mark.parametrize("language", ["zh", "en"])
def test_anki_deck_has_one_note_per_answered_question(site, language):
    from test_build import question_docs

    answered = [m for _, m in question_docs() if m.get("status") == "answered"]
    prefix = "" if language == "zh" else "en/"
    package = site / f"{prefix}downloads/llm-interview-questions-{language}.apkg"
    with zipfile.ZipFile(package) as archive, tempfile.TemporaryDirectory() as tmp:
        archive.extract("collection.anki2", tmp)
        db = sqlite3.connect(Path(tmp) / "collection.anki2")
        notes = db.execute("select guid, tags, flds from notes").fetchall()
        decks = json.loads(db.execute("select decks from col").fetchone()[0])
        db.close()
    assert len(notes) == len(answered)
    assert len({guid for guid, _, _ in notes}) == len(notes)
    assert any("topic::generation" in tags for _, tags, _ in notes)
    assert sum("::" in deck["name"] for deck in decks.values()) >= 10  # a sub-deck per topic
    csv_text = (site / f"{prefix}downloads/llm-interview-questions-{language}.csv").read_text(encoding="utf-8-sig")
    assert csv_text.count("\n") > len(answered)
    fields = " ".join(flds for _, _, flds in notes)
    assert "\\(" in fields and "\\[" in fields  # formulas as TeX, which Anki renders itself
    assert 'class="katex' not in fields


def test_offline_zip_works_from_file_url(browser, tmp_path):
    import subprocess
    import sys

    archive = tmp_path / "offline.zip"
    subprocess.run([sys.executable, str(ROOT / "scripts/build_offline.py"), str(archive)], check=True, capture_output=True, timeout=600)
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(tmp_path)
    page = browser.new_page()
    page.goto((tmp_path / "llm-interview-questions/index.html").as_uri())
    links = search(page, "复读机")
    assert any("what-is-repetition" in link for link in links)
    page.goto((tmp_path / "llm-interview-questions/en/index.html").as_uri())
    links = search(page, "hallucination")
    assert any("/en/generation/model-hallucination" in link for link in links)
    page.goto((tmp_path / "llm-interview-questions/sft/how-lora-works-and-advantages.html").as_uri())
    assert page.locator(".katex").count() > 3
    assert "KaTeX" in page.evaluate("getComputedStyle(document.querySelector('.katex')).fontFamily")
    page.close()


CSP_PAGES = ["", "sft/", "sft/how-lora-works-and-advantages/", "glossary/", "tags/", "errata/", "self-test/", "downloads/", "sources/000/", "en/", "en/alignment/dpo-implicit-reward-modeling/", "en/self-test/"]


@pytest.mark.parametrize("path", CSP_PAGES)
def test_pages_run_under_their_content_security_policy_without_violations(page, base_url, path):
    page.goto(base_url + path)
    policy = page.evaluate("document.querySelector('meta[http-equiv=Content-Security-Policy]').content")
    assert "script-src 'self' 'sha256-" in policy and "object-src 'none'" in policy
    page.keyboard.press("/")  # search starts its worker under the policy
    box = page.locator("input.md-search__input")
    box.fill("LoRA" if not path.startswith("en/") else "attention")
    box.press("End")  # Material reads the box on keyup (or when its worker is ready, which is now at once)
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    assert_clean(page)  # Chromium reports each refused script, style or worker as a console error


def test_instant_navigation_palette_and_switcher_work_under_the_policy(page, base_url):
    page.goto(base_url + "sft/")
    page.locator("a[href$='how-lora-works-and-advantages/']").first.click()  # instant navigation (XHR)
    page.wait_for_url("**/how-lora-works-and-advantages/")
    assert page.locator(".katex").count() > 3  # formulas rendered at build time, styled by the site's KaTeX CSS
    font = page.evaluate("getComputedStyle(document.querySelector('.katex')).fontFamily")
    assert "KaTeX" in font
    visible = page.locator("article").inner_text()
    assert "$$" not in visible and "\\(" not in visible and "\\frac" not in visible
    assert page.evaluate("document.fonts.check('16px KaTeX_Main')")
    page.locator("form[data-md-component=palette] label:visible").first.click()
    switch = page.evaluate("[...document.querySelectorAll('a.md-select__link[hreflang=en]')].map(a => a.href)")
    assert switch and switch[0].endswith("/en/sft/how-lora-works-and-advantages/")
    assert_clean(page)


def test_language_switcher_never_leaves_the_site_from_a_double_slash_path(page, base_url):
    response = page.goto(base_url + "abc//evil.example/x")
    assert response.status == 404
    links = page.evaluate("[...document.querySelectorAll('a.md-select__link[hreflang]')].map(a => a.href)")
    assert links
    origin = page.evaluate("location.origin")
    assert all(link.startswith(origin + "/") for link in links), links
    assert not any("evil.example" in link for link in links), links


@pytest.mark.parametrize("stored", ['["mastered"]', '"x"', '{"a": {"b": 1}}', '{"__proto__": "mastered"}', "not json", "null"])
def test_self_test_resets_stored_progress_that_is_not_a_plain_object(page, base_url, stored):
    page.goto(base_url + "self-test/")
    page.evaluate("value => localStorage.setItem('llmqa.progress.v1', value)", stored)
    page.reload()
    page.locator("[data-kb-action=toggle]").first.click()
    progress = page.locator("[data-kb-progress]").first.inner_text()
    if stored != "null":
        assert "已重置" in progress
        assert page.evaluate("localStorage.getItem('llmqa.progress.v1')") in (None, "{}")
    page.locator("[data-kb-action=mastered]").first.click()
    saved = json.loads(page.evaluate("localStorage.getItem('llmqa.progress.v1')"))
    assert isinstance(saved, dict) and list(saved.values()) == ["mastered"]


@pytest.fixture(scope="module")
def site_with_a_waiting_question(tmp_path_factory):
    """The site with one question set back to awaiting an answer (every real question is answered)."""
    import shutil

    from conftest import mkdocs_build, serve_site, site_path

    root = tmp_path_factory.mktemp("waiting")
    for name in ("mkdocs.yml", "docs", "overrides", "hooks", "data", "sources"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copyfile)(source, root / name)
    for name in ("what-is-flash-attention.md", "what-is-flash-attention.en.md"):
        page = root / "docs/architecture" / name
        head = page.read_text(encoding="utf-8").split("\n---\n", 1)[0]
        head = "\n".join(line for line in head.splitlines() if not line.startswith(("written:", "reviewed:", "zh_hash:")))
        page.write_text(head.split("\nreferences:")[0].replace("status: answered", "status: unanswered") + "\n---\n", encoding="utf-8")
    result = mkdocs_build(root / "mkdocs.yml", root / "site")
    assert result.returncode == 0, result.stderr[-2000:]
    server, url = serve_site(root / "site", site_path())
    yield url
    server.shutdown()


def test_topic_page_answered_only_filter(page, site_with_a_waiting_question):
    page.goto(site_with_a_waiting_question + "architecture/")
    button = page.locator("[data-kb-filter-toggle]")
    assert button.is_visible() and button.get_attribute("aria-pressed") == "false"
    assert page.locator("#kb-unanswered-group .kb-status--unanswered").count() == 1
    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    assert page.locator("#kb-unanswered-group").is_hidden()
    button.click()
    assert page.locator("#kb-unanswered-group").is_visible()
    page.goto(site_with_a_waiting_question + "architecture/what-is-flash-attention/")
    invitation = page.locator(".kb-unanswered")
    assert invitation.is_visible() and invitation.locator("ul li a").count() >= 1  # answered neighbours
    assert_clean(page)
