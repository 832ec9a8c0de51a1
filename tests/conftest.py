"""Shared fixtures: one strict build per test session, served on 127.0.0.1 for the browser."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def mkdocs_build(config: Path, site_dir: Path, site_url: str | None = None, strict: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    if site_url:
        env["SITE_URL"] = site_url
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict" if strict else "--no-strict", "--clean", "-f", str(config), "-d", str(site_dir)],
        cwd=config.parent, env=env, capture_output=True, text=True, timeout=900,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def site_path(config: Path = ROOT / "mkdocs.yml") -> str:
    """The path the site is published under (from site_url, or $SITE_URL as mkdocs reads it)."""
    site_url = yaml.load(config.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)["site_url"]
    default = site_url[-1] if isinstance(site_url, list) else site_url  # `!ENV [SITE_URL, default]` reads back as a list
    return urlparse(os.environ.get("SITE_URL") or default).path


@pytest.fixture(scope="session")
def served_at() -> tuple[int, str]:
    """Port and URL the site is built for and served at: sitemaps carry absolute URLs."""
    port = free_port()
    return port, f"http://127.0.0.1:{port}{site_path()}"


@pytest.fixture(scope="session")
def build(tmp_path_factory, served_at) -> tuple[subprocess.CompletedProcess, Path]:
    site_dir = tmp_path_factory.mktemp("build") / "site"
    result = mkdocs_build(ROOT / "mkdocs.yml", site_dir, site_url=served_at[1])
    return result, site_dir


@pytest.fixture(scope="session")
def site(build) -> Path:
    result, site_dir = build
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    return site_dir


@pytest.fixture(scope="session")
def site_path_prefix(served_at) -> str:
    """The path the site is published under; it is served under the same path."""
    return urlparse(served_at[1]).path


class _PrefixHandler(http.server.SimpleHTTPRequestHandler):
    prefix = "/"

    def translate_path(self, path):
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "__outside_site_url__")
        return super().translate_path("/" + path[len(self.prefix):])

    def send_error(self, code, message=None, explain=None):
        if code == 404:  # serve the site's own 404 page, like GitHub Pages does
            page = Path(self.directory) / "404.html"
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format, *args):
        pass


def serve_site(site: Path, prefix: str, port: int = 0, handler: type = _PrefixHandler) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve the built `site` under `prefix` on 127.0.0.1 from a background thread: the server and its URL.
    Also used by the benchmark and the Lighthouse script."""
    bound = type("Handler", (handler,), {"prefix": prefix})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(bound, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}{prefix}"


@pytest.fixture(scope="session")
def base_url(site, site_path_prefix, served_at) -> str:
    server, url = serve_site(site, site_path_prefix, served_at[0])
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing; .ci/run installs it (apt-get install -y chromium)")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    """A fresh page that records console errors and failed requests. A test marked `inject` may add
    its own scripts (axe), which the site's Content-Security-Policy would otherwise refuse."""
    context = browser.new_context(bypass_csp=request.node.get_closest_marker("inject") is not None)
    page = context.new_page()
    page.console_errors = []
    page.failed_requests = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    page.on("requestfailed", lambda request: page.failed_requests.append(request.url))
    yield page
    context.close()


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A scratch copy of the parts of the project the importer reads and writes."""
    for name in ("sources", "docs", "data"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path
