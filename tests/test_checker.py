"""Content checker: one broken fixture per rule, each failing with its rule ID and line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from llmqa.checks import RULES, check

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "checker"
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
    assert check(tree_with(tmp_path, None)) == []


def test_every_rule_has_a_broken_fixture():
    assert set(RULES) - set(BROKEN) == {"XREF-GLOSSARY"}  # data-file rule, tested below
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
