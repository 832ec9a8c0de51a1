"""The content checker. Every rule has an ID that CONTRIBUTING.md's style guide documents;
every message reads `path:line: RULE-ID message`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import markdown

from . import PROJECT_ROOT
from .content import DATA_DIR, DEFAULT_LANGUAGE, Document, front_matter_problems, language_of, line_of_key, load_yaml, read_text, source_fingerprint, split_front_matter, topic_ids, twin_path, ui_strings
from .errors import ContentError, Problem, display_path
from .math import KatexRenderer, has_math, render_math
from .references import check_references, item_year_mismatch, load_references, shared_citation
from .safety import markup_in, unsafe_parts
from .site import CROSS_REFERENCE, NOTE_PATTERN

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
    "HTML-UNSAFE": "the HTML that Markdown produces stays inside the allowlist of llmqa/safety.py (no script, style, iframe, object, embed, base, meta, form, link, on* attributes, or URLs other than relative, http(s) and mailto)",
    "FM-MARKUP": "title, original_title and aliases are plain text: no HTML tags, entities, Markdown links or attr_list",
    "DATA-MARKUP": "strings in data/*.yml and sources/manifest.yml (tags, glossary, topics, credits) are plain text",
    "FILE-ENCODING": "content and data files are UTF-8 without a byte-order mark",
    "MATH-SYNTAX": "formulas ($…$, $$…$$) are TeX that KaTeX can render",
    "CLUTTER": "no leftover web-page clutter (likes, bookmarks, red packets, promotion)",
    "HEADING-ORDER": "no H1 in the body (the title is the H1) and no skipped heading levels",
    "HEADING-ANCHOR": "every heading has an explicit ASCII anchor { #slug }",
    "ANSWER-EMPTY": "an answered page has at least one non-empty answer section",
    "ANSWER-SHORT": "an answer section has at least 6 words or Chinese characters of text",
    "ANSWER-PLACEHOLDER": "the placeholder that `llmqa new` writes is replaced by the answer",
    "ANSWER-WRITTEN": "a site-written answer is a `{ #kb-answer }` section on a page with `written:` in its front matter",
    "ANSWER-REFERENCES": "a site-written answer lists at least one reference (`references:` keys of data/references.yml)",
    "ANSWER-UNREVIEWED": "a site-written answer records its independent review (`reviewed:`)",
    "REF-UNKNOWN": "`references:` names keys that exist in data/references.yml",
    "REF-ID": "arXiv ids, DOIs and URLs in data/references.yml are well formed",
    "REF-FORMAT": "references.yml entries have authors, year, title and an arxiv id, doi or url, as plain text",
    "REF-INLINE": "a note's reference to a paper of data/references.yml reads as the shared entry renders it (`llmqa cite KEY`)",
    "REF-YEAR": "a paper is dated by its first public version: a reference to arXiv YYMM.NNNNN gives the year 20YY",
}
KB_ANSWER = "kb-answer"
MIN_ANSWER_UNITS = 6
_TEXT_UNITS = re.compile(r"[\u4e00-\u9fff]|[A-Za-z0-9]+(?:[-'.][A-Za-z0-9]+)*")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_ANCHOR = re.compile(r"\{\s*#([a-z0-9]+(?:-[a-z0-9]+)*)\s*\}\s*$")
_FENCE = re.compile(r"^(```|~~~)")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_NOTE_LIKE = re.compile(r'^!!! \w+ "(勘误|Erratum|补充|Supplement)')
_REFERENCE_HEAD = re.compile(r"^\s{4}(参考|References)\s*[::]\s*$")
CLUTTER_LINE = 30  # "点赞 收藏" is chrome; "点赞/点踩数据" in a sentence about feedback data is not
CLUTTER_WORDS = ["点赞", "一键收藏", "添加红包", "红包个数", "余额", "扫码支付", "实付", "觉得还不错", "文章目录", "More …", "💯", "🌟", "查看答案", "t.csdnimg.cn"]


@dataclass
class Page:
    path: Path
    relative: str
    language: str
    document: Document | None
    problems: list[Problem] = field(default_factory=list)


_line_of_key = line_of_key


def _body_lines(document: Document):
    """(line number, text, in_code) for each body line."""
    in_code = False
    for offset, line in enumerate(document.body.splitlines()):
        if _FENCE.match(line.strip()):
            in_code = not in_code
            yield document.body_line + offset, line, True
            continue
        yield document.body_line + offset, line, in_code


@cache
def _markdown() -> markdown.Markdown:
    """Markdown with the extensions and settings of mkdocs.yml, as the build renders pages."""
    from mkdocs.utils import yaml_load

    with open(PROJECT_ROOT / "mkdocs.yml", encoding="utf-8") as handle:
        config = yaml_load(handle)
    extensions, settings = [], {}
    for item in config.get("markdown_extensions", []):
        name, options = (item, {}) if isinstance(item, str) else next(iter(item.items()))
        extensions.append(name)
        settings[name] = options or {}
    return markdown.Markdown(extensions=extensions, extension_configs=settings)


@cache
def _katex() -> KatexRenderer:
    return KatexRenderer()  # one Node process for the whole check


_LINE_HINTS = {"href": ["javascript", "vbscript", "data:", "&colon", "&#", "]("], "src": ["src=", "]("]}


def html_problems(document: Document, where: str) -> list[Problem]:
    """HTML-UNSAFE for whatever the sanitizer would drop from the page's rendered Markdown."""
    renderer = _markdown()
    renderer.reset()
    html = renderer.convert(document.body)
    parts = unsafe_parts(html)
    found = []
    if has_math(html):
        try:
            render_math(html, _katex(), where, document.raw)
        except ContentError as error:
            found.extend(error.problems)
    lines = document.body.lower().splitlines()
    for part in parts:
        tag, _, attribute = part.strip("<>").partition(" ")
        hints = [*_LINE_HINTS.get(attribute, []), attribute] if attribute else [f"<{tag}"]
        offset = next((i for hint in hints for i, text in enumerate(lines) if hint and hint in text), 0)
        found.append(Problem(where, document.body_line + offset, "HTML-UNSAFE", f"{part} is not allowed; see the allowlist in llmqa/safety.py"))
    return found


def data_problems(data_dir: Path | None = None, manifest: Path = PROJECT_ROOT / "sources" / "manifest.yml") -> list[Problem]:
    """DATA-MARKUP (and FILE-ENCODING, DATA-YAML) for every data/*.yml file and the sources manifest."""
    found = []
    for path in [*sorted((data_dir or DATA_DIR).glob("*.yml")), manifest]:
        if path.name == "references.yml":
            continue  # REF-FORMAT covers it
        try:
            data = load_yaml(path, "DATA-YAML", with_lines=True)
        except ContentError as error:
            found.extend(error.problems)
            continue
        found.extend(_markup_in_data(data, 1, path.stem, display_path(path), read_text(path).splitlines()))
    return found


def _markup_in_data(value, line: int, key: str, where: str, lines: list[str]) -> list[Problem]:
    """DATA-MARKUP for every string in a YAML structure, at the line that holds it (found from the
    line of the mapping that contains it)."""
    if isinstance(value, dict):
        inner = value.get("__line__", line)
        return [p for child_key, child in value.items() if child_key != "__line__" for p in _markup_in_data(child, inner, str(child_key), where, lines)]
    if isinstance(value, list):
        return [p for child in value for p in _markup_in_data(child, line, key, where, lines)]
    markup = markup_in(value) if isinstance(value, str) and key not in ("clutter", "pattern", "patterns") else None
    if not markup:
        return []
    at = next((number for number in range(max(line, 1), len(lines) + 1) if value[:15] in lines[number - 1]), line)
    return [Problem(where, at, "DATA-MARKUP", f"{key}: plain text only, remove the markup {markup!r}")]


def other_pages(docs_dir: Path) -> list[Path]:
    """Pages that are not questions: home, topic indexes, glossary, sources, …"""
    questions = set(content_pages(docs_dir))
    return sorted(p for p in docs_dir.rglob("*.md") if p not in questions)


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
            document = split_front_matter(read_text(path), path)
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
    for path in other_pages(docs_dir):
        if selected is None or path.resolve() in selected:
            try:
                document = split_front_matter(read_text(path), path)
            except ContentError as error:
                problems.extend(error.problems)
                continue
            problems.extend(html_problems(document, display_path(path)))
    data_changed = selected is not None and any("/data/" in str(p) or p.name == "manifest.yml" for p in selected)
    if selected is None or data_changed:
        problems.extend(_check_glossary(known_ids))
        problems.extend(check_references())
        problems.extend(data_problems())
    return problems


def _check_page(page: Page, known_ids: set, docs_dir: Path) -> list[Problem]:
    document, where = page.document, page.relative
    meta = document.meta
    found: list[Problem] = []

    def add(line: int, rule: str, message: str) -> None:
        found.append(Problem(where, line, rule, message))

    found.extend(front_matter_problems(document, page.path.parent.name, where))
    if isinstance(meta.get("id"), str) and page.path.name.split(".")[0] != meta["id"]:
        add(_line_of_key(document, "id"), "ID-SLUG", f"file name {page.path.name} does not match id {meta['id']!r}")
    for key in ("related", "related_exclude"):
        for other in meta.get(key) or []:
            if other not in known_ids:
                add(_line_of_key(document, key), "XREF-RELATED", f"{key} names unknown id {other!r}")
    found.extend(_check_body(page, known_ids))
    found.extend(html_problems(document, where))
    found.extend(_check_twin(page, docs_dir))
    return found


def _check_body(page: Page, known_ids: set) -> list[Problem]:
    document, where = page.document, page.relative
    found: list[Problem] = []
    previous_level = 1
    answers: dict[int, list[str]] = {}
    answer_lines: dict[int, int] = {}
    current_answer = None
    placeholders = _placeholders()
    lines = list(_body_lines(document))
    for index, (number, line, in_code) in enumerate(lines):
        if in_code:
            continue
        for word in CLUTTER_WORDS if len(line.strip()) <= CLUTTER_LINE else ():  # page chrome is a short line of its own
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
            for following_number, following, _ in lines[index + 1:]:
                if following.strip() and not following.startswith("    "):
                    break
                block.append((following_number, following))
            reference_at = next((i for i, (_, text) in enumerate(block) if _REFERENCE_HEAD.match(text)), None)
            cited = block[reference_at + 1:] if reference_at is not None else []
            if not any(re.match(r"^\s{4}[-*] \S", text) for _, text in cited):
                found.append(Problem(where, number, "NOTE-REFERENCE", "the note lists no reference (add '参考:' / 'References:' and a list)"))
            for cited_number, text in cited:
                found += _inline_citation_problems(where, cited_number, text)
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
            if anchor and (re.fullmatch(r"answer-\d+", anchor[1]) or anchor[1] == KB_ANSWER):
                current_answer = 0 if anchor[1] == KB_ANSWER else int(anchor[1].split("-")[1])  # 0: the site-written answer
                answers[current_answer] = []
                answer_lines[current_answer] = number
            elif level == 2:
                current_answer = None  # a sub-heading stays inside its answer
            continue
        if current_answer is not None and line.strip():
            answers[current_answer].append(line)
        for placeholder in placeholders:
            if placeholder in line:
                found.append(Problem(where, number, "ANSWER-PLACEHOLDER", f"replace the placeholder {placeholder!r} with the answer"))
    meta = document.meta
    if meta.get("status") == "answered":
        if not answers:
            found.append(Problem(where, document.body_line, "ANSWER-EMPTY", "status is answered but there is no '## … { #answer-1 }' or '{ #kb-answer }' section"))
        for number, body in answers.items():
            name = KB_ANSWER if number == 0 else f"answer-{number}"
            units = len(_TEXT_UNITS.findall(" ".join(body)))
            if not body:
                found.append(Problem(where, answer_lines[number], "ANSWER-EMPTY", f"{name} has no text"))
            elif units < MIN_ANSWER_UNITS:
                found.append(Problem(where, answer_lines[number], "ANSWER-SHORT", f"{name} is nearly empty ({units} words or characters)"))
    if 0 in answers and not meta.get("written"):
        found.append(Problem(where, answer_lines[0], "ANSWER-WRITTEN", "a { #kb-answer } section needs `written: YYYY-MM-DD` in the front matter"))
    if meta.get("written"):
        if 0 not in answers:
            found.append(Problem(where, _line_of_key(document, "written"), "ANSWER-WRITTEN", "`written:` is set but the page has no '## … { #kb-answer }' section"))
        if not meta.get("references"):
            found.append(Problem(where, _line_of_key(document, "written"), "ANSWER-REFERENCES", "a site-written answer needs `references:` (keys of data/references.yml)"))
        if not meta.get("reviewed"):
            found.append(Problem(where, _line_of_key(document, "written"), "ANSWER-UNREVIEWED", "a site-written answer needs an independent review recorded as `reviewed: YYYY-MM-DD` (CONTRIBUTING, review checklist)"))
    known_references = _reference_keys()
    for key in meta.get("references") or []:
        if isinstance(key, str) and key not in known_references:
            found.append(Problem(where, _line_of_key(document, "references"), "REF-UNKNOWN", f"unknown reference {key!r}: add it to data/references.yml"))
    return found


def _reference_keys() -> set[str]:
    try:
        return set(load_references())
    except ContentError:
        return set()  # reported once, by check_references


def _placeholders() -> list[str]:
    return [ui_strings(language)["new_answer_placeholder"] for language in ("zh", "en")]


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


def _inline_citation_problems(where: str, number: int, line: str) -> list[Problem]:
    """A paper cited in a note is written exactly as its shared entry renders, so that its year,
    venue and authors read the same on every page (LoRA: 2021, ICLR 2022)."""
    item = re.match(r"^\s{4}[-*] (.*?)\s*$", line)
    cited = shared_citation(item[1]) if item else None
    if cited is None:
        late = item_year_mismatch(item[1]) if item else None
        return [Problem(where, number, "REF-YEAR", late)] if late else []
    if cited[1] == item[1]:
        return []
    key, expected = cited
    return [Problem(where, number, "REF-INLINE", f"cite {key} as the shared entry writes it (python -m llmqa cite {key}): {expected}")]


def _check_twin(page: Page, docs_dir: Path) -> list[Problem]:
    document, where = page.document, page.relative
    other_language = "en" if page.language == DEFAULT_LANGUAGE else DEFAULT_LANGUAGE
    twin = twin_path(page.path, other_language)
    if not twin.exists():
        return [Problem(where, 1, "I18N-TWIN", f"missing {other_language} twin {display_path(twin)}")]
    if page.language == DEFAULT_LANGUAGE:
        return []  # structure and freshness are reported once, on the English page
    try:
        zh = split_front_matter(read_text(twin), twin)
    except ContentError:
        return []  # reported on the Chinese page itself
    found = []
    ours, theirs = structure(document), structure(zh)
    for key in ours:
        if ours[key] != theirs[key]:
            found.append(Problem(where, document.body_line, "I18N-STRUCTURE", f"{key} differ from the Chinese page: {ours[key]} vs {theirs[key]}"))
    for key in ("id", "topic", "status", "written", "reviewed", "references"):
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
