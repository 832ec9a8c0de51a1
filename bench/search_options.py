"""Measured alternatives to the full lunr index, for when the first search grows too heavy.

Nothing here changes the site. Each option is measured on the site the benchmark just built:
- the same lunr search with a trimmed index: answers cut to their first characters, or titles and
  tags only (the trimmed index is served in place of search_index.json);
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

TRIM_CHARS = 300


def trim_index(index: dict, chars: int) -> dict:
    """`index` with every entry's text cut to its first `chars` characters of plain text (0: none)."""
    docs = []
    for doc in index["docs"]:
        text = html.unescape(re.sub(r"<[^>]+>", " ", doc.get("text", "")))
        text = re.sub(r"\s+", " ", text).strip()
        docs.append({**doc, "text": text[:chars] if chars else ""})
    return {**index, "docs": docs}


def _trimmed_option(site: Path, prefix: str, queries: dict, chars: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="kb-search-trim-") as tmp:
        overrides = {}
        for index_path in ("search/search_index.json", "en/search/search_index.json"):
            index = json.loads((site / index_path).read_text(encoding="utf-8"))
            trimmed = Path(tmp) / index_path.replace("/", "_")
            trimmed.write_text(json.dumps(trim_index(index, chars), ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
            overrides[index_path] = trimmed
        return search_timing.measure(site, prefix, queries, overrides=overrides)


def _pagefind_option(site: Path, prefix: str, queries: dict) -> dict:
    bundle = site / search_timing.PAGEFIND_DIR
    shutil.rmtree(bundle, ignore_errors=True)
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-subdir", search_timing.PAGEFIND_DIR, "--root-selector", "article", "--silent"]
    start = time.perf_counter()
    try:
        indexed = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    except (OSError, subprocess.SubprocessError) as error:
        return {"error": f"pagefind could not run: {error!r}"}
    seconds = time.perf_counter() - start
    if indexed.returncode != 0:
        return {"error": f"pagefind failed (pip install 'pagefind[extended]'): {(indexed.stderr or indexed.stdout)[-500:]}"}
    files = [p for p in bundle.rglob("*") if p.is_file()]
    result = search_timing.measure(site, prefix, queries, engine="pagefind")
    result["index_seconds"] = round(seconds, 1)
    result["bundle_files"] = len(files)
    result["bundle_bytes"] = sum(p.stat().st_size for p in files)
    shutil.rmtree(bundle, ignore_errors=True)
    return result


def measure_options(site: Path, prefix: str, queries: dict | None = None) -> dict:
    queries = queries or search_timing.default_queries()
    return {
        f"lunr-trimmed-{TRIM_CHARS}": _trimmed_option(site, prefix, queries, TRIM_CHARS),
        "lunr-titles-only": _trimmed_option(site, prefix, queries, 0),
        "pagefind": _pagefind_option(site, prefix, queries),
    }
