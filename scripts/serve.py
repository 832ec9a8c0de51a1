"""`make serve`: the site with live rebuilds, served at the root of a local address.

The published site lives under the path of site_url (/llm-interview-kb/), and `mkdocs serve` would
serve it there, so that http://127.0.0.1:8000/ answered with a redirect and /en/ with a 404. During
development the site is built for the root of the local address instead (SITE_URL, which
mkdocs.yml reads), and both languages' addresses are printed before the server starts.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def addresses(host_port: str) -> dict[str, str]:
    root = f"http://{host_port}/"
    return {"zh": root, "en": root + "en/"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addr", default="127.0.0.1:8000", help="host:port to serve on (default 127.0.0.1:8000)")
    args = parser.parse_args()
    urls = addresses(args.addr)
    print("Serving the knowledge base; it rebuilds when a file changes (Ctrl+C stops it):", flush=True)
    print(f"  中文     {urls['zh']}", flush=True)
    print(f"  English  {urls['en']}", flush=True)
    env = {**os.environ, "SITE_URL": urls["zh"], "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    try:
        return subprocess.call([sys.executable, "-m", "mkdocs", "serve", "-a", args.addr], cwd=ROOT, env=env)
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
