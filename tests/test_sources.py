"""Parser tests: question counts per article and section, titles, and sample answers."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from llmqa.sources import load_manifest, parse_source

SOURCES = Path(__file__).resolve().parent.parent / "sources"


@pytest.fixture(scope="module")
def parsed():
    return {meta["id"]: parse_source(meta, SOURCES) for meta in load_manifest(SOURCES)}


def section_counts(source) -> dict:
    return dict(Counter(q.section for q in source.questions))


def answer_text(question) -> str:
    return "\n".join(line.text for line in question.answer)


def test_000_five_numbered_questions_with_long_answers(parsed):
    source = parsed["000"]
    assert section_counts(source) == {None: 5}
    assert [q.title for q in source.questions][3] == "进行SFT操作的时候,基座模型选用Chat还是Base?"
    first = answer_text(source.questions[0])
    assert "1. 领域相关数据" in first and "• 收集目标领域数据" in first
    assert first.rstrip().endswith("可以显著提高模型在特定领域上的性能和泛化能力。")
    assert "点赞" not in answer_text(source.questions[-1])


def test_001_sections_and_stray_heading(parsed):
    source = parsed["001"]
    assert section_counts(source) == {"一、基础篇": 14, "二、进阶篇": 18}
    advanced = [q for q in source.questions if q.section == "二、进阶篇"]
    assert advanced[1].title == "什么是LLMs复读机问题?"
    assert "大模型参数微调、训练、推理" not in answer_text(advanced[6])
    assert "分块方法" in answer_text(advanced[6])
    basics = [q for q in source.questions if q.section == "一、基础篇"]
    assert "OpenAI开发" in answer_text(basics[4])  # silent typo fix OpenAl -> OpenAI


def test_002_four_sections_and_unnumbered_tokenizer(parsed):
    source = parsed["002"]
    assert section_counts(source) == {"一、大模型基础类": 4, "二、Transformer类": 6, "三、Tokenizer": 1, "四、大模型微调": 4}
    tokenizer = next(q for q in source.questions if q.section == "三、Tokenizer")
    assert tokenizer.title == "实现方法与原理"
    assert answer_text(tokenizer).startswith("Tokenizer的主要作用")
    assert "- 构建词汇表" in answer_text(tokenizer)
    assert not answer_text(source.questions[0]).startswith("回答:")  # answer label removed
    prompt = source.questions[-1]
    assert prompt.title == "关于prompt tuning和prefix tuning在微调上的区别?"
    assert "两者的区别:" in answer_text(prompt)


def test_003_toc_dropped_and_spaces_fixed(parsed):
    source = parsed["003"]
    assert section_counts(source) == {None: 10}
    assert source.questions[1].number == 2 and source.questions[1].line == 5  # not the TOC copy on line 2
    assert "推理能力" in answer_text(source.questions[0])
    assert "http://t.csdnimg.cn" not in answer_text(source.questions[-1])


def test_004_article_and_question_index(parsed):
    source = parsed["004"]
    body = "\n".join(line.text for line in source.article_body)
    assert body.startswith("1 概述")
    assert "2.2.1 Prompt Learning" in body and "[16] 小样本学习及其在美团场景中的应用" in body
    assert "青松" not in body and "任务样例" not in body
    groups = section_counts(source)
    assert "大模型进阶面 之 DeepSeek篇" not in groups
    assert groups["大模型微调面 之 RLHF篇"] == 11
    assert sum(groups.values()) == 188
    assert all(q.answer == [] for q in source.questions)
    titles = [q.title for q in source.questions]
    assert "More …" not in titles and not any(t.startswith("💯") for t in titles)
    assert "前缀微调(Prefix-tuning)的核心思想?" in titles  # typo Prefix-tining fixed


def test_each_source_has_one_english_title():
    """The manifest's title_en is the only English title of a source: its source page, the list of
    sources and, for an article, the article page all show it."""
    from llmqa.content import read_document

    docs = SOURCES.parent / "docs"
    index = (docs / "sources/index.en.md").read_text(encoding="utf-8")
    for meta in load_manifest(SOURCES):
        title = meta["title_en"]
        assert read_document(docs / f"sources/{meta['id']}.en.md").meta["title"] == title
        listed = re.search(rf"^- \[(.+)\]\({meta['id']}\.md\)", index, re.MULTILINE)
        assert listed and re.sub(r"\\([\[\]])", r"\1", listed[1]) == title, meta["id"]
        if "article" in meta:
            article = meta["article"]
            assert "title_en" not in article  # one place for the English title
            assert read_document(docs / f"{article['topic']}/{article['id']}.en.md").meta["title"] == title


# Words that Chinese writes doubled on purpose; any other doubled word in a title is a slip.
REDUPLICATED_WORDS = {"往往", "常常", "渐渐", "刚刚", "仅仅", "一一", "逐一"}
_DOUBLED = re.compile(r"([\u4e00-\u9fff]{2,}|[\u4e00-\u9fff]|[A-Za-z]{2,})\1")


def test_shown_titles_have_no_doubled_words():
    """The title policy (CONTRIBUTING, 标题与重复题目): a doubled word or phrase in a source's title is
    fixed in `title` (and in `aliases`), the source's wording kept in `original_title`."""
    from llmqa.content import read_document

    found = []
    for path in sorted((SOURCES.parent / "docs").glob("*/*.md")):
        if path.name.endswith(".en.md"):
            continue
        meta = read_document(path).meta
        for title in [meta.get("title") or "", *(meta.get("aliases") or [])]:
            found += [f"{path.name}: {title}" for m in _DOUBLED.finditer(title) if m[0] not in REDUPLICATED_WORDS]
    assert not found, "\n".join(found)
