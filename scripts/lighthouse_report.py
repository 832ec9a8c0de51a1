"""Lighthouse (mobile preset) on the locally served site: home, a topic, a question and a question full of
formulas (LoRA), both languages.

Usage: python scripts/lighthouse_report.py [--write-docs | --report-only]
Builds the site for a local URL, serves it on 127.0.0.1, runs node_modules/.bin/lighthouse with
Debian's Chromium, writes bench/lighthouse.json and, with --write-docs, the scores table into the
marked block of docs/performance.md and docs/performance.en.md; --report-only only writes that block
from the scores already in bench/lighthouse.json.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
# The markers the benchmark's page keeps, and the tests' build, server and browser settings.
from conftest import CHROMIUM, CHROMIUM_ARGS, _PrefixHandler, free_port, mkdocs_build, serve_site, site_path  # noqa: E402

from bench.report import END_LIGHTHOUSE as END  # noqa: E402
from bench.report import START_LIGHTHOUSE as START  # noqa: E402

# home, a topic, a question and one with many formulas (KaTeX's HTML and fonts), in both languages
PAGES = [
    "", "sft/", "sft/chat-or-base-model/", "sft/how-lora-works-and-advantages/",
    "en/", "en/sft/", "en/sft/chat-or-base-model/", "en/sft/how-lora-works-and-advantages/",
]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")


class PagesLikeHandler(_PrefixHandler):
    """The site as GitHub Pages serves it: text gzipped, and cached for 10 minutes."""

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        content_type = self.guess_type(str(path))
        if not path.is_file() or "gzip" not in self.headers.get("Accept-Encoding", "") or not content_type.startswith(COMPRESSED_TYPES):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def end_headers(self):
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()


def audit(url: str, out: Path) -> dict:
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    subprocess.run(
        [str(ROOT / "node_modules/.bin/lighthouse"), url, "--quiet", "--output=json", f"--output-path={out}",
         f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={' '.join(CHROMIUM_ARGS)}"],
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
    if "--report-only" in sys.argv:  # publish the scores already in bench/lighthouse.json
        write_docs(json.loads((ROOT / "bench/lighthouse.json").read_text(encoding="utf-8")))
        return
    port = free_port()
    prefix = site_path()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        built = mkdocs_build(ROOT / "mkdocs.yml", tmp / "site", site_url=f"http://127.0.0.1:{port}{prefix}")
        if built.returncode != 0:
            sys.exit(built.stderr)
        server, _ = serve_site(tmp / "site", prefix, port, PagesLikeHandler)
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
