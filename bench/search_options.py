"""Measured alternatives to the site's split index (llmqa/search_index.py and its worker).

Nothing here changes the site. Each option is measured on the site the benchmark just built:
- Material's lunr search, the site's engine before the split index, over the same entries: the
  whole index is served in place of search_index.json and the previous worker wrapper in place of
  search-worker.js;
- Pagefind (`pagefind[extended]` from PyPI; the extended build segments Chinese), which splits its
  index into chunks and fetches only those a query needs.
For each: first-search bytes (raw and gzip) and time, the median time of the query set and, on the
real corpus, hit@5 of tests/data/search_queries.yml, which shows what the option costs in quality.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import search_timing

LUNR_WORKER = Path(__file__).resolve().parent / "lunr-worker.js"


def _lunr_option(site: Path, prefix: str, queries: dict) -> dict:
    """Material's lunr search over the same entries (search/documents.json, written by the hooks when
    KB_SEARCH_DOCUMENTS is set), with the site's previous worker wrapper."""
    with tempfile.TemporaryDirectory(prefix="kb-search-lunr-") as tmp:
        overrides = {}
        for root in ("", "en/"):
            documents = site / root / "search" / "documents.json"
            if not documents.exists():
                return {"error": f"{documents} is missing: build with KB_SEARCH_DOCUMENTS=1"}
            index = json.loads(documents.read_text(encoding="utf-8"))
            served = Path(tmp) / f"{root.strip('/') or 'zh'}.json"
            served.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
            overrides[f"{root}search/search_index.json"] = served
        material = sorted((site / "assets/javascripts/workers").glob("search.*.min.js"))
        if not material:
            return {"error": "Material's search worker is not in the built site"}
        worker = Path(tmp) / "worker.js"
        worker.write_text(LUNR_WORKER.read_text(encoding="utf-8").replace("MATERIAL_WORKER", f"workers/{material[0].name}"), encoding="utf-8")
        overrides["assets/javascripts/search-worker.js"] = worker
        return search_timing.measure(site, prefix, queries, overrides=overrides)


def _run_pagefind(arguments: list[str]) -> dict | None:
    """Run Pagefind's CLI; None when it indexed, else the error to report in place of figures."""
    command = [sys.executable, "-m", "pagefind", *arguments, "--silent"]
    try:
        indexed = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    except (OSError, subprocess.SubprocessError) as error:
        return {"error": f"pagefind could not run: {error!r}"}
    if indexed.returncode != 0:
        return {"error": f"pagefind failed (pip install 'pagefind[extended]'): {(indexed.stderr or indexed.stdout)[-500:]}"}
    return None


def _pagefind_option(site: Path, prefix: str, queries: dict) -> dict:
    bundle = site / search_timing.PAGEFIND_DIR
    shutil.rmtree(bundle, ignore_errors=True)
    start = time.perf_counter()
    error = _run_pagefind(["--site", str(site), "--output-subdir", search_timing.PAGEFIND_DIR, "--root-selector", "article"])
    if error:
        return error
    seconds = time.perf_counter() - start
    files = [p for p in bundle.rglob("*") if p.is_file()]
    result = search_timing.measure(site, prefix, queries, engine="pagefind")
    result["index_seconds"] = round(seconds, 1)
    result["bundle_files"] = len(files)
    result["bundle_bytes"] = sum(p.stat().st_size for p in files)
    shutil.rmtree(bundle, ignore_errors=True)
    return result


JIEBA_BUNDLE = "pagefind-jieba"
ROOT = Path(__file__).resolve().parent.parent


def segmented_queries(site: Path, queries: dict) -> dict:
    """The queries as the site's worker splits them (its words joined by spaces), for Pagefind."""
    out = {}
    for language, root in (("zh", site), ("en", site / "en")):
        texts = [query for query, _ in queries[language]]
        done = subprocess.run(["node", str(ROOT / "scripts/search-eval.mjs"), str(root), "--words"], input=json.dumps(texts), capture_output=True, text=True, check=True)
        words = json.loads(done.stdout)
        out[language] = [(" ".join(found) or query, expect) for (query, expect), found in zip(queries[language], words, strict=True)]
    return out


def _record_text(html_text: str) -> str:
    """Plain text with jieba's word boundaries (U+200B in the entries) as spaces."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", html_text or "")).replace("\u200b", " ")).strip()


def _write_records(site: Path, records_dir: Path) -> int:
    """One small HTML page per search entry of the site's pages (sections such as the glossary's
    terms have no page of their own and are left out), its text split into jieba's words."""
    count = 0
    for language, root in (("zh", ""), ("en", "en/")):
        documents = json.loads((site / root / "search" / "documents.json").read_text(encoding="utf-8"))
        for doc in documents["docs"]:
            if "#" in doc["location"]:
                continue
            title = html.escape(_record_text(doc.get("title", "")))
            page = records_dir / root / doc["location"] / "index.html"
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(
                f'<!doctype html><html lang="{language}"><head><meta charset="utf-8"><title>{title}</title></head>'
                f"<body><main><h1>{title}</h1><p>{html.escape(_record_text(doc.get('text', '')))}</p></main></body></html>",
                encoding="utf-8",
            )
            count += 1
    return count


def _pagefind_jieba_option(site: Path, prefix: str, queries: dict) -> dict:
    """Pagefind fed with the build's jieba segmentation: HTML records whose words are separated by
    spaces (the Python API's add_custom_record took 96 s for the real site's 928 entries, the CLI
    on records a few seconds), and queries split by the site's own worker code, so that both sides
    see the same words."""
    bundle = site / JIEBA_BUNDLE
    shutil.rmtree(bundle, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="kb-pagefind-records-") as tmp:
        start = time.perf_counter()
        records = _write_records(site, Path(tmp))
        error = _run_pagefind(["--site", tmp, "--output-path", str(bundle), "--root-selector", "main"])
        if error:
            return error
        seconds = time.perf_counter() - start
    files = [p for p in bundle.rglob("*") if p.is_file()]
    result = search_timing.measure(site, prefix, segmented_queries(site, queries), engine="pagefind", bundle_dir=JIEBA_BUNDLE)
    result.update({"index_seconds": round(seconds, 1), "bundle_files": len(files), "bundle_bytes": sum(p.stat().st_size for p in files), "records": records})
    shutil.rmtree(bundle, ignore_errors=True)
    return result


def measure_options(site: Path, prefix: str, queries: dict | None = None) -> dict:
    queries = queries or search_timing.default_queries()
    return {
        "lunr": _lunr_option(site, prefix, queries),
        "pagefind": _pagefind_option(site, prefix, queries),
        "pagefind-jieba": _pagefind_jieba_option(site, prefix, queries),
    }
