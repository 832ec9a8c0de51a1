"""Importer tests: lossless, clutter gone, duplicates merged, idempotent, edits protected, bad input."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import pytest

from llmqa.content import read_document
from llmqa.errors import ContentError
from llmqa.importer import plan, run_import
from llmqa.markdown import CAPTION_MAX_CHARS, escape_inline, match_caption
from llmqa.sources import load_manifest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources"
# Distinctive pieces of page clutter that must not reach any generated page.
CLUTTER_MARKERS = ["点赞", "一键收藏", "红包", "余额", "hope_wisdom", "青松", "查看答案", "More …", "文章目录", "t.csdnimg.cn", "大模型参数微调、训练、推理", "🌟", "💯"]


def _squash(text: str) -> str:
    text = html.unescape(text.replace("\\", ""))
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def corpus() -> str:
    """Everything the importer generated (zh pages and front matter), whitespace removed; answers
    written for the site ({ #kb-answer } sections) are not the importer's and are left out."""
    lock = (SOURCES / "import.lock.json").read_text(encoding="utf-8")
    paths = re.findall(r'"(docs/[^"]+)"', lock)
    site_written = re.compile(r"^## [^\n]*\{ #kb-answer \}.*?(?=^## |\Z)", re.DOTALL | re.MULTILINE)
    return _squash("\n".join(site_written.sub("", (ROOT / p).read_text(encoding="utf-8")) for p in paths))


def _fragments(line: str, meta: dict) -> list[str]:
    for wrong, right in (meta.get("typos") or {}).items():
        line = line.replace(wrong, right)
    line = re.sub(r"^\s*(?:-\s*\[\d+\]\s*|[•-]\s*|\d+[、.]\s*|\d+\s+(?=\D)|💯\s*|(?:图|表)\d+\s*)", "", line.strip())
    line = re.sub(r"^(?:- )?💯 ", "", line)
    for label in ("回答:", "解答:"):
        line = line.removeprefix(label)
    return [piece for piece in (_squash(part) for part in line.split(":")) if piece]


@pytest.mark.parametrize("meta", load_manifest(SOURCES), ids=lambda m: m["id"])
def test_nothing_is_lost(meta, corpus):
    """Every line of every source is in the generated Markdown, unless a clutter rule removed it."""
    clutter = [re.compile(rule["pattern"]) for rule in meta.get("clutter") or []]
    lines = (SOURCES / meta["file"]).read_text(encoding="utf-8").splitlines()
    if meta.get("trailing_clutter"):
        start = re.compile(meta["trailing_clutter"]["start"])
        lines = lines[: next(i for i, line in enumerate(lines) if start.match(line))]
    missing = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or any(p.search(line) for p in clutter):
            continue
        if meta.get("question_index") and re.match(meta["question_index"]["group"], line.strip()):
            line = re.match(meta["question_index"]["group"], line.strip())[1]
        for fragment in _fragments(line, meta):
            if fragment not in corpus:
                missing.append(f"{meta['file']}:{number}: {fragment[:60]}")
    assert not missing, "lost source text:\n" + "\n".join(missing)


def test_clutter_is_gone(corpus):
    for marker in CLUTTER_MARKERS:
        assert _squash(marker) not in corpus, marker


def test_trailing_widgets_removed_from_000(corpus):
    assert "抵扣说明" not in corpus and "扫码支付" not in corpus


def test_duplicates_between_000_and_001_are_merged():
    merged = {
        "continued-pretraining-data", "avoid-forgetting-general-ability", "chat-or-base-model", "domain-evaluation-set",
    }
    for path in ROOT.glob("docs/*/*.md"):
        if path.name.endswith(".en.md"):
            continue
        document = read_document(path)
        if document.meta.get("id") in merged:
            articles = [s["article"] for s in document.meta["sources"]]
            assert articles == ["000", "001"], path
            assert "{ #answer-1 }" in document.body and "{ #answer-2 }" in document.body
            merged.discard(document.meta["id"])
    assert not merged, f"not found: {merged}"


def test_import_is_idempotent(project_copy):
    before = {p: p.read_bytes() for p in project_copy.rglob("*") if p.is_file()}
    outcomes = run_import(project_copy)
    assert {o.action for o in outcomes} <= {"unchanged", "kept-edited"}
    after = {p: p.read_bytes() for p in project_copy.rglob("*") if p.is_file()}
    assert before == after


def test_edited_file_is_never_overwritten(project_copy):
    target = project_copy / "docs/sft/chat-or-base-model.md"
    edited = target.read_text(encoding="utf-8") + "\n补充:一位贡献者加的内容。\n"
    target.write_text(edited, encoding="utf-8")
    (project_copy / "sources/000_ec2fe5e24deb97dd.txt").write_text(
        (project_copy / "sources/000_ec2fe5e24deb97dd.txt").read_text(encoding="utf-8").replace("基座模型的选择取决于", "基座模型的选取取决于"), encoding="utf-8"
    )
    outcomes = {o.path: o.action for o in run_import(project_copy)}
    assert outcomes["docs/sft/chat-or-base-model.md"] == "kept-edited"
    assert target.read_text(encoding="utf-8") == edited


def test_unedited_file_follows_its_source(project_copy):
    source = project_copy / "sources/001_4f3d5d9f020c531c.txt"
    source.write_text(source.read_text(encoding="utf-8").replace("导致生成的文本缺乏多样性和创造性", "导致生成的文本缺乏多样性"), encoding="utf-8")
    outcomes = {o.path: o.action for o in run_import(project_copy)}
    assert outcomes["docs/generation/what-is-repetition.md"] == "updated"
    assert "缺乏多样性。" in (project_copy / "docs/generation/what-is-repetition.md").read_text(encoding="utf-8")


def _snapshot(root: Path) -> dict:
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_non_utf8_source_fails_naming_file_and_line_and_writes_nothing(project_copy):
    source = project_copy / "sources/002_820905de5a9ebfbd.txt"
    data = source.read_bytes().split(b"\n")
    data[6] = data[6] + b"\xff\xfe"
    source.write_bytes(b"\n".join(data))
    (project_copy / "docs/sft/chat-or-base-model.md").unlink()  # would be re-created by a successful run
    before = _snapshot(project_copy)
    with pytest.raises(ContentError) as error:
        run_import(project_copy)
    assert "sources/002_820905de5a9ebfbd.txt:7: IMPORT-DECODE" in str(error.value)
    assert _snapshot(project_copy) == before


def test_malformed_numbering_fails_with_line(project_copy):
    source = project_copy / "sources/001_4f3d5d9f020c531c.txt"
    source.write_text(source.read_text(encoding="utf-8").replace("5、目前比较受欢迎", "7、目前比较受欢迎"), encoding="utf-8")
    before = _snapshot(project_copy)
    with pytest.raises(ContentError) as error:
        run_import(project_copy)
    message = str(error.value)
    assert "001_4f3d5d9f020c531c.txt:" in message and "jumps from 4 to 7" in message
    assert _snapshot(project_copy) == before


def test_uncatalogued_question_fails(project_copy):
    source = project_copy / "sources/003_75759cbe9a79bb49.txt"
    source.write_text(source.read_text(encoding="utf-8").replace("6 训练大模型找数据集哪里找?", "6 训练大模型去哪里找数据集?"), encoding="utf-8")
    with pytest.raises(ContentError) as error:
        run_import(project_copy)
    assert "IMPORT-CATALOG" in str(error.value) and "does not match" in str(error.value)


def test_cli_reports_errors_and_exits_nonzero(project_copy):
    (project_copy / "sources/manifest.yml").write_text("- id: '000'\n  file: [unclosed\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "llmqa", "--root", str(project_copy), "import"], capture_output=True, text=True)
    assert result.returncode == 1
    assert "manifest.yml:" in result.stderr and "IMPORT-MANIFEST" in result.stderr


def test_interrupted_import_leaves_docs_and_lock_as_they_were(project_copy, monkeypatch):
    import json
    import os

    from llmqa import importer

    source = project_copy / "sources/001_4f3d5d9f020c531c.txt"
    text = source.read_text(encoding="utf-8")
    text = text.replace("导致生成的文本缺乏多样性和创造性", "导致生成的文本缺乏多样性")
    source.write_text(text, encoding="utf-8")
    (project_copy / "docs/generation/mitigate-repetition.md").unlink()  # and one page to create again
    lock = json.loads((project_copy / "sources/import.lock.json").read_text(encoding="utf-8"))
    del lock["docs/generation/mitigate-repetition.md"]
    (project_copy / "sources/import.lock.json").write_text(json.dumps(lock), encoding="utf-8")
    planned = [o for o in run_import(project_copy, dry_run=True) if o.action in ("updated", "created")]
    assert len(planned) >= 2  # the lock is written too: at least three renames
    before = _snapshot(project_copy)
    renames = []

    def interrupted(src, dst):
        renames.append(dst)
        if len([d for d in renames if not str(d).endswith(".bak")]) == 2:
            raise KeyboardInterrupt  # Ctrl-C half-way through the renames
        return os.replace(src, dst)

    monkeypatch.setattr(importer.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_import(project_copy)
    monkeypatch.undo()
    assert _snapshot(project_copy) == before
    assert not [p for p in project_copy.rglob(".*") if p.is_file() and (p.name.endswith(".tmp") or p.name.endswith(".bak"))]


def test_file_equal_to_the_new_text_is_unchanged_not_edited(project_copy):
    import json

    lock_path = project_copy / "sources/import.lock.json"
    lock = json.loads(lock_path.read_text(encoding="utf-8"))
    lock["docs/generation/what-is-repetition.md"] = "0" * 64  # the lock is out of date, the file is not
    lock_path.write_text(json.dumps(lock), encoding="utf-8")
    outcomes = {o.path: o.action for o in run_import(project_copy)}
    assert outcomes["docs/generation/what-is-repetition.md"] == "unchanged"
    assert json.loads(lock_path.read_text(encoding="utf-8"))["docs/generation/what-is-repetition.md"] != "0" * 64


# A caption box reads "原文图注:<caption>。原文的图表没有……"; the caption is what the parser took for one.
_CAPTION_BOX = re.compile(r'^!!! info "(?:图|表) \d+ 未收录"\n\n    原文图注:(.*?)。原文的图表', re.MULTILINE)
_NUMBERED_LINE = re.compile(r"^(?:图|表)\d+")


@pytest.fixture(scope="module")
def generated() -> dict[str, str]:
    """What the importer would write now, by source id (all the pages of that source joined)."""
    by_source: dict[str, list[str]] = {}
    for text in plan(SOURCES, ROOT / "docs").values():
        for article in set(re.findall(r"^- article: '(\d+)'$", text, re.MULTILINE)):
            by_source.setdefault(article, []).append(text)
    return {source: "\n".join(texts) for source, texts in by_source.items()}


@pytest.mark.parametrize("meta", load_manifest(SOURCES), ids=lambda m: m["id"])
def test_no_sentence_becomes_a_caption(meta, generated):
    """A line that starts with "表5" but is a sentence of the body ("表5展示了……。") stays body text, whole;
    only short, unpunctuated "图n 标题" lines become "not included" boxes."""
    text = generated[meta["id"]]
    for caption in _CAPTION_BOX.findall(text):
        assert len(caption) <= CAPTION_MAX_CHARS and "。" not in caption, caption
    lines = (SOURCES / meta["file"]).read_text(encoding="utf-8").splitlines()
    sentences = [line.strip() for line in lines if _NUMBERED_LINE.match(line.strip()) and match_caption(line) is None]
    for sentence in sentences:
        assert "\n" + escape_inline(sentence) + "\n" in text, sentence


def test_fsl_results_are_body_text_in_both_languages(generated):
    """The §3.2 results of the FSL++ article: body paragraphs, one box per table, on the site pages too."""
    boxes = re.findall(r'^!!! info "((?:图|表) \d+) 未收录"', generated["004"], re.MULTILINE)
    assert boxes == ["图 1", "图 2", "图 3", "图 4", "表 1", "表 2", "表 3", "图 5", "表 4", "表 5", "表 6"]
    zh = (ROOT / "docs/few-shot/fewclue-fsl-plus-plus.md").read_text(encoding="utf-8")
    en = (ROOT / "docs/few-shot/fewclue-fsl-plus-plus.en.md").read_text(encoding="utf-8")
    for page in (generated["004"], zh):
        assert re.search(r"^表5展示了不同模型和参数量的实验结果的对比。.*提升结果0\.1-9pp。", page, re.MULTILINE)
        assert re.search(r"^表6展示了.*0\.8-9PP的提升.*0\.4-4PP。$", page, re.MULTILINE)
        assert "。。" not in page and "原文图注:展示了" not in page
    assert re.search(r"^Table 5 compares .*0\.5-13 pp.*0\.1-9 pp", en, re.MULTILINE)
    assert re.search(r"^Table 6 shows .*0\.8-9 pp.*0\.4-4 pp\.$", en, re.MULTILINE)
    for page, label in ((zh, "表"), (en, "Table")):
        assert len(re.findall(rf'^!!! info "{label} [56] ', page, re.MULTILINE)) == 2
