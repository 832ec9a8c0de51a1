"""Search in a real browser: time from typing a query to the results, and bytes the first search needs.

The built site is served on 127.0.0.1 and driven with Debian's Chromium through Playwright, as in the
tests. For each language a fresh browser context (empty cache) opens the home page and types the
first query as soon as the page has loaded: that "first search" includes fetching the search index
and the worker building it. The other queries of the set then run one by one in the same page; the
time of each is from the keystroke to the first result in the list, measured inside the page.

Bytes are those of the files the page fetched, read from the built site: raw (what the local server
sent) and gzip level 6 (what a static host such as GitHub Pages sends for text files).
"""

from __future__ import annotations

import gzip
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
# The tests' server and browser settings, so that the benchmark measures the site as the tests see it.
from conftest import CHROMIUM, CHROMIUM_ARGS, _PrefixHandler, serve_site, site_path  # noqa: E402

__all__ = ["default_queries", "measure", "site_path"]
QUERY_FILE = ROOT / "tests" / "data" / "search_queries.yml"
FIRST_QUERY_TIMEOUT_MS = 60000  # includes fetching the index and the worker building it
QUERY_TIMEOUT_MS = 10000

PAGEFIND_DIR = "pagefind"

# Types `query` into Material's search box and resolves with the milliseconds until the first
# result is in the list and the first 5 result links (ms null after the timeout: no results).
TYPE_AND_WAIT = """
async ([query, timeout]) => {
  const input = document.querySelector("input.md-search__input");
  const list = document.querySelector(".md-search-result__list");
  input.value = "";
  input.dispatchEvent(new KeyboardEvent("keyup", {bubbles: true}));
  const deadline = performance.now() + timeout;
  while (list.children.length && performance.now() < deadline) await new Promise(r => setTimeout(r, 5));
  const start = performance.now();
  input.value = query;
  input.dispatchEvent(new KeyboardEvent("keyup", {bubbles: true}));
  const ms = await new Promise(resolve => {
    const done = () => { if (list.children.length) { observer.disconnect(); resolve(performance.now() - start); } };
    const observer = new MutationObserver(done);
    observer.observe(list, {childList: true});
    setTimeout(() => { observer.disconnect(); resolve(null); }, timeout);
    done();
  });
  await new Promise(r => setTimeout(r, 50));  // the rest of the first batch
  const hrefs = [...document.querySelectorAll(".md-search-result__item > a")].slice(0, 5).map(a => a.href);
  return {ms, hrefs};
}
"""

# The same through Pagefind's JavaScript API (bundle built by bench/search_options.py): the time
# of the search plus loading the top 5 results, as its UI would before showing them.
PAGEFIND_QUERY = """
async ([query, timeout, bundle]) => {
  window.__pagefind = window.__pagefind || await import(bundle + "pagefind.js");
  const start = performance.now();
  const search = await window.__pagefind.search(query);
  const top = await Promise.all(search.results.slice(0, 5).map(result => result.data()));
  const ms = top.length ? performance.now() - start : null;
  return {ms, hrefs: top.map(data => new URL(data.url, location.href).href)};
}
"""


def default_queries() -> dict[str, list[tuple[str, str]]]:
    """(query, expected question id) of tests/data/search_queries.yml: zh typed on /, en on /en/."""
    data = yaml.safe_load(QUERY_FILE.read_text(encoding="utf-8"))
    # several pages may answer one need: `expect` is then a tuple of ids
    return {language: [(str(item["query"]), tuple(item["expect"]) if isinstance(item["expect"], list) else item["expect"]) for item in data[language]] for language in ("zh", "en")}


def _question_paths(site: Path, ids: set[str]) -> dict[str, str]:
    """`topic/id/` of each question id that has exactly one page in the built site."""
    found = {}
    for question_id in ids:
        # a moved page leaves a redirect stub at its old address: not the question's page
        pages = [p for p in site.glob(f"*/{question_id}/index.html") if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")[:2000]]
        if len(pages) == 1:
            found[question_id] = f"{pages[0].parent.parent.name}/{question_id}/"
    return found


def _hit(hrefs: list[str], expect: str | tuple[str, ...], paths: dict[str, str], language_root: str) -> bool | None:
    """Whether an expected question is among the top 5; None where the corpus has no such page."""
    known = [e for e in (expect if isinstance(expect, tuple) else (expect,)) if e in paths]
    if not known:
        return None
    wanted = ["/" + language_root + paths[e] for e in known]
    return any(urlparse(href).path.endswith((w, w + "index.html")) for href in hrefs for w in wanted)


def gzip_size(data: bytes) -> int:
    """Bytes on the wire from a host that gzips: never more than the file (already-compressed files go as they are)."""
    return min(len(data), len(gzip.compress(data, compresslevel=6, mtime=0)))


def overriding_handler(prefix: str, overrides: dict[str, Path]) -> type:
    """The tests' request handler, serving a replacement file (e.g. a trimmed index) in place of the site's."""
    replaced = {prefix + name: str(path) for name, path in overrides.items()}

    class Handler(_PrefixHandler):
        def translate_path(self, path):
            return replaced.get(urlparse(path).path) or super().translate_path(path)

    return Handler


def site_file(name: str, site: Path, overrides: dict[str, Path]) -> Path | None:
    if name in overrides:
        return overrides[name]
    path = site / name
    if path.is_dir():
        path = path / "index.html"
    return path if path.is_file() else None


def _bytes_of(urls: list[str], base_url: str, site: Path, overrides: dict[str, Path], marker: str) -> dict:
    files = {}
    for url in urls:
        if not url.startswith(base_url):
            continue
        name = unquote(urlparse(url).path[len(urlparse(base_url).path):])
        path = site_file(name, site, overrides)
        if path is not None:
            files[name] = path.read_bytes()
    search = {name: data for name, data in files.items() if marker in name}
    return {
        "requests": len(urls),
        "all_raw_bytes": sum(len(d) for d in files.values()),
        "all_gzip_bytes": sum(gzip_size(d) for d in files.values()),
        "search_raw_bytes": sum(len(d) for d in search.values()),
        "search_gzip_bytes": sum(gzip_size(d) for d in search.values()),
        "search_files": {name: {"raw": len(d), "gzip": gzip_size(d)} for name, d in sorted(search.items())},
    }


def _measure_language(browser, base_url: str, site: Path, language_root: str, queries: list[tuple[str, str]], overrides: dict, engine: str, paths: dict[str, str], bundle_dir: str = PAGEFIND_DIR) -> dict:
    context = browser.new_context()
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    if engine == "pagefind":  # Material's own index would still load with the page: keep it out of the figures
        context.route("**/search_index.json", lambda route: route.abort())
    script, marker = (PAGEFIND_QUERY, bundle_dir + "/") if engine == "pagefind" else (TYPE_AND_WAIT, "search")
    bundle = urlparse(base_url).path + bundle_dir + "/"
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    started = time.perf_counter()
    page.goto(base_url + language_root, wait_until="load")
    load_ms = (time.perf_counter() - started) * 1000
    page.keyboard.press("/")
    results = [page.evaluate(script, [queries[0][0], FIRST_QUERY_TIMEOUT_MS, bundle])]
    transferred = _bytes_of(list(dict.fromkeys(requested)), base_url, site, overrides, marker)
    for query, _ in queries[1:]:
        results.append(page.evaluate(script, [query, QUERY_TIMEOUT_MS, bundle]))
    context.close()
    answered = [r["ms"] for r in results[1:] if r["ms"] is not None]
    hits = [_hit(r["hrefs"], expect, paths, language_root) for r, (_, expect) in zip(results, queries, strict=True)]
    judged = [h for h in hits if h is not None]
    first_ms = results[0]["ms"]
    return {
        "page": language_root or "/",
        "engine": engine,
        "page_load_ms": round(load_ms),
        "first_query": queries[0][0],
        "first_search_ms": round(first_ms) if first_ms is not None else None,
        "first_search_transfer": transferred,
        "queries": len(queries) - 1,
        "queries_without_results": len(results) - 1 - len(answered),
        "median_search_ms": round(statistics.median(answered), 1) if answered else None,
        "p90_search_ms": round(statistics.quantiles(answered, n=10)[-1], 1) if len(answered) >= 10 else None,
        # hit@5 only where the expected pages exist (the real corpus), over every query including the first
        "hit_at_5": round(sum(judged) / len(judged), 3) if judged and len(judged) == len(hits) else None,
        "page_errors": errors,
    }


def measure(site: Path, prefix: str = "/", queries: dict | None = None, overrides: dict[str, Path] | None = None, engine: str = "site", bundle_dir: str = PAGEFIND_DIR) -> dict:
    """Search timings and first-search bytes of the built `site` for zh (/) and en (/en/).

    `overrides` serves other files in place of the site's (path relative to the site root);
    engine "pagefind" searches through the Pagefind bundle in `site/<bundle_dir>/` instead."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        return {"error": f"{CHROMIUM} is missing (apt-get install -y chromium)"}
    queries = queries or default_queries()
    overrides = overrides or {}
    paths = _question_paths(site, {e for items in queries.values() for _, expect in items for e in (expect if isinstance(expect, tuple) else (expect,))})
    server, url = serve_site(site, prefix, handler=overriding_handler(prefix, overrides))
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                return {
                    "zh": _measure_language(browser, url, site, "", queries["zh"], overrides, engine, paths, bundle_dir),
                    "en": _measure_language(browser, url, site, "en/", queries["en"], overrides, engine, paths, bundle_dir),
                }
            finally:
                browser.close()
    finally:
        server.shutdown()


if __name__ == "__main__":  # python -m bench.search_timing SITE_DIR [PREFIX] [--options]
    import json

    from . import search_options

    site, prefix = Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 and not sys.argv[2].startswith("--") else "/"
    result = {"site": measure(site, prefix)}
    if "--options" in sys.argv:
        result.update(search_options.measure_options(site, prefix))
    print(json.dumps(result, indent=1, ensure_ascii=False))
