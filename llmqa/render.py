"""Page-level decisions the hooks need, as pure functions over the site model."""

from __future__ import annotations

import posixpath
import re

from .content import DEFAULT_LANGUAGE
from .site import Entry, SiteModel

ANSWER_HEADING = re.compile(r'(<h2 id="(?:answer-(\d+)|kb-answer)"[^>]*>.*?</h2>)', re.DOTALL)


def page_kind(src_uri: str, meta: dict, topic_ids: set[str]) -> str:
    """home | topic | source | question | article | other, from the page's path and front matter."""
    parts = src_uri.split("/")
    name = parts[-1].split(".")[0]
    if len(parts) == 1 and name == "index":
        return "home"
    if len(parts) == 2 and parts[0] in topic_ids and name == "index":
        return "topic"
    if len(parts) == 2 and parts[0] == "sources" and name != "index":
        return "source"
    if len(parts) == 1 and name in ("glossary", "tags", "errata", "self-test", "downloads"):
        return name
    if len(parts) == 2 and parts[0] in topic_ids and "id" in meta:
        return "article" if meta.get("status") == "article" else "question"
    return "other"


def toc_size(toc) -> int:
    """Entries in a page's table of contents (MkDocs' TableOfContents or a list of items), at every level."""
    return sum(1 + toc_size(item.children) for item in toc or [])


def answer_credits(entry: Entry, model: SiteModel, language: str) -> list[dict]:
    """One credit per answer, in answer order: the sources whose role is `answer`."""
    credits = []
    for ref in entry.sources:
        if ref.get("role") not in ("answer", "article"):
            continue
        source = model.source(ref["article"])
        credits.append(
            {
                "source_id": source["id"],
                "title": source["title"],
                "title_en": source.get("title_en"),
                "section": ref.get("section"),
                "number": ref.get("number"),
                "url": ("" if language == DEFAULT_LANGUAGE else f"{language}/") + f"sources/{source['id']}/",
            }
        )
    return credits


def insert_after_answer_headings(html: str, render_credit) -> str:
    """Put `render_credit(n)` right after each `<h2 id="answer-n">` (n is 1-based) and
    `render_credit(0)` after the site-written answer's `<h2 id="kb-answer">`."""
    return ANSWER_HEADING.sub(lambda m: m[1] + render_credit(int(m[2]) if m[2] else 0), html)


def escape_markdown(text: str) -> str:
    """Text that Markdown shows as it is (a title inside link text).

    Brackets become character references and parentheses stay: a backslash before them would
    read as a formula's \\( or \\[ to arithmatex (171 pages showed titles such as
    "parameter-efficient fine-tuning (PEFT)" set as math)."""
    text = re.sub(r"([\\`*_{}#!])", r"\\\1", text)
    return text.replace("[", "&#91;").replace("]", "&#93;")


_CODE_SPANS = re.compile(r"(```.*?```|~~~.*?~~~|`[^`\n]*`)", re.DOTALL)


def expand_cross_references(markdown: str, src_uri: str, model: SiteModel, language: str, where: str, first_body_line: int = 1) -> str:
    """`[[question-id]]` becomes a Markdown link titled in the page's language.

    The link targets the Chinese file; mkdocs-static-i18n resolves it per language.
    Unknown ids raise ContentError with file and line. Code is left untouched.
    """
    from .errors import ContentError, Problem
    from .site import CROSS_REFERENCE

    depth = src_uri.count("/")
    entries = model.by_id()
    problems = []
    parts = _CODE_SPANS.split(markdown)
    offset = 0
    for index, part in enumerate(parts):
        if index % 2 == 0:

            def replace(match: re.Match, offset: int = offset) -> str:
                entry = entries.get(match[1])
                if entry is None:
                    line = first_body_line + markdown[: offset + match.start()].count("\n")
                    problems.append(Problem(where, line, "XREF-UNKNOWN", f"cross-reference [[{match[1]}]] names no question"))
                    return match[0]
                target = "../" * depth + entry.src_paths[DEFAULT_LANGUAGE]
                return f"[{escape_markdown(entry.title(language))}]({target})"

            parts[index] = CROSS_REFERENCE.sub(replace, part)
        offset += len(part)
    if problems:
        raise ContentError(problems)
    return "".join(parts)


_SKIP_TAGS = {"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "abbr", "script", "style", "kbd", "button"}
_TAG = re.compile(r"<(/?)([a-zA-Z0-9]+)[^>]*?(/?)>")
_FORMULA_CLASS = re.compile(r'\sclass="(?:katex|katex-display|arithmatex)[" ]')


def _is_ascii_word_char(text: str, index: int) -> bool:
    return 0 <= index < len(text) and text[index].isascii() and text[index].isalnum()


class AliasMatcher:
    """Finds glossary aliases, leftmost and then longest first; ASCII aliases only match whole words.

    A page is searched only for the aliases that occur in it (a plain substring test), and each
    alias is found with str.find: no regular expression is compiled per page, so the cost stays
    small however large the glossary and the site grow."""

    def __init__(self, by_alias: dict[str, dict]):
        self.by_alias = by_alias
        self._longest_first = sorted(by_alias, key=lambda a: (-len(a), a))

    def present(self, text: str) -> list[str]:
        """The aliases occurring anywhere in `text`, longest first."""
        return [alias for alias in self._longest_first if alias in text]

    def sub(self, text: str, aliases: list[str], replace) -> str:
        """`text` with each match of `aliases` replaced by `replace(alias)`, as re.sub would with their
        alternation: at each position the longest alias wins, and matches never overlap."""
        matches = []
        for alias in aliases:
            start = text.find(alias)
            while start != -1:
                end = start + len(alias)
                if not alias.isascii() or not (_is_ascii_word_char(text, start - 1) or _is_ascii_word_char(text, end)):
                    matches.append((start, -len(alias), alias))
                start = text.find(alias, start + 1)
        if not matches:
            return text
        matches.sort()
        out, position = [], 0
        for start, negative_length, alias in matches:
            if start < position:
                continue
            out.append(text[position:start])
            out.append(replace(alias))
            position = start - negative_length
        out.append(text[position:])
        return "".join(out)


def glossary_matcher(glossary: list[dict]) -> tuple[AliasMatcher, dict[str, dict]]:
    by_alias: dict[str, dict] = {}
    for term in glossary:
        for alias in term.get("aliases", []):
            by_alias[alias] = term
    return AliasMatcher(by_alias), by_alias


def mark_terms(html: str, matcher: AliasMatcher, by_alias: dict[str, dict], render_term) -> tuple[str, list[dict]]:
    """Mark the first occurrence of each glossary term in text, never in code, links or headings.

    Returns the new HTML and the terms found, in order of first occurrence.
    """
    aliases = matcher.present(_TAG.sub("\x00", html))  # text only: KaTeX's markup is most of a page with formulas
    if not aliases:
        return html, []
    out: list[str] = []
    seen: dict[str, dict] = {}

    def mark(text: str) -> str:
        if not text.strip():
            return text

        def replace(alias: str) -> str:
            term = by_alias[alias]
            if term["id"] in seen:
                return alias
            seen[term["id"]] = term
            return render_term(term, alias)

        return matcher.sub(text, aliases, replace)

    skip_depth = 0
    formula, formula_depth = None, 0  # inside a formula (its tag name), never marked: KaTeX's HTML and its TeX annotation
    position = 0
    for tag in _TAG.finditer(html):
        segment = html[position:tag.start()]
        out.append(mark(segment) if skip_depth == 0 and formula is None else segment)
        name = tag[2].lower()
        if formula is not None:
            if name == formula and not tag[3]:
                formula_depth += -1 if tag[1] else 1
                if formula_depth == 0:
                    formula = None
        elif not tag[1] and not tag[3] and name in ("span", "div") and _FORMULA_CLASS.search(tag[0]):
            formula, formula_depth = name, 1
        elif name in _SKIP_TAGS and not tag[3]:
            skip_depth += -1 if tag[1] else 1
            skip_depth = max(skip_depth, 0)
        out.append(tag[0])
        position = tag.end()
    tail = html[position:]
    out.append(mark(tail) if skip_depth == 0 and formula is None else tail)
    return "".join(out), list(seen.values())


_LATIN = re.compile(r"[a-z]")


def reading_key(text: str, language: str) -> str:
    """How a reader of `language` expects `text` to be ordered: Chinese by pinyin (汉语拼音),
    English by letters, case ignored. Latin letters inside Chinese names sort as letters."""
    if language == "zh":
        from pypinyin import lazy_pinyin

        text = " ".join(lazy_pinyin(text))  # Han characters become pinyin; other runs stay as they are
    return " ".join(text.lower().split())


def index_letter(key: str) -> str:
    """The letter a reading key is filed under: A–Z, or # for names that begin with a digit or sign."""
    return key[0].upper() if key and _LATIN.match(key[0]) else "#"


def _repeats(short: str, name: str) -> bool:
    """Whether `short` (an abbreviation or alias) already appears in `name` as a whole word."""
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(short)}(?![A-Za-z0-9])", name, re.IGNORECASE) is not None


def glossary_letters(glossary: list[dict], language: str) -> list[dict]:
    """The glossary as a reader of `language` looks it up: groups by initial letter (A–Z, then #),
    terms in reading order; each term's heading shows its abbreviation only if the name lacks it
    ("GPT", not "GPT (GPT)"), and its aliases leave out the names already shown."""
    other = "en" if language == "zh" else "zh"
    groups: dict[str, list[tuple[str, dict]]] = {}
    for term in glossary:
        key = reading_key(term[language], language)
        abbr = term.get("abbr")
        shown = [term[language], term[other]] + ([abbr] if abbr else [])
        entry = {
            **term,
            "name": term[language],
            "abbr_shown": abbr if abbr and not _repeats(abbr, term[language]) else None,
            "other_name": term[other],
            "other_aliases": [a for a in term.get("aliases", []) if not any(a.lower() == s.lower() for s in shown)],
        }
        groups.setdefault(index_letter(key), []).append((key, entry))
    letters = sorted(groups, key=lambda letter: (letter == "#", letter))
    return [{"letter": letter, "anchor": "letter-" + ("other" if letter == "#" else letter.lower()), "terms": [e for _, e in sorted(groups[letter], key=lambda item: item[0])]} for letter in letters]


# Material's defaults (title 1000, tags 1e6) let a word in any title or tag outrank a page
# that discusses the subject: an unanswered question's title beat the answered page.
FIELD_BOOSTS = {"title": 50.0, "text": 1.0, "tags": 10.0}


def _search_config(config: dict) -> dict:
    fields = {name: {**spec, "boost": FIELD_BOOSTS.get(name, spec.get("boost", 1.0))} for name, spec in config.get("fields", {}).items()}
    return {**config, "fields": fields}


_LONE_HAN = re.compile(r"(?<=[\u4e00-\u9fff])\u200b(?=[\u4e00-\u9fff](?:\u200b|[^\u4e00-\u9fff]|$))")


def glue_single_characters(text: str) -> str:
    """Attach one-character Chinese tokens (的, 是, 微…) to the word before them.

    Material splits a Chinese query against the index vocabulary and also searches every
    prefix it finds, so a lone "微" in the vocabulary made "微调" match "微软". Queries end in a
    wildcard, so "模型*" still finds the glued "模型的". The visible text does not change.
    """
    return _LONE_HAN.sub("", text)


def merge_answer_sections(docs: list[dict]) -> list[dict]:
    """Fold every section of a question page (one with an `answer-N` or `kb-answer` section) into
    its page entry.

    lunr scores every section on its own, so a query such as "分词器 原理" with one word in the
    title and the other in the answer matched neither strongly, and a site-written answer's
    sub-headings ("原理", "易错点") made generic words match random sections; one entry per
    question does better. Other pages (the glossary's terms) keep their sections.
    """
    pages = {doc["location"]: doc for doc in docs if "#" not in doc["location"]}
    questions = {doc["location"].partition("#")[0] for doc in docs if re.match(r"(answer-\d+|kb-answer)$", doc["location"].partition("#")[2])}
    folded = set()
    for doc in docs:
        path, _, anchor = doc["location"].partition("#")
        if anchor and path in questions and path in pages:
            parent = pages[path]
            parent["text"] = (parent.get("text", "") + " " + doc.get("title", "") + " " + doc.get("text", "")).strip()
            parent.setdefault("headings", []).append(doc.get("title", ""))  # weighed above body text
            folded.add(id(doc))
    return [{**doc, "title": glue_single_characters(doc.get("title", "")), "text": glue_single_characters(doc.get("text", ""))} for doc in docs if id(doc) not in folded]


def split_search_index(index: dict, languages: list[str], title_suffixes: dict[str, str] | None = None) -> dict[str, dict]:
    """mkdocs-static-i18n writes one index for all languages; give each language its own.

    Locations of a non-default language lose their prefix: its pages resolve them against
    that language's root (see overrides/main.html). `title_suffixes` (location -> text, with
    the language prefix) marks results, such as questions still awaiting an answer."""
    suffixes = title_suffixes or {}
    index = {**index, "docs": [{**doc, "title": doc.get("title", "") + suffixes[doc["location"]]} if doc["location"] in suffixes else doc for doc in index["docs"]]}
    split = {}
    for language in languages:
        prefix = "" if language == DEFAULT_LANGUAGE else f"{language}/"
        others = tuple(f"{other}/" for other in languages if other != DEFAULT_LANGUAGE and other != language)
        docs = [
            doc for doc in index["docs"]
            if (doc["location"].startswith(prefix) if prefix else not doc["location"].startswith(tuple(f"{o}/" for o in languages if o != DEFAULT_LANGUAGE)))
            and not doc["location"].startswith(others)
        ]
        if prefix:
            docs = [{**doc, "location": doc["location"][len(prefix):]} for doc in docs]
        split[language] = {**index, "config": _search_config(index["config"]), "docs": merge_answer_sections(docs)}
    return split


_HREF = re.compile(r'\b(href|src)="([^"#?][^"]*)"')
_ID_ATTR = re.compile(r'\s(id)="([^"]+)"')


def rebase_links(html: str, from_url: str, to_url: str) -> str:
    """Rewrite relative links in HTML rendered for page `from_url` so they work on `to_url`.

    URLs are site-root relative directory URLs such as "sft/x/"; `to_url` may be absolute
    ("https://…/") to make every link absolute (for exports).
    """
    from posixpath import join, normpath, relpath

    def rewrite(match: re.Match) -> str:
        target = match[2]
        if re.match(r"^[a-z][a-z0-9+.-]*:|^/|^//", target):
            return match[0]
        resolved = normpath(join("/" + from_url, target)).lstrip("/")
        if target.endswith("/") and not resolved.endswith("/"):
            resolved += "/"
        if re.match(r"^https?://", to_url):
            new = to_url.rstrip("/") + "/" + resolved
        else:
            new = relpath("/" + resolved, "/" + to_url) + ("/" if resolved.endswith("/") else "")
            new = new.replace("//", "/")
        return f'{match[1]}="{new}"'

    return _HREF.sub(rewrite, html)


def prefix_ids(html: str, prefix: str) -> str:
    """Keep element ids unique when several pages' HTML is shown on one page."""
    html = _ID_ATTR.sub(lambda m: f' id="{prefix}-{m[2]}"', html)
    return re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m[1]}"', html)


def html_to_text(html: str) -> str:
    text = re.sub(r"<(br|/p|/li|/h\d|/tr)\s*/?>", "\n", html)
    text = re.sub(r"<[^>]+>", "", text)
    import html as html_lib

    return re.sub(r"\n{3,}", "\n\n", html_lib.unescape(text).replace("¶", "")).strip()


def _directory_url(md_path: str) -> str:
    """The URL directory of a Markdown page with directory URLs: sft/x.md -> sft/x/, sft/index.md -> sft/."""
    stem = md_path.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("index") if stem.endswith("/index") else stem + "/"


def language_redirects(redirect_maps: dict[str, str], language: str) -> dict[str, str]:
    """The old URLs of moved pages under a language's root (en/...), which mkdocs-redirects does not
    write: it writes the redirect_maps of the default language only. Maps the old page's index.html,
    relative to the site root, to the new page's URL relative to that file's directory."""
    root = f"{language}/" if language else ""  # "" gives the default language's, as mkdocs-redirects writes them
    redirects = {}
    for old, new in redirect_maps.items():
        old_dir, new_dir = root + _directory_url(old), root + _directory_url(new)
        redirects[f"{old_dir}index.html"] = posixpath.relpath(new_dir, old_dir) + "/"
    return redirects


_DIV = re.compile(r"<(/?)div\b[^>]*>")


def self_test_card(html: str) -> str:
    """What a self-test card shows of an answered page: every source answer, and of the answer
    written for the site only its short answer (the `!!! abstract` block); the title links to the rest.
    Formula-heavy answers would otherwise make the self-test page several megabytes."""
    start = html.find('<h2 id="kb-answer"')
    if start == -1:
        return html
    sources, written = html[:start], html[start:]
    opening = written.find('<div class="admonition abstract">')
    if opening == -1:
        return html
    depth = 0
    for match in _DIV.finditer(written, opening):
        depth += -1 if match[1] else 1
        if depth == 0:
            return sources + written[opening:match.end()]
    return html
