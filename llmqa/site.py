"""The site model the hooks render from: every page's front matter, indexed once per build.

Pure Python, no MkDocs imports, so pytest can exercise it directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .content import DEFAULT_LANGUAGE, LANGUAGES, language_of, read_document, tags, topics
from .sources import load_manifest


@dataclass
class Entry:
    """A question or article page, with its per-language titles and availability."""

    id: str
    topic: str
    status: str  # answered | unanswered | article
    tags: list[str]
    sources: list[dict]
    titles: dict[str, str] = field(default_factory=dict)
    src_paths: dict[str, str] = field(default_factory=dict)  # language -> docs-relative path

    @property
    def slug(self) -> str:
        return Path(self.src_paths[DEFAULT_LANGUAGE]).name.split(".")[0]

    def url(self, language: str) -> str:
        prefix = "" if language == DEFAULT_LANGUAGE else f"{language}/"
        return f"{prefix}{self.topic}/{self.slug}/"

    def title(self, language: str) -> str:
        return self.titles.get(language) or self.titles[DEFAULT_LANGUAGE]

    def translated(self, language: str) -> bool:
        return language in self.src_paths


@dataclass
class SiteModel:
    entries: list[Entry]
    topics: list[dict]
    tags: dict[str, dict]
    sources: list[dict]

    def by_id(self) -> dict[str, Entry]:
        return {entry.id: entry for entry in self.entries}

    def by_topic(self) -> dict[str, list[Entry]]:
        grouped: dict[str, list[Entry]] = {t["id"]: [] for t in self.topics}
        for entry in self.entries:
            grouped.setdefault(entry.topic, []).append(entry)
        return grouped

    def topic(self, topic_id: str) -> dict:
        return next(t for t in self.topics if t["id"] == topic_id)

    def source(self, source_id: str) -> dict:
        return next(s for s in self.sources if s["id"] == source_id)

    def topic_summaries(self, language: str) -> list[dict]:
        """Topic cards: name, description, link and question counts, in topics.yml order."""
        grouped = self.by_topic()
        cards = []
        for topic in self.topics:
            entries = grouped.get(topic["id"], [])
            questions = [e for e in entries if e.status != "article"]
            cards.append(
                {
                    "id": topic["id"],
                    "icon": topic.get("icon"),
                    "name": topic[language]["name"],
                    "description": topic[language]["description"],
                    "url": ("" if language == DEFAULT_LANGUAGE else f"{language}/") + f"{topic['id']}/",
                    "questions": len(questions),
                    "answered": sum(1 for e in questions if e.status == "answered"),
                }
            )
        return cards

    def topic_listing(self, topic_id: str, language: str) -> dict:
        """The lists a topic page shows: articles, answered and unanswered questions, sorted by title."""
        entries = sorted(self.by_topic().get(topic_id, []), key=lambda e: (e.status, e.id))
        groups = {"article": [], "answered": [], "unanswered": []}
        for entry in entries:
            groups[entry.status].append(self.link(entry, language))
        return groups

    def link(self, entry: Entry, language: str) -> dict:
        return {
            "id": entry.id,
            "title": entry.title(language),
            "url": entry.url(language),
            "topic": self.topic(entry.topic)[language]["name"],
            "status": entry.status,
            "tags": [self.tags[t][language] for t in entry.tags],
        }

    def source_questions(self, source_id: str, language: str) -> list[dict]:
        found = []
        for entry in self.entries:
            for ref in entry.sources:
                if ref["article"] == source_id:
                    found.append((ref.get("section") or "", ref.get("number") or 0, self.link(entry, language)))
        return [link for _, _, link in sorted(found, key=lambda item: (item[0], item[1]))]


def load_site(docs_dir: Path, sources_dir: Path) -> SiteModel:
    """Read the front matter of every content page under docs/ (all languages)."""
    entries: dict[str, Entry] = {}
    topic_list = topics()
    topic_folders = {t["id"] for t in topic_list}
    pages = []
    for path in sorted(docs_dir.rglob("*.md")):
        relative = path.relative_to(docs_dir)
        if len(relative.parts) == 2 and relative.parts[0] in topic_folders and not relative.name.startswith("index."):
            pages.append((language_of(path) != DEFAULT_LANGUAGE, relative, read_document(path).meta))
    for is_translation, relative, meta in sorted(pages, key=lambda item: item[0]):  # originals first
        if "id" not in meta:
            continue
        if not is_translation:
            entries[meta["id"]] = Entry(
                meta["id"], meta.get("topic", relative.parts[0]), meta.get("status", "answered"), list(meta.get("tags") or []), list(meta.get("sources") or [])
            )
        entry = entries.get(meta["id"])
        if entry is None:
            continue  # a translation without an original: the checker reports it
        language = language_of(relative)
        entry.titles[language] = meta.get("title", "")
        entry.src_paths[language] = relative.as_posix()
    return SiteModel(list(entries.values()), topic_list, tags(), load_manifest(sources_dir))
