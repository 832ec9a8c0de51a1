"""Summaries, targets and the Markdown the benchmark prints and (with --write-docs) publishes."""

from __future__ import annotations

import statistics
import string
from pathlib import Path

OVERHEAD_LIMIT_PCT = 15.0
FLAT_LIMIT_PCT = 10.0  # "flat": the median question page grows by at most this much across sizes
OWN_SHARE_LIMIT_PCT = 5.0
MEMORY_LIMIT_MB = 1536.0  # 1.5 GB, as MiB (ru_maxrss is in KiB)
TARGET_SIZE = 5000
# First search (issue 20): bytes gzip and ms, on the real site and at N=5,000; later queries; quality.
SEARCH_REAL_LIMITS = (150e3, 500.0)
SEARCH_TARGET_LIMITS = (500e3, 1000.0)
LATER_QUERY_MS_LIMIT = 50.0
HIT_AT_5_LIMIT = 0.95
START_LIGHTHOUSE, END_LIGHTHOUSE = "<!-- lighthouse:start -->", "<!-- lighthouse:end -->"  # written by scripts/lighthouse_report.py
TEMPLATES = Path(__file__).resolve().parent / "templates"


def _median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _ok(runs: list[dict]) -> list[dict]:
    return [r for r in runs if r.get("ok")]


def summarize(entry: dict) -> dict:
    hooks, plain = _ok(entry["builds"].get("hooks", [])), _ok(entry["builds"].get("plain", []))

    def median(runs, getter):
        return _median([getter(r) for r in runs])

    def search(runs, language, key):
        return median(runs, lambda r: (r.get("search_index", {}).get(language) or {}).get(key))

    summary = {
        "ok": bool(hooks),  # a size whose plain build was not run still reports the hooked build
        "runs": {"hooks": len(hooks), "plain": len(plain)},
        "hooks_wall_seconds": median(hooks, lambda r: r["wall_seconds"]),
        "plain_wall_seconds": median(plain, lambda r: r["wall_seconds"]),
        "hooks_cpu_seconds": median(hooks, lambda r: r.get("cpu_seconds")),
        "plain_cpu_seconds": median(plain, lambda r: r.get("cpu_seconds")),
        "hooks_mkdocs_reported_seconds": median(hooks, lambda r: r.get("mkdocs_reported_seconds")),
        "plain_mkdocs_reported_seconds": median(plain, lambda r: r.get("mkdocs_reported_seconds")),
        "hook_seconds": median(hooks, lambda r: (r.get("hooks_profile") or {}).get("hooks_seconds")),
        "hook_cpu_seconds": median(hooks, lambda r: (r.get("hooks_profile") or {}).get("hooks_cpu_seconds")),
        "load_site_seconds": median(hooks, lambda r: (r.get("hooks_profile") or {}).get("load_site_seconds")),
        "related_seconds": median(hooks, lambda r: (r.get("hooks_profile") or {}).get("related_seconds")),
        "sanitize_seconds": median(hooks, lambda r: (r.get("hooks_profile") or {}).get("sanitize_seconds")),
        "render_math_seconds": median(hooks, lambda r: (r.get("hooks_profile") or {}).get("render_math_seconds")),
        "hooks_peak_rss_mb": max((r["peak_rss_mb"] for r in hooks if r.get("peak_rss_mb")), default=None),
        "plain_peak_rss_mb": max((r["peak_rss_mb"] for r in plain if r.get("peak_rss_mb")), default=None),
        "hooks_site_bytes": median(hooks, lambda r: r.get("site_bytes")),
        "plain_site_bytes": median(plain, lambda r: r.get("site_bytes")),
        "hooks_question_html_median_bytes": median(hooks, lambda r: (r.get("question_html_median_bytes") or {}).get("all")),
        "plain_question_html_median_bytes": median(plain, lambda r: (r.get("question_html_median_bytes") or {}).get("all")),
        "search_index": {
            variant: {
                language: {"raw_bytes": search(runs, language, "raw_bytes"), "gzip_bytes": search(runs, language, "gzip_bytes")} for language in ("zh", "en")
            }
            for variant, runs in (("hooks", hooks), ("plain", plain))
        },
    }
    summary["search_browser"] = next((r["search_browser"] for r in hooks if r.get("search_browser")), None)
    hw, pw = summary["hooks_wall_seconds"], summary["plain_wall_seconds"]
    summary["hooks_overhead_pct"] = round((hw - pw) / pw * 100, 1) if hw and pw else None
    hc, pc = summary["hooks_cpu_seconds"], summary["plain_cpu_seconds"]
    summary["hooks_cpu_overhead_pct"] = round((hc - pc) / pc * 100, 1) if hc and pc else None
    hs = summary["hook_seconds"]
    summary["hook_share_pct"] = round(hs / hw * 100, 1) if hs is not None and hw else None
    hcs = summary["hook_cpu_seconds"]
    summary["hook_cpu_share_pct"] = round(hcs / hc * 100, 1) if hcs is not None and hc else None
    ls, rs = summary["load_site_seconds"], summary["related_seconds"]
    summary["load_site_related_seconds"] = round(ls + rs, 3) if ls is not None and rs is not None else None
    return summary


def evaluate_targets(sizes: list[dict]) -> list[dict]:
    done = [s for s in sizes if s.get("summary", {}).get("ok")]
    targets = []

    overheads = [(s["label"], s["summary"]["hooks_overhead_pct"]) for s in done if s["summary"]["hooks_overhead_pct"] is not None]
    targets.append(
        {
            "id": "hooks-overhead",
            "limit": f"<= {OVERHEAD_LIMIT_PCT:g}% at every N",
            "met": all(v <= OVERHEAD_LIMIT_PCT for _, v in overheads) if overheads else None,
            "values": {label: value for label, value in overheads},
            "cpu_values": {s["label"]: s["summary"]["hooks_cpu_overhead_pct"] for s in done},
        }
    )

    synthetic = [s for s in done if s["corpus"] == "synthetic" and s["summary"]["hooks_question_html_median_bytes"]]
    series = sorted(synthetic, key=lambda s: s["questions"])  # the real corpus is mostly unanswered pages: not comparable
    flat = None
    growth = None
    if len(series) >= 2:
        first, last = series[0]["summary"]["hooks_question_html_median_bytes"], series[-1]["summary"]["hooks_question_html_median_bytes"]
        growth = round((last - first) / first * 100, 1)
        flat = growth <= FLAT_LIMIT_PCT
    targets.append(
        {
            "id": "html-flat",
            "limit": f"median question page grows <= {FLAT_LIMIT_PCT:g}% from the smallest to the largest synthetic N",
            "met": flat,
            "growth_pct": growth,
            "values": {s["label"]: s["summary"]["hooks_question_html_median_bytes"] for s in series},
        }
    )

    at_target = next((s for s in done if s["corpus"] == "synthetic" and s["questions"] == TARGET_SIZE), None)
    share = at_target["summary"]["hook_share_pct"] if at_target else None
    largest = max(done, key=lambda s: s["questions"], default=None)
    targets.append(
        {
            "id": "own-steps-share",
            "limit": f"< {OWN_SHARE_LIMIT_PCT:g}% of the build at N={TARGET_SIZE}",
            "met": (share < OWN_SHARE_LIMIT_PCT) if share is not None else None,
            "value": share,
            "values": {s["label"]: s["summary"]["hook_share_pct"] for s in done},
            "cpu_values": {s["label"]: s["summary"]["hook_cpu_share_pct"] for s in done},
            "largest_measured": largest["label"] if largest else None,
        }
    )
    memory = at_target["summary"]["hooks_peak_rss_mb"] if at_target else None
    targets.append(
        {
            "id": "peak-memory",
            "limit": f"< 1.5 GB ({MEMORY_LIMIT_MB:g} MiB) at N={TARGET_SIZE}",
            "met": (memory < MEMORY_LIMIT_MB) if memory is not None else None,
            "value": memory,
            "values": {s["label"]: s["summary"]["hooks_peak_rss_mb"] for s in done},
        }
    )
    real = next((s for s in done if s["corpus"] == "real"), None)
    for target_id, entry, (max_bytes, max_ms) in (("first-search-real", real, SEARCH_REAL_LIMITS), ("first-search", at_target, SEARCH_TARGET_LIMITS)):
        first = _site_search(entry)
        first = {k: v for k, v in first.items() if v.get("search_gzip_bytes") is not None}
        targets.append(
            {
                "id": target_id,
                "limit": f"<= {max_bytes / 1e3:g} KB gzip and <= {max_ms:g} ms",
                "met": all(r["search_gzip_bytes"] <= max_bytes and (r["first_search_ms"] or 1e9) <= max_ms for r in first.values()) if first else None,
                "values": {language: (r["search_gzip_bytes"], r["first_search_ms"]) for language, r in first.items()},
            }
        )
    later = {s["label"]: {k: v.get("median_search_ms") for k, v in _site_search(s).items()} for s in done if _site_search(s)}
    medians = [ms for per in later.values() for ms in per.values()]
    targets.append(
        {
            "id": "later-queries",
            "limit": f"median <= {LATER_QUERY_MS_LIMIT:g} ms at every N",
            "met": all(ms is not None and ms <= LATER_QUERY_MS_LIMIT for ms in medians) if medians else None,
            "values": later,
        }
    )
    hits = {k: v.get("hit_at_5") for k, v in _site_search(real).items()} if real else {}
    targets.append(
        {
            "id": "hit-at-5",
            "limit": f">= {HIT_AT_5_LIMIT:g} for zh and en on the real site",
            "met": all(h is not None and h >= HIT_AT_5_LIMIT for h in hits.values()) if hits else None,
            "values": hits,
        }
    )
    return targets


def _site_search(entry: dict | None) -> dict:
    """Per language, the search figures of the site as built (not the alternatives) of one size."""
    browser = ((entry or {}).get("summary") or {}).get("search_browser") or {}
    if not browser or "error" in browser:
        return {}
    return {k: v for k, v in summarize_search(browser).items() if k in ("zh", "en")}


# -- formatting -------------------------------------------------------------------------------

TEXT = {
    "en": {
        "label_real": "real ({n})",
        "size": "N (questions)",
        "pages": "pages zh + en",
        "plain": "plain build: wall (CPU) s",
        "hooked": "with hooks: wall (CPU) s",
        "overhead": "hooks add: wall (CPU)",
        "hook_time": "in hooks: wall (CPU) s",
        "share": "share of build: wall (CPU)",
        "cpu": "CPU",
        "load": "load_site + related (s)",
        "memory": "peak memory plain / hooks (MiB)",
        "site": "site plain / hooks (MB)",
        "html": "median question page plain / hooks (KB)",
        "search_zh": "search index zh, hooks: raw / gzip (KB)",
        "search_en": "search index en, hooks: raw / gzip (KB)",
        "search_plain": "search index zh + en, plain: raw / gzip (KB)",
        "failed": "build failed",
        "met": {True: "met", False: "not met", None: "not measured"},
        "target": "target",
        "limit": "limit",
        "result": "result",
        "status": "status",
        "targets": {
            "hooks-overhead": "The hooks add at most 15% to the plain build's wall time, at every N",
            "html-flat": "The median question page's HTML stays flat as N grows",
            "own-steps-share": "The project's own steps (time inside hooks/kb.py, load_site and related included) take under 5% of the build at N=5,000",
            "peak-memory": "Peak memory of the build stays under 1.5 GB at N=5,000",
            "first-search-real": "On the real site the first search transfers at most 150 KB gzip and shows results within 0.5 s",
            "first-search": "At N=5,000 the first search transfers at most 500 KB gzip and shows results within 1 s",
            "later-queries": "Later queries: median at most 50 ms, at every N",
            "hit-at-5": "hit@5 of the query sets on the real site at least 0.95, zh and en",
        },
        "language": "language",
        "option": "search",
        "first_ms": "first search (ms)",
        "first_bytes": "first search transfers raw / gzip (KB)",
        "per_query": "later queries: median (p90) ms",
        "hit": "hit@5",
        "pagefind_index": "Pagefind: indexing (s) / bundle (MB)",
        "no_browser": "not measured",
        "options": {
            "site": "split index + our worker (the site as built)",
            "lunr": "lunr, full index (the previous engine)",
            "pagefind": "Pagefind, its own segmentation (chunked index)",
            "pagefind-jieba": "Pagefind fed with the site's jieba words (HTML records)",
        },
        "languages": {"zh": "zh", "en": "en"},
    },
    "zh": {
        "label_real": "真实语料({n})",
        "size": "N(题数)",
        "pages": "页面 中 + 英",
        "plain": "无钩子构建:墙钟(CPU)秒",
        "hooked": "有钩子构建:墙钟(CPU)秒",
        "overhead": "钩子增加:墙钟(CPU)",
        "hook_time": "钩子内耗时:墙钟(CPU)秒",
        "share": "占构建:墙钟(CPU)",
        "cpu": "CPU",
        "load": "load_site + related(秒)",
        "memory": "峰值内存 无钩子 / 有钩子(MiB)",
        "site": "站点 无钩子 / 有钩子(MB)",
        "html": "题目页 HTML 中位数 无钩子 / 有钩子(KB)",
        "search_zh": "中文搜索索引(有钩子)原始 / gzip(KB)",
        "search_en": "英文搜索索引(有钩子)原始 / gzip(KB)",
        "search_plain": "中英合并搜索索引(无钩子)原始 / gzip(KB)",
        "failed": "构建失败",
        "met": {True: "达成", False: "未达成", None: "未测量"},
        "target": "目标",
        "limit": "阈值",
        "result": "结果",
        "status": "状态",
        "targets": {
            "hooks-overhead": "钩子让构建时间(墙钟)比无钩子构建最多多 15%,每个 N 都如此",
            "html-flat": "题目页 HTML 的中位数大小不随 N 增长",
            "own-steps-share": "N=5,000 时,项目自身步骤(hooks/kb.py 内的时间,含 load_site 与 related)不到构建时间的 5%",
            "peak-memory": "N=5,000 时,构建的峰值内存低于 1.5 GB",
            "first-search-real": "真实网站上,第一次搜索传输不超过 150 KB(gzip),0.5 秒内出结果",
            "first-search": "N=5,000 时,第一次搜索传输不超过 500 KB(gzip),1 秒内出结果",
            "later-queries": "之后每次查询:中位数不超过 50 毫秒,每个 N 都如此",
            "hit-at-5": "真实网站上查询集的 hit@5 至少 0.95,中文和英文都如此",
        },
        "language": "语言",
        "option": "搜索方案",
        "first_ms": "第一次搜索(毫秒)",
        "first_bytes": "第一次搜索传输 原始 / gzip(KB)",
        "per_query": "之后每次查询:中位数(p90)毫秒",
        "hit": "hit@5",
        "pagefind_index": "Pagefind:建索引(秒)/ 索引包(MB)",
        "no_browser": "未测量",
        "options": {
            "site": "分片索引 + 本站 worker(当前网站)",
            "lunr": "lunr,完整索引(之前的引擎)",
            "pagefind": "Pagefind,自带切分(分块索引)",
            "pagefind-jieba": "Pagefind,输入本站的 jieba 切分(HTML 记录)",
        },
        "languages": {"zh": "中文", "en": "英文"},
    },
}


def _num(value, digits: int = 1, scale: float = 1.0) -> str:
    if value is None:
        return "–"
    value = value / scale
    return f"{value:,.{digits}f}"


def _pct(value, signed: bool = False) -> str:
    if value is None:
        return "–"
    return f"{value:+.1f}%" if signed else f"{value:.1f}%"


def size_label(entry: dict, language: str = "en") -> str:
    if entry["corpus"] == "real":
        return TEXT[language]["label_real"].format(n=f"{entry['questions']:,}")
    return f"{entry['questions']:,}"


def results_tables(sizes: list[dict], language: str = "en") -> str:
    t = TEXT[language]
    columns = ("size", "pages", "plain", "hooked", "overhead", "hook_time", "share", "load", "memory")
    time_rows = ["| " + " | ".join(t[c] for c in columns) + " |", "|" + " ---: |" * len(columns)]
    size_rows = [f"| {t['size']} | {t['site']} | {t['html']} | {t['search_zh']} | {t['search_en']} | {t['search_plain']} |", "|" + " ---: |" * 6]
    for entry in sizes:
        s = entry.get("summary") or {}
        label = size_label(entry, language)
        pages = f"{entry['corpus_stats'].get('zh_pages', 0):,} + {entry['corpus_stats'].get('en_pages', 0):,}"
        if not s.get("ok"):
            time_rows.append(f"| {label} | {pages} | {t['failed']} | | | | | | |")
            size_rows.append(f"| {label} | {t['failed']} | | | | |")
            continue
        overhead = f"{_pct(s['hooks_overhead_pct'], True)} ({_pct(s.get('hooks_cpu_overhead_pct'), True)})"
        share = f"{_pct(s['hook_share_pct'])} ({_pct(s.get('hook_cpu_share_pct'))})"
        time_rows.append(
            f"| {label} | {pages} | {_num(s['plain_wall_seconds'])} ({_num(s['plain_cpu_seconds'])}) "
            f"| {_num(s['hooks_wall_seconds'])} ({_num(s['hooks_cpu_seconds'])}) "
            f"| {overhead} | {_num(s['hook_seconds'], 2)} ({_num(s.get('hook_cpu_seconds'), 2)}) | {share} "
            f"| {_num(s['load_site_related_seconds'], 2)} | {_num(s['plain_peak_rss_mb'], 0)} / {_num(s['hooks_peak_rss_mb'], 0)} |"
        )
        hs, ps = s["search_index"]["hooks"], s["search_index"]["plain"]
        size_rows.append(
            f"| {label} | {_num(s['plain_site_bytes'], 1, 1e6)} / {_num(s['hooks_site_bytes'], 1, 1e6)} "
            f"| {_num(s['plain_question_html_median_bytes'], 1, 1e3)} / {_num(s['hooks_question_html_median_bytes'], 1, 1e3)} "
            f"| {_num(hs['zh']['raw_bytes'], 0, 1e3)} / {_num(hs['zh']['gzip_bytes'], 0, 1e3)} "
            f"| {_num(hs['en']['raw_bytes'], 0, 1e3)} / {_num(hs['en']['gzip_bytes'], 0, 1e3)} "
            f"| {_num(ps['zh']['raw_bytes'], 0, 1e3)} / {_num(ps['zh']['gzip_bytes'], 0, 1e3)} |"
        )
    return "\n".join(time_rows) + "\n\n" + "\n".join(size_rows) + "\n"


def summarize_search(result: dict) -> dict:
    """The figures the search table shows of one measured option, per language (see bench/search_timing.py)."""
    if "error" in result:
        return {"error": result["error"]}
    out = {}
    for language in ("zh", "en"):
        r = result.get(language) or {}
        transfer = r.get("first_search_transfer") or {}
        out[language] = {
            "first_search_ms": r.get("first_search_ms"),
            "search_raw_bytes": transfer.get("search_raw_bytes"),
            "search_gzip_bytes": transfer.get("search_gzip_bytes"),
            "median_search_ms": r.get("median_search_ms"),
            "p90_search_ms": r.get("p90_search_ms"),
            "hit_at_5": r.get("hit_at_5"),
        }
    out.update({key: result[key] for key in ("index_seconds", "bundle_files", "bundle_bytes") if key in result})
    return out


def search_tables(sizes: list[dict], language: str = "en") -> str:
    """The search box as a reader meets it, then the measured alternatives, per N and language."""
    t = TEXT[language]
    head = f"| {t['size']} | {t['option']} | {t['language']} | {t['first_ms']} | {t['first_bytes']} | {t['per_query']} | {t['hit']} | {t['pagefind_index']} |"
    rows = [head, "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for entry in sizes:
        browser = (entry.get("summary") or {}).get("search_browser")
        label = size_label(entry, language)
        if not browser or "error" in browser:
            rows.append(f"| {label} | | | {t['no_browser']} | | | | |")
            continue
        options = {"site": summarize_search(browser), **(browser.get("options") or {})}
        for name, option in options.items():
            index = "–"
            if option.get("bundle_bytes"):
                index = f"{_num(option.get('index_seconds'), 1)} / {_num(option['bundle_bytes'], 1, 1e6)}"
            if "error" in option:
                rows.append(f"| {label} | {t['options'].get(name, name)} | | {option['error'][:120]} | | | | |")
                continue
            for code in ("zh", "en"):
                r = option.get(code)
                if not r:
                    continue
                median = r.get("median_search_ms")
                p90 = f" ({_num(r['p90_search_ms'], 0)})" if r.get("p90_search_ms") is not None else ""
                hit = f"{r['hit_at_5']:.3f}" if r.get("hit_at_5") is not None else "–"
                rows.append(
                    f"| {label} | {t['options'].get(name, name)} | {t['languages'][code]} | {_num(r.get('first_search_ms'), 0)} "
                    f"| {_num(r.get('search_raw_bytes'), 0, 1e3)} / {_num(r.get('search_gzip_bytes'), 0, 1e3)} "
                    f"| {_num(median, 1)}{p90} | {hit} | {index if name.startswith('pagefind') else '–'} |"
                )
    return "\n".join(rows) + "\n"


def _target_value(target: dict, language: str) -> str:
    values = target.get("values") or {}
    cpu = target.get("cpu_values") or {}
    names = TEXT[language]["languages"]
    if target["id"] in ("first-search", "first-search-real"):
        return "; ".join(f"{names.get(k, k)}: {_num(b, 0, 1e3)} KB gzip, {_num(ms, 0)} ms" for k, (b, ms) in values.items()) or "–"
    if target["id"] == "later-queries":
        return "; ".join(f"{label}: " + ", ".join(f"{names.get(k, k)} {_num(ms, 1)} ms" for k, ms in per.items()) for label, per in values.items()) or "–"
    if target["id"] == "hit-at-5":
        return ", ".join(f"{names.get(k, k)}: {_num(h, 3)}" for k, h in values.items()) or "–"
    if target["id"] == "hooks-overhead":
        return ", ".join(f"{label}: {_pct(value, True)} ({TEXT[language]['cpu']} {_pct(cpu.get(label), True)})" for label, value in values.items()) or "–"
    if target["id"] == "html-flat":
        sizes = ", ".join(f"{label}: {_num(value, 1, 1e3)} KB" for label, value in values.items())
        return f"{sizes} ({target['growth_pct']:+.1f}%)" if target.get("growth_pct") is not None else (sizes or "–")
    if target["id"] == "own-steps-share":
        return ", ".join(f"{label}: {_pct(value)} ({TEXT[language]['cpu']} {_pct(cpu.get(label))})" for label, value in values.items()) or "–"
    return ", ".join(f"{label}: {_num(value, 0)} MiB" for label, value in values.items()) or "–"


def targets_table(targets: list[dict], sizes: list[dict], language: str = "en") -> str:
    t = TEXT[language]
    labels = {s["label"]: size_label(s, language) for s in sizes}
    rows = [f"| {t['target']} | {t['result']} | {t['status']} |", "| --- | --- | --- |"]
    for target in targets:
        localized = {**target, **{key: {labels.get(k, k): v for k, v in (target.get(key) or {}).items()} for key in ("values", "cpu_values")}}
        rows.append(f"| {t['targets'][target['id']]} | {_target_value(localized, language)} | {t['met'][target['met']]} |")
    return "\n".join(rows) + "\n"


def console_report(results: dict) -> str:
    m = results["machine"]
    return "\n".join(
        [
            f"Machine: {m['cpu_model']}, {m['cores']} cores, {m['memory_mb']:,} MiB; {m['date']}",
            "",
            results_tables(results["sizes"], "en"),
            search_tables(results["sizes"], "en"),
            targets_table(results["targets"], results["sizes"], "en"),
        ]
    )


# -- the published pages ----------------------------------------------------------------------


def _machine_lines(machine: dict, language: str) -> list[str]:
    versions = machine.get("versions", {})
    names = (("MkDocs", "mkdocs"), ("Material", "mkdocs-material"), ("mkdocs-static-i18n", "mkdocs-static-i18n"), ("jieba", "jieba"))
    software = ", ".join([f"Python {machine['python']}", *(f"{label} {versions.get(package)}" for label, package in names)])
    load = ", ".join(str(x) for x in machine.get("load_average_at_start") or []) or "–"
    memory = f"{machine['memory_mb'] / 1024:.1f} GiB" if machine.get("memory_mb") else "–"
    if language == "zh":
        return [
            f"- 日期:{machine['date']}",
            f"- CPU:{machine['cpu_model']},{machine['cores']} 核(可用 {machine['usable_cores']} 核)",
            f"- 内存:{memory}",
            f"- 系统:{machine['os']}",
            f"- 软件:{software}",
            f"- 开始时的系统负载(1/5/15 分钟):{load}",
        ]
    return [
        f"- Date: {machine['date']}",
        f"- CPU: {machine['cpu_model']}, {machine['cores']} cores ({machine['usable_cores']} usable)",
        f"- Memory: {memory}",
        f"- OS: {machine['os']}",
        f"- Software: {software}",
        f"- Load average at start (1/5/15 min): {load}",
    ]


def docs_page(results: dict, language: str, lighthouse: str = "") -> str:
    """docs/performance(.en).md from bench/templates/performance.<language>.md (`$name` placeholders)."""
    sizes, targets, machine = results["sizes"], results["targets"], results["machine"]
    repeat = results["options"]["repeat"]
    command = ".venv/bin/python -m bench --sizes " + ",".join(str(s) for s in results["options"]["sizes"])
    command += (f" --repeat {repeat}" if repeat != 1 else "") + " --write-docs"
    template = string.Template((TEMPLATES / f"performance.{language}.md").read_text(encoding="utf-8"))
    return (
        template.substitute(
            date=machine["date"][:10],
            repeat=repeat,
            targets=targets_table(targets, sizes, language),
            results=results_tables(sizes, language),
            search=search_tables(sizes, language),
            lighthouse=lighthouse or f"{START_LIGHTHOUSE}\n{TEXT[language]['met'][None]}: `python scripts/lighthouse_report.py --write-docs`\n{END_LIGHTHOUSE}",
            machine="\n".join(_machine_lines(machine, language)),
            command=command,
        ).rstrip("\n")
        + "\n"
    )


def write_docs(results: dict, docs_dir: Path) -> list[Path]:
    written = []
    for language, name in (("zh", "performance.md"), ("en", "performance.en.md")):
        path = docs_dir / name
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        # keep the Lighthouse scores scripts/lighthouse_report.py wrote into the page
        lighthouse = old[old.index(START_LIGHTHOUSE) : old.index(END_LIGHTHOUSE) + len(END_LIGHTHOUSE)] if START_LIGHTHOUSE in old and END_LIGHTHOUSE in old else ""
        path.write_text(docs_page(results, language, lighthouse), encoding="utf-8")
        written.append(path)
    return written
