"""Formulas rendered at build time: pymdownx.arithmatex marks them, KaTeX (npm, run by Node) renders them.

The pages then need KaTeX's stylesheet and fonts, served by the site, and no math JavaScript.
"""

from __future__ import annotations

import html as html_lib
import json
import re
import shutil
import subprocess
from pathlib import Path

from . import PROJECT_ROOT
from .errors import ContentError, Problem

KATEX_DIST = PROJECT_ROOT / "node_modules" / "katex" / "dist"
RENDER_SCRIPT = PROJECT_ROOT / "scripts" / "katex-render.mjs"
# arithmatex (generic: true) wraps inline math in a span and display math in a div.
ARITHMATEX = re.compile(r'<(span|div) class="arithmatex">(.*?)</\1>', re.DOTALL)
_DELIMITERS = {"span": (r"\(", r"\)"), "div": (r"\[", r"\]")}


def has_math(html: str) -> bool:
    return 'class="arithmatex"' in html


class KatexRenderer:
    """One Node process for the whole build; identical formulas are rendered once."""

    def __init__(self) -> None:
        self._process: subprocess.Popen | None = None
        self._cache: dict[tuple[str, bool], str] = {}

    def _start(self) -> subprocess.Popen:
        node = shutil.which("node")
        if node is None or not (KATEX_DIST / "katex.mjs").exists():
            raise ContentError(Problem("package.json", 1, "MATH-KATEX", "formulas need Node.js and the npm package katex: run `npm ci`"))
        return subprocess.Popen([node, str(RENDER_SCRIPT)], cwd=PROJECT_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8")

    def render(self, tex: str, display: bool) -> tuple[str | None, str | None]:
        """(html, None) or (None, KaTeX's error message)."""
        key = (tex, display)
        if key in self._cache:
            return self._cache[key], None
        if self._process is None or self._process.poll() is not None:
            self._process = self._start()
        self._process.stdin.write(json.dumps({"tex": tex, "display": display}) + "\n")
        self._process.stdin.flush()
        answer = json.loads(self._process.stdout.readline())
        if "error" in answer:
            return None, answer["error"]
        self._cache[key] = answer["html"]
        return answer["html"], None

    def close(self) -> None:
        if self._process is not None:
            self._process.stdin.close()
            self._process.wait(timeout=10)
            self._process = None


def tex_of(element: str, inner: str) -> str:
    """The TeX source inside an arithmatex element, without its \\( \\) or \\[ \\] delimiters."""
    text = html_lib.unescape(inner).strip()
    opening, closing = _DELIMITERS[element]
    if text.startswith(opening) and text.endswith(closing):
        text = text[len(opening):-len(closing)]
    return text.strip()


def render_math(html: str, renderer: KatexRenderer, where: str, source: str = "") -> str:
    """Replace every arithmatex element with KaTeX's HTML; a TeX error names the file and line."""
    if not has_math(html):
        return html
    problems = []

    def replace(match: re.Match) -> str:
        element, tex = match[1], tex_of(match[1], match[2])
        rendered, error = renderer.render(tex, display=element == "div")
        if error is not None:
            position = source.find(tex.split("\n")[0].strip())
            line = source[:position].count("\n") + 1 if position >= 0 else 1
            problems.append(Problem(where, line, "MATH-SYNTAX", f"KaTeX cannot render {tex[:60]!r}: {error}"))
            return match[0]
        # a display formula may scroll sideways on a phone: keyboard users must be able to reach it
        focus = ' tabindex="0"' if element == "div" else ""
        # Search indexes the formula once, as shown (KaTeX's HTML), not again as MathML and TeX
        rendered = rendered.replace('<span class="katex-mathml">', '<span class="katex-mathml" data-search-exclude>')
        return f'<{element} class="arithmatex"{focus}>{rendered}</{element}>'

    out = ARITHMATEX.sub(replace, html)
    if problems:
        raise ContentError(problems)
    return out


# KaTeX classes (katex.min.css) and the font each one needs. A page preloads the fonts its formulas
# use: they would otherwise be requested only once the stylesheet applies, after the first paint,
# and the text would shift when they arrive (Lighthouse's layout shift on formula pages).
_FONT_CLASSES = [
    ({"mathnormal"}, "KaTeX_Math-Italic"),
    ({"amsrm"}, "KaTeX_AMS-Regular"), ({"mathbb"}, "KaTeX_AMS-Regular"),
    ({"mathbf"}, "KaTeX_Main-Bold"),
    ({"small-op"}, "KaTeX_Size1-Regular"), ({"large-op"}, "KaTeX_Size2-Regular"),
    # "sizing size3" only scales sub- and superscripts; a delimiter's size class names a font
    *(({"delimsizing", f"size{n}"}, f"KaTeX_Size{n}-Regular") for n in range(1, 5)),
    *(({f"delim-size{n}"}, f"KaTeX_Size{n}-Regular") for n in (1, 4)),
]
_CLASS_ATTRIBUTE = re.compile(r'class="([^"]*)"')


def katex_fonts_used(html: str) -> list[str]:
    """The WOFF2 files (names under assets/katex/fonts/) that the KaTeX output in `html` needs."""
    if 'class="katex"' not in html:
        return []
    class_sets = {frozenset(value.split()) for value in _CLASS_ATTRIBUTE.findall(html)}
    fonts = ["KaTeX_Main-Regular"] + [font for needed, font in _FONT_CLASSES if any(needed <= names for names in class_sets)]
    return [f"{font}.woff2" for font in dict.fromkeys(fonts)]


def katex_assets() -> list[tuple[str, Path]]:
    """(site path, source file) for KaTeX's stylesheet and the WOFF2 fonts it names."""
    if not (KATEX_DIST / "katex.min.css").exists():
        raise ContentError(Problem("package.json", 1, "MATH-KATEX", "KaTeX's stylesheet is missing: run `npm ci`"))
    assets = [("assets/katex/katex.min.css", KATEX_DIST / "katex.min.css")]
    assets += [(f"assets/katex/fonts/{font.name}", font) for font in sorted((KATEX_DIST / "fonts").glob("*.woff2"))]
    return assets
