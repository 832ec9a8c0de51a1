"""MkDocs hooks: a thin adapter between MkDocs events and the llmqa package.

Each function only gathers what MkDocs knows (language, page, config) and hands it to pure
helpers in llmqa; the markup lives in overrides/partials/kb/.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from copy import deepcopy
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File
from mkdocs.structure.nav import Section
from mkdocs.utils import get_relative_url
from mkdocs_redirects.plugin import write_html as write_redirect

from llmqa.content import LANGUAGES, ui_strings
from llmqa.csp import add_content_security_policy
from llmqa.errors import ContentError
from llmqa.exports import Card, export_names, write_exports
from llmqa.math import KatexRenderer, katex_assets, katex_fonts_used, render_math
from llmqa.references import references_markdown
from llmqa.render import (
    answer_credits,
    expand_cross_references,
    glossary_letters,
    glossary_matcher,
    insert_after_answer_headings,
    language_redirects,
    mark_terms,
    page_kind,
    prefix_ids,
    reading_key,
    rebase_links,
    self_test_card,
    split_search_index,
    toc_size,
)
from llmqa.safety import plain_text, sanitize
from llmqa.search_index import SEARCH_FILES_DIR, write_search_files
from llmqa.site import SiteModel, load_site

DOWNLOADS_DIR = "downloads"  # per language, next to the Downloads page

_state: dict = {}


def _language(config) -> str:
    return config.theme["language"]  # the language being built; page.file.locale is the file's


class _InstantSwitcherHandled(logging.Filter):
    """The language links stay at the language roots (see on_page_context), where Material's
    instant navigation expects them, and docs/assets/javascripts/language-switch.js points the
    switcher at the current page on every navigation, so mkdocs-static-i18n's warning about
    contextual links under instant navigation does not apply."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "language switcher contextual link is not compatible" not in record.getMessage()


def on_startup(command, dirty):
    logging.getLogger("mkdocs.plugins.mkdocs_static_i18n.reconfigure").addFilter(_InstantSwitcherHandled())


def on_config(config):
    _state["docs_dir"] = Path(config.docs_dir)
    _state["sources_dir"] = Path(config.docs_dir).parent / "sources"  # docs/ and sources/ are siblings
    return config


def _katex() -> KatexRenderer:
    if "katex" not in _state:
        _state["katex"] = KatexRenderer()
    return _state["katex"]


def on_shutdown():
    if "katex" in _state:
        _state.pop("katex").close()


def on_files(files, config):
    # load_site is cached on file stamps, so the second language reuses the first one's model.
    try:
        _state["model"] = load_site(_state["docs_dir"], _state["sources_dir"])
        _ = _state["model"].related  # computed once per model, shared by both language builds
    except ContentError as error:
        raise PluginError(str(error)) from error
    _state["topic_ids"] = {t["id"] for t in _state["model"].topics}
    _state["glossary_matcher"] = glossary_matcher(_state["model"].glossary)
    _state.pop("fragment_env", None)  # per language build
    _state.pop("term_links", None)
    if _language(config) == "zh":  # the default language builds first; the others follow inside it
        _state["answers"] = {}
    try:
        for site_path, source in katex_assets():  # KaTeX's stylesheet and fonts, served by the site
            files.append(File.generated(config, site_path, abs_src_path=str(source)))
    except ContentError as error:
        raise PluginError(str(error)) from error
    return files


# Reference pages after the topics, in this order; pages not listed (the benchmark) leave the menu and
# are linked from the footer instead (overrides/partials/copyright.html).
MENU_PAGES = ("index", "self-test", "glossary", "tags", "errata", "downloads")


@event_priority(-200)  # after mkdocs-static-i18n has built this language's navigation
def on_nav(nav, config, files):
    model: SiteModel = _state["model"]
    language = _language(config)
    order = [t["id"] for t in model.topics]
    topics, pages, rest = {}, {}, []
    for item in nav.items:
        folder = _section_folder(item)
        if isinstance(item, Section) and folder in order:
            # A topic is one link to its page, which lists the questions. Listing them here would make
            # every page carry its whole topic, and page size and build time would grow with the bank
            # even with navigation.prune; as a section with one child it opened onto an empty panel on phones.
            topic_page = next(child for child in item.children if _is_index(child))
            topic_page.title = model.topic(folder)[language]["name"]
            topic_page.parent = None
            for child in item.children:
                if child is not topic_page:
                    # Pages keep their topic as parent: rendering a question marks its topic active
                    # in the sidebar and gives the breadcrumb its second step.
                    child.parent = topic_page
            topics[folder] = topic_page
        elif isinstance(item, Section):
            if folder == "sources":
                item.title = ui_strings(language)["sources_heading"]
            rest.append(item)
        elif _page_name(item) in MENU_PAGES:
            pages[_page_name(item)] = item
    if "index" in pages:
        pages["index"].title = ui_strings(language)["home"]  # the site name already heads the menu
    nav.items = (
        [pages[name] for name in MENU_PAGES[:1] if name in pages]
        + [topics[topic] for topic in order if topic in topics]
        + [pages[name] for name in MENU_PAGES[1:] if name in pages]
        + rest
    )
    return nav


def _page_name(item) -> str | None:
    file = getattr(item, "file", None)
    return file.src_uri.split(".")[0] if file is not None and "/" not in file.src_uri else None


def _is_index(item) -> bool:
    file = getattr(item, "file", None)
    return file is not None and file.src_uri.split("/")[-1].split(".")[0] == "index"


def _section_folder(item) -> str | None:
    for child in getattr(item, "children", None) or []:
        file = getattr(child, "file", None)
        if file is not None:
            return file.src_uri.split("/")[0]
    return None


def on_env(env, config, files):
    language = _language(config)
    env.globals["kb_ui"] = ui_strings(language)
    env.globals["kb_ui_all"] = {code: ui_strings(code) for code in LANGUAGES}  # the bilingual 404 page
    env.globals["kb_language"] = language
    env.globals["kb_prefix"] = "" if language == "zh" else f"{language}/"  # for links from the site root
    return env


def _fragment_env(config, files):
    if "fragment_env" not in _state:  # on_env comes after page content, so render fragments with our own env
        _state["fragment_env"] = on_env(config.theme.get_env(), config, files)
    return _state["fragment_env"]


def _render(name, config, files, page, **values) -> str:
    template = _fragment_env(config, files).get_template(f"partials/kb/{name}")
    return template.render(page=page, config=config, base_url=get_relative_url(".", page.url), **values)


def on_page_markdown(markdown, page, config, files):
    model: SiteModel = _state["model"]
    language = _language(config)
    kind = page_kind(page.file.src_uri.replace(".en.md", ".md"), page.meta, _state["topic_ids"])
    if kind == "topic":  # topic names live in data/topics.yml only
        page.meta["title"] = model.topic(page.file.src_uri.split("/")[0])[language]["name"]
    elif isinstance(page.meta.get("title"), str):  # Material prints titles unescaped in places
        page.meta["title"] = plain_text(page.meta["title"])
    if kind == "glossary":  # rendered as Markdown so that every term is a search entry
        markdown += "\n\n" + _render("glossary.md", config, files, page, letters=glossary_letters(model.glossary, language), language=language)
    try:
        if kind == "question" and page.meta.get("references"):
            markdown += references_markdown(page.meta["references"], ui_strings(language)["references_heading"], f"docs/{page.file.src_uri}", _meta_line(page, "references"))
        return expand_cross_references(markdown.lstrip("\n"), page.file.src_uri, model, language, f"docs/{page.file.src_uri}", _body_line(page, markdown))
    except ContentError as error:
        raise PluginError(str(error)) from error


def _meta_line(page, key: str) -> int:
    head = page.file.content_string.split(f"\n{key}:", 1)[0]
    return head.count("\n") + 2


def _body_line(page, markdown: str = "") -> int:
    """Line in the source file of the first line of `markdown` (MkDocs drops the front matter and the
    blank lines after it), so that messages name the line a contributor sees."""
    text = page.file.content_string
    start = text.find(markdown.lstrip("\n")[:200]) if markdown.strip() else -1
    if start >= 0:
        return text[:start].count("\n") + 1
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end != -1:
            return text[: end + 4].count("\n") + 2
    return 1


def on_page_content(html, page, config, files):
    model: SiteModel = _state["model"]
    html = sanitize(html)  # content is data from strangers: only the allowlist in llmqa/safety.py survives
    with_tex = html  # formulas as \( … \) for the Anki deck, which renders them itself

    def with_formulas(text: str) -> str:  # KaTeX's HTML, rendered once per formula (cached)
        try:
            return render_math(text, _katex(), f"docs/{page.file.src_uri}", page.file.content_string)
        except ContentError as error:
            raise PluginError(str(error)) from error

    entry = model.by_id().get(page.meta.get("id"))
    if entry is None:
        return with_formulas(html)
    language = _language(config)
    if entry.status == "answered":  # the bare answers, for self-test pages and exports
        _state.setdefault("answers", {}).setdefault(language, {})[entry.id] = (page.url, with_formulas(html), with_tex)
    credits = answer_credits(entry, model, language)
    translated = page.file.locale != "zh"

    def credit(number: int) -> str:
        if number == 0:
            meta = entry.metas.get("zh", {})
            return _render("answer-written.html", config, files, page, written=meta.get("written"), reviewed=meta.get("reviewed"))
        return _render("answer-source.html", config, files, page, credit=credits[number - 1], translated=translated) if number <= len(credits) else ""

    def term_link(term, text) -> str:
        # The same term link recurs on many pages at the same depth: render it once.
        key = (term["id"], text, get_relative_url(".", page.url))
        cache = _state.setdefault("term_links", {})
        if key not in cache:
            cache[key] = _render("term.html", config, files, page, term=term, text=text, language=language)
        return cache[key]

    html = insert_after_answer_headings(html, credit)
    matcher, by_alias = _state["glossary_matcher"]
    # Terms before formulas: KaTeX's markup would make the text to scan many times longer.
    html, terms = mark_terms(html, matcher, by_alias, term_link)
    html = with_formulas(html)
    # Visible and indexed: the title in the other language, and the page's terms with their aliases,
    # so that an English query on the Chinese site (and the reverse) finds this page.
    other = "en" if language == "zh" else "zh"
    shows_other = entry.translated(other) and page.file.locale == language  # a fallback page's title is already Chinese
    header = _render("subtitle.html", config, files, page, title=entry.title(other) if shows_other else None, other=other)
    footer = _render("page-terms.html", config, files, page, terms=terms, language=language, other=other)
    return header + html + footer


def _offline(config) -> bool:
    return "material/offline" in config.plugins or "offline" in config.plugins


@event_priority(-100)  # after every other plugin has changed the page
def on_post_page(output, page, config):
    # file:// pages have no origin for 'self' to match; the offline zip is read on the reader's own disk
    return output if _offline(config) else add_content_security_policy(output)


def on_post_template(output_content, template_name, config):
    if template_name.endswith(".html") and not _offline(config):
        output_content = add_content_security_policy(output_content)
    if template_name == "404.html" and _language(config) == "zh":
        # Every language build writes the site root's 404.html (GitHub Pages serves only that one);
        # the default language's version is put back once all are built (on_post_build).
        _state["not_found_page"] = output_content
    return output_content


def on_page_context(context, page, config, nav):
    i18n = config.plugins["i18n"]
    if i18n.extra_alternate:  # keep <link rel=alternate> at the roots (see _InstantSwitcherHandled)
        config.extra.alternate = deepcopy(i18n.extra_alternate)  # the attribute, which templates read
    model: SiteModel = _state["model"]
    language = _language(config)
    kind = page_kind(page.file.src_uri.replace(".en.md", ".md"), page.meta, _state["topic_ids"])
    kb = {"kind": kind, "language": language}
    if kind == "home":
        kb["topic_cards"] = model.topic_summaries(language)
        for card in kb["topic_cards"]:
            card["ids"] = [e.id for e in model.by_topic().get(card["id"], []) if e.status == "answered"]
    elif kind == "topic":
        topic_id = page.file.src_uri.split("/")[0]
        kb["topic"] = model.topic(topic_id)[language]
        kb["listing"] = model.topic_listing(topic_id, language)
        kb["self_test"] = _self_test_items(model, language, page, [topic_id])
    elif kind == "self-test":
        kb["self_test"] = _self_test_items(model, language, page, [t["id"] for t in model.topics])
    elif kind == "downloads":
        kb["downloads"] = {kind: f"{DOWNLOADS_DIR}/{name}" for kind, name in export_names(language).items()}
    elif kind == "tags":
        kb["tag_index"] = sorted(model.tag_index(language), key=lambda tag: reading_key(tag["label"], language))
    elif kind == "errata":
        kb["notes"] = model.notes(language)
    elif kind == "source":
        source_id = page.meta.get("source")
        kb["source"] = model.source(source_id)
        kb["source_questions"] = model.source_questions(source_id, language)
    elif kind in ("question", "article"):
        entry = model.by_id()[page.meta["id"]]
        kb["entry"] = model.link(entry, language)
        kb["topic_url"] = ("" if language == "zh" else f"{language}/") + f"{entry.topic}/"
        kb["status"] = entry.status
        kb["translated"] = page.file.locale == language
        kb["stale"] = kb["translated"] and entry.stale(language)
        kb["related"] = model.related_links(entry.id, language)
        kb["report_title"] = entry.title(language)
        kb["other_titles"] = _other_titles(entry.metas.get(page.file.locale, {}), ui_strings(language))
        if entry.status == "unanswered":  # never a dead end: answered neighbours and the terms of the title
            kb["nearest_answered"] = [link for link in kb["related"] if link["status"] == "answered"][:5]
            matcher, by_alias = _state["glossary_matcher"]
            kb["title_terms"] = list({by_alias[a]["id"]: by_alias[a] for a in matcher.present(entry.title(language))}.values())
    # A table of contents with one entry ("回答") tells the reader nothing; the glossary's would list
    # every term, and its letter index does that job.
    if toc_size(page.toc) <= 1 or kind == "glossary":
        page.meta["hide"] = [*(page.meta.get("hide") or []), "toc"]
    kb["katex_fonts"] = katex_fonts_used(page.content or "")
    context["kb"] = kb
    return context


def _other_titles(meta: dict, ui: dict[str, str]) -> list[tuple[str, str]]:
    """The wording a source used before its title was corrected, and the titles of merged duplicates."""
    titles = [(ui["original_title"], plain_text(meta["original_title"]))] if meta.get("original_title") else []
    return titles + [(ui["also_asked_as"], plain_text(alias)) for alias in meta.get("aliases") or []]


def _self_test_items(model: SiteModel, language: str, page, topic_ids: list[str]) -> list[dict]:
    """Answered questions of the given topics with their answers, ready to embed in `page`."""
    answers = _state.get("answers", {}).get(language, {})
    items = []
    for topic_id in topic_ids:
        for entry in sorted(model.by_topic().get(topic_id, []), key=lambda e: e.id):
            if entry.id in answers:
                url, html, _ = answers[entry.id]
                card = self_test_card(html)
                items.append({**model.link(entry, language), "html": prefix_ids(rebase_links(card, url, page.url), entry.id)})
    return items


def _write_exports(config, language: str, site_dir: Path) -> None:
    """Anki deck and CSV of every answered question, written next to this language's pages."""
    model: SiteModel = _state["model"]
    ui = ui_strings(language)
    prefix = "" if language == "zh" else f"{language}/"
    site_url = (config.site_url or "").rstrip("/") + "/"
    cards = []
    for topic in model.topics:
        for entry in sorted(model.by_topic().get(topic["id"], []), key=lambda e: e.id):
            if entry.id in _state.get("answers", {}).get(language, {}):
                url, _, html = _state["answers"][language][entry.id]
                cards.append(Card(entry.id, topic[language]["name"], topic["id"], tuple(entry.tags), entry.title(language), rebase_links(html, url, site_url), site_url + url))
    write_exports(cards, language, ui, site_dir / prefix / DOWNLOADS_DIR)


@event_priority(-200)  # after mkdocs-static-i18n's own post-build step
def on_post_build(config):
    i18n = config.plugins["i18n"]
    site_dir = Path(config.site_dir)  # every language builds into it, under its own prefix
    if i18n.building:  # a nested build of a non-default language
        # Material's instant navigation reads <language root>/sitemap.xml; mkdocs-static-i18n writes
        # one combined sitemap at the site root, so give this language a copy of it.
        for name in ("sitemap.xml", "sitemap.xml.gz"):
            shutil.copyfile(site_dir / name, site_dir / i18n.current_language / name)
        # mkdocs-redirects writes the moved pages' old URLs for the default language only.
        redirect_maps = config.plugins["redirects"].config["redirect_maps"]
        for old_page, url in language_redirects(redirect_maps, i18n.current_language).items():
            write_redirect(str(site_dir), old_page, url)
        return
    # The outer build is over: every language is built and the search index merged.
    if "not_found_page" in _state:
        (site_dir / "404.html").write_text(_state.pop("not_found_page"), encoding="utf-8")
    for code in LANGUAGES:
        _write_exports(config, code, site_dir)
    # One search index per language.
    index_path = site_dir / "search" / "search_index.json"
    merged = json.loads(index_path.read_text(encoding="utf-8"))
    model: SiteModel = _state["model"]
    waiting = {e.url(code): f" · {ui_strings(code)['unanswered_title']}" for e in model.entries if e.status == "unanswered" for code in LANGUAGES}
    labels = [ui_strings(language)["page_terms"] for language in LANGUAGES]
    for code, index in split_search_index(merged, list(LANGUAGES), waiting).items():
        target = index_path if code == "zh" else site_dir / code / "search" / "search_index.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        if _offline(config):  # file:// cannot fetch the index files: Material's lunr search, index inlined
            data = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
            target.write_text(data, encoding="utf-8")
            target.with_suffix(".js").write_text(f"var __index = {data}", encoding="utf-8")
            continue
        # Material's page still fetches search_index.json and hands it to the worker: the
        # configuration only; our worker fetches the index files it needs (llmqa/search_index.py).
        target.write_text(json.dumps({**index, "docs": []}, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        tag_labels = {tag_id: names[code] for tag_id, names in model.tags.items()}
        write_search_files(target.parent / SEARCH_FILES_DIR, index["docs"], model.glossary, labels, tag_labels)
        if os.environ.get("KB_SEARCH_DOCUMENTS"):  # the benchmark compares engines on the same entries
            (target.parent / "documents.json").write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")
