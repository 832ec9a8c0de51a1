"""Running one `mkdocs build --strict` in a child process and measuring what it produced."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from .corpus import Question

BENCH = Path(__file__).resolve().parent
HOOKED_CONFIG = "mkdocs.bench-hooks.yml"
PLAIN_CONFIG = "mkdocs.bench-plain.yml"
PROFILER = "hooks/kb_profiled.py"
LAUNCHER = BENCH / "mkdocs_launcher.py"
# KB_SEARCH_DOCUMENTS: the hooks also write search/documents.json, the entries the index was made
# from, so that bench/search_options.py can serve the same entries to lunr (excluded from sizes).
BUILD_ENV = {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true", "KB_SEARCH_DOCUMENTS": "1"}

# Fallback when /usr/bin/time is missing: a fresh Python whose only child is the build, so its
# RUSAGE_CHILDREN figures are the build's own (ru_maxrss: the largest resident set, in KiB on Linux).
RUSAGE_WRAPPER = """
import json, resource, subprocess, sys
code = subprocess.call(sys.argv[2:])
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as out:
    json.dump({"max_rss_kb": usage.ru_maxrss, "user_seconds": usage.ru_utime, "system_seconds": usage.ru_stime}, out)
sys.exit(code)
"""


def split_hooks(config_text: str) -> tuple[list[str], list[str], list[str]]:
    """(lines before the top-level `hooks:` list, its entries, lines after it)."""
    lines = config_text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if re.match(r"^hooks:\s*(#.*)?$", line)), None)
    if start is None:
        raise SystemExit("bench: mkdocs.yml has no top-level `hooks:` list")
    end = start + 1
    entries = []
    while end < len(lines) and (lines[end].startswith((" ", "\t", "-")) and lines[end].strip()):
        match = re.match(r"^\s*-\s*(['\"]?)(.+?)\1\s*(#.*)?$", lines[end])
        if match:
            entries.append(match[2])
        end += 1
    return lines[:start], entries, lines[end:]


def write_configs(project: Path) -> dict:
    """The hooked config (hooks/kb.py replaced by its timing wrapper) and the plain one (no hooks).

    Both are mkdocs.yml verbatim apart from the `hooks:` list; they live next to it, so docs_dir,
    custom_dir: overrides and every other relative path resolve exactly as in mkdocs.yml."""
    before, entries, after = split_hooks((project / "mkdocs.yml").read_text(encoding="utf-8"))
    if "hooks/kb.py" not in entries:
        raise SystemExit(f"bench: mkdocs.yml's hooks are {entries}, expected hooks/kb.py among them")
    shutil.copyfile(BENCH / "hook_profiler.py", project / PROFILER)
    hooked = [PROFILER if entry == "hooks/kb.py" else entry for entry in entries]
    (project / HOOKED_CONFIG).write_text("".join(before) + "hooks:\n" + "".join(f"  - {entry}\n" for entry in hooked) + "".join(after), encoding="utf-8")
    (project / PLAIN_CONFIG).write_text("".join(before) + "".join(after), encoding="utf-8")
    return {"hooks_in_mkdocs_yml": entries, "hooked": HOOKED_CONFIG, "plain": PLAIN_CONFIG, "unprofiled_hooks": [e for e in entries if e != "hooks/kb.py"]}


def git_commit(project: Path) -> None:
    """git-revision-date-localized reads each page's last commit: give the copy one commit."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    identity = ["-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "--no-verify", "-m", "bench corpus"]):
        subprocess.run(["git", *identity, *args], cwd=project, env=env, check=True, capture_output=True)


def memory_method(preferred: str = "auto") -> str:
    if preferred in ("auto", "time"):
        try:
            probe = subprocess.run(["/usr/bin/time", "-v", "true"], capture_output=True, text=True, timeout=30)
            if probe.returncode == 0 and "Maximum resident set size" in probe.stderr:
                return "time"
        except (OSError, subprocess.SubprocessError):
            pass
        if preferred == "time":
            raise SystemExit("bench: /usr/bin/time -v is not available")
    return "rusage"


def _parse_time_v(text: str) -> dict:
    def number(label: str) -> float | None:
        match = re.search(rf"^\s*{re.escape(label)}:\s*([\d.]+)\s*$", text, re.MULTILINE)
        return float(match[1]) if match else None

    return {
        "max_rss_kb": number("Maximum resident set size (kbytes)"),
        "user_seconds": number("User time (seconds)"),
        "system_seconds": number("System time (seconds)"),
    }


def run_build(
    project: Path, variant: str, run: int, questions: list[Question], method: str, timeout: float | None, keep: bool,
    inspect: Callable[[Path], dict] | None = None,
) -> dict:
    """Build once and measure; `inspect(site)` adds its own measurements of the built site (e.g. search timing)."""
    config = HOOKED_CONFIG if variant == "hooks" else PLAIN_CONFIG
    site = project / f"site-{variant}-{run}"
    logs = project / "bench-logs"
    logs.mkdir(exist_ok=True)
    usage_file = logs / f"{variant}-{run}.usage"
    profile_file = logs / f"{variant}-{run}.hooks.json"
    env = {**os.environ, **BUILD_ENV}
    env.pop("KB_PROFILE_HOOKS", None)
    env.pop("BENCH_LENIENT_TEMPLATES", None)
    if variant == "hooks":
        env["KB_PROFILE_HOOKS"] = str(profile_file)
    else:
        env["BENCH_LENIENT_TEMPLATES"] = "1"  # overrides/ reads globals only the hooks define
    command = [sys.executable, str(LAUNCHER), "build", "--strict", "-f", config, "-d", str(site)]
    if method == "time":
        command = ["/usr/bin/time", "-v", "-o", str(usage_file), *command]
    else:
        command = [sys.executable, "-c", RUSAGE_WRAPPER, str(usage_file), *command]
    start = time.perf_counter()
    try:
        result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=timeout)
        returncode, stdout, stderr = result.returncode, result.stdout, result.stderr
    except subprocess.TimeoutExpired as error:
        returncode, stdout, stderr = -1, error.stdout or "", (error.stderr or "") + f"\nbench: timed out after {timeout} s"
        stdout = stdout.decode() if isinstance(stdout, bytes) else stdout
        stderr = stderr.decode() if isinstance(stderr, bytes) else stderr
    wall = time.perf_counter() - start
    log = logs / f"{variant}-{run}.log"
    log.write_text(stdout + stderr, encoding="utf-8")
    record: dict = {"variant": variant, "run": run, "ok": returncode == 0, "returncode": returncode, "wall_seconds": round(wall, 3)}
    built = re.search(r"Documentation built in ([\d.]+) seconds", stderr + stdout)
    record["mkdocs_reported_seconds"] = float(built[1]) if built else None
    record["warnings"] = len(re.findall(r"^WARNING", stderr + stdout, re.MULTILINE))
    usage = {}
    if usage_file.exists():
        text = usage_file.read_text(encoding="utf-8")
        usage = _parse_time_v(text) if method == "time" else json.loads(text or "{}")
    record["memory_method"] = "/usr/bin/time -v" if method == "time" else "getrusage(RUSAGE_CHILDREN) in a wrapper process"
    record["peak_rss_mb"] = round(usage["max_rss_kb"] / 1024, 1) if usage.get("max_rss_kb") else None
    record["cpu_seconds"] = round((usage.get("user_seconds") or 0) + (usage.get("system_seconds") or 0), 2) if usage else None
    # A single-threaded build below ~90% means other processes took the CPU: wall time is inflated.
    record["cpu_utilization"] = round(record["cpu_seconds"] / wall, 2) if record["cpu_seconds"] and wall else None
    if not record["ok"]:
        record["error_tail"] = (stdout + stderr)[-3000:]
    else:
        record.update(measure_site(site, questions))
        if inspect is not None:
            record["search_browser"] = inspect(site)
    if variant == "hooks" and profile_file.exists():
        record["hooks_profile"] = summarize_profile(json.loads(profile_file.read_text(encoding="utf-8")))
    if not keep:
        shutil.rmtree(site, ignore_errors=True)
    return record


def summarize_profile(profile: dict) -> dict:
    helpers = profile.get("helpers", {})
    return {
        "hooks_seconds": round(profile.get("total_seconds", 0.0), 3),
        "hooks_cpu_seconds": round(profile.get("total_cpu_seconds", 0.0), 3),
        "load_site_seconds": round(helpers.get("load_site", {}).get("seconds", 0.0), 3),
        "load_site_calls": helpers.get("load_site", {}).get("calls", 0),
        "related_seconds": round(helpers.get("related", {}).get("seconds", 0.0), 3),
        "related_calls": helpers.get("related", {}).get("calls", 0),
        "sanitize_seconds": round(helpers.get("sanitize", {}).get("seconds", 0.0), 3),
        "render_math_seconds": round(helpers.get("render_math", {}).get("seconds", 0.0), 3),
        "import_seconds": round(profile.get("import_seconds", 0.0), 3),
        "jieba_initialize_seconds": round(profile.get("jieba_initialize_seconds", 0.0), 3),
        "events": {
            name: {"calls": v["calls"], "seconds": round(v["seconds"], 3), "cpu_seconds": round(v.get("cpu_seconds", 0.0), 3)}
            for name, v in sorted(profile.get("events", {}).items())
        },
        "notes": profile.get("notes", []),
    }


def _gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def measure_site(site: Path, questions: list[Question]) -> dict:
    total = files = 0
    html_sizes: list[tuple[int, str]] = []
    for path in site.rglob("*"):
        if path.is_file() and path.name != "documents.json":
            size = path.stat().st_size
            total += size
            files += 1
            if path.suffix == ".html":
                html_sizes.append((size, path.relative_to(site).as_posix()))
    question_sizes: dict[str, list[int]] = {"zh": [], "en": []}
    for question in questions:
        for language, prefix in (("zh", ""), ("en", "en/")):
            page = site / f"{prefix}{question.topic}/{question.id}/index.html"
            if page.exists():
                question_sizes[language].append(page.stat().st_size)
    both = question_sizes["zh"] + question_sizes["en"]
    search = {}
    for language, path in (("zh", site / "search" / "search_index.json"), ("en", site / "en" / "search" / "search_index.json")):
        if path.exists():
            # the whole index: the configuration file and, with the hooks, the split index files beside it
            parts = [path, *sorted((path.parent / "kb").glob("*.json"))]
            datas = [p.read_bytes() for p in parts]
            manifest = path.parent / "kb" / "manifest.json"
            try:
                source = manifest if manifest.exists() else path
                docs = len(json.loads(source.read_bytes()).get("entries" if source == manifest else "docs", []))
            except ValueError:
                docs = None
            search[language] = {
                "path": path.parent.relative_to(site).as_posix(), "files": len(parts), "entries": docs,
                "raw_bytes": sum(map(len, datas)), "gzip_bytes": sum(map(_gzip_size, datas)),
            }
        else:
            search[language] = None
    largest = sorted(html_sizes, reverse=True)[:5]
    return {
        "site_bytes": total,
        "site_files": files,
        "html_pages": len(html_sizes),
        "question_pages_measured": {k: len(v) for k, v in question_sizes.items()},
        "question_html_median_bytes": {
            "zh": int(statistics.median(question_sizes["zh"])) if question_sizes["zh"] else None,
            "en": int(statistics.median(question_sizes["en"])) if question_sizes["en"] else None,
            "all": int(statistics.median(both)) if both else None,
        },
        "largest_html": [{"path": path, "bytes": size} for size, path in largest],
        "search_index": search,
    }
