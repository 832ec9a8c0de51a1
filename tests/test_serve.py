"""`make serve`: the addresses it prints are the ones that serve the site, in both languages."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from conftest import free_port

ROOT = Path(__file__).resolve().parent.parent


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""


def test_make_serve_runs_the_script():
    dry_run = subprocess.run(["make", "-n", "serve"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "scripts/serve.py --addr 127.0.0.1:8000" in dry_run


def test_printed_addresses_serve_both_languages():
    address = f"127.0.0.1:{free_port()}"
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts/serve.py"), "--addr", address],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True,
    )
    try:
        printed = [server.stdout.readline() for _ in range(3)]
        urls = dict(re.findall(r"(中文|English)\s+(\S+)", "".join(printed)))
        assert urls == {"中文": f"http://{address}/", "English": f"http://{address}/en/"}, printed
        deadline = time.monotonic() + 600  # mkdocs serve builds both languages before it answers
        while time.monotonic() < deadline and server.poll() is None:
            try:
                status, _ = fetch(urls["中文"])
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(2)
        for url, language in ((urls["中文"], "zh"), (urls["English"], "en"), (urls["English"] + "generation/what-is-repetition/", "en")):
            status, html = fetch(url)
            assert status == 200, url
            assert f'<html lang="{language}"' in html, url
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the script and the mkdocs server it started
        server.wait(timeout=30)
