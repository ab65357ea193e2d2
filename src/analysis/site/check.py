"""Static checks of a rendered site: links, images, headings, tables, language, no network.

``check_site(html_dir)`` returns one message per problem, each naming the page, so the build
can refuse to publish a broken site and tests can assert on it. It reads files only (stdlib
HTML parser, no browser): the browser test (analysis.site.browser) checks what a reader's
browser actually loads; this one is fast and also catches what a browser forgives
(skipped heading levels, a missing alt attribute, a fragment that points nowhere).

CLI: ``python -m analysis.site.check [HTML_DIR]`` (default build/html; exit 1 on any problem).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urlsplit

from analysis import cli
from analysis.paths import Paths

_URL_ATTRS = {"href", "src", "srcset", "poster", "action", "data", "formaction", "cite"}
_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)""", re.I)
_CSS_IMPORT = re.compile(r"""@import\s+['"]([^'"]+)""", re.I)


@dataclass
class _Table:
    has_th: bool = False


@dataclass
class Page:
    """What the parser saw in one HTML file."""

    document: bool = False  # False for fragments (a table's .html download), not pages
    lang: str | None = None
    headings: list[int] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (tag.attr, value)
    images_without_alt: list[str] = field(default_factory=list)
    tables: list[_Table] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)


_COMMENT = re.compile(r"<!--.*?-->", re.S)
_RAWTEXT = re.compile(r"<(script|style|textarea|title)\b([^>]*)>(.*?)</\1\s*>", re.S | re.I)
# Attribute values never hold a raw ">" here: Jinja and nbconvert escape it as &gt;.
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>")
_ATTR = re.compile(r"""([^\s/>="']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")


def _attrs(text: str) -> dict[str, str]:
    return {m[1].lower(): unescape(m[2] if m[2] is not None else m[3] if m[3] is not None
                                   else m[4] or "") for m in _ATTR.finditer(text)}


def parse(path: Path) -> Page:
    """Scan one HTML file's tags.

    A tag scanner rather than html.parser: the pages come from our templates and nbconvert,
    whose markup is regular, and html.parser costs ~0.3 s per build of the site. Comments and
    the content of script/style/textarea/title are set aside first, so a "<" there is not
    taken for a tag.
    """
    page = Page()

    def raw(match: re.Match) -> str:
        if match[1].lower() == "style":
            page.styles.append(match[3])
        return f"<{match[1]}{match[2]}></{match[1]}>"

    text = _RAWTEXT.sub(raw, _COMMENT.sub("", path.read_text(encoding="utf-8")))
    open_tables: list[_Table] = []
    for match in _TAG.finditer(text):
        closing, tag = match[1], match[2].lower()
        if closing:
            if tag == "table" and open_tables:
                open_tables.pop()
            continue
        _start(page, tag, _attrs(match[3]), open_tables)
    return page


def _start(page: Page, tag: str, attr: dict[str, str], open_tables: list[_Table]) -> None:
    if tag == "html":
        page.document = True
        page.lang = attr.get("lang")
    if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
        page.headings.append(int(tag[1]))
    if "id" in attr:
        page.ids.append(attr["id"])
    if tag == "a" and "name" in attr:
        page.ids.append(attr["name"])
    for name in _URL_ATTRS & attr.keys():
        page.links.append((f"{tag}.{name}", attr[name]))
    if "style" in attr:
        page.styles.append(attr["style"])
    if tag == "img" and not attr.get("alt", "").strip():
        page.images_without_alt.append(attr.get("src", "?"))
    if tag == "table":
        open_tables.append(_Table())
        page.tables.append(open_tables[-1])
    if tag == "th" and open_tables:
        open_tables[-1].has_th = True


def _headings(page: Page) -> list[str]:
    problems = []
    h1 = page.headings.count(1)
    if h1 != 1:
        problems.append(f"has {h1} <h1> elements (one expected)")
    if page.headings and page.headings[0] != 1:
        problems.append(f"first heading is <h{page.headings[0]}>, not <h1>")
    for before, after in zip(page.headings, page.headings[1:], strict=False):
        if after > before + 1:
            problems.append(f"heading level skips from <h{before}> to <h{after}>")
            break
    return problems


def _target(page_path: Path, value: str, root: Path) -> tuple[Path | None, str, str | None]:
    """(file, fragment, problem) for a relative URL found on ``page_path``."""
    parts = urlsplit(value)
    if parts.scheme and parts.scheme not in {"data", "mailto"}:
        return None, "", f"uses scheme '{parts.scheme}:' ({value})"
    if parts.scheme:
        return None, "", None
    if value.startswith("/"):
        return None, "", f"absolute path {value} (relative links only: the site must work " \
                         "from a zip or any folder)"
    # normpath, not resolve(): the site has no symlinks, and resolve() stats every component
    target = Path(os.path.normpath(page_path.parent / unquote(parts.path))) if parts.path \
        else page_path
    if not target.is_relative_to(root):
        return None, "", f"points outside the site: {value}"
    return target, parts.fragment, None


class _Ids:
    """Element ids per page, parsed once per file."""

    def __init__(self) -> None:
        self._cache: dict[Path, set[str]] = {}

    def of(self, path: Path, page: Page | None = None) -> set[str]:
        if path not in self._cache:
            self._cache[path] = set((page or parse(path)).ids)
        return self._cache[path]


def _links(path: Path, page: Page, root: Path, ids: _Ids) -> list[str]:
    problems = []
    for where, value in sorted(set(page.links)):
        values = [v.strip().split()[0] for v in value.split(",") if v.strip()] \
            if where.endswith("srcset") else [value.strip()]
        for one in values:
            if _EXTERNAL.match(one):
                problems.append(f"{where} leaves the machine: {one}")
                continue
            target, fragment, problem = _target(path, one, root)
            if problem:
                problems.append(f"{where} {problem}")
            elif target is not None and not target.is_file():
                problems.append(f"{where} target not found: {one}")
            elif target is not None and fragment and target.suffix == ".html" \
                    and not {fragment, unquote(fragment)} & ids.of(target):
                # browsers match the fragment as written, then percent-decoded (HTML spec)
                problems.append(f"{where} points to a missing anchor: {one}")
    return problems


def _css(text: str) -> list[str]:
    urls = _CSS_URL.findall(text) + _CSS_IMPORT.findall(text)
    return [f"stylesheet loads {u.strip()}" for u in urls if _EXTERNAL.match(u.strip())]


def check_page(path: Path, root: Path, ids: _Ids | None = None) -> list[str]:
    """Problems of one HTML page (without the page name)."""
    ids = ids or _Ids()
    page = parse(path)
    ids.of(path, page)
    problems = []
    if page.document:  # a fragment (a table's .html download) has no <html> nor headings
        problems += [] if page.lang else ["<html> has no lang attribute"]
        problems += _headings(page)
    problems += [f"<img src={src!r}> has no alt text" for src in page.images_without_alt]
    problems += [f"table {i} has no <th> header cell"
                 for i, t in enumerate(page.tables, start=1) if not t.has_th]
    duplicates = sorted({i for i in page.ids if page.ids.count(i) > 1})
    problems += [f"id {d!r} is used more than once" for d in duplicates]
    problems += _links(path, page, root, ids)
    for style in page.styles:
        problems += _css(style)
    return problems


def check_site(html_dir: Path) -> list[str]:
    """Every problem of the site under ``html_dir``, as "page: problem" lines (empty when good)."""
    root = Path(html_dir).resolve()
    if not (root / "index.html").is_file():
        return [f"{root}: no index.html"]
    ids = _Ids()
    problems = []
    for path in sorted(root.rglob("*.html")):
        rel = path.relative_to(root).as_posix()
        problems += [f"{rel}: {p}" for p in check_page(path, root, ids)]
    for path in sorted(root.rglob("*.css")):
        rel = path.relative_to(root).as_posix()
        problems += [f"{rel}: {p}" for p in _css(path.read_text(encoding="utf-8"))]
    return problems


def site_argument(parser: argparse.ArgumentParser) -> None:
    """The one argument of a site checker: the folder to check, build/html when omitted."""
    parser.add_argument("html_dir", nargs="?", type=Path, metavar="HTML_DIR",
                        help="the rendered site (default: build/html)")


@cli.command(site_argument)
def main(args: argparse.Namespace, paths: Paths) -> int:
    """Print each problem of the site, exit 1 if any."""
    html_dir = args.html_dir or paths.html
    return report(html_dir, check_site(html_dir))


def report(html_dir: Path, problems: list[str], where: str = "") -> int:
    """Print each problem on stderr and a one-line summary; the exit code of a checker CLI."""
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    print(f"{html_dir}: {len(problems)} problem(s){where}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
