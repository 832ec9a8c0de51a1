"""Turn cleaned source lines into tidy Markdown. Pure functions, no I/O."""

from __future__ import annotations

import re

from .sources import CJK, Line

_BULLET = re.compile(r"^\s*(?:•|-)\s+(\S.*)$")
_ORDERED = re.compile(r"^(\d+)\.\s*(\S.*)$")
_HEADING = re.compile(r"^(\d+(?:\.\d+)*) (\S.*)$")
# A caption is "图3 标题" / "表5 标题": label, number, a space and a short title. A line that merely starts
# with "表5" ("表5展示了……。") is a sentence of the body that refers to the table, not its caption.
_CAPTION = re.compile(r"^(图|表)(\d+)(?: +(\S.*))?$")
CAPTION_MAX_CHARS = 60
_SENTENCE_END = re.compile(r"[。!?!?]")
_REFERENCE = re.compile(r"^-\s*\[(\d+)\]\s*(.*)$")
_ENDS_SENTENCE = re.compile(r"[。!?!?;;::…)】”\"'.]$")
_STARTS_CJK = re.compile(rf"^[{CJK}]")
# Longer than this and unterminated, a line was cut by the page layout, not ended by its author.
WRAPPED_LINE_MIN_CHARS = 20


def escape_inline(text: str) -> str:
    """Keep source text literal: no raw HTML, no accidental Markdown syntax at line start."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"(?<!\\)([*_`])", r"\\\1", text)
    if re.match(r"^(#|\+ |=+$|-+$|\|)", text):
        text = "\\" + text
    return text


def _join_wrapped(lines: list[Line]) -> list[Line]:
    """Join a paragraph line that the web page cut mid-sentence with its continuation."""
    joined: list[Line] = []
    for line in lines:
        prev = joined[-1] if joined else None
        if (
            prev is not None
            and prev.text.strip()
            and line.text.strip()
            and _is_plain(prev.text)
            and _is_plain(line.text)
            and len(prev.text.strip()) > WRAPPED_LINE_MIN_CHARS
            and not _ENDS_SENTENCE.search(prev.text.strip())
            and _STARTS_CJK.match(line.text.strip())
        ):
            joined[-1] = Line(prev.number, prev.text.rstrip() + line.text.strip())
        else:
            joined.append(line)
    return joined


def match_caption(text: str) -> re.Match[str] | None:
    """The caption of a figure or table, or None for anything longer or shaped like a sentence."""
    caption = _CAPTION.match(text.strip())
    if caption is None or len(caption[0]) > CAPTION_MAX_CHARS or _SENTENCE_END.search(caption[3] or ""):
        return None
    return caption


def _is_plain(text: str) -> bool:
    stripped = text.strip()
    return not (_BULLET.match(text) or _ORDERED.match(stripped) or match_caption(stripped))


def render_blocks(lines: list[Line]) -> str:
    """Render answer lines: bullets, numbered items (with their nested bullets) and paragraphs."""
    blocks: list[list[str]] = []
    in_item = False  # inside a numbered item, which may own nested bullets and one paragraph
    item_owns_paragraph = False
    list_kind = None  # "ol" or "ul" while a list is open
    for line in _join_wrapped(lines):
        raw = line.text
        text = raw.strip()
        if not text:
            continue
        bullet = _BULLET.match(raw)
        ordered = _ORDERED.match(text)
        if ordered:
            number, body = int(ordered[1]), escape_inline(ordered[2])
            if list_kind == "ol" or number == 1:
                entry = f"{number}. {body}"
                if list_kind == "ol":
                    blocks[-1].append(entry)
                else:
                    blocks.append([entry])
                list_kind, in_item, item_owns_paragraph = "ol", True, True
            else:  # a list cannot start at n > 1 in Markdown without renumbering: keep the number literal
                blocks.append([f"{number}\\. {body}"])
                list_kind, in_item, item_owns_paragraph = None, False, False
            continue
        if bullet:
            entry = f"- {escape_inline(bullet[1])}"
            if in_item:
                blocks[-1].append("    " + entry)
            elif list_kind == "ul":
                blocks[-1].append(entry)
            else:
                blocks.append([entry])
                list_kind = "ul"
            item_owns_paragraph = False
            continue
        if in_item and item_owns_paragraph:
            blocks[-1].append("")
            blocks[-1].append("    " + escape_inline(text))
            item_owns_paragraph = False
            continue
        blocks.append([escape_inline(text)])
        list_kind, in_item, item_owns_paragraph = None, False, False
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"


def heading_anchor(number: str) -> str:
    return "s" + number.replace(".", "-")


def render_article(lines: list[Line], labels: dict[str, str]) -> str:
    """Render an article body: numbered headings, missing figures and tables, references."""
    out: list[str] = []
    pending: list[Line] = []

    def flush() -> None:
        if pending:
            out.append(render_blocks(pending).rstrip("\n"))
            pending.clear()

    in_references = False
    for line in lines:
        text = line.text.strip()
        heading = _HEADING.match(text)
        caption = match_caption(text)
        reference = _REFERENCE.match(text) if in_references else None
        if heading:
            flush()
            level = "#" * (heading[1].count(".") + 2)
            out.append(f"{level} {heading[1]} {escape_inline(heading[2])} {{ #{heading_anchor(heading[1])} }}")
        elif text == labels["references_heading"]:
            flush()
            in_references = True
            out.append(f"## {text} {{ #references }}")
        elif reference:
            flush()
            entry = f"{reference[1]}. {escape_inline(reference[2])}"
            if out and out[-1].startswith("1. ") or (out and re.match(r"^\d+\. ", out[-1].split("\n")[-1]) and in_references):
                out[-1] += "\n" + entry
            else:
                out.append(entry)
        elif caption:
            flush()
            kind = labels["figure"] if caption[1] == "图" else labels["table"]
            title = labels["missing_title"].format(kind=kind, number=caption[2])
            body = labels["missing_body"].format(caption=escape_inline((caption[3] or "").strip()))
            out.append(f'!!! info "{title}"\n\n    {body}')
        else:
            pending.append(line)
    flush()
    return "\n\n".join(out) + "\n"
