"""Hit@5 of the site's real search box for queries a reader would type (tests/data/search_queries.yml).

Each query runs in Material's header search of the built site: zh and cross on the Chinese site,
en on the English one. A hit is the expected page among the first five results.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
QUERIES = yaml.safe_load((ROOT / "tests" / "data" / "search_queries.yml").read_text(encoding="utf-8"))
MIN_HIT_AT_5 = 0.9
TOP = 5
GROUPS = {  # group -> (language prefix of the site it is typed on, minimum number of queries)
    "zh": ("", 40),
    "en": ("en/", 25),
    "cross": ("", 10),
}


def topic_of(page_id: str) -> str:
    """The docs folder of a page (its URL's first segment), from docs/<topic>/<id>.md."""
    found = sorted(path.parent.name for path in (ROOT / "docs").glob(f"*/{page_id}.md"))
    assert len(found) == 1, f"expected exactly one docs/<topic>/{page_id}.md, found {found}"
    return found[0]


def clear_search(page, box) -> None:
    """Empty the box and wait until the previous query's results are gone."""
    box.fill("")
    box.press("End")  # Material searches on keyup
    page.wait_for_function("() => document.querySelectorAll('.md-search-result__item').length === 0", timeout=10000)


def run_query(page, box, query: str) -> list[str]:
    """The paths of the first TOP results for `query` (no fragment), best first."""
    clear_search(page, box)
    placeholder = page.locator(".md-search-result__meta").inner_text()
    box.fill(query)
    box.press("End")
    # The meta line leaves its "type to search" placeholder once this query's results (or none) are in.
    page.wait_for_function(
        "placeholder => { const meta = document.querySelector('.md-search-result__meta'); return meta && meta.innerText !== placeholder; }",
        arg=placeholder,
        timeout=15000,
    )
    page.wait_for_timeout(100)  # let the list render after the meta line
    hrefs = page.eval_on_selector_all(".md-search-result__item > a", "links => links.map(a => a.href)")
    return [urlparse(href).path for href in hrefs[:TOP]]


def measure(page, base_url: str, group: str) -> tuple[float, list[tuple[str, str, list[str]]], str]:
    """Run every query of `group` in one page; hit@5 and the misses (query, expected id, top results)."""
    prefix, _ = GROUPS[group]
    items = QUERIES[group]
    site_root = urlparse(base_url).path + prefix
    page.goto(base_url + prefix)
    page.keyboard.press("/")
    box = page.locator("input.md-search__input")
    box.wait_for(state="visible")
    misses = []
    for item in items:
        query, expect = str(item["query"]), item["expect"]
        accepted = expect if isinstance(expect, list) else [expect]  # several pages may answer the same need
        results = run_query(page, box, query)
        if not any(f"{site_root}{topic_of(page_id)}/{page_id}/" in results for page_id in accepted):
            misses.append((query, " | ".join(accepted), results))
    return 1 - len(misses) / len(items), misses, site_root


def report(group: str, hit_at_5: float, misses, site_root: str) -> None:
    total = len(QUERIES[group])
    print(f"\n[{group}] hit@5 = {hit_at_5:.3f} ({total - len(misses)}/{total}), typed on {site_root}")
    if misses:
        print(f"  {'query':<36} {'expected':<44} got (top {TOP})")
    for query, expect, results in misses:
        got = ", ".join(path[len(site_root) :].strip("/") if path.startswith(site_root) else path for path in results)
        print(f"  {query:<36} {expect:<44} {got or '(no results)'}")


@pytest.mark.parametrize("group", list(GROUPS))
def test_search_hit_at_5(page, base_url, group):
    assert len(QUERIES[group]) >= GROUPS[group][1], f"{group}: too few queries"
    hit_at_5, misses, site_root = measure(page, base_url, group)
    report(group, hit_at_5, misses, site_root)
    assert page.console_errors == []
    assert hit_at_5 >= MIN_HIT_AT_5, f"{group}: hit@5 {hit_at_5:.3f} < {MIN_HIT_AT_5}, {len(misses)} misses (table in the captured output)"
