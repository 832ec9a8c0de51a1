"""Content mistakes stop the build with `path:line: RULE-ID message`, never a traceback."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, mkdocs_build

PAGE = "docs/sft/chat-or-base-model.md"
SITE_PAGE = "docs/sft/how-lora-works-and-advantages.md"  # a site-written answer with references and formulas


def _edit(root: Path, relative: str, old: str, new: str, count: int = 1) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, (relative, old)
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _line(root: Path, relative: str, token: str) -> int:
    lines = (root / relative).read_bytes().decode("utf-8", "replace").splitlines()
    return next(number for number, line in enumerate(lines, 1) if token in line)


CASES = {
    # name: (how to break the copy, file, rule, token on the reported line)
    "missing-id": (lambda r: _edit(r, PAGE, "id: chat-or-base-model\n", ""), PAGE, "FM-SCHEMA", "title:"),
    "tags-as-string": (lambda r: _edit(r, PAGE, "tags:\n- base-vs-chat\n- domain-models\n", "tags: base-vs-chat\n"), PAGE, "FM-SCHEMA", "tags:"),
    "unknown-topic": (lambda r: _edit(r, PAGE, "topic: sft", "topic: no-such-topic"), PAGE, "FM-TOPIC", "topic:"),
    "unknown-tag": (lambda r: _edit(r, PAGE, "- base-vs-chat", "- no-such-tag"), PAGE, "FM-TAG", "tags:"),
    "duplicate-id": (lambda r: _edit(r, "docs/sft/what-is-finetuning.md", "id: what-is-finetuning", "id: chat-or-base-model"), "docs/sft/what-is-finetuning.md", "ID-DUPLICATE", "id:"),
    "broken-cross-reference": (lambda r: _edit(r, PAGE, "## 回答 1 { #answer-1 }\n", "## 回答 1 { #answer-1 }\n\n见 [[no-such-question]]。\n"), PAGE, "XREF-UNKNOWN", "no-such-question"),
    "invalid-yaml": (lambda r: _edit(r, PAGE, "title: 进行SFT", "title: [进行SFT"), PAGE, "FM-YAML", "title:"),
    "not-utf8": (lambda r: (r / PAGE).write_bytes((r / PAGE).read_bytes().replace("在进行有监督微调".encode(), "在进行有监督微调".encode("gbk"), 1)), PAGE, "FILE-ENCODING", "\ufffd"),
    "byte-order-mark": (lambda r: (r / PAGE).write_bytes(b"\xef\xbb\xbf" + (r / PAGE).read_bytes()), PAGE, "FILE-ENCODING", "---"),
    "unknown-reference": (lambda r: _edit(r, SITE_PAGE, "- hu2021lora\n", "- nosuch2099paper\n"), SITE_PAGE, "REF-UNKNOWN", "references:"),
    "bad-formula": (lambda r: _edit(r, SITE_PAGE, "$W_0$", "$\\frac{W_0$"), SITE_PAGE, "MATH-SYNTAX", "\\frac{W_0"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_content_mistake_stops_the_build_with_file_line_and_rule(tmp_path, name):
    for part in ("mkdocs.yml", "docs", "overrides", "hooks", "data", "sources"):
        source = ROOT / part
        (shutil.copytree if source.is_dir() else shutil.copyfile)(source, tmp_path / part)
    breaker, relative, rule, token = CASES[name]
    breaker(tmp_path)
    line = _line(tmp_path, relative, token)
    result = mkdocs_build(tmp_path / "mkdocs.yml", tmp_path / "site")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output, output[-2000:]
    reported = re.findall(rf"({re.escape(relative)}):(\d+): {rule} ", output)
    assert reported, output[-2000:]
    assert any(int(number) == line for _, number in reported), (line, reported)


def test_malformed_reference_list_is_a_content_error_with_line(tmp_path):
    from llmqa.errors import ContentError
    from llmqa.references import load_references

    broken = tmp_path / "references.yml"
    text = (ROOT / "data/references.yml").read_text(encoding="utf-8").replace('arxiv: "2106.09685"', 'arxiv: "2106.9685x"')
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load_references(broken)
    line = text[: text.index("hu2021lora:")].count("\n") + 1
    assert [(p.rule, p.line) for p in error.value.problems] == [("REF-ID", line)]
