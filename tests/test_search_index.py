"""The search index the build writes (llmqa/search_index.py) and the worker that reads it
(docs/assets/javascripts/search-worker.js): the same tokens on both sides, scores that rank
titles and whole names first, and the files a built site ships."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from llmqa.search_index import (
    SEARCH_FILES_DIR,
    TEASER_CHARS,
    build_search_files,
    read_search_files,
    shard_key,
    tokenize,
    write_search_files,
)

ROOT = Path(__file__).resolve().parent.parent
WORKER = ROOT / "docs/assets/javascripts/search-worker.js"
SAMPLES = [
    "R-Drop 和 GPT-3.5 的 P-tuning v2",
    "什么是\u200bLLMs\u200b复读机\u200b问题\u200b?",
    "Tokenizers, models and attention heads: BM25-style scoring (e.g. 3.5 vs 35).",
    "Pre-Norm 与 Post-Norm 的区别;RMSNorm、SwiGLU 的作用。",
    "α-entmax, naïve café, queries studies buses class",
    "<p>不是 HTML</p> &amp; x.y.z 1.5-flash",
]


def worker_tokens(texts: list[str]) -> list[list[str]]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is missing: the build needs it too (make install)")
    script = (
        "const w = require(process.argv[1]);"
        "const stop = new Set(JSON.parse(process.argv[2]));"
        "const texts = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(texts.map(t => w.tokenize(t, stop))));"
    )
    from llmqa.search_index import STOPWORDS

    done = subprocess.run([node, "-e", script, str(WORKER), json.dumps(STOPWORDS)], input=json.dumps(texts), capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_worker_and_build_split_text_the_same_way():
    answers = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "docs").glob("*/*.md"))[:40]]
    texts = SAMPLES + answers
    assert worker_tokens(texts) == [tokenize(text) for text in texts]


def test_names_match_as_a_whole_and_by_their_parts():
    tokens = tokenize("R-Drop 与 GPT-3.5 和 P-tuning")
    assert {"r-drop", "r", "drop", "gpt-3.5", "gpt", "3.5", "p-tuning", "tuning"} <= set(tokens)
    assert tokenize("Tokenizers and the models") == ["tokenizer", "model"]  # stopwords out, plurals folded
    assert tokenize("是\u200b微调\u200b的") == ["微调"]  # one-character Han words carry no topic
    assert shard_key("微调") == "微" and shard_key("lora") == "lo" and shard_key("x") == "x"


def docs() -> list[dict]:
    return [
        {"location": "a/", "title": "LoRA 是什么?", "text": "<p>低秩\u200b适配\u200b。</p>", "tags": ["peft"]},
        {"location": "b/", "title": "全量微调", "text": "<p>" + "微调\u200b显存\u200b。" * 200 + "LoRA 只在这里出现一次。</p>"},
        {"location": "c/", "title": "长文", "text": "<p>" + "无关\u200b内容\u200b。" * 3000 + "R-Drop\u200b一致性</p>"},
        {"location": "d/", "title": "Dropout", "text": "<p>drop 和 dropout 很常见。</p>"},
        {"location": "g/", "title": "术语表", "text": ""},
        {"location": "g/#lora", "title": "LoRA", "text": "<p>\u200b,低秩\u200b适配</p>", "boost": 0.2},
        {"location": "h/", "title": "显存", "text": "<p>显存\u200b估算</p> <p>\u200b本页\u200b术语\u200b: 低秩\u200b适配 (LoRA)</p>"},
    ]


def test_index_files_round_trip_and_rank_titles_first(tmp_path):
    write_search_files(tmp_path / "kb", docs(), keyword_labels=["本页术语", "Terms on this page"])
    index = read_search_files(tmp_path / "kb")
    assert [entry[0] for entry in index["entries"]] == ["a/", "b/", "c/", "d/", "g/", "g/#lora", "h/"]
    assert index["entries"][5][2] == 4 and index["entries"][0][2] == -1  # a section points at its page
    lora = index["postings"]["lora"]
    assert lora[0] > lora[1]  # in the title beats once in a long body
    assert set(index["postings"]["r-drop"]) == {2}  # the long page alone has the whole name
    assert index["postings"]["r-drop"][2] >= 5  # capped length normalisation: not buried
    assert {shard for term, shard in index["keys"].items()} <= set(range(len(index["terms"])))
    for term in index["postings"]:
        assert shard_key(term) in index["keys"]
    teaser, tags = index["teaser_list"][5]
    assert teaser == "低秩适配" and tags == []  # no U+200B, no leading punctuation
    assert index["teaser_list"][0][1] == ["peft"]  # no label known: the id
    # the page-terms block: out of the teaser, its names found, but weakly
    assert index["teaser_list"][6][0] == "显存估算"
    assert 6 in index["postings"]["lora"] and index["postings"]["lora"][6] < index["postings"]["lora"][0]
    assert all(len(item[0]) <= TEASER_CHARS for item in index["teaser_list"])
    assert all(name.startswith(("t-", "f-")) and len(name) == len("t-0123456789.json") for name in index["terms"] + index["teasers"])


def test_tags_show_and_match_in_the_index_language(tmp_path):
    write_search_files(tmp_path / "kb", docs(), tag_labels={"peft": "参数高效微调"})
    index = read_search_files(tmp_path / "kb")
    assert index["teaser_list"][0][1] == ["参数高效微调"]
    assert 0 in index["postings"]["参数高效微调"] and 0 in index["postings"]["peft"]


def test_rewriting_the_index_leaves_no_stale_or_partial_files(tmp_path):
    directory = tmp_path / "kb"
    write_search_files(directory, docs())
    before = set(p.name for p in directory.iterdir())
    write_search_files(directory, docs()[:2])
    after = set(p.name for p in directory.iterdir())
    assert after != before and not any(p.name.startswith(".kb-search-") for p in tmp_path.iterdir())
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    assert after == {"manifest.json", *manifest["terms"], *manifest["teasers"]}


def test_same_entries_give_the_same_files():
    assert build_search_files(docs()) == build_search_files(docs())


@pytest.mark.parametrize("language", ["zh", "en"])
def test_built_site_ships_the_split_index(site, language):
    root = site if language == "zh" else site / "en"
    config = json.loads((root / "search/search_index.json").read_text(encoding="utf-8"))
    assert config["docs"] == [] and "separator" in config["config"]  # the page fetches only this
    index = read_search_files(root / "search" / SEARCH_FILES_DIR)
    locations = [entry[0] for entry in index["entries"]]
    assert "generation/what-is-repetition/" in locations
    assert not any(location.startswith(("en/", "zh/")) for location in locations)
    assert not any("\u200b" in entry[1] for entry in index["entries"])
    assert not any("\u200b" in teaser for teaser, _ in index["teaser_list"])
    tags = {tag for _, labels in index["teaser_list"] for tag in labels}
    assert ("灾难性遗忘" if language == "zh" else "Catastrophic forgetting") in tags  # labels, not ids
    assert "catastrophic-forgetting" not in tags
    repetition = locations.index("generation/what-is-repetition/")
    word = "复读机问题" if language == "zh" else "repetition"
    assert repetition in index["postings"][word]
    files = list((root / "search" / SEARCH_FILES_DIR).iterdir())
    assert max(path.stat().st_size for path in files if path.name != "manifest.json") < 120_000


def ranked(root: Path, queries: list[str]) -> list[list[str]]:
    """The first five result pages of each query, from the worker's own code run in Node."""
    done = subprocess.run(["node", str(ROOT / "scripts/search-eval.mjs"), str(root)], input=json.dumps(queries), capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_ranking_fixes_hold_on_the_real_site(site, language):
    root = site if language == "zh" else site / "en"
    r_drop, p_tuning, lora = ranked(root, ["R-Drop", "P-tuning v2", "LoRA"])
    # The whole name first: only the long FSL++ article says R-Drop; its halves ("drop",
    # as in dropout) must not bring the dropout pages in, nor bury the long page.
    assert r_drop[0] == "few-shot/fewclue-fsl-plus-plus/"
    assert not any("dropout" in path for path in r_drop)
    assert p_tuning[0] == "prompting/p-tuning-v2-improvements/"
    assert lora[0] == "sft/how-lora-works-and-advantages/"  # the title names it


def test_english_terms_reach_chinese_pages_through_the_glossary(site):
    """"catastrophic forgetting" is a glossary alias of 灾难性遗忘: the Chinese site finds it."""
    tokenizer, forgetting = ranked(site, ["tokenizer 原理", "catastrophic forgetting"])
    assert "tokenizer/tokenizer-implementation/" in tokenizer
    assert "pretraining/avoid-forgetting-general-ability/" in forgetting
