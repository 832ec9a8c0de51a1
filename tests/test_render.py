"""Pure helpers behind the hooks, tested without MkDocs."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmqa.errors import ContentError
from llmqa.related import Doc, apply_overrides, compute_related
from llmqa.render import (
    expand_cross_references,
    glossary_letters,
    glossary_matcher,
    insert_after_answer_headings,
    mark_terms,
    merge_answer_sections,
    page_kind,
    reading_key,
    rebase_links,
    split_search_index,
    toc_size,
)
from llmqa.site import load_site

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = [
    {"id": "layernorm", "zh": "层归一化", "en": "Layer normalization", "aliases": ["层归一化", "LayerNorm", "Layer Normalization"]},
    {"id": "gqa", "zh": "分组查询注意力", "en": "Grouped-query attention", "aliases": ["GQA", "分组查询注意力"]},
]


@pytest.fixture(scope="module")
def model():
    return load_site(ROOT / "docs", ROOT / "sources")


def render_term(term, text):
    return f'<a class="kb-term" href="#{term["id"]}">{text}</a>'


def test_terms_marked_once_and_never_in_code_links_or_headings():
    matcher, by_alias = glossary_matcher(GLOSSARY)
    html = (
        "<h2>LayerNorm 的位置</h2><p>先讲 <code>LayerNorm</code> 和 <a href='x'>GQA</a>。</p>"
        "<p>层归一化与 LayerNorm 是同一个东西,GQA 也会出现。</p><p>再说一次 GQA。</p>"
    )
    out, found = mark_terms(html, matcher, by_alias, render_term)
    assert "<h2>LayerNorm 的位置</h2>" in out and "<code>LayerNorm</code>" in out and "<a href='x'>GQA</a>" in out
    assert out.count('class="kb-term"') == 2  # 层归一化 (first of its term) and the first free GQA
    assert [t["id"] for t in found] == ["layernorm", "gqa"]
    assert "再说一次 GQA" in out


def test_titles_in_link_text_never_read_as_formulas():
    """A backslash before ( or [ starts a formula for arithmatex: link titles must not carry one."""
    import markdown

    from llmqa.render import escape_markdown

    title = "What is parameter-efficient fine-tuning (PEFT)? [draft] a*b_c"
    html = markdown.markdown(f"[{escape_markdown(title)}](x/)", extensions=["pymdownx.arithmatex"], extension_configs={"pymdownx.arithmatex": {"generic": True}})
    assert "arithmatex" not in html
    assert html == '<p><a href="x/">What is parameter-efficient fine-tuning (PEFT)? &#91;draft&#93; a*b_c</a></p>'  # shown as [draft]


def test_terms_never_marked_inside_formulas():
    """KaTeX's HTML and the TeX annotation of its MathML stay as KaTeX wrote them."""
    matcher, by_alias = glossary_matcher(GLOSSARY)
    html = (
        '<p>式子 <span class="katex"><span class="katex-mathml"><math><semantics><mrow><mi>x</mi></mrow>'
        '<annotation encoding="application/x-tex">\\mathrm{GQA}(x)</annotation></semantics></math></span>'
        '<span class="katex-html" aria-hidden="true"><span class="mord">GQA</span></span></span> 之后的 GQA。</p>'
    )
    out, found = mark_terms(html, matcher, by_alias, render_term)
    assert "\\mathrm{GQA}(x)</annotation>" in out and '<span class="mord">GQA</span>' in out
    assert out.count("kb-term") == 1 and out.endswith('之后的 <a class="kb-term" href="#gqa">GQA</a>。</p>')


def test_ascii_aliases_match_whole_words_only():
    matcher, by_alias = glossary_matcher(GLOSSARY)
    out, found = mark_terms("<p>GQAX and XGQA are not GQA.</p>", matcher, by_alias, render_term)
    assert out.count("kb-term") == 1 and "GQAX" in out and "XGQA" in out


def test_cross_references_become_links_and_unknown_ids_fail_with_line(model):
    markdown = "第一行\n见 [[chat-or-base-model]]。\n`[[not-touched-in-code]]`\n"
    out = expand_cross_references(markdown, "sft/what-is-finetuning.md", model, "zh", "docs/sft/what-is-finetuning.md", 8)
    assert "[进行SFT操作的时候,基座模型选用Chat还是Base?](../sft/chat-or-base-model.md)" in out
    assert "`[[not-touched-in-code]]`" in out
    english = expand_cross_references(markdown, "sft/what-is-finetuning.en.md", model, "en", "x", 8)
    assert "[When doing SFT" in english or "[When " in english
    with pytest.raises(ContentError) as error:
        expand_cross_references("一\n二 [[no-such-question]]\n", "sft/x.md", model, "zh", "docs/sft/x.md", 10)
    assert "docs/sft/x.md:11: XREF-UNKNOWN" in str(error.value)


def test_answer_credits_go_after_each_answer_heading():
    html = '<h2 id="answer-1">回答 1</h2><p>a</p><h2 id="answer-2">回答 2</h2><p>b</p>'
    out = insert_after_answer_headings(html, lambda n: f"<i>{n}</i>")
    assert out == '<h2 id="answer-1">回答 1</h2><i>1</i><p>a</p><h2 id="answer-2">回答 2</h2><i>2</i><p>b</p>'


@pytest.mark.parametrize(
    "uri,meta,kind",
    [("index.md", {}, "home"), ("sft/index.md", {}, "topic"), ("sft/x.md", {"id": "x"}, "question"),
     ("few-shot/a.md", {"id": "a", "status": "article"}, "article"), ("sources/001.md", {}, "source"), ("glossary.md", {}, "glossary")],
)
def test_page_kind(uri, meta, kind):
    assert page_kind(uri, meta, {"sft", "few-shot"}) == kind


def test_links_rebased_for_embedding_and_export():
    html = '<a href="../../glossary/#x">g</a><a href="../other/">o</a><a href="https://a.b/">a</a><a href="#y">y</a>'
    assert rebase_links(html, "sft/q1/", "sft/") == '<a href="../glossary/#x">g</a><a href="other/">o</a><a href="https://a.b/">a</a><a href="#y">y</a>'
    assert 'href="https://ex.org/kb/sft/other/"' in rebase_links(html, "sft/q1/", "https://ex.org/kb/")


def test_search_index_split_per_language_and_answers_folded():
    index = {
        "config": {"lang": ["en"], "fields": {"title": {"boost": 1000}, "text": {"boost": 1}, "tags": {"boost": 1000000}}},
        "docs": [
            {"location": "sft/x/", "title": "题目", "text": ""},
            {"location": "sft/x/#answer-1", "title": "回答", "text": "答案\u200b内容"},
            {"location": "en/sft/x/", "title": "Question", "text": ""},
            {"location": "en/sft/x/#answer-1", "title": "Answer", "text": "The answer"},
        ],
    }
    split = split_search_index(index, ["zh", "en"])
    assert [d["location"] for d in split["zh"]["docs"]] == ["sft/x/"]
    assert [d["location"] for d in split["en"]["docs"]] == ["sft/x/"]
    assert "答案" in split["zh"]["docs"][0]["text"] and "The answer" in split["en"]["docs"][0]["text"]
    assert split["zh"]["config"]["fields"]["tags"]["boost"] < 1000
    assert merge_answer_sections([{"location": "a/#answer-1", "text": "t"}]) == [{"location": "a/#answer-1", "text": "t", "title": ""}]


def test_related_scores_pick_the_series_and_respect_overrides():
    docs = [
        Doc("a", "什么是复读机问题 复读机 重复 生成", ("repetition",)),
        Doc("b", "为什么会出现复读机问题 复读机 注意力", ("repetition",)),
        Doc("c", "如何缓解复读机问题 复读机 采样", ("repetition",)),
        Doc("d", "位置编码的作用 Transformer 位置", ()),
    ]
    related = compute_related(docs)
    assert {x for x, _ in related["a"]} == {"b", "c"}
    assert related["d"] == []
    links = apply_overrides(related, forced={"d": ["a"]}, excluded={"a": ["c"]})
    assert links["d"] == ["a"] and "d" in links["a"] and "c" not in links["a"]


def test_unknown_related_id_fails_naming_the_file(tmp_path):
    import shutil

    from llmqa.site import _load_site

    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    page = docs / "sft/what-is-finetuning.md"
    page.write_text(page.read_text(encoding="utf-8").replace("status: answered", "status: answered\nrelated: [no-such-question]"), encoding="utf-8")
    with pytest.raises(ContentError) as error:
        _ = _load_site(docs, ROOT / "sources").related
    assert "what-is-finetuning.md:" in str(error.value) and "XREF-RELATED" in str(error.value)


def test_language_redirects_mirror_the_default_language_moves():
    from llmqa.render import language_redirects

    moves = {"sft/old-page.md": "prompting/new-page.md", "old-topic/index.md": "prompting/index.md"}
    assert language_redirects(moves, "en") == {
        "en/sft/old-page/index.html": "../../prompting/new-page/",
        "en/old-topic/index.html": "../prompting/",
    }

def test_toc_size_counts_entries_at_every_level():
    from types import SimpleNamespace as Item

    assert toc_size([]) == 0 and toc_size(None) == 0
    assert toc_size([Item(children=[])]) == 1
    assert toc_size([Item(children=[Item(children=[]), Item(children=[])]), Item(children=[])]) == 4


def test_reading_order_is_pinyin_for_chinese_and_letters_for_english():
    names = ["注意力", "BERT", "长度外推", "幻觉", "Adam 优化器"]
    assert sorted(names, key=lambda n: reading_key(n, "zh")) == ["Adam 优化器", "BERT", "长度外推", "幻觉", "注意力"]
    assert sorted(["beam search", "Attention", "adam"], key=lambda n: reading_key(n, "en")) == ["adam", "Attention", "beam search"]


def test_glossary_letters_group_terms_and_never_repeat_a_name():
    glossary = [
        {"id": "gpt", "zh": "GPT", "en": "Generative pre-trained Transformer", "abbr": "GPT", "aliases": ["GPT", "GPT 系列"], "definition": {"zh": "d", "en": "d"}},
        {"id": "dapt", "zh": "领域自适应预训练", "en": "Domain-adaptive pretraining", "abbr": "DAPT", "aliases": ["DAPT", "Domain-adaptive pretraining"], "definition": {"zh": "d", "en": "d"}},
        {"id": "1f1b", "zh": "1F1B 调度", "en": "1F1B schedule", "aliases": [], "definition": {"zh": "d", "en": "d"}},
        {"id": "hallucination", "zh": "幻觉", "en": "Hallucination", "aliases": ["模型幻觉"], "definition": {"zh": "d", "en": "d"}},
    ]
    zh = glossary_letters(glossary, "zh")
    assert [(g["letter"], [t["id"] for t in g["terms"]]) for g in zh] == [("G", ["gpt"]), ("H", ["hallucination"]), ("L", ["dapt"]), ("#", ["1f1b"])]
    assert zh[-1]["anchor"] == "letter-other" and zh[0]["anchor"] == "letter-g"
    gpt, dapt = zh[0]["terms"][0], zh[2]["terms"][0]
    assert gpt["abbr_shown"] is None and gpt["other_aliases"] == ["GPT 系列"]  # "GPT (GPT)" never appears
    assert dapt["abbr_shown"] == "DAPT" and dapt["other_aliases"] == []
    en = glossary_letters(glossary, "en")
    assert [g["letter"] for g in en] == ["D", "G", "H", "#"]
    assert en[0]["terms"][0]["abbr_shown"] == "DAPT"  # "adaptive" contains "dapt", but not as a word


def test_pages_preload_the_katex_fonts_their_formulas_use():
    from llmqa.math import KatexRenderer, katex_fonts_used

    renderer = KatexRenderer()
    try:
        inline = "".join(renderer.render(tex, False)[0] for tex in (r"W \in \mathbb{R}^{d}", r"\sum_i x_i"))
        display = renderer.render(r"\left(\sum_{i=1}^{n} \frac{a_i}{b_i}\right)", True)[0]
    finally:
        renderer.close()
    assert katex_fonts_used(f"<p>{inline}</p>") == ["KaTeX_Main-Regular.woff2", "KaTeX_Math-Italic.woff2",
                                                    "KaTeX_AMS-Regular.woff2", "KaTeX_Size1-Regular.woff2"]
    assert "KaTeX_Size2-Regular.woff2" in katex_fonts_used(display)  # a display-size sum
    assert katex_fonts_used("<p>No formula, only a class=\"mathnormal\" lookalike.</p>") == []
