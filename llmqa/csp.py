"""A Content-Security-Policy for every built page, as a <meta http-equiv> (GitHub Pages sets no headers).

Scripts run only from the site itself, plus the inline scripts that Material and our templates emit,
allowed one by one by their SHA-256 hashes, computed from the finished page.
"""

from __future__ import annotations

import base64
import hashlib
import re

# Inline scripts that execute: no src, and a JavaScript type (or none). JSON data blocks do not run.
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.DOTALL | re.IGNORECASE)
_NON_JS_TYPE = re.compile(r"""\btype=["']?(?!text/javascript|module|application/javascript)[^"'\s>]+""", re.IGNORECASE)
_HEAD = re.compile(r"<head[^>]*>", re.IGNORECASE)

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],  # + the hashes of this page's inline scripts
    "style-src": ["'self'", "'unsafe-inline'"],  # Material sets style attributes from JavaScript; KaTeX's HTML uses them
    "img-src": ["'self'", "data:"],  # Material's icons are data: SVGs in its stylesheet
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],  # instant navigation and the search index
    "worker-src": ["'self'"],  # the search worker
    "frame-src": ["'none'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'none'"],  # the search form never submits: Material handles it in the page
}


_CONTENT = re.compile(r"<article\b.*?</article>", re.DOTALL | re.IGNORECASE)


def inline_script_hashes(html: str) -> list[str]:
    """Hashes of the theme's inline scripts. Scripts inside the page content (<article>) are never
    allowed: content cannot contain any after sanitizing, and if one slipped through, CSP blocks it."""
    hashes = []
    for match in _INLINE_SCRIPT.finditer(_CONTENT.sub("", html)):
        if _NON_JS_TYPE.search(match["attrs"]):
            continue
        digest = base64.b64encode(hashlib.sha256(match["body"].encode("utf-8")).digest()).decode("ascii")
        if f"'sha256-{digest}'" not in hashes:
            hashes.append(f"'sha256-{digest}'")
    return hashes


def policy_for(html: str) -> str:
    directives = {**POLICY, "script-src": POLICY["script-src"] + inline_script_hashes(html)}
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def add_content_security_policy(html: str) -> str:
    """The page with its policy as the first element of <head>, so that it covers every script."""
    head = _HEAD.search(html)
    if head is None:
        return html
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy_for(html)}">'
    return html[: head.end()] + meta + html[head.end():]
