"""Generate docs/ Markdown from the sources, never overwriting a person's edits.

sources/import.lock.json records the hash of every file as the importer last wrote it.
A file whose content no longer matches that hash has been edited by a person and is left
alone; so is any file the importer did not create. Everything is parsed and validated
before the first write, so a bad source leaves the tree untouched, and the writes of one run
(pages and lock together) land all or not at all.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .catalog import PageSpec, build_pages
from .content import DEFAULT_LANGUAGE, dump_front_matter, ui_strings
from .errors import display_path
from .markdown import render_article, render_blocks
from .sources import ParsedSource, parse_all

LOCK_NAME = "import.lock.json"


@dataclass(frozen=True)
class Outcome:
    path: str
    action: str  # created | updated | unchanged | kept-edited | kept-foreign | kept-deleted | stale


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _source_ref(question, page_title: str) -> dict:
    role = "answer" if question.answer else "question"  # "question": only the title comes from there
    ref = {"article": question.article, "section": question.section, "number": question.number, "line": question.line, "role": role}
    if question.title != page_title:
        ref["title"] = question.title  # the wording this source used, when it differs
    return ref


def render_question(page: PageSpec, ui: dict[str, str]) -> str:
    meta = {
        "id": page.id,
        "title": page.title,
        "topic": page.topic,
        "tags": page.tags,
        "status": "answered" if page.answered else "unanswered",
        "sources": [_source_ref(q, page.title) for q in page.occurrences],
    }
    parts = [dump_front_matter(meta)]
    answered = [q for q in page.occurrences if q.answer]
    for index, question in enumerate(answered, start=1):
        heading = ui["answer"] if len(answered) == 1 else ui["answer_numbered"].format(n=index)
        parts.append(f"\n## {heading} {{ #answer-{index} }}\n\n{render_blocks(question.answer)}")
    return "".join(parts)


def render_unanswered_twin(page: PageSpec) -> str:
    """An unanswered question has nothing to translate but its title."""
    meta = {"id": page.id, "title": page.title_en, "topic": page.topic, "tags": page.tags, "status": "unanswered"}
    return dump_front_matter(meta)


def render_article_page(source: ParsedSource, ui: dict[str, str]) -> str:
    spec = source.meta["article"]
    meta = {
        "id": spec["id"],
        "title": source.meta["title"],
        "topic": spec["topic"],
        "tags": spec["tags"],
        "status": "article",
        "sources": [{"article": source.id, "section": None, "number": None, "line": source.article_body[0].number, "role": "article"}],
    }
    return dump_front_matter(meta) + "\n" + render_article(source.article_body, ui)


def render_source_page(source: ParsedSource, language: str) -> str | None:
    """The page about one article; its intro text (if any) is kept as a quotation."""
    intro = [line for line in source.preamble if line.text != source.meta["title"]]
    if intro and language != DEFAULT_LANGUAGE:
        return None  # needs a human translation
    title = source.meta["title"] if language == DEFAULT_LANGUAGE else source.meta["title_en"]
    text = dump_front_matter({"source": source.id, "title": title})
    if intro:
        text += "\n" + "\n>\n".join(f"> {line.text}" for line in intro) + "\n"
    return text


def plan(sources_dir: Path, docs_dir: Path) -> dict[Path, str]:
    """Everything the importer would write, as path -> content. Pure apart from reading."""
    parsed = parse_all(sources_dir)
    pages = build_pages(parsed, sources_dir / "catalog")
    ui = ui_strings(DEFAULT_LANGUAGE)
    files: dict[Path, str] = {}
    for page in pages:
        folder = docs_dir / page.topic
        files[folder / f"{page.id}.md"] = render_question(page, ui)
        if not page.answered:
            files[folder / f"{page.id}.en.md"] = render_unanswered_twin(page)
    for source in parsed:
        if "article" in source.meta:
            spec = source.meta["article"]
            files[docs_dir / spec["topic"] / f"{spec['id']}.md"] = render_article_page(source, ui)
        for language in ("zh", "en"):
            text = render_source_page(source, language)
            if text is not None:
                suffix = "" if language == DEFAULT_LANGUAGE else f".{language}"
                files[docs_dir / "sources" / f"{source.id}{suffix}.md"] = text
    return files


def _stage(path: Path, text: str) -> Path:
    """The new text in a temporary file next to its target (same file system, so renaming is atomic)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    return Path(tmp)


def write_all_or_nothing(writes: list[tuple[Path, str]]) -> None:
    """Write every file or none: stage them all, then rename them into place with the signals that
    would interrupt the renames held back, and put back what was there if a rename fails."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, text in writes:
            staged.append((path, _stage(path, text)))
    except BaseException:
        for _, tmp in staged:
            tmp.unlink(missing_ok=True)
        raise
    held = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
    previous_mask = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    done: list[tuple[Path, Path | None]] = []  # (target, backup of the old file or None if it was new)
    try:
        for path, tmp in staged:
            backup = None
            if path.exists():
                backup = path.with_name(f".{path.name}.{os.getpid()}.bak")
                os.link(path, backup)
            os.replace(tmp, path)
            done.append((path, backup))
    except BaseException:
        for path, backup in reversed(done):
            if backup is not None:
                os.replace(backup, path)
            else:
                path.unlink(missing_ok=True)
        for _, tmp in staged:
            tmp.unlink(missing_ok=True)
        raise
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous_mask)
    for _, backup in done:
        if backup is not None:
            backup.unlink(missing_ok=True)


def run_import(root: Path, *, dry_run: bool = False) -> list[Outcome]:
    sources_dir, docs_dir = root / "sources", root / "docs"
    files = plan(sources_dir, docs_dir)  # raises before any write
    lock_path = sources_dir / LOCK_NAME
    lock: dict[str, str] = json.loads(lock_path.read_text(encoding="utf-8")) if lock_path.exists() else {}
    new_lock: dict[str, str] = {}
    outcomes: list[Outcome] = []
    writes: list[tuple[Path, str]] = []
    for path, text in sorted(files.items()):
        key = path.relative_to(root).as_posix()
        recorded = lock.get(key)
        if not path.exists():
            if recorded is not None:
                outcomes.append(Outcome(key, "kept-deleted"))  # a person removed it on purpose
                new_lock[key] = recorded
                continue
            writes.append((path, text))
            outcomes.append(Outcome(key, "created"))
            new_lock[key] = _sha(text)
            continue
        current = path.read_text(encoding="utf-8")
        if current == text:  # already what the importer would write, whoever wrote it
            outcomes.append(Outcome(key, "unchanged"))
            new_lock[key] = _sha(text)
            continue
        if recorded is None:
            outcomes.append(Outcome(key, "kept-foreign"))
            continue
        if _sha(current) != recorded:
            outcomes.append(Outcome(key, "kept-edited"))
            new_lock[key] = recorded
            continue
        writes.append((path, text))
        outcomes.append(Outcome(key, "updated"))
        new_lock[key] = _sha(text)
    for key in sorted(set(lock) - set(new_lock)):
        outcomes.append(Outcome(key, "stale"))  # no longer produced; a person decides
        new_lock[key] = lock[key]
    if not dry_run:
        lock_text = json.dumps(dict(sorted(new_lock.items())), indent=1, ensure_ascii=False) + "\n"
        if not lock_path.exists() or lock_path.read_text(encoding="utf-8") != lock_text:
            writes.append((lock_path, lock_text))  # last: pages and lock land together
        write_all_or_nothing(writes)
    return outcomes


def summarize(outcomes: list[Outcome]) -> str:
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.action] = counts.get(outcome.action, 0) + 1
    lines = [f"{o.path}: {o.action}" for o in outcomes if o.action.startswith("kept") or o.action == "stale"]
    lines.append(", ".join(f"{n} {action}" for action, n in sorted(counts.items())))
    return "\n".join(lines)


__all__ = ["run_import", "plan", "summarize", "display_path"]
