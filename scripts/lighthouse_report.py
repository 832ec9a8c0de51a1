"""Lighthouse (mobile preset) on the locally served site: home, a topic and a question, both languages.

Usage: python scripts/lighthouse_report.py [--write-docs]
Builds the site for a local URL, serves it on 127.0.0.1, runs node_modules/.bin/lighthouse with
Debian's Chromium, writes bench/lighthouse.json and, with --write-docs, the scores table into the
marked block of docs/performance.md and docs/performance.en.md.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["", "sft/", "sft/chat-or-base-model/", "en/", "en/sft/", "en/sft/chat-or-base-model/"]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run"
START, END = "<!-- lighthouse:start -->", "<!-- lighthouse:end -->"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(site: Path, port: int, prefix: str) -> http.server.ThreadingHTTPServer:
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import _PrefixHandler

    handler = type("Handler", (_PrefixHandler,), {"prefix": prefix})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def audit(url: str, out: Path) -> dict:
    env = {**os.environ, "CHROME_PATH": "/usr/bin/chromium"}
    subprocess.run(
        [str(ROOT / "node_modules/.bin/lighthouse"), url, "--quiet", "--output=json", f"--output-path={out}",
         f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}"],
        check=True, env=env, timeout=300,
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
    failing = {
        c: [a for a in (ref["id"] for ref in report["categories"][c]["auditRefs"]) if report["audits"][a].get("score") not in (None, 1)]
        for c in CATEGORIES if scores[c] < 100
    }
    return {"scores": scores, "failing_audits": failing}


def table(results: dict, language: str) -> str:
    head = {"zh": "| 页面 | 性能 | 无障碍 | 最佳实践 | SEO |", "en": "| page | performance | accessibility | best practices | SEO |"}[language]
    rows = [head, "| --- | --- | --- | --- | --- |"]
    for page, result in results["pages"].items():
        s = result["scores"]
        rows.append(f"| `/{page}` | {s['performance']} | {s['accessibility']} | {s['best-practices']} | {s['seo']} |")
    note = {"zh": f"Lighthouse {results['lighthouse']},移动端预设,{results['date']} 在本机 127.0.0.1 上测得。", "en": f"Lighthouse {results['lighthouse']}, mobile preset, measured on {results['date']} against 127.0.0.1 on this machine."}[language]
    return "\n".join([note, "", *rows])


def write_docs(results: dict) -> None:
    for language, name in (("zh", "performance.md"), ("en", "performance.en.md")):
        path = ROOT / "docs" / name
        text = path.read_text(encoding="utf-8")
        block = f"{START}\n{table(results, language)}\n{END}"
        text = text[: text.index(START)] + block + text[text.index(END) + len(END):] if START in text else text.rstrip() + "\n\n" + block + "\n"
        path.write_text(text, encoding="utf-8")


def main() -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import mkdocs_build

    port = free_port()
    prefix = "/llm-interview-kb/"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        built = mkdocs_build(ROOT / "mkdocs.yml", tmp / "site", site_url=f"http://127.0.0.1:{port}{prefix}")
        if built.returncode != 0:
            sys.exit(built.stderr)
        server = serve(tmp / "site", port, prefix)
        version = subprocess.run([str(ROOT / "node_modules/.bin/lighthouse"), "--version"], capture_output=True, text=True).stdout.strip()
        results = {"lighthouse": version, "date": date.today().isoformat(), "pages": {}}
        for index, page in enumerate(PAGES):
            results["pages"][page] = audit(f"http://127.0.0.1:{port}{prefix}{page}", tmp / f"report-{index}.json")
            print(page or "/", results["pages"][page]["scores"], results["pages"][page]["failing_audits"], flush=True)
        server.shutdown()
    (ROOT / "bench").mkdir(exist_ok=True)
    (ROOT / "bench/lighthouse.json").write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if "--write-docs" in sys.argv:
        write_docs(results)


if __name__ == "__main__":
    main()
