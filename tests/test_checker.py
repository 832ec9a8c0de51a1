"""Content checker: one broken fixture per rule, each failing with its rule ID and line."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from llmqa.checks import RULES, check

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "checker"
BROKEN = sorted(p.name for p in (FIXTURES / "broken").iterdir())


def tree_with(tmp_path: Path, overlay: str | None) -> Path:
    docs = tmp_path / "docs"
    shutil.copytree(FIXTURES / "clean", docs)
    if overlay:
        for path in (FIXTURES / "broken" / overlay).rglob("*.md"):
            target = docs / path.relative_to(FIXTURES / "broken" / overlay)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    return docs


def test_clean_fixture_passes(tmp_path):
    docs = tree_with(tmp_path, None)
    assert check(docs, only=sorted(docs.rglob("*.md"))) == []  # the pages; data/ is checked against the real docs


def test_every_rule_has_a_broken_fixture():
    assert set(RULES) - set(BROKEN) == {"XREF-GLOSSARY", "REF-ID", "REF-FORMAT", "DATA-MARKUP"}  # data-file rules, tested below
    assert len(BROKEN) >= 15


@pytest.mark.parametrize("rule", BROKEN)
def test_broken_fixture_fails_with_rule_and_line(tmp_path, rule):
    docs = tree_with(tmp_path, rule)
    expected_path, expected_line = (FIXTURES / "broken" / rule / "expected.txt").read_text().strip().rsplit(":", 1)
    problems = check(docs)
    matching = [p for p in problems if p.rule == rule]
    assert matching, f"{rule} not reported; got {[str(p) for p in problems]}"
    assert any(p.path.endswith(expected_path) and p.line == int(expected_line) for p in matching), [str(p) for p in matching]
    assert all(str(p).split(": ", 1)[0].count(":") == 1 for p in problems)  # path:line: RULE message


def test_glossary_question_must_exist(tmp_path, monkeypatch):
    from llmqa import checks

    glossary = tmp_path / "glossary.yml"
    glossary.write_text("- id: sft\n  zh: 有监督微调\n  en: SFT\n  question: no-such-question\n", encoding="utf-8")
    monkeypatch.setattr(checks, "DATA_DIR", tmp_path)
    problems = checks._check_glossary({"good-question"})
    assert [(p.rule, p.line) for p in problems] == [("XREF-GLOSSARY", 1)]


def test_only_given_files_are_reported(tmp_path):
    docs = tree_with(tmp_path, "CLUTTER")
    assert check(docs, only=[docs / "sft/other-question.md"]) == []
    assert [p.rule for p in check(docs, only=[docs / "sft/good-question.md"])] == ["CLUTTER"]


def test_cli_exit_codes(tmp_path):
    tree_with(tmp_path, "HTML-UNSAFE")
    shutil.copytree(Path(__file__).resolve().parent.parent / "data", tmp_path / "data")
    result = subprocess.run([sys.executable, "-m", "llmqa", "--root", str(tmp_path), "check"], capture_output=True, text=True)
    assert result.returncode == 1
    assert "sft/good-question.md:12: HTML-UNSAFE" in result.stdout


def test_site_content_passes_the_checker():
    root = Path(__file__).resolve().parent.parent
    problems = check(root / "docs")
    assert problems == [], "\n".join(map(str, problems[:30]))


def test_reference_list_rules(tmp_path):
    from llmqa.references import check_references

    path = tmp_path / "references.yml"
    path.write_text(
        "good2021paper:\n  authors: Hu, E. J. et al.\n  year: 2021\n  title: A Title\n  arxiv: \"2106.09685\"\n"
        "badid2021paper:\n  authors: A, B.\n  year: 2021\n  title: B\n  arxiv: \"2106.9685x\"\n"
        "baddoi2020paper:\n  authors: C, D.\n  title: C\n  doi: \"11.1000/xyz\"\n"
        "nolink2019paper:\n  authors: E, F.\n  title: \"<b>bold</b>\"\n"
        "late2022lora:\n  authors: G, H.\n  year: 2022\n  title: D\n  arxiv: \"2106.09685\"\n",
        encoding="utf-8",
    )
    found = [(p.rule, p.line, p.message.split(":")[0]) for p in check_references(path)]
    assert ("REF-ID", 6, "badid2021paper") in found
    assert ("REF-ID", 11, "baddoi2020paper") in found
    assert ("REF-FORMAT", 15, "nolink2019paper") in found  # markup in the title, and no link
    assert ("REF-YEAR", 18, "late2022lora") in found  # the arXiv id says 2021
    assert not [f for f in found if f[2] == "good2021paper"]


def test_one_citation_format_keeps_initials_and_et_al():
    from llmqa.references import format_reference, shared_citation

    entry = {"authors": "Kingma, D. P. & Ba, J.", "year": 2014, "title": "Adam: A Method for Stochastic Optimization",
             "venue": "ICLR 2015", "arxiv": "1412.6980"}
    assert format_reference(entry) == ("Kingma, D. P. & Ba, J. (2014). [Adam: A Method for Stochastic Optimization]"
                                       "(https://arxiv.org/abs/1412.6980). ICLR 2015. arXiv:1412.6980.")
    assert format_reference({**entry, "year": None}).startswith("Kingma, D. P. & Ba, J. [Adam")
    key, written = shared_citation("Hu et al. 2022, [LoRA](https://arxiv.org/pdf/2106.09685v2.pdf)")
    assert key == "hu2021lora" and written.startswith("Hu, E. J. et al. (2021). [LoRA") and "ICLR 2022" in written
    assert shared_citation("[A blog](https://example.org/post)") is None


def test_every_paper_is_cited_the_same_way_on_every_page():
    """Issue 19: LoRA was dated 2021 on some pages and 2022 on another. A paper's note references
    read identically everywhere, and as its shared entry renders when it has one."""
    from llmqa.references import shared_citation

    item = re.compile(r"^\s{4}- (.*\]\((https?://[^)\s]+)\).*)$")
    by_link: dict[str, set[str]] = {}
    for page in ROOT.joinpath("docs").rglob("*.md"):
        for line in page.read_text(encoding="utf-8").splitlines():
            found = item.match(line)
            if found:
                by_link.setdefault(found[2], set()).add(found[1])
                cited = shared_citation(found[1])
                assert cited is None or cited[1] == found[1], (page, found[1])
    assert len(by_link) > 80
    assert {link: texts for link, texts in by_link.items() if len(texts) > 1} == {}
    assert by_link["https://arxiv.org/abs/2106.09685"] == {
        "Hu, E. J. et al. (2021). [LoRA: Low-Rank Adaptation of Large Language Models](https://arxiv.org/abs/2106.09685)."
        " ICLR 2022. arXiv:2106.09685."}


def test_data_files_must_be_plain_text(tmp_path):
    from llmqa.checks import data_problems

    (tmp_path / "tags.yml").write_text("lora: {zh: LoRA, en: \"<img src=x onerror=alert(1)>\"}\nok: {zh: 好, en: Fine}\n", encoding="utf-8")
    (tmp_path / "glossary.yml").write_text("- id: x\n  zh: X\n  en: X\n  aliases: [X]\n  definition:\n    zh: 见 [链接](javascript:alert(1))\n    en: fine\n", encoding="utf-8")
    (tmp_path / "sources").mkdir()
    manifest = tmp_path / "sources" / "manifest.yml"
    manifest.write_text("sources:\n  - id: '000'\n    author: \"&lt;script&gt;\"\n", encoding="utf-8")
    found = sorted((p.path.split("/")[-1], p.line, p.rule) for p in data_problems(tmp_path, manifest))
    assert found == [("glossary.yml", 6, "DATA-MARKUP"), ("manifest.yml", 3, "DATA-MARKUP"), ("tags.yml", 1, "DATA-MARKUP")]


def test_unsafe_html_is_found_in_rendered_markdown_on_every_page(tmp_path):
    docs = tree_with(tmp_path, None)
    (docs / "sft" / "index.md").write_text("# SFT\n\n<object data=\"x\"></object>\n", encoding="utf-8")
    problems = [str(p) for p in check(docs) if p.rule == "HTML-UNSAFE"]
    assert len(problems) == 1
    assert problems[0].endswith("sft/index.md:3: HTML-UNSAFE <object> is not allowed; see the allowlist in llmqa/safety.py")


def test_contributing_documents_every_rule():
    """The style guide's table and the checker agree: every rule ID is documented, with its message."""
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*)` \| (.*) \|$", guide, re.MULTILINE))
    assert set(rows) == set(RULES)
    assert {rule: text for rule, text in rows.items() if text != RULES[rule]} == {}
