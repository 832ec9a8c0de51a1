"""What content may put into a page: one allowlist, used by the build (sanitize) and the checker (unsafe_parts).

Content is data from strangers. Markdown may contain raw HTML and attr_list attributes, so the HTML
that Markdown produces goes through nh3 (bindings to the Rust sanitizer ammonia) with an allowlist of
exactly what Markdown, our pymdown extensions and arithmatex emit. Strings from front matter and
data files are plain text: `plain_text` makes sure no markup survives in them.
"""

from __future__ import annotations

import html as html_lib
import re
from html.parser import HTMLParser

import nh3

# Tags that Markdown (tables, footnotes, def_list, abbr, admonition, details, keys, superfences,
# arithmatex) can produce. No script, style, iframe, object, embed, base, meta, form, link, svg, math.
ALLOWED_TAGS = frozenset(
    "a abbr b blockquote br caption code dd del details div dl dt em figcaption figure h1 h2 h3 h4 h5 h6 hr i img ins kbd li "
    "mark ol p pre s small span strong sub summary sup table tbody td tfoot th thead tr u ul".split()
)
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "td": {"style", "colspan", "rowspan"},
    "th": {"style", "colspan", "rowspan"},
    "details": {"open"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})  # plus relative URLs; checked after entity decoding
STYLE_PROPERTIES = frozenset({"text-align"})  # Markdown tables align columns with style="text-align: …"
_ABSOLUTE = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*:|//|\\\\)")


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id" and value.startswith("__"):
        return None  # Material's own elements (__config, __search, …) must not be shadowed
    if tag == "img" and attribute == "src" and _ABSOLUTE.match(value):
        return None  # images come from the site itself: no request to another host
    return value


def sanitize(html: str) -> str:
    """The HTML with everything outside the allowlist removed (script and style with their content)."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        attribute_filter=_filter_attribute,
        filter_style_properties=set(STYLE_PROPERTIES),
        link_rel=None,
        strip_comments=True,
    )


class _Elements(HTMLParser):
    """Start tags with their attribute names, in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, frozenset[str]]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.elements.append((tag, frozenset(name for name, _ in attrs)))

    handle_startendtag = handle_starttag


def _elements(html: str) -> list[tuple[str, frozenset[str]]]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.elements


def unsafe_parts(html: str) -> list[str]:
    """What `sanitize` would remove from `html`: '<tag>' or '<tag attribute>' descriptions, in order."""
    kept = _elements(sanitize(html))
    found, position = [], 0
    for tag, names in _elements(html):
        match = next((i for i in range(position, len(kept)) if kept[i][0] == tag), None)
        if match is None:
            found.append(f"<{tag}>")
            continue
        dropped = names - kept[match][1]
        if dropped:
            found.extend(f"<{tag} {name}>" for name in sorted(dropped))
        position = match + 1
    return found


def plain_text(value: str) -> str:
    """A string from front matter or data/*.yml made inert: entities decoded until stable (a template
    filter such as `striptags` decodes them again), then angle brackets replaced by full-width ones."""
    previous = None
    while previous != value:
        previous, value = value, html_lib.unescape(value)
    return value.replace("<", "\uff1c").replace(">", "\uff1e")


MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!?]|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);|\]\(|\{:|javascript\s*:", re.IGNORECASE)


def markup_in(value: str) -> str | None:
    """The first piece of markup (a tag, an entity, a Markdown link, attr_list, a script URL) in a plain-text field."""
    match = MARKUP.search(value)
    return match[0] if match else None
