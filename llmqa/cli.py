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


def _cmd_stamp(args: argparse.Namespace) -> int:
    from .content import stamp_translation

    for name in args.paths:
        print(f"{name}: zh_hash {stamp_translation(Path(name))}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m llmqa", description=__doc__)
    parser.add_argument("--root", default=str(PROJECT_ROOT), help="project root (default: this checkout)")
    commands = parser.add_subparsers(dest="command", required=True)
    importer = commands.add_parser("import", help="generate docs/ pages from sources/ (never overwrites edits)")
    importer.add_argument("--dry-run", action="store_true", help="report what would change, write nothing")
    importer.set_defaults(func=_cmd_import)
    stamp = commands.add_parser("stamp", help="record in English pages the fingerprint of the Chinese text they translate")
    stamp.add_argument("paths", nargs="+", help="docs/<topic>/<id>.en.md files")
    stamp.set_defaults(func=_cmd_stamp)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ContentError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1
