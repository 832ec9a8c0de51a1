"""Read the raw source articles listed in sources/manifest.yml and split them into questions.

Parsing is pure: it returns data and never writes. Every rejected input raises ContentError
naming the source file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import ContentError, Problem, display_path

CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_CJK_SPACE = re.compile(rf"(?<=[{CJK}]) +(?=[{CJK}])")
QUESTION_MARKERS = {
    "、": re.compile(r"^(\d+)、\s*(\S.*)$"),
    ".": re.compile(r"^(\d+)\.\s*(\S.*)$"),
    " ": re.compile(r"^(\d+) (\S.*)$"),
}


@dataclass
class Line:
    number: int
    text: str


@dataclass
class SourceQuestion:
    article: str
    section: str | None
    number: int
    title: str
    line: int
    answer: list[Line] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str | None, int]:
        return (self.article, self.section, self.number)


@dataclass
class RemovedLine:
    number: int
    text: str
    reason: str


@dataclass
class ParsedSource:
    meta: dict
    path: Path
    questions: list[SourceQuestion]
    preamble: list[Line]
    article_body: list[Line]
    removed: list[RemovedLine]

    @property
    def id(self) -> str:
        return self.meta["id"]


def load_manifest(sources_dir: Path) -> list[dict]:
    path = sources_dir / "manifest.yml"
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", 0) + 1
        raise ContentError(Problem(display_path(path), line, "IMPORT-MANIFEST", f"invalid YAML: {exc}")) from exc
    if not isinstance(entries, list):
        raise ContentError(Problem(display_path(path), 1, "IMPORT-MANIFEST", "must be a list of sources"))
    return entries


def read_text(path: Path) -> str:
    """Decode a source as UTF-8, reporting the line of the first bad byte."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ContentError(
            Problem(display_path(path), line, "IMPORT-DECODE", f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})")
        ) from exc


def clean_text(text: str, meta: dict) -> str:
    """Silent fixes the manifest allows: known typos and stray spaces inside CJK words."""
    for wrong, right in (meta.get("typos") or {}).items():
        text = text.replace(wrong, right)
    if meta.get("collapse_cjk_spaces"):
        text = _CJK_SPACE.sub("", text)
    return text.rstrip()


def _strip_clutter(meta: dict, path: Path, lines: list[str]) -> tuple[list[Line], list[RemovedLine]]:
    kept: list[Line] = []
    removed: list[RemovedLine] = []
    rules = [(re.compile(r["pattern"]), r["reason"], r.get("max")) for r in meta.get("clutter") or []]
    hits = [0] * len(rules)
    trailing = meta.get("trailing_clutter")
    trailing_start = re.compile(trailing["start"]) if trailing else None
    for index, raw in enumerate(lines):
        number = index + 1
        if trailing_start and trailing_start.match(raw):
            removed.extend(RemovedLine(number + i, text, trailing["reason"]) for i, text in enumerate(lines[index:]) if text.strip())
            break
        for i, (pattern, reason, limit) in enumerate(rules):
            if pattern.search(raw) and (limit is None or hits[i] < limit):
                hits[i] += 1
                removed.append(RemovedLine(number, raw, reason))
                break
        else:
            kept.append(Line(number, clean_text(raw, meta)))
    for (pattern, _, _), count in zip(rules, hits, strict=True):
        if count == 0:
            raise ContentError(
                Problem(display_path(path), 1, "IMPORT-CLUTTER", f"clutter rule {pattern.pattern!r} matched nothing; update sources/manifest.yml")
            )
    return kept, removed


def parse_source(meta: dict, sources_dir: Path) -> ParsedSource:
    path = sources_dir / meta["file"]
    if not path.is_file():
        raise ContentError(Problem(display_path(sources_dir / "manifest.yml"), 1, "IMPORT-MANIFEST", f"source file {meta['file']} is missing"))
    raw_lines = read_text(path).splitlines()
    lines, removed = _strip_clutter(meta, path, raw_lines)
    if "article" in meta:
        parsed = _parse_article_with_index(meta, path, lines)
    else:
        parsed = _parse_questions(meta, path, lines)
    parsed.removed = removed
    _check_expected_counts(meta, path, parsed)
    return parsed


def _error(path: Path, line: int, message: str) -> ContentError:
    return ContentError(Problem(display_path(path), line, "IMPORT-PARSE", message))


def _parse_questions(meta: dict, path: Path, lines: list[Line]) -> ParsedSource:
    marker = QUESTION_MARKERS[meta["questions"]["marker"]]
    labels = tuple(meta["questions"].get("answer_labels") or ())
    section_re = re.compile(meta["sections"]) if meta.get("sections") else None
    unnumbered = set(meta.get("unnumbered_sections") or ())
    questions: list[SourceQuestion] = []
    preamble: list[Line] = []
    section: str | None = None
    current: SourceQuestion | None = None
    expected = 1
    for line in lines:
        text = line.text.strip()
        if not text:
            if current:
                current.answer.append(Line(line.number, ""))
            continue
        if section_re and section_re.match(text):
            section, current, expected = text, None, 1
            continue
        if section in unnumbered and current is None:
            title, sep, rest = text.partition(":")
            if not sep:
                raise _error(path, line.number, f"unnumbered section {section} must open with 'title:answer'")
            current = SourceQuestion(meta["id"], section, 1, title.strip(), line.number, [Line(line.number, rest.strip())])
            questions.append(current)
            continue
        match = marker.match(text)
        if match and int(match[1]) == expected and section not in unnumbered:
            current = SourceQuestion(meta["id"], section, expected, match[2].strip(), line.number)
            questions.append(current)
            expected += 1
            continue
        if match and int(match[1]) > expected and section not in unnumbered:
            raise _error(path, line.number, f"question number jumps from {expected - 1} to {match[1]} in section {section or '(none)'}")
        if current is None:
            preamble.append(Line(line.number, text))
            continue
        if labels and not any(line_.text.strip() for line_ in current.answer):
            for label in labels:
                if text.startswith(label):
                    text = text[len(label):].strip()
        current.answer.append(Line(line.number, line.text if line.text.startswith(" ") else text))
    for question in questions:
        if not any(line_.text.strip() for line_ in question.answer):
            raise _error(path, question.line, f"question {question.number} ({question.title}) has no answer")
    return ParsedSource(meta, path, questions, preamble, [], [])


def _parse_article_with_index(meta: dict, path: Path, lines: list[Line]) -> ParsedSource:
    spec = meta["article"]
    start_re, end_re = re.compile(spec["start"]), re.compile(spec["end"])
    index = meta["question_index"]
    group_re, item_re = re.compile(index["group"]), re.compile(index["item"])
    preamble: list[Line] = []
    body: list[Line] = []
    questions: list[SourceQuestion] = []
    state = "preamble"
    group: str | None = None
    for line in lines:
        text = line.text.strip()
        if state == "preamble" and start_re.match(text):
            state = "body"
        elif state == "body" and end_re.match(text):
            state = "index"
        if state == "preamble":
            if text:
                preamble.append(Line(line.number, text))
        elif state == "body":
            body.append(line)
        elif text:
            group_match = group_re.match(text)
            item_match = item_re.match(text)
            if group_match:
                group = group_match[1]
            elif item_match and group:
                number = sum(1 for q in questions if q.section == group) + 1
                questions.append(SourceQuestion(meta["id"], group, number, item_match[1].strip(), line.number))
            else:
                raise _error(path, line.number, f"unrecognised line in the question index: {text!r}")
    if state != "index":
        raise _error(path, len(lines), f"article markers not found (start {spec['start']!r}, end {spec['end']!r})")
    return ParsedSource(meta, path, questions, preamble, body, [])


def _check_expected_counts(meta: dict, path: Path, parsed: ParsedSource) -> None:
    expected = meta.get("expect")
    if not expected:
        return
    for section, count in expected.items():
        section = None if section in (None, "null") else section
        found = [q for q in parsed.questions if q.section == section]
        if len(found) != count:
            line = found[-1].line if found else 1
            raise _error(path, line, f"expected {count} questions in section {section or '(none)'}, found {len(found)}")


def parse_all(sources_dir: Path) -> list[ParsedSource]:
    return [parse_source(meta, sources_dir) for meta in load_manifest(sources_dir)]
