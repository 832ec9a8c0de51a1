"""Quality of the "related questions" links against hand-judged pairs (tests/data/related_gold.yml),
their determinism, and their behaviour on a synthetic corpus of a few thousand pages."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from llmqa.related import THRESHOLD, Doc, compute_related, tokenize
from llmqa.site import SiteModel, load_site

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "data" / "related_gold.yml"
MIN_RECALL = 0.8


@pytest.fixture(scope="module")
def model() -> SiteModel:
    return load_site(ROOT / "docs", ROOT / "sources")


@pytest.fixture(scope="module")
def gold() -> dict[str, list[list[str]]]:
    return yaml.safe_load(GOLD.read_text(encoding="utf-8"))


def linked(related: dict[str, list[str]], a: str, b: str) -> bool:
    return b in related.get(a, []) or a in related.get(b, [])


def model_docs(model: SiteModel) -> list[Doc]:
    """The same documents SiteModel.related feeds to compute_related."""
    return [Doc(e.id, f"{e.titles['zh']}\n{e.titles['zh']}\n{e.titles.get('en', '')}\n{e.bodies.get('zh', '')}", tuple(e.tags)) for e in model.entries]


def test_gold_file_is_well_formed(model, gold):
    ids = {entry.id for entry in model.entries}
    assert len(gold["related"]) >= 35 and len(gold["unrelated"]) >= 6
    pairs = [tuple(pair) for group in ("related", "unrelated") for pair in gold[group]]
    assert all(len(pair) == 2 and pair[0] != pair[1] for pair in pairs), pairs
    unknown = sorted({i for pair in pairs for i in pair} - ids)
    assert not unknown, f"gold pairs name unknown ids: {unknown}"
    keys = [frozenset(pair) for pair in pairs]
    assert len(keys) == len(set(keys)), "a pair is listed twice (or as both related and unrelated)"


def test_related_links_match_gold_pairs(model, gold):
    related = model.related
    hits = [pair for pair in gold["related"] if linked(related, *pair)]
    misses = [pair for pair in gold["related"] if not linked(related, *pair)]
    wrong = [pair for pair in gold["unrelated"] if linked(related, *pair)]
    recall = len(hits) / len(gold["related"])
    precision = len(hits) / (len(hits) + len(wrong)) if hits or wrong else 0.0
    print(
        f"\nrelated links vs gold: recall {recall:.3f} ({len(hits)}/{len(gold['related'])}), "
        f"precision on labelled pairs {precision:.3f} ({len(hits)} linked related, {len(wrong)} linked unrelated)"
    )
    for a, b in misses:
        print(f"  missed related pair: {a} <-> {b}")
    for a, b in wrong:
        print(f"  linked unrelated pair: {a} <-> {b}")
    assert not wrong, f"pairs judged unrelated are linked: {wrong}"
    assert recall >= MIN_RECALL, f"recall {recall:.3f} < {MIN_RECALL}; missed: {misses}"


@pytest.mark.parametrize(
    "group",
    [
        ("what-is-repetition", "why-repetition-happens", "mitigate-repetition"),
        ("prefix-lm-vs-causal-lm", "prefix-causal-encoder-decoder"),
    ],
)
def test_sibling_questions_link_each_other_both_ways(model, group):
    related = model.related
    missing = [(a, b) for a in group for b in group if a != b and b not in related.get(a, [])]
    assert not missing, f"links missing (from -> to): {missing}; related: { {a: related.get(a) for a in group} }"


def test_related_is_deterministic(model):
    docs = model_docs(model)
    assert compute_related(docs) == compute_related(docs)
    # The whole pipeline (overrides included), recomputed without the cached_property's cache.
    first, second = SiteModel.related.func(model), SiteModel.related.func(model)
    assert first == second
    assert first == model.related


def test_related_on_3000_synthetic_docs(model):
    """A corpus ~10x the real one, words sampled from the real answers: bounded links, all above threshold."""
    rng = random.Random(20240601)
    vocabulary = sorted({token for entry in model.entries for token in tokenize(entry.bodies.get("zh", ""))})
    frequent = [  # every occurrence, so common words are drawn often (a Zipf-like mix)
        token for entry in model.entries for token in tokenize(entry.bodies.get("zh", ""))
    ]
    tag_pool = sorted({tag for entry in model.entries for tag in entry.tags})
    assert len(vocabulary) > 500 and tag_pool
    docs = []
    for number in range(3000):
        words = rng.choices(vocabulary, k=rng.randint(20, 80)) + rng.choices(frequent, k=rng.randint(20, 120))
        tags = tuple(rng.sample(tag_pool, k=rng.randint(1, 3)))
        docs.append(Doc(f"synthetic-{number:04d}", " ".join(words), tags))
    related = compute_related(docs)
    assert set(related) == {doc.id for doc in docs}
    for doc_id, links in related.items():
        assert len(links) <= 5, (doc_id, links)
        assert all(score >= THRESHOLD for _, score in links), (doc_id, links)
        assert all(other != doc_id for other, _ in links), (doc_id, links)
        assert [score for _, score in links] == sorted((score for _, score in links), reverse=True)
    linked_docs = sum(1 for links in related.values() if links)
    print(f"\nsynthetic corpus: {len(docs)} docs, {linked_docs} with at least one related link, vocabulary {len(vocabulary)}")
