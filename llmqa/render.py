"""Page-level decisions the hooks need, as pure functions over the site model."""

from __future__ import annotations

import re

from .content import DEFAULT_LANGUAGE
from .site import Entry, SiteModel

ANSWER_HEADING = re.compile(r'(<h2 id="answer-(\d+)"[^>]*>.*?</h2>)', re.DOTALL)


def page_kind(src_uri: str, meta: dict, topic_ids: set[str]) -> str:
    """home | topic | source | question | article | other, from the page's path and front matter."""
    parts = src_uri.split("/")
    name = parts[-1].split(".")[0]
    if len(parts) == 1 and name == "index":
        return "home"
    if len(parts) == 2 and parts[0] in topic_ids and name == "index":
        return "topic"
    if len(parts) == 2 and parts[0] == "sources" and name != "index":
        return "source"
    if len(parts) == 2 and parts[0] in topic_ids and "id" in meta:
        return "article" if meta.get("status") == "article" else "question"
    return "other"


def answer_credits(entry: Entry, model: SiteModel, language: str) -> list[dict]:
    """One credit per answer, in answer order: the sources whose role is `answer`."""
    credits = []
    for ref in entry.sources:
        if ref.get("role") not in ("answer", "article"):
            continue
        source = model.source(ref["article"])
        credits.append(
            {
                "source_id": source["id"],
                "title": source["title"],
                "title_en": source.get("title_en"),
                "section": ref.get("section"),
                "number": ref.get("number"),
                "url": ("" if language == DEFAULT_LANGUAGE else f"{language}/") + f"sources/{source['id']}/",
            }
        )
    return credits


def insert_after_answer_headings(html: str, render_credit) -> str:
    """Put `render_credit(n)` right after each `<h2 id="answer-n">`; n is 1-based."""
    return ANSWER_HEADING.sub(lambda m: m[1] + render_credit(int(m[2])), html)
