"""The site model the hooks render from: every page's front matter, indexed once per build.

Pure Python, no MkDocs imports, so pytest can exercise it directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .content import DATA_DIR, DEFAULT_LANGUAGE, front_matter_problems, language_of, line_of_key, load_yaml, read_document, tags, topics
from .errors import ContentError, Problem, display_path
from .related import Doc, add_terms, apply_overrides, compute_related
from .safety import plain_text
from .sources import load_manifest

# `!!! warning "勘误 · 2026-11-23"` (or "Erratum"), `!!! tip "补充 · …"` (or "Supplement")
NOTE_PATTERN = re.compile(r'^!!! (warning|tip) "(勘误|Erratum|补充|Supplement) · (\d{4}-\d{2}-\d{2})"\s*$', re.MULTILINE)
CROSS_REFERENCE = re.compile(r"\[\[([a-z0-9]+(?:-[a-z0-9]+)*)\]\]")


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
    bodies: dict[str, str] = field(default_factory=dict)  # language -> Markdown body
    metas: dict[str, dict] = field(default_factory=dict)  # language -> front matter

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

    def stale(self, language: str) -> bool:
        """True when a translation records a fingerprint other than its Chinese original's."""
        from .content import Document, source_fingerprint

        if language == DEFAULT_LANGUAGE or language not in self.metas or DEFAULT_LANGUAGE not in self.bodies:
            return False
        original = Document(Path(self.src_paths[DEFAULT_LANGUAGE]), self.metas[DEFAULT_LANGUAGE], self.bodies[DEFAULT_LANGUAGE], 1)
        if self.status == "unanswered" and not original.body.strip():
            return False
        return self.metas[language].get("zh_hash") != source_fingerprint(original)


@dataclass
class SiteModel:
    entries: list[Entry]
    topics: list[dict]
    tags: dict[str, dict]
    sources: list[dict]
    glossary: list[dict] = field(default_factory=list)
    docs_dir: Path = Path("docs")

    @cached_property
    def _by_id(self) -> dict[str, Entry]:
        return {entry.id: entry for entry in self.entries}

    def by_id(self) -> dict[str, Entry]:
        return self._by_id

    @cached_property
    def related(self) -> dict[str, list[str]]:
        """Related page ids for every page, computed once per model (once per build)."""
        docs = [Doc(e.id, f"{e.titles['zh']}\n{e.titles['zh']}\n{e.titles.get('en', '')}\n{e.bodies.get('zh', '')}", tuple(e.tags)) for e in self.entries]
        forced, excluded, problems = {}, {}, []
        for entry in self.entries:
            meta = entry.metas.get(DEFAULT_LANGUAGE, {})
            for key, target in (("related", forced), ("related_exclude", excluded)):
                ids = meta.get(key) or []
                unknown = [i for i in ids if i not in self._by_id]
                if unknown:
                    problems.append(Problem(self._where(entry), self._line_of(entry, key), "XREF-RELATED", f"{key} names unknown ids: {', '.join(map(str, unknown))}"))
                target[entry.id] = [i for i in ids if i in self._by_id]
        if problems:
            raise ContentError(problems)
        return apply_overrides(compute_related(docs), forced, excluded)

    def _where(self, entry: Entry, language: str = DEFAULT_LANGUAGE) -> str:
        return display_path(self.docs_dir / entry.src_paths[language])

    def _line_of(self, entry: Entry, key: str, language: str = DEFAULT_LANGUAGE) -> int:
        text = (self.docs_dir / entry.src_paths[language]).read_text(encoding="utf-8")
        match = re.search(rf"^{re.escape(key)}:", text, re.MULTILINE)
        return text[: match.start()].count("\n") + 1 if match else 1

    def related_links(self, entry_id: str, language: str) -> list[dict]:
        return [self.link(self._by_id[other], language) for other in self.related.get(entry_id, [])]

    def notes(self, language: str) -> list[dict]:
        """Every correction (勘误/Erratum) and supplement (补充/Supplement) note, newest first."""
        found = []
        for entry in self.entries:
            body = entry.bodies.get(language)
            if body is None:
                continue
            for match in NOTE_PATTERN.finditer(body):
                found.append({"kind": "erratum" if match[2] in ("勘误", "Erratum") else "supplement", "date": match[3], "summary": _first_sentence(body[match.end():]), **self.link(entry, language)})
        return sorted(found, key=lambda note: (note["date"], note["id"]), reverse=True)

    def tag_index(self, language: str) -> list[dict]:
        """Tags with their questions, in tags.yml order, skipping unused tags."""
        listing = []
        for tag_id, labels in self.tags.items():
            pages = [self.link(e, language) for e in sorted(self.entries, key=lambda e: e.id) if tag_id in e.tags]
            if pages:
                listing.append({"id": tag_id, "label": labels[language], "pages": pages})
        return listing

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
            "tags": [{"id": t, "label": self.tags[t][language]} for t in entry.tags],
        }

    def source_questions(self, source_id: str, language: str) -> list[dict]:
        found = []
        for entry in self.entries:
            for ref in entry.sources:
                if ref["article"] == source_id:
                    found.append((ref.get("section") or "", ref.get("number") or 0, self.link(entry, language)))
        return [link for _, _, link in sorted(found, key=lambda item: (item[0], item[1]))]


def _first_sentence(text: str) -> str:
    for line in text.splitlines():
        line = line.strip()
        if line:
            return re.split(r"(?<=[。.!?!?])\s*", line, maxsplit=1)[0][:160]
    return ""


_CACHE: dict = {}


def load_site(docs_dir: Path, sources_dir: Path) -> SiteModel:
    """The site model, reused while no content or data file has changed (both language builds share it)."""
    files = sorted([*docs_dir.rglob("*.md"), *DATA_DIR.glob("*.yml"), sources_dir / "manifest.yml"])
    key = (str(docs_dir), tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files))
    if _CACHE.get("key") != key:
        _CACHE["key"], _CACHE["model"] = key, _load_site(docs_dir, sources_dir)
    return _CACHE["model"]


def _load_site(docs_dir: Path, sources_dir: Path) -> SiteModel:
    """Read every content page under docs/ (all languages)."""
    entries: dict[str, Entry] = {}
    topic_list = topics()
    topic_folders = {t["id"] for t in topic_list}
    pages, problems = [], []
    for path in sorted(docs_dir.rglob("*.md")):
        relative = path.relative_to(docs_dir)
        if len(relative.parts) == 2 and relative.parts[0] in topic_folders and not relative.name.startswith("index."):
            try:
                document = read_document(path)
            except ContentError as error:
                problems.extend(error.problems)
                continue
            problems.extend(front_matter_problems(document, relative.parts[0], display_path(path), plain_text=False))
            pages.append((language_of(path) != DEFAULT_LANGUAGE, relative, document))
    if problems:  # the build stops with the checker's messages instead of a traceback
        raise ContentError(problems)
    for is_translation, relative, document in sorted(pages, key=lambda item: item[0]):  # originals first
        meta = document.meta
        if "id" not in meta:
            continue
        if not is_translation and meta["id"] in entries:
            problems.append(Problem(display_path(docs_dir / relative), line_of_key(document, "id"), "ID-DUPLICATE", f"id {meta['id']!r} is also used by {entries[meta['id']].src_paths[DEFAULT_LANGUAGE]}"))
            continue
        if not is_translation:
            entries[meta["id"]] = Entry(
                meta["id"], meta.get("topic", relative.parts[0]), meta.get("status", "answered"), list(meta.get("tags") or []), list(meta.get("sources") or [])
            )
        entry = entries.get(meta["id"])
        if entry is None:
            continue  # a translation without an original: the checker reports it
        language = language_of(relative)
        entry.titles[language] = plain_text(str(meta.get("title", "")))
        entry.src_paths[language] = relative.as_posix()
        entry.bodies[language] = document.body
        entry.metas[language] = meta
    if problems:
        raise ContentError(problems)
    glossary = plain_strings(load_yaml(DATA_DIR / "glossary.yml"))
    add_terms([alias for term in glossary for alias in term.get("aliases", [])])
    return SiteModel(list(entries.values()), plain_strings(topic_list), plain_strings(tags()), plain_strings(load_manifest(sources_dir)), glossary, docs_dir)


def plain_strings(value):
    """Every string in a data structure made inert (see llmqa.safety.plain_text); a copy."""
    if isinstance(value, str):
        return plain_text(value)
    if isinstance(value, list):
        return [plain_strings(item) for item in value]
    if isinstance(value, dict):
        return {key: plain_strings(item) for key, item in value.items()}
    return value
