"""The compendium's one message catalogue: gettext ``.po`` files in ``locales/``, read by Babel.

English is the source language: every user-visible string is written in English in the code
(or in a notebook's markdown) and looked up here for the run's ``lang``. A language is
available when ``locales/<lang>/LC_MESSAGES/compendium.po`` exists, so adding one needs no
Python change. Everything a language needs beyond its messages comes from the catalogue too:
its CLDR locale (the ``Language`` header, e.g. ``ar_MA``) gives number formats, plural rules
and the writing direction; the message ``font family`` (context ``font``) names its fonts.

No other module compares ``lang`` with a literal: they ask this module.

The ``.po`` files are compiled in memory when first used (a few milliseconds, cached per
process), so the committed ``.po`` is the only copy and can never disagree with a stale
``.mo``. Babel is imported lazily: a run that never formats a number does not pay for it.
"""

from __future__ import annotations

import gettext as _gettext
import io
import numbers
import re
import string
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.errors import CompendiumError, ParameterError
from analysis.paths import PROCESS, Paths
from analysis.pipeline import trace

if TYPE_CHECKING:
    import pandas as pd
    from babel import Locale
    from babel.messages.catalog import Catalog

SOURCE_LANG = "en"
SOURCE_LOCALE = "en"
DOMAIN = "compendium"
FONTS: Path = Path(__file__).resolve().parents[1] / "fonts"
#: Unicode isolates: keep a left-to-right run (a key, a number, ×10) whole inside RTL text.
LRI, PDI = "\u2066", "\u2069"
_PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)(?:[:!][^{}]*)?\}")


class CatalogueError(CompendiumError):
    """A ``.po`` file that cannot be read, or whose translation breaks a placeholder."""


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    """Mark ``message`` for extraction without translating it (translated where it is shown)."""
    return message


def po_path(lang: str, domain: str = DOMAIN, *, paths: Paths = PROCESS) -> Path:
    return paths.locales / lang / "LC_MESSAGES" / f"{domain}.po"


def languages(*, paths: Paths = PROCESS) -> tuple[str, ...]:
    """Every language a run can use: English and each language with a compendium catalogue."""
    found = sorted(p.parents[1].name for p in paths.locales.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (SOURCE_LANG, *found)


def check_lang(lang: object, *, paths: Paths = PROCESS) -> str:
    """Reject a language without a catalogue, listing the available ones.

    The one check of a ``lang`` parameter: every module that takes one calls this.
    """
    available = languages(paths=paths)
    if lang not in available:
        raise ParameterError(f"parameter 'lang': got {lang!r}, expected one of "
                             f"{', '.join(available)} (languages with a catalogue in "
                             f"{paths.relative(paths.locales)}/)")
    return str(lang)


_PO_LINE = re.compile(r'^(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?'
                      r'"(?:[^"\\]|\\.)*"\s*$')


def syntax_error(path: Path, text: str, *, paths: Paths = PROCESS) -> str | None:
    """The first line that is neither a comment, blank, nor a keyword with one quoted string.

    Babel's reader forgives an unterminated quote; ``msgfmt`` does not, and neither do we.
    """
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and not _PO_LINE.match(stripped):
            return (f"{paths.relative(path)}, line {number}: does not compile "
                    f"(expected a keyword and one quoted string, got {stripped[:40]!r})")
    return None


def read_catalogue(path: Path, *, paths: Paths = PROCESS) -> Catalog:
    """Parse one ``.po`` file; a syntax error names the file and line."""
    from babel.messages.pofile import PoFileError, read_po

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogueError(f"{paths.relative(path)}: cannot be read ({exc.strerror})") from None
    problem = syntax_error(path, data.decode("utf-8", errors="replace"), paths=paths)
    if problem:
        raise CatalogueError(problem)
    try:
        return read_po(io.BytesIO(data), abort_invalid=True)
    except PoFileError as exc:
        raise CatalogueError(f"{paths.relative(path)}, line {exc.lineno}: does not compile "
                             f"({exc.args[0]})") from None


def placeholders(text: str) -> set[str]:
    """``{name}`` fields of a ``str.format`` message (``{{`` is a literal brace)."""
    return set(_PLACEHOLDER.findall(text))


def placeholder_problems(catalogue: Catalog, path: Path, lang: str, *,
                         paths: Paths = PROCESS) -> list[str]:
    """One line per translation whose ``{fields}`` differ from its msgid's."""
    problems = []
    for message in catalogue:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set().union(*(placeholders(i) for i in ids))
        for translated in strings:
            if translated and placeholders(translated) != expected:
                missing = sorted(expected - placeholders(translated))
                extra = sorted(placeholders(translated) - expected)
                what = "; ".join([*(f"{{{m}}} missing" for m in missing),
                                  *(f"{{{e}}} unknown" for e in extra)])
                problems.append(f"{paths.relative(path)}, line {message.lineno}: [{lang}] "
                                f"{ids[0][:60]!r}: {what}")
    return problems


@cache
def catalogue(lang: str, domain: str = DOMAIN, *, paths: Paths = PROCESS) -> Catalog | None:
    """The parsed catalogue of ``lang`` (``None`` for the source language or no file)."""
    path = po_path(check_lang(lang, paths=paths), domain, paths=paths)
    if lang == SOURCE_LANG or not path.exists():
        return None
    parsed = read_catalogue(path, paths=paths)
    problems = placeholder_problems(parsed, path, lang, paths=paths)
    if problems:
        raise CatalogueError(problems[0])
    trace.record_input(path, artifact="catalogue", paths=paths)
    return parsed


@cache
def translations(lang: str, domain: str = DOMAIN, *,
                 paths: Paths = PROCESS) -> _gettext.NullTranslations:
    """gettext translations of ``lang``, compiled in memory (fuzzy entries are not used)."""
    parsed = catalogue(lang, domain, paths=paths)
    if parsed is None:
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, parsed, use_fuzzy=False)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def gettext(lang: str, message: str, *, paths: Paths = PROCESS) -> str:
    """``message`` in ``lang`` (the English source if it has no translation yet)."""
    return translations(lang, paths=paths).gettext(message)


def pgettext(lang: str, context: str, message: str, *, paths: Paths = PROCESS) -> str:
    """``message`` in ``lang``, disambiguated by ``context`` (same English, other meanings)."""
    return translations(lang, paths=paths).pgettext(context, message)


def ngettext(lang: str, singular: str, plural: str, n: int, *, paths: Paths = PROCESS) -> str:
    """The plural form of ``lang`` for ``n`` (Arabic has six); format ``{n}`` yourself."""
    return translations(lang, paths=paths).ngettext(singular, plural, n)


@cache
def locale(lang: str, *, paths: Paths = PROCESS) -> Locale:
    """The CLDR locale of ``lang``: the catalogue's ``Language`` header (``ar`` → ``ar_MA``)."""
    from babel import Locale

    parsed = catalogue(lang, paths=paths)
    return parsed.locale if parsed is not None and parsed.locale else Locale.parse(SOURCE_LOCALE)


def is_rtl(lang: str, *, paths: Paths = PROCESS) -> bool:
    return locale(lang, paths=paths).character_order == "right-to-left"


def direction(lang: str, *, paths: Paths = PROCESS) -> str:
    """``rtl`` or ``ltr``, for HTML's ``dir`` attribute."""
    return "rtl" if is_rtl(lang, paths=paths) else "ltr"


def html_lang(lang: str) -> str:
    """The two-letter (BCP 47 primary) code that HTML and nbconvert's ``language_code`` take."""
    return locale(lang).language


def isolate(text: object, lang: str) -> str:
    """Wrap a left-to-right run (key, number, Latin name) in LRI…PDI inside RTL text."""
    return f"{LRI}{text}{PDI}" if is_rtl(lang) else str(text)


def paragraph(text: str, lang: str) -> str:
    """A line that must read in ``lang``'s direction even when it starts with a Latin key
    (``A1 — …``): an RLM first makes the bidi algorithm take the paragraph as RTL."""
    return f"\u200f{text}" if text and is_rtl(lang) else text


def decimal(value: float, lang: str, digits: int = 1, *, paths: Paths = PROCESS) -> str:
    """``value`` with exactly ``digits`` decimals in the locale's notation (fr ``1 117,5``)."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=locale(lang, paths=paths))


def number(value: float, lang: str, *, paths: Paths = PROCESS) -> str:
    """A measured value in the locale's default notation (up to three decimals, as stored)."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=locale(lang, paths=paths))


def integer(value: int, lang: str, *, paths: Paths = PROCESS) -> str:
    """A count with the locale's grouping (fr ``1 117``, en ``1,117``)."""
    return decimal(int(value), lang, digits=0, paths=paths)


def percent(value: float, lang: str, digits: int = 1, *, paths: Paths = PROCESS) -> str:
    """A proportion (0.741) as a percentage in the locale's pattern (fr ``74,1 %``)."""
    from babel.numbers import parse_pattern

    loc = locale(lang, paths=paths)
    pattern = parse_pattern(loc.percent_formats[None].pattern)
    pattern.frac_prec = (digits, digits)
    return pattern.apply(value, loc)


def signed_percent(value: float, lang: str, digits: int = 0) -> str:
    """A growth rate with its sign (``+23%``; fr ``+23 %``), isolated inside RTL text."""
    sign = "+" if value >= 0 else ""
    return isolate(sign + percent(value, lang, digits), lang)


def year(value: float, lang: str, *, paths: Paths = PROCESS) -> str:
    """A (possibly fractional) year: never grouped (``2014,5`` in French, not ``2 014,5``)."""
    from babel.numbers import format_decimal

    return format_decimal(value, format="0.#", locale=locale(lang, paths=paths))


def font_family(lang: str) -> list[str]:
    """Fonts for figures in ``lang`` (the catalogue's ``font family``), bundled ones registered.

    matplotlib falls back along the list glyph by glyph, so an Arabic font first and DejaVu
    Sans after it gives shaped Arabic and still draws Latin letters, ``×`` and ``−``.
    """
    register_fonts()
    return [name.strip() for name in pgettext(lang, "font", "DejaVu Sans").split(",")]


@lru_cache(maxsize=1)
def register_fonts() -> tuple[str, ...]:
    """Add the bundled TTFs to matplotlib's font list, in place of any installed font of the
    same family, so a figure is the same whatever fonts the machine has. (Debian's
    fonts-hosny-amiri, which the browser check installs, has a Slanted face that matplotlib
    would otherwise pick for italic Arabic text.)"""
    from matplotlib import font_manager

    manager = font_manager.fontManager
    files = sorted(FONTS.glob("*.ttf"))
    families = {font_manager.ttfFontProperty(font_manager.get_font(str(p))).name for p in files}
    manager.ttflist = [entry for entry in manager.ttflist if entry.name not in families]
    for path in files:
        manager.addfont(str(path))  # also clears findfont's cache
    return tuple(p.name for p in files)


#: The talk's own language: quoted data (excerpts, characterisations) is kept in it.
TALK_LANG = "fr"


def data_column(frame: pd.DataFrame, field: str, lang: str) -> pd.Series:
    """A data label in ``lang``: its ``<field>_<lang>`` column if the data has one (the talk's
    French), else the English column (ours) through the catalogue."""
    own = f"{field}_{lang}"
    if own in frame.columns:
        return frame[own]
    return frame[f"{field}_{SOURCE_LANG}"].map(lambda text: gettext(lang, text))


def data_value(row: pd.Series, field: str, lang: str) -> str:
    """One row's label in ``lang``, as :func:`data_column` chooses it."""
    own = f"{field}_{lang}"
    return row[own] if own in row.index else gettext(lang, row[f"{field}_{SOURCE_LANG}"])


def quoted_column(frame: pd.DataFrame, field: str, lang: str) -> pd.Series:
    """Quoted data is never translated: ``<field>_<lang>`` if the data has it, else the talk's."""
    own = f"{field}_{lang}"
    return frame[own] if own in frame.columns else frame[f"{field}_{TALK_LANG}"]


_SPEC = re.compile(r"^(?P<sign>\+)?(?:\.(?P<digits>\d+))?(?P<kind>[fg%])$")


class _LocaleFormatter(string.Formatter):
    """``str.format`` whose number fields (``{p:.3f}``, ``{r:+.0%}``, ``{y:g}``) follow a locale.

    Translations keep the source's format specs, so a translator never writes a number
    format: the catalogue's locale does (fr ``0,123``, ``+23 %``).
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: object, format_spec: str) -> str:
        match = _SPEC.match(format_spec)
        if not match or not isinstance(value, numbers.Real) or isinstance(value, bool):
            return super().format_field(value, format_spec)
        from babel.numbers import format_decimal

        digits, kind = match["digits"], match["kind"]
        if kind == "%":
            text = percent(float(value), self.lang, int(digits or 6))
        elif kind == "f":
            text = decimal(float(value), self.lang, int(digits or 6))
        else:  # g: significant digits, never grouped (years, thresholds, p-values)
            pattern = "@" * int(digits) if digits else "0.######"
            text = format_decimal(value, format=pattern, locale=locale(self.lang))
        return isolate(("+" if match["sign"] and value >= 0 else "") + text, self.lang)


def fill(lang: str, translated: str, /, **values: object) -> str:
    """An already translated message (``ngettext``'s form, or escaped HTML) with its fields
    filled in with ``lang``'s numbers."""
    if lang == SOURCE_LANG:
        return translated.format(**values)
    return _LocaleFormatter(lang).format(translated, **values)


def render(lang: str, message: str, /, **values: object) -> str:
    """``message`` translated into ``lang``, its fields filled in with ``lang``'s numbers."""
    return fill(lang, gettext(lang, message), **values)


class Message:
    """A message bound to a language, with ``str.format``'s interface (see :func:`render`)."""

    def __init__(self, lang: str, message: str) -> None:
        self.lang, self.message = lang, message

    def format(self, **values: object) -> str:  # noqa: A003
        return render(self.lang, self.message, **values)

    def __str__(self) -> str:
        return gettext(self.lang, self.message)


def messages(table: dict[str, str], lang: str) -> dict[str, Message]:
    """A table of English messages, each bound to ``lang`` (``text["ok"].format(...)``)."""
    check_lang(lang)
    return {key: Message(lang, message) for key, message in table.items()}


class Text:
    """A message kept in English until shown: ``text[lang]`` translates it, then fills it in.

    Fields may be ``Text`` themselves (rendered in the same language), so a sentence built
    from parts stays translatable part by part. ``text["en"]`` is the English source.
    """

    def __init__(self, message: str, **fields: object) -> None:
        self.message, self.fields = message, fields

    def __getitem__(self, lang: str) -> str:
        values = {k: v[lang] if isinstance(v, Text) else v for k, v in self.fields.items()}
        return render(lang, self.message, **values)

    def __repr__(self) -> str:
        return f"Text({self.message!r})"
