"""The bibliography page and in-text citations, from references.bib through pybtex.

One style for every entry: pybtex's "plain" formatting, with titles kept as written (BibTeX's
sentence-casing would turn "Brussels" into "brussels") and author-year labels in the text.
Links to DOIs and URLs are printed as text, because the site must not send the reader's
browser anywhere else. An entry is marked incomplete when references.bib says so
(``keywords = {incomplete}``) or when a field the style needs is missing; the missing field is
then printed as "[... not available]", never guessed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from pybtex.backends.html import Backend as _HtmlBackend
from pybtex.backends.plaintext import Backend as _TextBackend
from pybtex.database import BibliographyData, Entry, Person
from pybtex.database.input.bibtex import Parser as _BibtexParser
from pybtex.richtext import Text
from pybtex.style.formatting.plain import Style as _PlainStyle
from pybtex.style.labels.number import LabelStyle as _NumberLabels
from pybtex.style.names.plain import NameStyle as _PlainNames
from pybtex.style.sorting.none import SortingStyle as _NoSorting
from pybtex.style.template import FieldIsMissing, sentence
from pybtex.style.template import field as bib_field

from analysis.site.model import SiteError

#: ``[@key]``, ``[see @key, p. 3; @other]`` (pandoc) and ``\cite{a,b}`` / ``\citep`` / ``\citet``.
_KEY = r"[A-Za-z0-9_][\w:.\-/]*[A-Za-z0-9_]|[A-Za-z0-9_]"
_BRACKET = re.compile(r"\[(?P<body>[^\[\]]*@[^\[\]]*)\](?![(\[])")  # items checked by _ITEM_KEY
_ITEM_KEY = re.compile(r"(?:^|(?<=[\s;-]))-?@(?P<key>" + _KEY + ")")
_LATEX = re.compile(r"\\cite[pt]?\{(?P<keys>[^}]*)\}")
_CODE = re.compile(r"(```.*?```|~~~.*?~~~|`[^`\n]*`)", re.S)
_LATEX_MARKUP = re.compile(r"[{}\\]")  # enough to order titles; the page shows pybtex's text
MAX_FIX_ATTEMPTS = 6
LABEL_TITLE_WORDS = 4


class _Backend(_HtmlBackend):
    """pybtex's HTML backend without outgoing links or protection markup."""

    def format_protected(self, text: str) -> str:
        return text

    @staticmethod
    def format_href(url: str, text: str, external: bool = False) -> str:
        return text


class _Style(_PlainStyle):
    """pybtex "plain", with titles kept in the case the bibliography gives them.

    Plugins are passed as classes: looking them up by name scans every installed package's
    entry points (about 0.05 s each time).
    """

    def __init__(self) -> None:
        super().__init__(label_style=_NumberLabels, name_style=_PlainNames,
                         sorting_style=_NoSorting)

    def format_title(self, e, which_field, as_sentence=True):  # noqa: ANN001 (pybtex API)
        formatted = bib_field(which_field)
        return sentence[formatted] if as_sentence else formatted


@dataclass
class Reference:
    key: str
    label: str
    html: str
    sort_key: tuple
    incomplete: bool
    missing: list[str] = field(default_factory=list)
    #: (page, #fragment, kind, name) of each place citing it (see site.build._citations)
    cited_in: list[tuple[str, str, str, str]] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"ref-{self.key}"


_PLAIN = _TextBackend()  # one instance: ``render_as`` would scan every installed package each call


def _text(latex: str) -> str:
    return Text.from_latex(latex).render(_PLAIN).strip()


def _surname(person: Person) -> str:
    return _text(" ".join(person.prelast_names + person.last_names)) or _text(str(person))


def _author_label(entry: Entry) -> str:
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [_surname(p) for p in people]
    if not names:  # no author: a short title, as author-date styles do
        words = _text(entry.fields.get("title", "")).split()
        return " ".join(words[:LABEL_TITLE_WORDS]) + (" …" if len(words) > LABEL_TITLE_WORDS
                                                      else "") or entry.key
    if names[-1] == "others" or len(names) > 2:
        return f"{names[0]} et al."
    return " and ".join(names)


def _is_marked_incomplete(entry: Entry) -> bool:
    words = re.split(r"[,;\s]+", entry.fields.get("keywords", "").lower())
    return "incomplete" in words


def _format(style: _Style, backend: _Backend, entry: Entry) -> tuple[str, list[str]]:
    """Format one entry; fill each field the style insists on with a visible placeholder."""
    entry = Entry(entry.type, fields=dict(entry.fields), persons=dict(entry.persons))
    entry.key = getattr(entry, "key", None)
    missing: list[str] = []
    for _ in range(MAX_FIX_ATTEMPTS):
        try:
            return style.format_entry(entry.key or "", entry).text.render(backend), missing
        except FieldIsMissing as exc:
            name = exc.field_name
            missing.append(name)
            placeholder = f"{{[{name} not available]}}"
            if name in {"author", "editor"}:
                entry.persons[name] = [Person(placeholder)]
            else:
                entry.fields[name] = placeholder
    raise SiteError(f"references.bib: entry {entry.key} lacks too many fields ({missing})")


def load(path: Path) -> dict[str, Reference]:
    """Every entry of references.bib, formatted, labelled and marked, keyed by cite key."""
    if not path.is_file():
        raise SiteError(f"{path}: bibliography not found")
    try:
        data: BibliographyData = _BibtexParser().parse_file(str(path))
    except Exception as exc:  # pybtex raises several unrelated types for bad input
        raise SiteError(f"{path}: cannot parse BibTeX ({exc})") from exc
    style, backend = _Style(), _Backend()
    refs = {}
    for key, entry in data.entries.items():
        entry.key = key
        html, missing = _format(style, backend, entry)
        label = _author_label(entry)
        year = _text(entry.fields.get("year", "")) or "n.d."
        refs[key] = Reference(
            key=key, label=f"{label} {year}", html=html.replace("\n", " "),
            sort_key=(label.casefold(), year, _LATEX_MARKUP.sub("", entry.fields.get("title", ""))
                      .casefold(), key),
            incomplete=_is_marked_incomplete(entry) or bool(missing), missing=missing)
    _disambiguate(refs)
    return refs


def _disambiguate(refs: dict[str, Reference]) -> None:
    """"Walravens 2015a" and "2015b" when two works share a label, in bibliography order."""
    groups: dict[str, list[Reference]] = defaultdict(list)
    for ref in sorted(refs.values(), key=lambda r: r.sort_key):
        groups[ref.label].append(ref)
    for same in groups.values():
        if len(same) > 1:
            for i, ref in enumerate(same):
                dash = "-" if ref.label.endswith("n.d.") else ""
                ref.label = f"{ref.label}{dash}{chr(ord('a') + i)}"


def cited_keys(text: str) -> list[str]:
    """Cite keys in a Markdown or plain text (code spans and blocks are skipped), in order."""
    keys: list[str] = []
    for part in _CODE.split(text or "")[::2]:
        for match in _BRACKET.finditer(part):
            keys += [m["key"] for m in _ITEM_KEY.finditer(match["body"])]  # none: not a cite
        for match in _LATEX.finditer(part):
            keys += [k.strip() for k in match["keys"].split(",") if k.strip()]
    return keys


def _replace(text: str, render: Callable[[list[tuple[str, str]]], str]) -> str:
    """Apply ``render`` to each citation group outside code; ``render`` gets (key, text) pairs."""

    def bracket(match: re.Match) -> str:
        if not _ITEM_KEY.search(match["body"]):  # e.g. "[write to a@b.org]"
            return match[0]
        items = []
        for item in match["body"].split(";"):
            found = _ITEM_KEY.search(item)
            items.append((found["key"], item[:found.start()] + "\0" + item[found.end():])
                         if found else ("", item))
        return render(items)

    def latex(match: re.Match) -> str:
        return render([(k.strip(), "\0") for k in match["keys"].split(",") if k.strip()])

    parts = _CODE.split(text or "")
    for i in range(0, len(parts), 2):
        parts[i] = _LATEX.sub(latex, _BRACKET.sub(bracket, parts[i]))
    return "".join(parts)


def link_markdown(text: str, refs: dict[str, Reference], bib_href: str) -> str:
    """Citations as Markdown links to the bibliography: ``([Label](...#ref-key), p. 3)``."""

    def render(items: list[tuple[str, str]]) -> str:
        out = []
        for key, item in items:
            label = refs[key].label.replace("[", r"\[").replace("]", r"\]") if key else ""
            out.append(item.replace("\0", f"[{label}]({bib_href}#ref-{key})").strip()
                       if key else item.strip())
        return "(" + "; ".join(out) + ")"

    return _replace(text, render)


def link_html(text: str, refs: dict[str, Reference], bib_href: str) -> str:
    """Plain text escaped for HTML, with its citations as links to the bibliography."""

    def render(items: list[tuple[str, str]]) -> str:
        out = []
        for key, item in items:
            before, _, after = escape(item).partition("\0")
            link = (f'<a href="{bib_href}#ref-{key}">{escape(refs[key].label)}</a>'
                    if key else "")
            out.append(f"{before}{link}{after}".strip())
        return "(" + "; ".join(out) + ")"

    return _replace(escape(text or "", quote=False).replace("&#x27;", "'"), render)


def check_cited(cited: dict[str, list[str]], refs: dict[str, Reference], bib: Path) -> None:
    """Refuse a citation that references.bib cannot resolve, naming where it was cited."""
    unknown = {key: places for key, places in cited.items() if key not in refs}
    if unknown:
        lines = [f"  @{key}: cited in {', '.join(sorted(set(places)))}"
                 for key, places in sorted(unknown.items())]
        raise SiteError(f"{bib}: {len(unknown)} cited key(s) not found:\n" + "\n".join(lines))
