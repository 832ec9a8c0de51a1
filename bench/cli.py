"""`python -m bench`: generate corpora, build each twice, record and report."""

from __future__ import annotations

import argparse
import functools
import json
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from . import build, corpus, machine, report, search_options, search_timing

ROOT = Path(__file__).resolve().parent.parent
REAL_SIZE = 60  # `--sizes 60` stands for the real corpus: docs/ as it is
DEFAULT_OUT = Path(__file__).resolve().parent / "results.json"


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError as error:
        raise argparse.ArgumentTypeError("sizes are comma-separated integers, e.g. 60,1000,5000") from error
    if not sizes or any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError("sizes must be positive")
    return sizes


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument(
        "--sizes",
        type=_sizes,
        default=[60, 1000, 5000],
        help=f"comma-separated question counts; {REAL_SIZE} means the real corpus (docs/ as is). Default: 60,1000,5000",
    )
    p.add_argument("--repeat", type=int, default=1, help="builds per variant and size (the tables show medians). Default: 1")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results file. Default: bench/results.json")
    p.add_argument("--write-docs", action="store_true", help="also write docs/performance.md and docs/performance.en.md from the results")
    p.add_argument("--report-only", action="store_true", help="build nothing: report (and with --write-docs publish) the results already in --out")
    p.add_argument("--seed", type=int, default=20240601, help="seed of the synthetic corpora")
    p.add_argument("--unanswered", type=float, default=0.25, help="share of synthetic questions without an answer. Default: 0.25")
    p.add_argument(
        "--memory",
        choices=("auto", "time", "rusage"),
        default="auto",
        help="peak memory via /usr/bin/time -v, or getrusage in a wrapper process; auto prefers the former",
    )
    p.add_argument("--timeout", type=float, default=None, help="seconds before a single build is abandoned")
    p.add_argument("--workdir", type=Path, default=None, help="where the temporary projects go (default: the system temp dir)")
    p.add_argument("--keep", action="store_true", help="keep the temporary projects and built sites")
    p.add_argument("--no-check", action="store_true", help="skip `llmqa check` on the generated docs/")
    p.add_argument("--no-search", action="store_true", help="skip timing the search box in Chromium")
    return p


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _check(docs_dir: Path) -> dict:
    from llmqa.checks import check

    start = time.perf_counter()
    try:
        problems = check(docs_dir)
    except Exception as error:  # noqa: BLE001 - the checker is informative here, never fatal
        return {"error": repr(error)}
    return {
        "problems": len(problems),
        "rules": dict(Counter(p.rule for p in problems)),
        "first": [str(p) for p in problems[:5]],
        "seconds": round(time.perf_counter() - start, 2),
    }


def _time_search(site: Path, project: Path) -> dict:
    log("    timing the search box in Chromium …")
    prefix = search_timing.site_path(project / "mkdocs.yml")
    try:
        result = search_timing.measure(site, prefix)
        log("    measuring the alternatives (trimmed lunr index, Pagefind) …")
        result["options"] = {name: report.summarize_search(r) for name, r in search_options.measure_options(site, prefix).items()}
    except Exception as error:  # noqa: BLE001 - a browser problem must not discard the build figures
        result = {"error": repr(error)}
    for language in ("zh", "en"):
        if language in result:
            r = result[language]
            log(f"    search {language}: first {r['first_search_ms']} ms, {r['first_search_transfer']['search_gzip_bytes'] / 1024:.0f} KB gzip; median {r['median_search_ms']} ms")
    if "error" in result:
        log(f"    search timing failed: {result['error']}")
    return result


def run_size(size: int, args, method: str, pool_holder: dict) -> dict:
    real = size == REAL_SIZE
    project = Path(tempfile.mkdtemp(prefix=f"kb-bench-{'real' if real else size}-", dir=args.workdir))
    log(f"[{'real' if real else size}] preparing {project}")
    start = time.perf_counter()
    corpus.prepare_project(project, real=real)
    if real:
        content = corpus.real_corpus(project / "docs")
    else:
        if "pool" not in pool_holder:
            pool_holder["pool"] = corpus.Pool()
            log(f"  recombining from {json.dumps(pool_holder['pool'].describe(), ensure_ascii=False)}")
        content = corpus.Generator(pool_holder["pool"], seed=args.seed, unanswered=args.unanswered).write(project / "docs", size)
    configs = build.write_configs(project)
    build.git_commit(project)
    entry = {
        "size": size,
        "label": "real" if real else str(size),
        "corpus": content.kind,
        "questions": len(content.questions),
        "corpus_stats": content.stats,
        "generate_seconds": round(time.perf_counter() - start, 2),
        "configs": configs,
        "builds": {"hooks": [], "plain": []},
    }
    if configs["unprofiled_hooks"]:
        log(f"  note: hooks other than hooks/kb.py run untimed in the hooked build: {configs['unprofiled_hooks']}")
    if not args.no_check:
        entry["check"] = _check(project / "docs")
        log(f"  llmqa check: {entry['check'].get('problems', entry['check'].get('error'))} problem(s) {entry['check'].get('rules', '')}")
    log(f"  corpus: {content.stats.get('zh_pages')} zh + {content.stats.get('en_pages')} en question pages, generated in {entry['generate_seconds']} s")
    for run in range(args.repeat):
        for variant in ("hooks", "plain") if run % 2 == 0 else ("plain", "hooks"):
            log(f"  build {variant} #{run + 1} …")
            inspect = None
            if variant == "hooks" and run == 0 and not args.no_search:
                inspect = functools.partial(_time_search, project=project)
            record = build.run_build(project, variant, run, content.questions, method, args.timeout, args.keep, inspect)
            entry["builds"][variant].append(record)
            if record["ok"]:
                extra = ""
                if record.get("hooks_profile"):
                    profile = record["hooks_profile"]
                    extra = f", hooks {profile['hooks_seconds']} s (load_site {profile['load_site_seconds']} s, related {profile['related_seconds']} s)"
                busy = " (CPU/wall below 0.9: other load slowed this build)" if (record.get("cpu_utilization") or 1) < 0.9 else ""
                log(f"    {record['wall_seconds']} s wall, {record['cpu_seconds']} s CPU, peak {record['peak_rss_mb']} MiB{extra}{busy}")
            else:
                log(f"    FAILED (exit {record['returncode']}); log: {project / 'bench-logs' / f'{variant}-{run}.log'}\n{record.get('error_tail', '')[-1500:]}")
    entry["summary"] = report.summarize(entry)
    entry["project"] = str(project) if args.keep else None
    if not args.keep and all(r["ok"] for runs in entry["builds"].values() for r in runs):
        shutil.rmtree(project, ignore_errors=True)
    elif not args.keep:
        entry["project"] = str(project)
        log(f"  kept {project} for inspection (a build failed)")
    return entry


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    out = args.out if args.out.is_absolute() else Path.cwd() / args.out
    if args.report_only:
        results = json.loads(out.read_text(encoding="utf-8"))
        for entry in results["sizes"]:
            entry["summary"] = report.summarize(entry)  # recomputed from the recorded builds
        results["targets"] = report.evaluate_targets(results["sizes"])
    else:
        if args.repeat < 1:
            raise SystemExit("bench: --repeat must be at least 1")
        method = build.memory_method(args.memory)
        results = {
            "machine": machine.describe(),
            "options": {"sizes": args.sizes, "repeat": args.repeat, "seed": args.seed, "unanswered": args.unanswered, "real_size": REAL_SIZE},
            "memory_method": "/usr/bin/time -v" if method == "time" else "getrusage(RUSAGE_CHILDREN) in a wrapper process",
            "sizes": [],
        }
        log(f"bench: {results['machine']['cpu_model']}, {results['machine']['cores']} cores; peak memory via {results['memory_method']}")
        pool_holder: dict = {}
        for size in args.sizes:
            results["sizes"].append(run_size(size, args, method, pool_holder))
            results["targets"] = report.evaluate_targets(results["sizes"])
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")  # after every size
        log(f"bench: results in {out}")
    print(report.console_report(results))
    if args.write_docs:
        for path in report.write_docs(results, ROOT / "docs"):
            log(f"bench: wrote {path.relative_to(ROOT)}")
    failed = [s["label"] for s in results["sizes"] if not s.get("summary", {}).get("ok")]
    if failed:
        log(f"bench: builds failed for {', '.join(failed)}")
        return 1
    return 0
