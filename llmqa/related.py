"""Related questions: TF-IDF over jieba-segmented text plus shared tags, via an inverted index.

Each page is compared only with pages that share one of its most distinctive terms, so the cost
grows with the number of pages times a bounded query size, not with the number of pairs.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

import jieba

QUERY_TERMS = 30  # most distinctive terms of a page used to look for its neighbours
MAX_DF_SHARE = 0.15  # terms on more pages than this carry no signal and long postings lists
MAX_POSTINGS = 150  # ... and so do terms on more pages than this: it bounds the work per page,
# which keeps the whole computation linear in the number of pages
TAG_WEIGHT = 0.15
THRESHOLD = 0.12
LIMIT = 5

_CJK_WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$")
_ASCII_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9+\-.]*$")
_MARKUP = re.compile(r"\{ #[^}]*\}|!!! \w+ \"[^\"]*\"|\[\d+(?:,\d+)*\]|https?://\S+|[#>*_`\\|]")
STOPWORDS = set(
    "什么 可以 如何 哪些 进行 一个 这些 这种 通过 使用 需要 以及 或者 因为 所以 可能 能够 如果 那么 然后 其中 "
    "我们 他们 它们 以下 之间 方面 一些 具体 不同 主要 通常 问题 方法 回答 答案 是否 区别 有些 还是 就是 而且 但是 "
    "同时 此外 例如 比如 之后 之前 时候 情况 来说 一般 其他 相关 分别 怎么 为什么".split()
) | {"the", "and", "for", "with", "of", "to", "in", "is", "are", "an", "or", "on", "by", "as"}


@dataclass(frozen=True)
class Doc:
    id: str
    text: str
    tags: tuple[str, ...] = ()


def add_terms(terms: list[str]) -> None:
    """Teach jieba multi-character terms (from the glossary) so they stay whole."""
    for term in terms:
        if re.search(r"[\u4e00-\u9fff]", term) and " " not in term:
            jieba.add_word(term, freq=2000)


def tokenize(text: str) -> list[str]:
    tokens = []
    for token in jieba.lcut(_MARKUP.sub(" ", text), HMM=False):  # dictionary only: ~3x faster, same terms
        token = token.strip()
        if _CJK_WORD.match(token) and token not in STOPWORDS:
            tokens.append(token)
        elif _ASCII_WORD.match(token) and len(token) > 1 and token.lower() not in STOPWORDS:
            tokens.append(token.lower())
    return tokens


def compute_related(docs: list[Doc], *, limit: int = LIMIT, threshold: float = THRESHOLD) -> dict[str, list[tuple[str, float]]]:
    """For each doc id, up to `limit` (id, score) pairs above `threshold`, best first."""
    counts = [Counter(tokenize(doc.text)) for doc in docs]
    df: Counter = Counter()
    for count in counts:
        df.update(count.keys())
    n = len(docs)
    idf = {term: math.log((n + 1) / (freq + 1)) + 1 for term, freq in df.items()}
    vectors = []
    for count in counts:
        weights = {t: (1 + math.log(c)) * idf[t] for t, c in count.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        vectors.append({t: w / norm for t, w in weights.items()})
    max_df = max(2, min(int(MAX_DF_SHARE * n), MAX_POSTINGS))
    postings: dict[str, list[int]] = defaultdict(list)
    for index, vector in enumerate(vectors):
        for term in vector:
            if df[term] <= max_df:
                postings[term].append(index)
    tag_sets = [set(doc.tags) for doc in docs]
    by_tag: dict[str, list[int]] = defaultdict(list)
    for position, tags in enumerate(tag_sets):
        for tag in tags:
            by_tag[tag].append(position)
    result: dict[str, list[tuple[str, float]]] = {}
    for index, vector in enumerate(vectors):
        query = sorted(vector.items(), key=lambda item: (-item[1], item[0]))[:QUERY_TERMS]
        scores: dict[int, float] = defaultdict(float)
        for term, weight in query:
            for other in postings.get(term, ()):
                if other != index:
                    scores[other] += weight * vectors[other][term]
        for tag in tag_sets[index]:  # pages sharing a tag are candidates even without shared words
            for other in by_tag[tag]:
                if other != index:
                    scores.setdefault(other, 0.0)
        ranked = []
        for other, score in scores.items():
            union = tag_sets[index] | tag_sets[other]
            if union:
                score += TAG_WEIGHT * len(tag_sets[index] & tag_sets[other]) / len(union)
            if score >= threshold:
                ranked.append((docs[other].id, round(score, 4)))
        ranked.sort(key=lambda item: (-item[1], item[0]))
        result[docs[index].id] = ranked[:limit]
    return result


def apply_overrides(related: dict[str, list[tuple[str, float]]], forced: dict[str, list[str]], excluded: dict[str, list[str]], *, limit: int = LIMIT) -> dict[str, list[str]]:
    """Forced links come first and go both ways; exclusions win over everything computed."""
    links: dict[str, list[str]] = {doc_id: [] for doc_id in related}
    for source, targets in forced.items():
        for target in targets:
            for a, b in ((source, target), (target, source)):
                if b not in links[a] and b not in excluded.get(a, ()):
                    links[a].append(b)
    for doc_id, ranked in related.items():
        for other, _ in ranked:
            if len(links[doc_id]) >= limit:
                break
            if other not in links[doc_id] and other not in excluded.get(doc_id, ()) and doc_id not in excluded.get(other, ()):
                links[doc_id].append(other)
    return links
