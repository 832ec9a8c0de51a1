"""Map parsed source questions to site pages using sources/catalog/*.yml.

The catalog is editorial data: for each question occurrence it gives the page id (also the
URL slug), topic, tags and English title. Occurrences that share an id merge into one page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .content import ID_PATTERN, load_yaml, tags, topic_ids
from .errors import ContentError, Problem, display_path
from .sources import ParsedSource, SourceQuestion, clean_text

DEFINING_KEYS = {"topic", "tags", "en"}
LOCATING_KEYS = {"article", "section", "n", "zh", "id"}


@dataclass
class PageSpec:
    """One question page: where its answers come from and how it is filed."""

    id: str
    topic: str
    tags: list[str]
    title_en: str
    title_zh: str | None = None  # display title override for questions the source leaves untitled
    occurrences: list[SourceQuestion] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.title_zh or self.occurrences[0].title

    @property
    def answered(self) -> bool:
        return any(q.answer for q in self.occurrences)


def _normalized(text: str, meta: dict) -> str:
    return re.sub(r"\s+", "", clean_text(text, {**meta, "collapse_cjk_spaces": False}))


def load_catalog(catalog_dir: Path) -> list[tuple[Path, dict]]:
    entries: list[tuple[Path, dict]] = []
    files = sorted(catalog_dir.glob("*.yml"))
    if not files:
        raise ContentError(Problem(display_path(catalog_dir), 1, "IMPORT-CATALOG", "no catalog files found"))
    for path in files:
        data = load_yaml(path, "IMPORT-CATALOG", with_lines=True)
        if not isinstance(data, list):
            raise ContentError(Problem(display_path(path), 1, "IMPORT-CATALOG", "must be a list of entries"))
        entries.extend((path, entry) for entry in data)
    return entries


def build_pages(parsed: list[ParsedSource], catalog_dir: Path) -> list[PageSpec]:
    """Match every parsed question to exactly one catalog entry and group them into pages."""
    by_key = {q.key: (source, q) for source in parsed for q in source.questions}
    known_topics, known_tags = set(topic_ids()), set(tags())
    pages: dict[str, PageSpec] = {}
    merges: list[tuple[Path, dict]] = []
    matched: set[tuple] = set()
    problems: list[Problem] = []

    def problem(path: Path, entry: dict, message: str) -> None:
        problems.append(Problem(display_path(path), entry.get("__line__", 1), "IMPORT-CATALOG", message))

    for path, entry in load_catalog(catalog_dir):
        missing = LOCATING_KEYS - entry.keys()
        if missing:
            problem(path, entry, f"entry lacks {', '.join(sorted(missing))}")
            continue
        key = (str(entry["article"]), entry["section"], entry["n"])
        if key not in by_key:
            problem(path, entry, f"no question {key[2]} in section {key[1]!r} of source {key[0]}")
            continue
        source, question = by_key[key]
        if _normalized(entry["zh"], source.meta) != _normalized(question.title, source.meta):
            problem(path, entry, f"title {entry['zh']!r} does not match the source's {question.title!r} ({display_path(source.path)}:{question.line})")
            continue
        if key in matched:
            problem(path, entry, f"question {key} is catalogued twice")
            continue
        matched.add(key)
        if not ID_PATTERN.match(str(entry["id"])):
            problem(path, entry, f"id {entry['id']!r} must be lowercase ASCII kebab-case")
            continue
        if not DEFINING_KEYS & entry.keys():
            merges.append((path, entry))
            continue
        if entry["id"] in pages:
            problem(path, entry, f"duplicate id {entry['id']!r}: define it once, list later occurrences with id only")
            continue
        if entry.get("topic") not in known_topics:
            problem(path, entry, f"unknown topic {entry.get('topic')!r}")
            continue
        unknown = [t for t in entry.get("tags") or [] if t not in known_tags]
        if unknown:
            problem(path, entry, f"unknown tags {unknown}")
            continue
        pages[entry["id"]] = PageSpec(entry["id"], entry["topic"], list(entry.get("tags") or []), entry["en"], entry.get("title"), [question])
    for path, entry in merges:
        if entry["id"] not in pages:
            problem(path, entry, f"merge into unknown id {entry['id']!r}")
            continue
        pages[entry["id"]].occurrences.append(by_key[(str(entry["article"]), entry["section"], entry["n"])][1])
    for source, question in by_key.values():
        if question.key not in matched:
            problems.append(
                Problem(display_path(source.path), question.line, "IMPORT-CATALOG", f"question {question.title!r} has no entry in {display_path(catalog_dir)}")
            )
    if problems:
        raise ContentError(problems)
    return list(pages.values())
