"""Command line: `python -m llmqa import|check|new`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import PROJECT_ROOT
from .errors import ContentError


def _cmd_import(args: argparse.Namespace) -> int:
    from .importer import run_import, summarize

    outcomes = run_import(Path(args.root), dry_run=args.dry_run)
    print(summarize(outcomes))
    return 0


def _cmd_new(args: argparse.Namespace) -> int:
    from .scaffold import new_question

    for path in new_question(Path(args.root) / "docs", args.topic, args.title, slug=args.slug, title_en=args.en, tag_ids=args.tag):
        print(path)
    return 0


def _cmd_stamp(args: argparse.Namespace) -> int:
    from .content import stamp_translation

    for name in args.paths:
        print(f"{name}: zh_hash {stamp_translation(Path(name))}")
    return 0


def _cmd_cite(args: argparse.Namespace) -> int:
    """A note's reference items, written as the shared entries of data/references.yml render them."""
    from .errors import Problem
    from .references import format_reference, load_references

    entries = load_references()
    unknown = [key for key in args.keys if key not in entries]
    if unknown:
        raise ContentError(Problem("data/references.yml", 1, "REF-UNKNOWN", f"no entry {', '.join(unknown)}"))
    for key in args.keys:
        print(f"    - {format_reference(entries[key])}")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from .checks import check

    docs_dir = Path(args.root) / "docs"
    only = [Path(p) for p in args.paths] if args.paths else None
    if args.changed:
        only = _changed_files(Path(args.root))
        if not only:
            print("no changed content files")
            return 0
    problems = check(docs_dir, only)
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s)" if problems else "ok: no problems", file=sys.stderr)
    return 1 if problems else 0


def _changed_files(root: Path) -> list[Path]:
    import subprocess

    listed = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=all"], capture_output=True, text=True, check=True).stdout
    paths = [line[3:].split(" -> ")[-1].strip('"') for line in listed.splitlines()]  # a rename is checked under its new name
    return [root / path for path in paths if (path.startswith("docs/") and path.endswith(".md")) or path.startswith("data/") or path == "sources/manifest.yml"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m llmqa", description=__doc__)
    parser.add_argument("--root", default=str(PROJECT_ROOT), help="project root (default: this checkout)")
    commands = parser.add_subparsers(dest="command", required=True)
    importer = commands.add_parser("import", help="generate docs/ pages from sources/ (never overwrites edits)")
    importer.add_argument("--dry-run", action="store_true", help="report what would change, write nothing")
    importer.set_defaults(func=_cmd_import)
    checker = commands.add_parser("check", help="validate content files (path:line: RULE-ID message)")
    checker.add_argument("paths", nargs="*", help="only report on these files (default: all)")
    checker.add_argument("--changed", action="store_true", help="only files changed in the git work tree")
    checker.set_defaults(func=_cmd_check)
    new = commands.add_parser("new", help="create a question page and its English twin")
    new.add_argument("title", help="the Chinese question title")
    new.add_argument("--topic", required=True, help="topic id from data/topics.yml")
    new.add_argument("--en", help="English title (default: a placeholder to translate)")
    new.add_argument("--slug", help="ASCII id / URL slug (default: from --en, else a fresh q-xxxxxx id)")
    new.add_argument("--tag", action="append", help="tag id from data/tags.yml (repeatable)")
    new.set_defaults(func=_cmd_new)
    stamp = commands.add_parser("stamp", help="record in English pages the fingerprint of the Chinese text they translate")
    stamp.add_argument("paths", nargs="+", help="docs/<topic>/<id>.en.md files")
    stamp.set_defaults(func=_cmd_stamp)
    cite = commands.add_parser("cite", help="print reference items for a note, in the shared format of data/references.yml")
    cite.add_argument("keys", nargs="+", help="keys of data/references.yml, e.g. hu2021lora")
    cite.set_defaults(func=_cmd_cite)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ContentError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1
