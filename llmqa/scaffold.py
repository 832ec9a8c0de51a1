"""`python -m llmqa new`: a new question page and its English twin, valid from the start."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from .content import ID_PATTERN, dump_front_matter, read_document, stamp_translation, tags, topic_ids, ui_strings
from .errors import ContentError, Problem


def slugify(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words[:8])


def _existing_ids(docs_dir: Path) -> set[str]:
    return {read_document(p).meta.get("id") for p in docs_dir.glob("*/*.md")}


def new_question(docs_dir: Path, topic: str, title: str, *, slug: str | None = None, title_en: str | None = None, tag_ids: list[str] | None = None) -> list[Path]:
    tag_ids = list(tag_ids or [])
    if topic not in topic_ids():
        raise ContentError(Problem("data/topics.yml", 1, "FM-TOPIC", f"unknown topic {topic!r}; choose one of {', '.join(topic_ids())}"))
    unknown = [t for t in tag_ids if t not in tags()]
    if unknown:
        raise ContentError(Problem("data/tags.yml", 1, "FM-TAG", f"unknown tags {unknown}"))
    existing = _existing_ids(docs_dir)
    page_id = slug or (slugify(title_en) if title_en else "")
    while not page_id or page_id in existing and not slug:
        page_id = f"q-{secrets.token_hex(3)}"  # fresh id: rename the file and id later if you like
    if not ID_PATTERN.match(page_id) or page_id in existing:
        raise ContentError(Problem(str(docs_dir / topic), 1, "ID-DUPLICATE" if page_id in existing else "FM-SCHEMA", f"id {page_id!r} is taken or not ASCII kebab-case"))
    zh_ui, en_ui = ui_strings("zh"), ui_strings("en")
    zh_path, en_path = docs_dir / topic / f"{page_id}.md", docs_dir / topic / f"{page_id}.en.md"
    meta = {"id": page_id, "title": title, "topic": topic, "tags": tag_ids, "status": "answered"}
    zh_path.parent.mkdir(parents=True, exist_ok=True)
    zh_path.write_text(dump_front_matter(meta) + f"\n## {zh_ui['answer']} {{ #answer-1 }}\n\n{zh_ui['new_answer_placeholder']}\n", encoding="utf-8")
    en_meta = {**meta, "title": title_en or en_ui["new_title_placeholder"]}
    en_path.write_text(dump_front_matter(en_meta) + f"\n## {en_ui['answer']} {{ #answer-1 }}\n\n{en_ui['new_answer_placeholder']}\n", encoding="utf-8")
    stamp_translation(en_path)
    return [zh_path, en_path]
