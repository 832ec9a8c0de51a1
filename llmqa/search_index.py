"""The site's search index: an inverted index split into small files, so a search fetches only the
words it looks for.

Material's worker downloaded every page's text and built a lunr index in the browser on each cold
load: 0.5 MB gzip for today's 235 answers, 2 MB and 5 s at 5,000 questions. Here the build does
that work once. The browser (docs/assets/javascripts/search-worker.js, which speaks Material's
worker protocol, so Material's search box, keyboard use and highlighting stay) fetches a small
manifest, the term files for the query's first letters, and the teasers of the results it shows.

Files, under each language's `search/kb/`:
- `manifest.json`: every entry's location, title, parent entry and boost; which term file holds
  the terms starting with a given key; the names of the term and teaser files.
- `t-<hash>.json`: `{term: [entry, score, entry, score, …]}`, entries delta-encoded, scores the
  BM25-style weight of the term in the entry ×10.
- `f-<hash>.json`: `[[teaser, tags], …]` for a run of consecutive entries.

Tokens (kept identical to `tokenize` in the worker; tests/test_search_index.py runs both):
lowercase; runs of Han characters as the build's jieba segmentation left them (U+200B between
words), at least two characters long; Latin words and numbers (stemmed lightly: "models" is
"model"); and names joined by "-" or "." ("r-drop", "gpt-3.5") also as one token, so they match
as a whole before their halves do.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

FORMAT_VERSION = 1
SEARCH_FILES_DIR = "kb"  # beside search_index.json
TOKEN = re.compile(r"[\u3400-\u9fff]+|[0-9a-z\u00e0-\u00ff\u03b1-\u03c9]+(?:\.[0-9]+)*")
COMPOUND = re.compile(r"[0-9a-z]+(?:[-.][0-9a-z]+)+")
HAN = re.compile(r"[\u3400-\u9fff]+$")
TAG = re.compile(r"<[^>]*>")
SPACE = re.compile(r"[\s\u200b]+")
# Words that carry no topic; dropped from the index and, when a query has other words, from queries.
STOPWORDS = sorted(set(
    "a an the of to in on at by for from and or is are was were be been it its this that these those "
    "what why how which when who does do did with between can should would i you my we our your as "
    "vs versus than then there their e.g i.e difference differences compare compared comparison explain "
    "explained".split()
))
K1 = 1.2
B = 0.5  # length normalisation, gentler than BM25's 0.75 …
MAX_LENGTH_RATIO = 3.0  # … and capped, so a long article is not buried for a word only it has
FIELD_WEIGHTS = {"title": 3.0, "headings": 1.5, "tags": 1.5, "text": 1.0, "keywords": 0.3}
TITLE_BONUS = 1.0  # added once when the term is in the title
SUBWORD_WEIGHT = 0.5  # "模型的" counts half for "模型"
SCORE_SCALE = 10
TEASER_CHARS = 360
CHUNK = 16  # entries per teaser file
SHARD_TARGET_BYTES = 24_000  # raw JSON per term file, before gzip


def plain(html_text: str) -> str:
    """Visible text of an index entry: tags out, entities decoded, U+200B kept as a word break."""
    return html.unescape(TAG.sub(" ", html_text or ""))


def display_text(text: str) -> str:
    """Text as a reader sees it: no U+200B, single spaces, no punctuation left at the start."""
    text = SPACE.sub(" ", text.replace("\u200b", "")).strip()
    return re.sub(r"^[\s,.;:!?,。;:!?、)\]》」』]+", "", text)


def stem(word: str) -> str:
    """A light English stemmer, the same as the worker's: plurals only."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "os")) and not word[-2].isdigit():
        return word[:-1]
    return word


def _han(token: str) -> bool:
    return "\u3400" <= token[0] <= "\u9fff"  # TOKEN's runs are all Han or all not


_STEMS: dict[str, str] = {}


def tokenize(text: str) -> list[str]:
    """Index tokens of plain text, in order (see the module docstring)."""
    lowered = text.lower()
    tokens = []
    for token in TOKEN.findall(lowered):
        if _han(token):
            if len(token) >= 2:
                tokens.append(token)
        elif token not in _STOP:
            stemmed = _STEMS.get(token)
            if stemmed is None:
                stemmed = _STEMS[token] = stem(token)
            tokens.append(stemmed)
    for compound in COMPOUND.findall(lowered.replace("\u200b", "")):
        if "-" in compound or re.search(r"[a-z]", compound):
            if not re.fullmatch(r"[0-9.]+", compound):
                tokens.append(compound)
    return tokens


_STOP = frozenset(STOPWORDS)


def subwords(word: str, vocabulary: set[str]) -> list[str]:
    """Shorter words of the vocabulary inside a Han word of three or more characters."""
    found = []
    for size in range(len(word) - 1, 1, -1):
        for start in range(len(word) - size + 1):
            inner = word[start:start + size]
            if inner in vocabulary and inner not in found:
                found.append(inner)
    return found


def shard_key(term: str) -> str:
    """Which term file holds `term`: its first character if Han, else its first two."""
    return term[0] if _han(term) else term[:2]


@dataclass
class _Entry:
    location: str
    title: str
    parent: int
    boost: float
    teaser: str
    tags: list[str]
    fields: dict[str, list[str]] = field(default_factory=dict)


def _keyword_block(labels: list[str]) -> re.Pattern | None:
    if not labels:
        return None
    # jieba's U+200B may sit anywhere in the label ("本页\u200b术语")
    spelled = ["[\u200b]*".join(map(re.escape, label)) for label in labels]
    return re.compile(r"<p>[\s\u200b]*(?:" + "|".join(spelled) + r")[\s\u200b]*[::](.*?)</p>", re.S)


def _entries(docs: list[dict], keyword_labels: list[str], tag_labels: dict[str, str]) -> list[_Entry]:
    """`keyword_labels` start the block of glossary names on a page ("本页术语: …"): its names
    find the page in either language, but weakly, and stay out of the teaser. Tags are shown and
    found by their label in the index's language (`tag_labels`: id -> label), and found by id too."""
    positions = {doc["location"]: i for i, doc in enumerate(docs)}
    block = _keyword_block(keyword_labels)
    entries = []
    for doc in docs:
        page, _, anchor = doc["location"].partition("#")
        html_text, keywords = doc.get("text", ""), ""
        if block is not None:
            keywords = " ".join(plain(match) for match in block.findall(html_text))
            html_text = block.sub(" ", html_text)
        text = plain(html_text)
        entries.append(_Entry(
            location=doc["location"],
            title=display_text(plain(doc.get("title", ""))),
            parent=positions.get(page, -1) if anchor else -1,
            boost=float(doc.get("boost", 1.0)),
            teaser=display_text(text)[:TEASER_CHARS],
            tags=[display_text(tag_labels.get(tag, tag)) for tag in doc.get("tags", [])],
            fields={
                "title": tokenize(plain(doc.get("title", ""))),
                "headings": [t for heading in doc.get("headings", []) for t in tokenize(plain(heading))],
                "tags": [t for tag in doc.get("tags", []) for t in dict.fromkeys(tokenize(tag) + tokenize(tag_labels.get(tag, "")))],
                "text": tokenize(text),
                "keywords": tokenize(keywords),
            },
        ))
    return entries


def _scores(entries: list[_Entry]) -> dict[str, dict[int, int]]:
    """term -> entry -> quantised weight."""
    vocabulary = {t for e in entries for tokens in e.fields.values() for t in set(tokens) if _han(t)}
    lengths = [len(e.fields["text"]) + len(e.fields["title"]) for e in entries]
    average = (sum(lengths) / len(lengths)) if lengths else 1.0
    split_cache: dict[str, list[str]] = {}
    postings: dict[str, dict[int, int]] = {}
    for number, (entry, length) in enumerate(zip(entries, lengths, strict=True)):
        weights: Counter[str] = Counter()
        titled: set[str] = set()
        for name, tokens in entry.fields.items():
            weight = FIELD_WEIGHTS[name]
            for token, count in Counter(tokens).items():
                weights[token] += weight * count
                if name == "title":
                    titled.add(token)
                if len(token) >= 3 and _han(token):
                    if token not in split_cache:
                        split_cache[token] = subwords(token, vocabulary)
                    for inner in split_cache[token]:
                        weights[inner] += weight * count * SUBWORD_WEIGHT
                        if name == "title":
                            titled.add(inner)
        norm = 1 - B + B * min(length / average if average else 1.0, MAX_LENGTH_RATIO)
        for term, tf in weights.items():
            score = tf * (K1 + 1) / (tf + K1 * norm) + (TITLE_BONUS if term in titled else 0.0)
            postings.setdefault(term, {})[number] = max(1, round(score * SCORE_SCALE))
    return postings


def _name(prefix: str, data: str) -> str:
    return f"{prefix}-{hashlib.sha256(data.encode('utf-8')).hexdigest()[:10]}.json"


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def alias_term(name: str) -> str | None:
    """The one index term a glossary name stands for ("分词器", "tokenizer", "pre-training"), if any."""
    lowered = name.strip().lower()
    if HAN.match(lowered):
        return lowered if len(lowered) >= 2 else None
    if re.fullmatch(r"[0-9a-z]+", lowered):
        return stem(lowered)
    if COMPOUND.fullmatch(lowered):
        return lowered
    return None


def synonym_groups(glossary: list[dict], known: set[str]) -> list[list[str]]:
    """Index terms that name the same glossary entry, for query expansion: "分词器" also finds
    "tokenizer". Only names the index has, and only groups of two or more."""
    groups = []
    for term in glossary:
        names = [term.get("zh", ""), term.get("en", ""), *term.get("aliases", [])]
        group = sorted({t for t in map(alias_term, names) if t and t in known})
        if len(group) >= 2:
            groups.append(group)
    return groups


def build_search_files(
    docs: list[dict], glossary: list[dict] | None = None, keyword_labels: list[str] | None = None, tag_labels: dict[str, str] | None = None,
) -> dict[str, str]:
    """The files of one language's index, name -> JSON text (`manifest.json` among them)."""
    entries = _entries(docs, keyword_labels or [], tag_labels or {})
    postings = _scores(entries)
    by_key: dict[str, dict[str, list[int]]] = {}
    for term in sorted(postings):
        flat, previous = [], 0
        for number, score in sorted(postings[term].items()):
            flat += [number - previous, score]
            previous = number
        by_key.setdefault(shard_key(term), {})[term] = flat
    files: dict[str, str] = {}
    shard_names: list[str] = []
    keys: dict[str, int] = {}
    batch: dict[str, list[int]] = {}
    batch_keys: list[str] = []
    size = 0

    def flush() -> None:
        nonlocal batch, batch_keys, size
        if not batch:
            return
        data = _dump(batch)
        name = _name("t", data)
        files[name] = data
        for key in batch_keys:
            keys[key] = len(shard_names)
        shard_names.append(name)
        batch, batch_keys, size = {}, [], 0

    for key in sorted(by_key):
        terms = by_key[key]
        batch.update(terms)
        batch_keys.append(key)
        size += len(_dump(terms))
        if size >= SHARD_TARGET_BYTES:
            flush()
    flush()
    fragment_names = []
    for start in range(0, len(entries), CHUNK):
        data = _dump([[e.teaser, e.tags] for e in entries[start:start + CHUNK]])
        name = _name("f", data)
        files[name] = data
        fragment_names.append(name)
    files["manifest.json"] = _dump({
        "version": FORMAT_VERSION,
        "entries": [[e.location, e.title, e.parent, e.boost] for e in entries],
        "keys": keys,
        "terms": shard_names,
        "teasers": fragment_names,
        "chunk": CHUNK,
        "stopwords": STOPWORDS,
        "scale": SCORE_SCALE,
        "synonyms": synonym_groups(glossary or [], set(postings)),
    })
    return files


def write_search_files(
    directory: Path, docs: list[dict], glossary: list[dict] | None = None, keyword_labels: list[str] | None = None, tag_labels: dict[str, str] | None = None,
) -> None:
    """Replace `directory` with the index of `docs`: written beside it, then swapped in."""
    import shutil
    import tempfile

    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".kb-search-", dir=directory.parent))
    try:
        for name, data in build_search_files(docs, glossary, keyword_labels, tag_labels).items():
            (staging / name).write_text(data, encoding="utf-8")
        shutil.rmtree(directory, ignore_errors=True)
        staging.rename(directory)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def read_search_files(directory: Path) -> dict:
    """The index written by `write_search_files`, as the browser sees it: for tests and the benchmark.
    Returns the manifest plus `postings` (term -> {entry: score}) and `teasers` (entry -> [teaser, tags])."""
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    postings: dict[str, dict[int, int]] = {}
    for name in manifest["terms"]:
        for term, flat in json.loads((directory / name).read_text(encoding="utf-8")).items():
            number, decoded = 0, {}
            for i in range(0, len(flat), 2):
                number += flat[i]
                decoded[number] = flat[i + 1]
            postings[term] = decoded
    teasers = [item for name in manifest["teasers"] for item in json.loads((directory / name).read_text(encoding="utf-8"))]
    return {**manifest, "postings": postings, "teaser_list": teasers}
