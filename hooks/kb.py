"""MkDocs hooks: a thin adapter between MkDocs events and the llmqa package.

Each function only gathers what MkDocs knows (language, page, config) and hands it to pure
helpers in llmqa; the markup lives in overrides/partials/kb/.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.nav import Section
from mkdocs.utils import get_relative_url

from llmqa.content import ui_strings
from llmqa.render import answer_credits, insert_after_answer_headings, page_kind
from llmqa.site import SiteModel, load_site

_state: dict = {}


def _language(config) -> str:
    return config.theme["language"]  # the language being built; page.file.locale is the file's


class _InstantSwitcherHandled(logging.Filter):
    """docs/assets/javascripts/language-switch.js keeps the language switcher on the current
    page under instant navigation, so mkdocs-static-i18n's warning about it does not apply."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "language switcher contextual link is not compatible" not in record.getMessage()


def on_startup(command, dirty):
    logging.getLogger("mkdocs.plugins.mkdocs_static_i18n.reconfigure").addFilter(_InstantSwitcherHandled())


def on_config(config):
    root = Path(config.config_file_path).parent
    _state["docs_dir"] = Path(config.docs_dir)
    _state["sources_dir"] = root / "sources"
    return config


def on_files(files, config):
    # Read the front matter once per language build (two reads of ~500 small files).
    _state["model"] = load_site(_state["docs_dir"], _state["sources_dir"])
    _state["topic_ids"] = {t["id"] for t in _state["model"].topics}
    _state.pop("fragment_env", None)  # per language build
    return files


@event_priority(-200)  # after mkdocs-static-i18n has built this language's navigation
def on_nav(nav, config, files):
    model: SiteModel = _state["model"]
    language = _language(config)
    order = [t["id"] for t in model.topics]
    for item in nav.items:
        if isinstance(item, Section):
            folder = _section_folder(item)
            if folder in order:
                item.title = model.topic(folder)[language]["name"]
    nav.items.sort(key=lambda item: (isinstance(item, Section), order.index(_section_folder(item)) if _section_folder(item) in order else len(order)))
    return nav


def _section_folder(item) -> str | None:
    for child in getattr(item, "children", None) or []:
        file = getattr(child, "file", None)
        if file is not None:
            return file.src_uri.split("/")[0]
    return None


def on_env(env, config, files):
    language = _language(config)
    env.globals["kb_ui"] = ui_strings(language)
    env.globals["kb_language"] = language
    return env


def on_page_markdown(markdown, page, config, files):
    kind = page_kind(page.file.src_uri.replace(".en.md", ".md"), page.meta, _state["topic_ids"])
    if kind == "topic":  # topic names live in data/topics.yml only
        page.meta["title"] = _state["model"].topic(page.file.src_uri.split("/")[0])[_language(config)]["name"]
    return markdown


def on_page_content(html, page, config, files):
    model: SiteModel = _state["model"]
    entry = model.by_id().get(page.meta.get("id"))
    if entry is None:
        return html
    credits = answer_credits(entry, model, _language(config))
    if "fragment_env" not in _state:  # on_env comes after page content, so render fragments with our own env
        _state["fragment_env"] = on_env(config.theme.get_env(), config, files)
    template = _state["fragment_env"].get_template("partials/kb/answer-source.html")

    def render(number: int) -> str:
        if number > len(credits):
            return ""
        return template.render(
            credit=credits[number - 1], translated=page.file.locale != "zh", page=page, base_url=get_relative_url(".", page.url), config=config,
        )

    return insert_after_answer_headings(html, render)


def on_page_context(context, page, config, nav):
    model: SiteModel = _state["model"]
    language = _language(config)
    kind = page_kind(page.file.src_uri.replace(".en.md", ".md"), page.meta, _state["topic_ids"])
    kb = {"kind": kind, "language": language}
    if kind == "home":
        kb["topic_cards"] = model.topic_summaries(language)
    elif kind == "topic":
        topic_id = page.file.src_uri.split("/")[0]
        kb["topic"] = model.topic(topic_id)[language]
        kb["listing"] = model.topic_listing(topic_id, language)
    elif kind == "source":
        source_id = page.meta.get("source")
        kb["source"] = model.source(source_id)
        kb["source_questions"] = model.source_questions(source_id, language)
    elif kind in ("question", "article"):
        entry = model.by_id()[page.meta["id"]]
        kb["entry"] = model.link(entry, language)
        kb["status"] = entry.status
        kb["translated"] = page.file.locale == language
        kb["other_title"] = entry.title("en" if language == "zh" else "zh") if entry.translated("en") else None
    context["kb"] = kb
    return context


def on_post_build(config):
    # Material's instant navigation reads <language root>/sitemap.xml; mkdocs-static-i18n writes
    # one combined sitemap at the site root, so give each other language a copy of it.
    site_dir, language = Path(config.site_dir), _language(config)
    if language != "zh":  # every language builds into the same site_dir, under its own prefix
        for name in ("sitemap.xml", "sitemap.xml.gz"):
            shutil.copyfile(site_dir / name, site_dir / language / name)
