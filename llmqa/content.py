"""The content model: data files, front matter, and the question pages under docs/."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import jsonschema
import yaml

from . import PROJECT_ROOT
from .errors import ContentError, Problem, display_path

DATA_DIR = PROJECT_ROOT / "data"
DOCS_DIR = PROJECT_ROOT / "docs"
LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10x faster
_FRONT_MATTER = re.compile(r"\A---\n(.*?\n)---\n?", re.DOTALL)


class LineLoader(yaml.SafeLoader):
    """SafeLoader that records each mapping's line as `__line__` (1-based)."""


def _construct_mapping_with_line(loader: LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping_with_line)


def load_yaml(path: Path, rule: str = "DATA-YAML", *, with_lines: bool = False):
    try:
        return yaml.load(read_text(path), Loader=LineLoader if with_lines else yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ContentError(Problem(display_path(path), (mark.line + 1) if mark else 1, rule, f"invalid YAML: {getattr(exc, 'problem', exc)}")) from exc


@cache
def _data(name: str, root: Path) -> object:
    return load_yaml(root / f"{name}.yml")


def topics(root: Path = DATA_DIR) -> list[dict]:
    return _data("topics", root)


def topic_ids(root: Path = DATA_DIR) -> list[str]:
    return [t["id"] for t in topics(root)]


def tags(root: Path = DATA_DIR) -> dict[str, dict]:
    return _data("tags", root)


def ui_strings(language: str, root: Path = DATA_DIR) -> dict[str, str]:
    """The UI strings of one language, from the single translations file data/ui.yml."""
    strings = _data("ui", root)
    missing = [key for key, value in strings.items() if language not in value]
    if missing:
        raise ContentError(Problem(display_path(root / "ui.yml"), 1, "DATA-UI", f"no {language!r} text for: {', '.join(missing)}"))
    return {key: value[language] for key, value in strings.items()}


@dataclass
class Document:
    """A Markdown file split into front matter and body, with the body's first line number."""

    path: Path
    meta: dict
    body: str
    body_line: int  # 1-based line of the first body line in the file
    raw: str = field(repr=False, default="")


def split_front_matter(text: str, path: Path) -> Document:
    match = _FRONT_MATTER.match(text)
    if not match:
        return Document(path, {}, text, 1, text)
    try:
        meta = yaml.load(match[1], Loader=FAST_LOADER) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)  # where the broken construct starts
        line = (mark.line + 2) if mark else 1  # +1 for the opening --- line, +1 for 1-based
        raise ContentError(Problem(display_path(path), line, "FM-YAML", f"front matter is not valid YAML: {getattr(exc, 'problem', exc)}")) from exc
    if not isinstance(meta, dict):
        raise ContentError(Problem(display_path(path), 2, "FM-YAML", "front matter must be a mapping"))
    meta = {key: value.isoformat() if isinstance(value, date) else value for key, value in meta.items()}  # `written: 2026-12-02`
    return Document(path, meta, text[match.end():], match[0].count("\n") + 1, text)


SCHEMA = json.loads((Path(__file__).with_name("schema.json")).read_text(encoding="utf-8"))
PLAIN_TEXT_FIELDS = ("title", "original_title", "aliases")
FORMULA_START = ("=", "+", "-", "@")


def line_of_key(document: Document, key: str) -> int:
    match = re.search(rf"^{re.escape(str(key))}\s*:", document.raw, re.MULTILINE)
    return document.raw[: match.start()].count("\n") + 1 if match else 2


def front_matter_problems(document: Document, folder: str, where: str, *, plain_text: bool = True) -> list[Problem]:
    """Schema, topic, tag and plain-text problems of one page's front matter. The build stops on the
    others but not on markup in plain-text fields (plain_text=False): it makes those inert instead."""
    from .safety import markup_in

    meta, found = document.meta, []
    for error in sorted(jsonschema.Draft202012Validator(SCHEMA).iter_errors(meta), key=lambda e: list(e.path)):
        key = error.path[0] if error.path else (error.message.split("'")[1] if "'" in error.message else "id")
        found.append(Problem(where, line_of_key(document, key), "FM-SCHEMA", f"{'.'.join(map(str, error.path)) or 'front matter'}: {error.message}"))
    if meta.get("topic") not in topic_ids():
        found.append(Problem(where, line_of_key(document, "topic"), "FM-TOPIC", f"unknown topic {meta.get('topic')!r}"))
    elif meta.get("topic") != folder:
        found.append(Problem(where, line_of_key(document, "topic"), "FM-TOPIC", f"topic {meta['topic']!r} but the file is in {folder}/"))
    for tag in meta.get("tags") if isinstance(meta.get("tags"), list) else []:
        if not isinstance(tag, str) or tag not in tags():
            found.append(Problem(where, line_of_key(document, "tags"), "FM-TAG", f"unknown tag {tag!r}"))
    for key in PLAIN_TEXT_FIELDS if plain_text else ():
        values = meta.get(key) if isinstance(meta.get(key), list) else [meta.get(key)]
        for value in values:
            markup = markup_in(value) if isinstance(value, str) else None
            if isinstance(value, str) and value.startswith(FORMULA_START):
                markup = value[:12]  # a spreadsheet would run it as a formula (CSV export)
            if markup:
                found.append(Problem(where, line_of_key(document, key), "FM-MARKUP", f"{key} is plain text: remove the markup {markup!r}"))
    return found


def read_text(path: Path) -> str:
    """A content file as text; a file that is not UTF-8, or starts with a byte-order mark, is a ContentError."""
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        raise ContentError(Problem(display_path(path), 1, "FILE-ENCODING", "the file starts with a byte-order mark (BOM): save it as UTF-8 without BOM"))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ContentError(Problem(display_path(path), line, "FILE-ENCODING", f"the file is not UTF-8 (byte {data[error.start]:#04x} at offset {error.start}): save it as UTF-8")) from error


def read_document(path: Path) -> Document:
    return split_front_matter(read_text(path), path)


def dump_front_matter(meta: dict) -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000) + "---\n"


def language_of(path: Path) -> str:
    """`page.en.md` is English; `page.md` is the default language (suffix layout)."""
    suffixes = path.name.split(".")
    return suffixes[-2] if len(suffixes) > 2 and suffixes[-2] in LANGUAGES else DEFAULT_LANGUAGE


def twin_path(path: Path, language: str) -> Path:
    stem = path.name.split(".")[0]
    name = f"{stem}.md" if language == DEFAULT_LANGUAGE else f"{stem}.{language}.md"
    return path.with_name(name)


def source_fingerprint(document: Document) -> str:
    """Fingerprint of a Chinese page's translatable text; its English twin records it as `zh_hash`."""
    import hashlib

    text = f"{document.meta.get('title', '')}\n{document.body.strip()}\n"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def stamp_translation(en_path: Path) -> str:
    """Record in an English page the fingerprint of the Chinese page it translates."""
    zh = read_document(twin_path(en_path, DEFAULT_LANGUAGE))
    en = read_document(en_path)
    fingerprint = source_fingerprint(zh)
    meta = {k: v for k, v in en.meta.items() if k != "zh_hash"}
    meta["zh_hash"] = fingerprint
    en_path.write_text(dump_front_matter(meta) + en.body, encoding="utf-8")
    return fingerprint
