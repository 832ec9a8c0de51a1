"""Formulas rendered at build time (the site) against KaTeX rendering them in the reader's browser.

Run: .venv/bin/python -m bench.math_options [--site BUILT_SITE] [--runs 7]
Without --site it builds the site (mkdocs build --strict) into a temporary directory. Results go to
bench/math.json; docs/performance.md shows them in the section "公式渲染".

Both options start from the same markup: pymdownx.arithmatex (generic) leaves `\\(TeX\\)` in a span and
`\\[TeX\\]` in a div. The client-side page is the built page with every formula put back that way (its
TeX read from KaTeX's annotation), plus katex.min.js, auto-render and a file that renders the page as
Material's documentation does (document$ and renderMathInElement), all served by the site.
- Build: the seconds the hooks' KaTeX pass takes, timed as a build runs it (llmqa.math.render_math,
  one Node process, identical formulas rendered once) over every built page with formulas; the
  client-side option renders nothing at build time.
- Bytes: every file of the site the page fetched in Chromium with an empty cache, gzip level 6 (what
  GitHub Pages sends; fonts are already compressed and count as they are).
- Time: Chromium (Playwright) loads the page served on 127.0.0.1 in a phone-sized window, at full CPU
  speed and slowed 4x (as in Lighthouse's mobile preset); medians of --runs fresh loads, the two options
  alternating. "Shown" is the latest of first contentful paint, the frame after the browser's KaTeX
  rendering and the arrival of KaTeX's files; "layout shift" sums the page's layout-shift scores (CLS).
- CSP: the page keeps the site's Content-Security-Policy; violations it reports are recorded.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
# The tests' build, server and browser settings, as in bench/search_timing.py.
from conftest import CHROMIUM, CHROMIUM_ARGS, mkdocs_build, serve_site, site_path  # noqa: E402

from llmqa.math import KATEX_DIST, KatexRenderer, has_math, render_math  # noqa: E402

from . import machine, search_timing  # noqa: E402

PAGES = (
    "sft/how-lora-works-and-advantages/",  # the example
    "deep-learning/what-is-adam-optimizer/",  # the question whose Markdown has the most `$`
    "self-test/",  # the page with the most formulas: every answer of the self-test
)
CLIENT_PAGE = "client-side-math.html"  # served next to each page's index.html, so relative links still work
RATES = (1, 4)  # CPU slowdown
VIEWPORT = {"width": 412, "height": 823}  # a phone's, as in Lighthouse's mobile preset
OUT = Path(__file__).resolve().parent / "math.json"

OPENING = re.compile(r'<(span|div) class="arithmatex"[^>]*>')
ANNOTATION = re.compile(r'<annotation encoding="application/x-tex">(.*?)</annotation>', re.DOTALL)
DELIMITERS = {"span": (r"\(", r"\)"), "div": (r"\[", r"\]")}

# The client-side option as Material's documentation sets up KaTeX, timed.
RENDER_JS = r"""document$.subscribe(({ body }) => {
  const start = performance.now();
  renderMathInElement(body, {
    delimiters: [{left: "\\(", right: "\\)", display: false}, {left: "\\[", right: "\\]", display: true}],
    throwOnError: false, strict: "ignore",
  });
  const end = performance.now();  // then the next frame, with the formulas laid out and painted
  requestAnimationFrame(() => setTimeout(() => { window.__katex = {start, end, painted: performance.now()}; }));
});
"""
CLIENT_SCRIPTS = ("katex.min.js", "auto-render.min.js", "render-math.js")
VIOLATIONS = """document.addEventListener("securitypolicyviolation",
  e => (window.__violations = window.__violations || []).push(e.violatedDirective + " " + e.blockedURI));"""
# After the load event: waits for the browser's rendering (client-side) and the fonts, then reads the timings.
SHOWN = """async (client) => {
  const deadline = performance.now() + 30000;
  while (client && !window.__katex && performance.now() < deadline) await new Promise(r => setTimeout(r, 5));
  document.body.offsetHeight;
  await document.fonts.ready;
  await new Promise(requestAnimationFrame);
  const math = window.__katex || {start: 0, end: 0, painted: 0};
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  const katex = performance.getEntriesByType("resource").filter(e => e.name.includes("/assets/katex/"));
  const shifts = await new Promise(resolve => {  // buffered layout-shift entries, if there are any
    new PerformanceObserver(list => resolve(list.getEntries())).observe({type: "layout-shift", buffered: true});
    setTimeout(() => resolve([]), 500);
  });
  return {
    load_ms: performance.getEntriesByType("navigation")[0].loadEventEnd,
    paint_ms: paint ? paint.startTime : 0,  // before "shown", a client-side page shows the TeX source
    katex_ms: math.end - math.start,
    shown_ms: Math.max(paint ? paint.startTime : 0, math.painted, ...katex.map(e => e.responseEnd)),
    layout_shift: shifts.filter(e => !e.hadRecentInput).reduce((sum, e) => sum + e.value, 0),
    rendered: document.querySelectorAll(".arithmatex .katex").length,
    violations: window.__violations || [],
  };
}"""


def formulas(page: str) -> list[tuple[int, int, str, str]]:
    """(start, end, element, TeX) of every formula KaTeX rendered into a built page."""
    found = []
    for opening in OPENING.finditer(page):
        element, depth = opening[1], 0
        for tag in re.compile(rf"<(/?){element}\b[^>]*>").finditer(page, opening.start()):
            depth += -1 if tag[1] else 1
            if depth == 0:
                break
        tex = ANNOTATION.search(page, opening.end(), tag.end())
        if depth or tex is None:
            raise ValueError(f"no rendered formula at character {opening.start()}")
        found.append((opening.start(), tag.end(), element, html.unescape(tex[1])))
    return found


def arithmatex_markup(page: str) -> str:
    """The built page as arithmatex left it: each formula `\\(TeX\\)` or `\\[TeX\\]` in its element again."""
    parts, last = [], 0
    for start, end, element, tex in formulas(page):
        left, right = DELIMITERS[element]
        markup = html.escape(left + tex + right, quote=False)
        parts += [page[last:start], f'<{element} class="arithmatex">{markup}</{element}>']
        last = end
    return "".join(parts) + page[last:]


def katex_pass(pages: list[str]) -> tuple[float, list[str]]:
    """The hooks' KaTeX pass over `pages` (arithmatex markup), timed: one renderer, as in a build."""
    start = time.perf_counter()
    renderer = KatexRenderer()
    try:
        rendered = [render_math(page, renderer, "bench") for page in pages]
    finally:
        renderer.close()
    return time.perf_counter() - start, rendered


def client_side_page(page: str, depth: int) -> str:
    up = "../" * depth
    scripts = "".join(f'<script src="{up}assets/katex/{name}"></script>' for name in CLIENT_SCRIPTS)
    return arithmatex_markup(page).replace("</body>", scripts + "</body>")


def _transfer(urls: list[str], base_url: str, site: Path, overrides: dict[str, Path]) -> dict[str, int]:
    """gzip bytes of each file of the site the page fetched."""
    sizes = {}
    for url in dict.fromkeys(urls):
        if url.startswith(base_url):
            name = unquote(urlparse(url).path[len(urlparse(base_url).path):])
            path = search_timing.site_file(name, site, overrides)
            if path is not None:
                sizes[name] = search_timing.gzip_size(path.read_bytes())
    return sizes


def _load(browser, url: str, rate: int, client: bool) -> tuple[dict, list[str]]:
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(VIOLATIONS)
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": rate})
    page.goto(url, wait_until="load")
    result = page.evaluate(SHOWN, client)
    context.close()
    return result, requested


def _summary(loads: dict[int, list], name: str, base_url: str, site: Path, overrides: dict) -> dict:
    sizes = _transfer(loads[1][0][1], base_url, site, overrides)
    katex = {file: size for file, size in sizes.items() if file.startswith("assets/katex/")}
    medians = {
        key: {f"{rate}x": round(statistics.median(r[key] for r, _ in loads[rate]), digits) for rate in RATES}
        for key, digits in (("load_ms", 1), ("paint_ms", 1), ("katex_ms", 1), ("shown_ms", 1), ("layout_shift", 3))
    }
    return {
        "html_bytes": search_timing.site_file(name, site, overrides).stat().st_size,
        "html_gzip": sizes[name], "katex_gzip": sum(katex.values()), "all_gzip": sum(sizes.values()),
        "katex_files": katex, **medians, "rendered": loads[1][0][0]["rendered"],
        "csp_violations": sorted({v for loaded in loads.values() for r, _ in loaded for v in r["violations"]}),
    }


def _measure_page(browser, base_url: str, site: Path, overrides: dict, page: str, runs: int) -> dict:
    names = {"build_time": page, "client_side": page + CLIENT_PAGE}
    _load(browser, base_url + page, 1, False)  # warm-up, not counted: a browser's first page is slower
    loads = {option: {rate: [] for rate in RATES} for option in names}
    for rate in RATES:
        for _ in range(runs):  # the options alternate, so that a slow spell of the machine hits both
            for option, name in names.items():
                loads[option][rate].append(_load(browser, base_url + name, rate, option == "client_side"))
    built = (site / page / "index.html").read_text(encoding="utf-8")
    summaries = {option: _summary(loads[option], name, base_url, site, overrides) for option, name in names.items()}
    return {"formulas": len(formulas(built)), **summaries}


def measure_pages(site: Path, runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    prefix = site_path()
    with tempfile.TemporaryDirectory(prefix="kb-math-") as tmp:
        (Path(tmp) / "render-math.js").write_text(RENDER_JS, encoding="utf-8")
        overrides = {
            "assets/katex/katex.min.js": KATEX_DIST / "katex.min.js",
            "assets/katex/auto-render.min.js": KATEX_DIST / "contrib" / "auto-render.min.js",
            "assets/katex/render-math.js": Path(tmp) / "render-math.js",
        }
        for index, page in enumerate(PAGES):
            built = (site / page / "index.html").read_text(encoding="utf-8")
            overrides[page + CLIENT_PAGE] = Path(tmp) / f"{index}.html"
            overrides[page + CLIENT_PAGE].write_text(client_side_page(built, page.count("/")), encoding="utf-8")
        server, url = serve_site(site, prefix, handler=search_timing.overriding_handler(prefix, overrides))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                return {page: _measure_page(browser, url, site, overrides, page, runs) for page in PAGES}
        finally:
            server.shutdown()


def measure_build(site: Path, runs: int) -> dict:
    pages = [p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.html"))]
    pages = [page for page in pages if has_math(page)]
    found = [(element, tex) for page in pages for _, _, element, tex in formulas(page)]
    markup = [arithmatex_markup(page) for page in pages]
    passes = [katex_pass(markup) for _ in range(runs)]
    seconds = [s for s, _ in passes]
    return {
        "pages_with_formulas": len(pages), "formulas": len(found), "distinct_formulas": len(set(found)),
        # the markup is faithful: rendering it again gives the built pages back
        "pages_identical_after_rendering_again": sum(a == b for a, b in zip(passes[-1][1], pages, strict=True)),
        "build_time": {"katex_seconds": round(statistics.median(seconds), 2), "runs": [round(s, 2) for s in seconds]},
        "client_side": {"katex_seconds": 0},
    }


def _katex_version() -> str:
    return json.loads((KATEX_DIST.parent / "package.json").read_text(encoding="utf-8"))["version"]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.math_options", description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, help="a site built from mkdocs.yml (default: build one now)")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per measurement; medians. Default: 7")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    described = machine.describe()
    result = {"date": described["date"][:10], "machine": described, "runs": args.runs, "katex": _katex_version()}
    result["build"] = {}
    with tempfile.TemporaryDirectory(prefix="kb-math-site-") as tmp:
        site = args.site
        if site is None:
            site, start = Path(tmp) / "site", time.perf_counter()
            built = mkdocs_build(ROOT / "mkdocs.yml", site)
            if built.returncode != 0:
                raise SystemExit(built.stderr[-2000:])
            result["build"]["mkdocs_build_seconds"] = round(time.perf_counter() - start, 1)
        result["build"].update(measure_build(site, args.runs))
        result["pages"] = measure_pages(site, args.runs)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({"build": result["build"], "pages": result["pages"]}, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
