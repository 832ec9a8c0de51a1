"""The shared reference list (data/references.yml): validation and the one citation format.

A page names its references by key in front matter (`references: [hu2021lora]`); both languages
render the same entries in the same format, so a paper is cited identically everywhere.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from .content import DATA_DIR, load_yaml
from .errors import ContentError, Problem, display_path

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9]*$")
ARXIV_PATTERN = re.compile(r"^(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?/\d{7})$")  # new-style, or old-style hep-th/9901001
DOI_PATTERN = re.compile(r"^10\.\d{4,9}/[^\s\"<>]+$")
URL_PATTERN = re.compile(r"^https?://[^\s\"<>]+$")
FIELDS = {"authors", "year", "title", "venue", "arxiv", "doi", "url"}
_LINK_URL = re.compile(r"\]\((https?://[^\s)]+)\)")
_ARXIV_LINK = re.compile(r"^https?://arxiv\.org/(?:abs|pdf)/([^\s/]+?)(?:v\d+)?(?:\.pdf)?$")
_MARKUP = re.compile(r"[<>]|&[#a-zA-Z0-9]+;|\]\(|`")


def _entry_problems(key: str, entry, where: str, line: int) -> list[Problem]:
    found = []

    def add(message: str, rule: str = "REF-FORMAT") -> None:
        found.append(Problem(where, line, rule, f"{key}: {message}"))

    if not KEY_PATTERN.match(key):
        add("keys are lowercase ASCII letters and digits, e.g. hu2021lora")
    if not isinstance(entry, dict):
        add("an entry is a mapping with authors, year, title and arxiv, doi or url")
        return found
    unknown = set(entry) - FIELDS - {"__line__"}
    if unknown:
        add(f"unknown fields: {', '.join(sorted(unknown))}")
    for required in ("authors", "title"):
        if not isinstance(entry.get(required), str) or not entry[required].strip():
            add(f"missing {required}")
    for name in ("authors", "title", "venue"):
        if isinstance(entry.get(name), str) and _MARKUP.search(entry[name]):
            add(f"{name} must be plain text (no HTML, entities or Markdown links)", "REF-FORMAT")
    year = entry.get("year")
    if year is not None and not (isinstance(year, int) and 1900 <= year <= 2100):
        add(f"year must be a four-digit number, not {year!r}")
    if not any(entry.get(name) for name in ("arxiv", "doi", "url")):
        add("needs an arxiv id, a doi or a url")
    if entry.get("arxiv") is not None and not ARXIV_PATTERN.match(str(entry["arxiv"])):
        add(f"malformed arXiv id {entry['arxiv']!r} (expected e.g. \"2106.09685\", quoted)", "REF-ID")
    elif isinstance(year, int) and entry.get("arxiv") and (late := arxiv_year_mismatch(year, str(entry["arxiv"]))):
        add(late, "REF-YEAR")
    if entry.get("doi") is not None and not DOI_PATTERN.match(str(entry["doi"])):
        add(f"malformed DOI {entry['doi']!r} (expected 10.<registrant>/<suffix>)", "REF-ID")
    if entry.get("url") is not None and not URL_PATTERN.match(str(entry["url"])):
        add(f"url must be http(s): {entry['url']!r}", "REF-ID")
    return found


def arxiv_year_mismatch(year: int, arxiv_id: str) -> str | None:
    """A new-style arXiv id (YYMM.NNNNN) dates the paper's first appearance: the year we cite."""
    dated = re.match(r"^(\d{2})(\d{2})\.\d{4,5}$", arxiv_id)
    if dated and year != 2000 + int(dated[1]):
        return f"year {year} should be {2000 + int(dated[1])}, when arXiv:{arxiv_id} first appeared (the venue keeps its own year)"
    return None


def item_year_mismatch(item: str) -> str | None:
    """For a note's reference item "Authors (Year). [Title](arXiv link)…": the REF-YEAR message, if any."""
    year = re.search(r"\((\d{4})\)\.", item)
    arxiv = next((found for url in _LINK_URL.findall(item) if (found := _ARXIV_LINK.search(url))), None)
    return arxiv_year_mismatch(int(year[1]), arxiv[1]) if year and arxiv else None


def check_references(path: Path = DATA_DIR / "references.yml") -> list[Problem]:
    """Every problem in the reference list, with its line."""
    where = display_path(path)
    data = load_yaml(path, "DATA-YAML", with_lines=True)
    if not isinstance(data, dict):
        return [Problem(where, 1, "REF-FORMAT", "the file is a mapping of key -> entry")]
    text = path.read_text(encoding="utf-8")

    def line_of(key: str) -> int:
        match = re.search(rf"^{re.escape(key)}\s*:", text, re.MULTILINE)
        return text[: match.start()].count("\n") + 1 if match else 1

    return [problem for key, entry in data.items() if key != "__line__" for problem in _entry_problems(str(key), entry, where, line_of(str(key)))]


@cache
def load_references(path: Path = DATA_DIR / "references.yml") -> dict[str, dict]:
    problems = check_references(path)
    if problems:
        raise ContentError(problems)
    data = load_yaml(path)
    return {key: entry for key, entry in data.items()}


def reference_link(entry: dict) -> str:
    if entry.get("url"):
        return entry["url"]
    if entry.get("arxiv"):
        return f"https://arxiv.org/abs/{entry['arxiv']}"
    return f"https://doi.org/{entry['doi']}"


def _escape_markdown(text: str) -> str:
    from .render import escape_markdown  # render imports the site model; imported here, when used

    return escape_markdown(text.strip())


def format_reference(entry: dict) -> str:
    """The one citation format, as Markdown: `Authors (Year). [Title](link). Venue. arXiv:id.`"""
    authors = _escape_markdown(entry["authors"])
    # "Ba, J." and "et al." keep their period before the year; without a year the join adds one.
    parts = [f"{authors} ({entry['year']})" if entry.get("year") else authors.rstrip(".")]
    parts.append(f"[{_escape_markdown(entry['title']).rstrip('.')}]({reference_link(entry)})")
    if entry.get("venue"):
        parts.append(_escape_markdown(str(entry["venue"])))
    if entry.get("arxiv"):
        parts.append(f"arXiv:{entry['arxiv']}")
    elif entry.get("doi"):
        parts.append(f"doi:{entry['doi']}")
    return ". ".join(parts) + "."


@cache
def _shared_by_paper() -> dict[str, str]:
    """Each shared entry's key, by the paper's identity: arXiv id, DOI or URL."""
    return {_paper_identity(reference_link(entry)): key for key, entry in load_references().items()}


def _paper_identity(url: str) -> str:
    arxiv = _ARXIV_LINK.search(url)
    return f"arxiv:{arxiv[1]}" if arxiv else url.rstrip("/")


def shared_citation(item: str) -> tuple[str, str] | None:
    """For a note's reference item (Markdown after "- ") that links a paper of data/references.yml:
    (key, the item as the shared format writes it). None when it links no shared entry."""
    for url in _LINK_URL.findall(item):
        key = _shared_by_paper().get(_paper_identity(url))
        if key:
            return key, format_reference(load_references()[key])
    return None


def references_markdown(keys: list[str], heading: str, where: str = "", line: int = 1) -> str:
    """The references section appended to a page, or a ContentError naming unknown keys."""
    entries = load_references()
    unknown = [key for key in keys if key not in entries]
    if unknown:
        raise ContentError(Problem(where, line, "REF-UNKNOWN", f"references names unknown keys: {', '.join(unknown)} (add them to data/references.yml)"))
    items = "\n".join(f"{number}. {format_reference(entries[key])}" for number, key in enumerate(keys, 1))
    return f"\n\n## {heading} {{ #references }}\n\n{items}\n"
