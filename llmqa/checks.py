"""The content checker. Every rule has an ID that CONTRIBUTING.md's style guide documents;
every message reads `path:line: RULE-ID message`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema

from .content import DATA_DIR, DEFAULT_LANGUAGE, Document, language_of, load_yaml, source_fingerprint, split_front_matter, tags, topic_ids, twin_path
from .errors import ContentError, Problem, display_path
from .site import CROSS_REFERENCE, NOTE_PATTERN

SCHEMA = json.loads((Path(__file__).with_name("schema.json")).read_text(encoding="utf-8"))
RULES = {
    "FM-YAML": "front matter must be valid YAML between --- lines",
    "FM-SCHEMA": "front matter fields and types follow llmqa/schema.json",
    "FM-TOPIC": "the topic exists in data/topics.yml and is the page's folder",
    "FM-TAG": "every tag exists in data/tags.yml",
    "ID-DUPLICATE": "ids are unique across the site",
    "ID-SLUG": "the file name is the page id (<id>.md, <id>.en.md)",
    "XREF-RELATED": "related / related_exclude name existing ids",
    "XREF-UNKNOWN": "[[id]] cross-references name existing ids",
    "XREF-GLOSSARY": "glossary `question` keys name existing ids",
    "I18N-TWIN": "every Chinese page has an English twin and the reverse",
    "I18N-STRUCTURE": "twins have the same heading anchors, answers, notes and cross-references",
    "I18N-CJK": "English pages contain no Chinese prose",
    "I18N-STALE": "an English page records the fingerprint of the Chinese text it translates (zh_hash)",
    "NOTE-FORMAT": 'correction notes are `!!! warning "勘误 · YYYY-MM-DD"` (supplements: `!!! tip "补充 · …"`)',
    "NOTE-REFERENCE": "every correction or supplement lists at least one reference",
    "HTML-UNSAFE": "no <script>, <iframe>, <style>, on*= handlers or javascript: URLs",
    "CLUTTER": "no leftover web-page clutter (likes, bookmarks, red packets, promotion)",
    "HEADING-ORDER": "no H1 in the body (the title is the H1) and no skipped heading levels",
    "HEADING-ANCHOR": "every heading has an explicit ASCII anchor { #slug }",
    "ANSWER-EMPTY": "an answered page has at least one non-empty answer section",
}
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_ANCHOR = re.compile(r"\{\s*#([a-z0-9]+(?:-[a-z0-9]+)*)\s*\}\s*$")
_FENCE = re.compile(r"^(```|~~~)")
_UNSAFE = re.compile(r"<\s*(script|iframe|style)\b|\son[a-z]+\s*=|javascript\s*:", re.IGNORECASE)
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_NOTE_LIKE = re.compile(r'^!!! \w+ "(勘误|Erratum|补充|Supplement)')
_REFERENCE_HEAD = re.compile(r"^\s{4}(参考|References)\s*[::]\s*$")
CLUTTER_WORDS = ["点赞", "一键收藏", "添加红包", "红包个数", "余额", "扫码支付", "实付", "觉得还不错", "文章目录", "More …", "💯", "🌟", "查看答案", "t.csdnimg.cn"]


@dataclass
class Page:
    path: Path
    relative: str
    language: str
    document: Document | None
    problems: list[Problem] = field(default_factory=list)


def _line_of_key(document: Document, key: str) -> int:
    match = re.search(rf"^{re.escape(str(key))}\s*:", document.raw, re.MULTILINE)
    return document.raw[: match.start()].count("\n") + 1 if match else 2


def _body_lines(document: Document):
    """(line number, text, in_code) for each body line."""
    in_code = False
    for offset, line in enumerate(document.body.splitlines()):
        if _FENCE.match(line.strip()):
            in_code = not in_code
            yield document.body_line + offset, line, True
            continue
        yield document.body_line + offset, line, in_code


def content_pages(docs_dir: Path) -> list[Path]:
    topics = set(topic_ids())
    return sorted(p for p in docs_dir.glob("*/*.md") if p.parent.name in topics and not p.name.startswith("index."))


def check(docs_dir: Path, only: list[Path] | None = None) -> list[Problem]:
    """Check every content page (or only the given ones, against the whole site)."""
    problems: list[Problem] = []
    pages: list[Page] = []
    for path in content_pages(docs_dir):
        where = display_path(path)
        try:
            document = split_front_matter(path.read_text(encoding="utf-8"), path)
        except ContentError as error:
            pages.append(Page(path, where, language_of(path), None, list(error.problems)))
            continue
        pages.append(Page(path, where, language_of(path), document))
    known_ids = {p.document.meta.get("id") for p in pages if p.document and p.language == DEFAULT_LANGUAGE}
    selected = {path.resolve() for path in only} if only else None
    seen_ids: dict[str, str] = {}
    for page in pages:
        if page.document and page.language == DEFAULT_LANGUAGE:
            page_id = page.document.meta.get("id")
            if page_id in seen_ids:
                page.problems.append(Problem(page.relative, _line_of_key(page.document, "id"), "ID-DUPLICATE", f"id {page_id!r} is also used by {seen_ids[page_id]}"))
            else:
                seen_ids[page_id] = page.relative
        if page.document:
            page.problems.extend(_check_page(page, known_ids, docs_dir))
        if selected is None or page.path.resolve() in selected:
            problems.extend(page.problems)
    if selected is None:
        problems.extend(_check_glossary(known_ids))
    return problems


def _check_page(page: Page, known_ids: set, docs_dir: Path) -> list[Problem]:
    document, where = page.document, page.relative
    meta = document.meta
    found: list[Problem] = []

    def add(line: int, rule: str, message: str) -> None:
        found.append(Problem(where, line, rule, message))

    for error in sorted(jsonschema.Draft202012Validator(SCHEMA).iter_errors(meta), key=lambda e: list(e.path)):
        key = error.path[0] if error.path else (error.message.split("'")[1] if "'" in error.message else "id")
        add(_line_of_key(document, key), "FM-SCHEMA", f"{'.'.join(map(str, error.path)) or 'front matter'}: {error.message}")
    folder = page.path.parent.name
    if meta.get("topic") not in topic_ids():
        add(_line_of_key(document, "topic"), "FM-TOPIC", f"unknown topic {meta.get('topic')!r}")
    elif meta.get("topic") != folder:
        add(_line_of_key(document, "topic"), "FM-TOPIC", f"topic {meta['topic']!r} but the file is in {folder}/")
    for tag in meta.get("tags") or []:
        if tag not in tags():
            add(_line_of_key(document, "tags"), "FM-TAG", f"unknown tag {tag!r}")
    if isinstance(meta.get("id"), str) and page.path.name.split(".")[0] != meta["id"]:
        add(_line_of_key(document, "id"), "ID-SLUG", f"file name {page.path.name} does not match id {meta['id']!r}")
    for key in ("related", "related_exclude"):
        for other in meta.get(key) or []:
            if other not in known_ids:
                add(_line_of_key(document, key), "XREF-RELATED", f"{key} names unknown id {other!r}")
    found.extend(_check_body(page, known_ids))
    found.extend(_check_twin(page, docs_dir))
    return found


def _check_body(page: Page, known_ids: set) -> list[Problem]:
    document, where = page.document, page.relative
    found: list[Problem] = []
    previous_level = 1
    answers: dict[int, list[str]] = {}
    answer_lines: dict[int, int] = {}
    current_answer = None
    lines = list(_body_lines(document))
    for index, (number, line, in_code) in enumerate(lines):
        if in_code:
            continue
        if _UNSAFE.search(line):
            found.append(Problem(where, number, "HTML-UNSAFE", f"unsafe HTML: {_UNSAFE.search(line)[0].strip()!r}"))
        for word in CLUTTER_WORDS:
            if word in line:
                found.append(Problem(where, number, "CLUTTER", f"web-page clutter {word!r}"))
        for match in CROSS_REFERENCE.finditer(line):
            if match[1] not in known_ids:
                found.append(Problem(where, number, "XREF-UNKNOWN", f"[[{match[1]}]] names no question"))
        if page.language != DEFAULT_LANGUAGE:
            cjk = _CJK_RUN.search(re.sub(r"\[\[[^\]]*\]\]", "", line))
            if cjk:
                found.append(Problem(where, number, "I18N-CJK", f"Chinese text in an English page: {cjk[0][:20]!r}"))
        if _NOTE_LIKE.match(line):
            if not NOTE_PATTERN.match(line):
                found.append(Problem(where, number, "NOTE-FORMAT", "a note title must be like \"勘误 · 2026-11-23\" / \"Erratum · 2026-11-23\""))
            block = []
            for _, following, _ in lines[index + 1:]:
                if following.strip() and not following.startswith("    "):
                    break
                block.append(following)
            reference_at = next((i for i, text in enumerate(block) if _REFERENCE_HEAD.match(text)), None)
            if reference_at is None or not any(re.match(r"^\s{4}[-*] \S", text) for text in block[reference_at + 1:]):
                found.append(Problem(where, number, "NOTE-REFERENCE", "the note lists no reference (add '参考:' / 'References:' and a list)"))
        heading = _HEADING.match(line)
        if heading:
            level = len(heading[1])
            if level == 1:
                found.append(Problem(where, number, "HEADING-ORDER", "no H1 in the body: the front-matter title is the page's H1"))
            elif level > previous_level + 1:
                found.append(Problem(where, number, "HEADING-ORDER", f"heading level jumps from {previous_level} to {level}"))
            previous_level = level
            anchor = _ANCHOR.search(heading[2])
            if not anchor:
                found.append(Problem(where, number, "HEADING-ANCHOR", "heading needs an explicit ASCII anchor such as { #answer-1 }"))
            current_answer = int(anchor[1].split("-")[1]) if anchor and re.fullmatch(r"answer-\d+", anchor[1]) else None
            if current_answer is not None:
                answers[current_answer] = []
                answer_lines[current_answer] = number
            continue
        if current_answer is not None and line.strip():
            answers[current_answer].append(line)
    if document.meta.get("status") == "answered":
        if not answers:
            found.append(Problem(where, document.body_line, "ANSWER-EMPTY", "status is answered but there is no '## … { #answer-1 }' section"))
        for number, body in answers.items():
            if not body:
                found.append(Problem(where, answer_lines[number], "ANSWER-EMPTY", f"answer-{number} has no text"))
    return found


def structure(document: Document) -> dict:
    """What twins must share: heading anchors, note kinds, cross-references."""
    anchors, notes, references = [], [], []
    for _, line, in_code in _body_lines(document):
        if in_code:
            continue
        heading = _HEADING.match(line)
        if heading and _ANCHOR.search(heading[2]):
            anchors.append(_ANCHOR.search(heading[2])[1])
        note = NOTE_PATTERN.match(line)
        if note:
            notes.append(("erratum" if note[2] in ("勘误", "Erratum") else "supplement", note[3]))
        references.extend(CROSS_REFERENCE.findall(line))
    return {"anchors": anchors, "notes": notes, "cross-references": references}


def _check_twin(page: Page, docs_dir: Path) -> list[Problem]:
    document, where = page.document, page.relative
    other_language = "en" if page.language == DEFAULT_LANGUAGE else DEFAULT_LANGUAGE
    twin = twin_path(page.path, other_language)
    if not twin.exists():
        return [Problem(where, 1, "I18N-TWIN", f"missing {other_language} twin {display_path(twin)}")]
    if page.language == DEFAULT_LANGUAGE:
        return []  # structure and freshness are reported once, on the English page
    try:
        zh = split_front_matter(twin.read_text(encoding="utf-8"), twin)
    except ContentError:
        return []  # reported on the Chinese page itself
    found = []
    ours, theirs = structure(document), structure(zh)
    for key in ours:
        if ours[key] != theirs[key]:
            found.append(Problem(where, document.body_line, "I18N-STRUCTURE", f"{key} differ from the Chinese page: {ours[key]} vs {theirs[key]}"))
    for key in ("id", "topic", "status"):
        if document.meta.get(key) != zh.meta.get(key):
            found.append(Problem(where, _line_of_key(document, key), "I18N-STRUCTURE", f"{key} differs from the Chinese page"))
    if document.meta.get("status") != "unanswered" or zh.body.strip():
        expected = source_fingerprint(zh)
        recorded = document.meta.get("zh_hash")
        if recorded != expected:
            state = "missing" if recorded is None else f"{recorded}, Chinese text is now {expected}"
            found.append(Problem(where, _line_of_key(document, "zh_hash") if recorded else 2, "I18N-STALE", f"translation is out of date (zh_hash {state}); update it, then run `python -m llmqa stamp {where}`"))
    return found


def _check_glossary(known_ids: set) -> list[Problem]:
    path = DATA_DIR / "glossary.yml"
    found = []
    for term in load_yaml(path, "DATA-YAML", with_lines=True):
        if term.get("question") and term["question"] not in known_ids:
            found.append(Problem(display_path(path), term["__line__"], "XREF-GLOSSARY", f"term {term['id']!r} names unknown question {term['question']!r}"))
    return found


def stale_translations(docs_dir: Path) -> list[str]:
    """English pages whose Chinese original changed since they were translated (or missing ones)."""
    return sorted({p.path for p in check(docs_dir) if p.rule in ("I18N-STALE",)})
