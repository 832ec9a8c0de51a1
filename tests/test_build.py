"""Build tests: the strict build succeeds and its HTML has every page, in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markupsafe import escape

from llmqa.content import read_document, topics
from llmqa.search_index import SEARCH_FILES_DIR, read_search_files

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def question_docs() -> list[tuple[str, dict]]:
    found = []
    topic_ids = {t["id"] for t in topics()}
    for path in sorted(DOCS.glob("*/*.md")):
        if path.parent.name in topic_ids and not path.name.startswith("index") and path.name.count(".") == 1:
            found.append((path.relative_to(DOCS).with_suffix("").as_posix(), read_document(path).meta))
    return found


def read(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def test_strict_build_has_no_warnings(build):
    result, _ = build
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr + result.stdout


def test_every_question_page_exists_in_both_languages(site):
    pages = question_docs()
    assert len(pages) >= 230  # 243 imported, 8 duplicates merged
    for path, meta in pages:
        zh, en = read(site, path), read(site, f"en/{path}")
        assert f"<h1>{escape(meta['title'])}</h1>" in zh, path
        assert 'lang="en"' in en and 'lang="zh"' in zh


def test_home_shows_topic_cards_with_counts(site):
    zh, en = read(site, ""), read(site, "en")
    counts = {t["id"]: 0 for t in topics()}
    for path, meta in question_docs():
        if meta.get("status") != "article":
            counts[path.split("/")[0]] += 1
    for topic in topics():
        assert topic["zh"]["name"] in zh and topic["en"]["name"].replace("&", "&amp;") in en
        assert f'href="{topic["id"]}/"' in zh
        assert f"{counts[topic['id']]} 道题" in zh and f"{counts[topic['id']]} questions" in en
    assert counts["sft"] > 0 and counts["few-shot"] > 0


def test_topic_pages_list_all_their_questions(site):
    by_topic: dict[str, list[str]] = {}
    for path, _ in question_docs():
        topic, slug = path.split("/")
        by_topic.setdefault(topic, []).append(slug)
    for topic, slugs in by_topic.items():
        for language_prefix in ("", "en/"):
            page = read(site, f"{language_prefix}{topic}")
            for slug in slugs:
                assert f'href="{slug}/"' in page, (topic, slug, language_prefix)


def test_merged_question_credits_both_sources(site):
    page = read(site, "sft/chat-or-base-model")
    credits = re.findall(r'class="kb-answer-source" data-search-exclude>(.*?)</p>', page, re.DOTALL)
    assert len(credits) == 2
    assert "../../sources/000/" in credits[0] and "第 4 题" in credits[0]
    assert "../../sources/001/" in credits[1] and "二、进阶篇" in credits[1] and "第 14 题" in credits[1]


def test_edit_button_opens_the_page_source(site):
    assert 'href="https://github.com/llm-interview-kb/llm-interview-kb/edit/main/docs/sft/chat-or-base-model.md"' in read(site, "sft/chat-or-base-model")
    translated = next((p for p, _ in question_docs() if (DOCS / f"{p}.en.md").exists()), None)
    assert translated
    assert f'edit/main/docs/{translated}.en.md"' in read(site, f"en/{translated}")


def test_navigation_lists_topics_not_every_question(site):
    """Each page carries the topic list only, so its size does not grow with the question bank."""
    page = read(site, "sft/chat-or-base-model")
    nav = page[page.index('class="md-nav md-nav--primary"'):page.index('class="md-sidebar md-sidebar--secondary"')]
    assert 'href="../../generation/"' in nav and 'href="../"' in nav  # topics, including its own
    assert "what-is-finetuning" not in nav and "what-is-repetition" not in nav  # no question lists
    assert 'href="what-is-finetuning/"' in read(site, "sft")  # the topic page lists them
    # The same menu whatever the size of the question's topic: page size stays flat as the bank grows.
    by_topic: dict[str, list[str]] = {}
    for path, _ in question_docs():
        by_topic.setdefault(path.split("/")[0], []).append(path)
    smallest, largest = sorted(by_topic.values(), key=len)[0], sorted(by_topic.values(), key=len)[-1]
    assert len(largest) > 2 * len(smallest)

    def menu_links(path: str) -> int:
        html = read(site, path)
        start, end = html.index('class="md-nav md-nav--primary"'), html.index('class="md-sidebar md-sidebar--secondary"')
        return html[start:end].count("<a ")

    assert menu_links(smallest[0]) == menu_links(largest[0]) == menu_links(largest[-1])


def test_language_switcher_and_no_third_party_fonts(site):
    page = read(site, "sft/chat-or-base-model")
    assert 'hreflang="en"' in page and 'hreflang="zh"' in page
    assert "fonts.googleapis.com" not in page and "fonts.gstatic.com" not in page


@pytest.mark.parametrize("language", ["zh", "en"])
def test_source_pages_list_their_questions(site, language):
    prefix = "" if language == "zh" else "en/"
    page = read(site, f"{prefix}sources/001")
    assert page.count('class="kb-topic-label"') == 32  # all 32 questions, merged ones included
    assert "what-is-repetition/" in page


def test_chinese_search_index_is_segmented(site):
    index = read_search_files(site / "search" / SEARCH_FILES_DIR)
    entry = [e[0] for e in index["entries"]].index("generation/what-is-repetition/")
    # jieba word boundaries; glossary terms stay whole; answers folded into the page's entry
    assert entry in index["postings"]["复读机问题"] and entry in index["postings"]["llm"]  # "LLMs", plural folded
    assert "复读" not in index["postings"]  # no words that jieba did not make
    assert not any("本回答来源" in teaser for teaser, _ in index["teaser_list"])  # credits are excluded from search


def test_published_urls_still_resolve(site):
    """URLs are forever: a moved page needs a mkdocs-redirects entry, or this fails."""
    listed = [
        line.strip() for line in (ROOT / "tests/data/published-urls.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert len(listed) > 400
    missing = [url for url in listed if not (site / url / "index.html").exists()]
    assert not missing, f"published URLs that disappeared without a redirect: {missing[:10]}"


def test_last_updated_date_is_shown(site):
    assert "git-revision-date-localized-plugin-date" in read(site, "sft/chat-or-base-model")


def test_build_without_git_history_and_translation_notices(tmp_path):
    """A checkout without .git still builds strictly (dates fall back to the build date), English
    pages that are missing or out of date say so, and an unanswered question is marked as such."""
    import shutil

    from conftest import mkdocs_build

    for name in ("mkdocs.yml", "docs", "overrides", "hooks", "data", "sources"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copyfile)(source, tmp_path / name)
    (tmp_path / "docs/generation/what-is-repetition.en.md").unlink()  # missing translation
    for name in ("what-is-flash-attention.md", "what-is-flash-attention.en.md"):  # a question awaiting an answer
        page = tmp_path / "docs/architecture" / name
        head = page.read_text(encoding="utf-8").split("\n---\n", 1)[0]
        head = "\n".join(line for line in head.splitlines() if not line.startswith(("written:", "reviewed:", "zh_hash:")))
        head = head.split("\nreferences:")[0] + "\n"
        page.write_text(head.replace("status: answered", "status: unanswered") + "---\n", encoding="utf-8")
    changed = tmp_path / "docs/generation/why-repetition-happens.md"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n补充的一句话。\n", encoding="utf-8")  # stale translation
    for suffix, title in ((".md", "一道还没有答案的题?"), (".en.md", "A question without an answer yet?")):  # the site has none left
        front_matter = f"---\nid: kb-unanswered-example\ntitle: {title}\ntopic: sft\ntags: []\nstatus: unanswered\n---\n"
        (tmp_path / f"docs/sft/kb-unanswered-example{suffix}").write_text(front_matter, encoding="utf-8")
    result = mkdocs_build(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "待解答" in (tmp_path / "site/sft/kb-unanswered-example/index.html").read_text(encoding="utf-8")
    assert "Awaiting an answer" in (tmp_path / "site/en/sft/kb-unanswered-example/index.html").read_text(encoding="utf-8")
    assert "git-revision-date-localized-plugin-date" in (tmp_path / "site/sft/chat-or-base-model/index.html").read_text(encoding="utf-8")
    missing = (tmp_path / "site/en/generation/what-is-repetition/index.html").read_text(encoding="utf-8")
    assert "kb-untranslated" in missing and "Not yet translated" in missing
    waiting = (tmp_path / "site/architecture/what-is-flash-attention/index.html").read_text(encoding="utf-8")
    assert "kb-unanswered" in waiting and "贡献指南" in waiting and "/edit/main/docs/architecture/what-is-flash-attention.md" in waiting
    assert re.search(r'kb-unanswered.*?<ul><li><a href="[^"]+">', waiting, re.DOTALL)  # answered neighbours: never a dead end
    assert "Awaiting an answer" in (tmp_path / "site/en/architecture/what-is-flash-attention/index.html").read_text(encoding="utf-8")
    topic = (tmp_path / "site/architecture/index.html").read_text(encoding="utf-8")
    assert 'data-kb-filter-toggle' in topic and 'kb-status--unanswered' in topic
    _assert_waiting_question_marked_in_every_list(tmp_path / "site", "architecture/what-is-flash-attention/")
    stale = (tmp_path / "site/en/generation/why-repetition-happens/index.html").read_text(encoding="utf-8")
    assert "kb-stale" in stale and "kb-stale" not in (tmp_path / "site/en/generation/mitigate-repetition/index.html").read_text(encoding="utf-8")


def _assert_waiting_question_marked_in_every_list(site: Path, url: str) -> None:
    """Issue 13: a question awaiting an answer is marked wherever it is listed: the home page's
    topic card counts, related-question blocks, tag pages and search results, in both languages."""
    for prefix, waiting in (("", "待解答"), ("en/", "Awaiting an answer")):
        link = re.compile(rf'<a href="[^"]*{re.escape(url)}"[^>]*>[^<]+</a>\s*<span class="kb-status kb-status--unanswered">{waiting}</span>')
        related = [p for p in (site / prefix).glob("*/*/index.html") if link.search(p.read_text(encoding="utf-8"))]
        assert len(related) >= 2, f"{prefix}: no related-question block marks {url}"
        assert link.search((site / prefix / "tags/index.html").read_text(encoding="utf-8"))
        home = (site / prefix / "index.html").read_text(encoding="utf-8")
        card = re.search(r'<p><a href="[^"]*architecture/"><strong>.*?<p class="kb-count">(.*?)</p>', home, re.DOTALL)
        total, answered = map(int, re.findall(r"\d+", card[1]))
        assert answered == total - 1
        index = read_search_files(site / prefix / "search" / SEARCH_FILES_DIR)
        titles = [entry[1] for entry in index["entries"] if entry[0].rstrip("/").endswith(url.rstrip("/"))]
        assert titles and titles[0].endswith(f" · {waiting}"), titles


def test_errata_page_lists_every_correction(site):
    from llmqa.site import NOTE_PATTERN

    notes = sum(len(NOTE_PATTERN.findall(p.read_text(encoding="utf-8"))) for p in DOCS.glob("*/*.md") if not p.name.endswith(".en.md"))
    assert notes >= 15
    for prefix in ("", "en/"):
        page = read(site, f"{prefix}errata")
        rows = re.findall(r"<tr[^>]*>\s*<td[^>]*>(\d{4}-\d{2}-\d{2})</td>", page)
        assert len(rows) == notes
    assert "mqa-vs-gqa/" in read(site, "errata") and "勘误" in read(site, "errata")


def test_every_question_page_has_a_prefilled_report_link(site):
    for path, meta in question_docs():
        for prefix in ("", "en/"):
            page = read(site, prefix + path)
            link = re.search(r'class="kb-report" href="([^"]+)"', page)
            assert link, prefix + path
            assert "issues/new?template=erratum.yml" in link[1] and f"question-id={meta['id']}" in link[1]


def test_new_question_passes_check_builds_and_is_searchable(tmp_path):
    import shutil
    import subprocess
    import sys

    from conftest import mkdocs_build

    for name in ("mkdocs.yml", "docs", "overrides", "hooks", "data", "sources"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copyfile)(source, tmp_path / name)
    created = subprocess.run(
        [sys.executable, "-m", "llmqa", "--root", str(tmp_path), "new", "--topic", "sft", "如何评估指令数据的质量?", "--en", "How do you assess instruction data quality?", "--tag", "data-quality"],
        capture_output=True, text=True, check=True,
    ).stdout.split()
    zh, en = Path(created[0]), Path(created[1])
    zh.write_text(zh.read_text(encoding="utf-8").replace("(在这里写答案,并在文末列出参考资料。)", "看多样性、正确性和难度分布。"), encoding="utf-8")
    en.write_text(en.read_text(encoding="utf-8").replace("(Write the answer here and list your references at the end.)", "Look at diversity, correctness and difficulty."), encoding="utf-8")
    subprocess.run([sys.executable, "-m", "llmqa", "--root", str(tmp_path), "stamp", str(en)], check=True, capture_output=True)
    checked = subprocess.run([sys.executable, "-m", "llmqa", "--root", str(tmp_path), "check"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout
    result = mkdocs_build(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert result.returncode == 0, result.stderr[-2000:]
    index = read_search_files(tmp_path / "site/search" / SEARCH_FILES_DIR)
    entry = [e[0] for e in index["entries"]].index(f"sft/{zh.stem}/")
    assert entry in index["postings"]["多样性"]


def test_no_page_title_repeats_the_site_name(site):
    """"Page - Site", and the home page is just "Site" (it was "Site - Site")."""
    names = {"": "大模型面试题知识库", "en/": "LLM Interview Questions"}
    checked = 0
    for path in site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        title = re.search(r"<title>(.*?)</title>", html, re.DOTALL)
        if title is None or 'http-equiv="refresh"' in html:  # redirect stubs have no site chrome
            continue
        name = names["en/" if path.relative_to(site).as_posix().startswith("en/") else ""]
        assert title[1].count(name) <= 1, (path, title[1])
        checked += 1
    assert checked > 400
    assert re.search(r"<title>(.*?)</title>", read(site, ""))[1] == names[""]
    assert re.search(r"<title>(.*?)</title>", read(site, "en"))[1] == names["en/"]


def test_formulas_carry_no_term_links(site):
    """Glossary links are never put inside KaTeX output (they were, in the TeX annotation of 11 pages)."""
    pages = [p for p in site.rglob("index.html") if 'class="katex"' in p.read_text(encoding="utf-8")]
    assert len(pages) > 20
    bad = [p for p in pages if re.search(r'<annotation encoding="application/x-tex">[^<]*<a ', p.read_text(encoding="utf-8"))]
    assert not bad, bad[:5]
    # nor is a link title set as a formula (cross-reference titles with parentheses were, on 171 pages)
    linked = [p for p in site.rglob("index.html") if re.search(r'<a [^>]*>[^<]*<span class="arithmatex">', p.read_text(encoding="utf-8"))]
    assert not linked, linked[:5]


def test_formula_pages_preload_their_fonts_and_others_do_not(site):
    """KaTeX's fonts arrive with the page, not after the first paint (Lighthouse: layout shift)."""
    for prefix in ("", "en/"):
        page = read(site, f"{prefix}sft/how-lora-works-and-advantages")
        fonts = re.findall(r'<link rel="preload" href="([^"]+)" as="font" type="font/woff2" crossorigin>', page)
        assert any(font.endswith("/KaTeX_Main-Regular.woff2") for font in fonts)
        assert any(font.endswith("/KaTeX_Math-Italic.woff2") for font in fonts)
        base = site / prefix / "sft/how-lora-works-and-advantages"
        assert all((base / font).resolve().is_file() for font in fonts), fonts
        plain = read(site, f"{prefix}sft/chat-or-base-model")
        assert 'class="katex"' not in plain and "KaTeX_Main-Regular.woff2\" as=\"font\"" not in plain
