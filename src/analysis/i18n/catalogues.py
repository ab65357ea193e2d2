"""Extract, update and check the catalogues (what ``pybabel extract/update`` do, for all domains).

Three sources of English messages, one template each domain:
- the code (``compendium``): calls of ``i18n.gettext/ngettext/pgettext`` and ``N_`` under src/;
- data labels written in English by this compendium (``compendium`` too): the ``*_en`` columns
  listed in :data:`DATA_FIELDS`; French labels stay in the data (they are the talk's words);
- each notebook's markdown paragraphs (domain = notebook stem).

``check`` compares each shipped language's ``.po`` with the template made *now* from the
sources, so a changed paragraph counts even before ``update`` has marked it fuzzy.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from analysis import i18n
from analysis.i18n import notebooks
from analysis.paths import PROCESS, Paths

#: Babel keyword specs: ``gettext(lang, message)`` → the message is argument 2; ``_`` and
#: ``N_`` take the message alone (``_ = partial(i18n.gettext, lang)``); the site templates'
#: ``_n(singular, plural, n)`` takes a plural pair first.
KEYWORDS = {"gettext": (2,), "ngettext": (2, 3), "pgettext": ((2, "c"), 3), "N_": None,
            "_": None, "_n": (1, 2), "Text": None,
            "render": (2,)}
#: Data columns whose English text is ours and is translated through the catalogue.
DATA_FIELDS = {
    "data/governance/regions.csv": ("label_en",),
    "data/governance/trajectories.csv": ("label_en",),
    "data/governance/dimensions.csv": ("label_en",),
    "data/governance/unused_excerpts.csv": ("reason_en",),
    "data/valuegrid/components.csv": ("component_en",),
    "data/valuegrid/values.csv": ("label_en",),
    "data/valuegrid/frameworks.csv": ("column_heading_en",),
}
_DATE = re.compile(rb'"POT-Creation-Date: [^"]*"\n')
_HEADER = {"project": "Smart City policies and public value (Frucquet 2024), compendium",
           "copyright_holder": "the compendium's authors"}


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    lang: str
    message: str
    kind: str  # "missing", "fuzzy", "placeholder", "compile"

    def __str__(self) -> str:
        if self.kind in ("compile", "placeholder"):  # already "file, line N: ..."
            return self.message
        where = f"{self.path}, line {self.line}" if self.line else self.path
        return f"{where}: [{self.lang}] {self.kind}: {self.message[:70]!r}"


def _new_catalogue(locale: str | None = None):
    from babel.messages.catalog import Catalog

    return Catalog(locale=locale, domain=None, fuzzy=False, **_HEADER)


def code_template(*, paths: Paths = PROCESS):
    """Messages of the code and of the English data labels."""
    from babel.messages.extract import extract_from_dir

    template = _new_catalogue()
    src = paths.root / "src"
    method_map = [("analysis/**.py", "python"), ("analysis/**.j2", "jinja2.ext:babel_extract")]
    options = {"analysis/**.j2": {"trim_blocks": "true", "lstrip_blocks": "true"}}
    for filename, lineno, message, comments, context in extract_from_dir(
            str(src), method_map, options_map=options, keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",), strip_comment_tags=True):
        template.add(message, None, [(f"src/{filename}", lineno)],
                     auto_comments=comments, context=context)
    for notebook in sorted(paths.notebooks.glob("*.ipynb")):
        _add_notebook_code(template, notebook, paths=paths)
    for rel, fields in DATA_FIELDS.items():
        with open(paths.root / rel, encoding="utf-8", newline="") as handle:
            for row_number, row in enumerate(csv.DictReader(handle), start=2):
                for field in fields:
                    if row[field]:
                        template.add(row[field], None, [(rel, row_number)],
                                     auto_comments=[f"data label ({field})"])
    return template


def _add_notebook_code(template, notebook: Path, *, paths: Paths = PROCESS) -> None:
    """Messages of a notebook's code cells (``i18n.gettext(lang, ...)`` calls)."""
    from babel.messages.extract import extract

    rel = paths.relative(notebook)
    for number, code in notebooks.code_cells(notebook):
        for _lineno, message, comments, context in extract(
                "python", io.BytesIO(code.encode("utf-8")), keywords=KEYWORDS,
                comment_tags=("TRANSLATORS:",), strip_comment_tags=True):
            template.add(message, None, [(rel, number)], auto_comments=comments, context=context)


def notebook_template(notebook: Path, *, paths: Paths = PROCESS):
    template = _new_catalogue()
    rel = paths.relative(notebook)
    for text, cell in notebooks.messages(notebook):
        template.add(text, None, [(rel, cell)], auto_comments=["markdown paragraph (cell number)"])
    return template


def templates(*, paths: Paths = PROCESS) -> dict[str, object]:
    """Every domain's template, made now from the sources."""
    found = {i18n.DOMAIN: code_template(paths=paths)}
    for notebook in sorted(paths.notebooks.glob("*.ipynb")):
        found[notebook.stem] = notebook_template(notebook, paths=paths)
    return found


def _write(catalogue, path: Path) -> None:
    from babel.messages.pofile import write_po

    buffer = io.BytesIO()
    write_po(buffer, catalogue, width=96, omit_header=False, sort_output=False,
             include_previous=False, ignore_obsolete=True)  # Babel mis-wraps "#|" lines
    new = buffer.getvalue()
    if path.exists() and _DATE.sub(b"", path.read_bytes()) == _DATE.sub(b"", new):
        return  # only the creation date would change: keep the file (and a clean git diff)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(new)


def update(new_lang: str | None = None, new_locale: str | None = None, *,
           paths: Paths = PROCESS) -> list[Path]:
    """Write the ``.pot`` templates and merge them into every ``.po`` (fuzzy where changed).

    With ``new_lang``, first create that language's empty catalogues (``pybabel init``).
    """
    written = []
    langs = [lang for lang in i18n.languages(paths=paths) if lang != i18n.SOURCE_LANG]
    if new_lang:
        langs.append(new_lang)
    for domain, template in templates(paths=paths).items():
        pot = paths.locales / f"{domain}.pot"
        _write(template, pot)
        written.append(pot)
        for lang in sorted(set(langs)):
            po = i18n.po_path(lang, domain, paths=paths)
            if po.exists():
                catalogue = i18n.read_catalogue(po, paths=paths)
            else:
                catalogue = _new_catalogue(new_locale or lang)
            catalogue.update(template, no_fuzzy_matching=False, update_header_comment=False)
            _write(catalogue, po)
            written.append(po)
    return written


def check(*, paths: Paths = PROCESS) -> list[Problem]:
    """Every missing, fuzzy, unreadable or placeholder-breaking entry of every shipped language."""
    problems: list[Problem] = []
    shipped = [lang for lang in i18n.languages(paths=paths) if lang != i18n.SOURCE_LANG]
    for domain, template in templates(paths=paths).items():
        for lang in shipped:
            po = i18n.po_path(lang, domain, paths=paths)
            problems += _check_one(template, po, lang, paths=paths)
    return problems


def _check_one(template, po: Path, lang: str, *, paths: Paths = PROCESS) -> list[Problem]:
    rel = paths.relative(po)
    if not po.exists():
        return [Problem(rel, None, lang, f"{len(template)} messages, no catalogue", "missing")]
    try:
        catalogue = i18n.read_catalogue(po, paths=paths)
    except i18n.CatalogueError as exc:
        return [Problem(rel, None, lang, str(exc), "compile")]
    problems = [Problem(rel, None, lang, line, "placeholder")
                for line in i18n.placeholder_problems(catalogue, po, lang, paths=paths)]
    for message in template:
        if not message.id or _data_has_own_column(message, lang, paths=paths):
            continue
        found = catalogue.get(message.id, context=message.context)
        first = message.id if isinstance(message.id, str) else message.id[0]
        if found is None or not _translated(found.string):
            problems.append(Problem(rel, found.lineno if found else None, lang, first, "missing"))
        elif found.fuzzy:
            problems.append(Problem(rel, found.lineno, lang, first, "fuzzy"))
    return problems


def _data_has_own_column(message, lang: str, *, paths: Paths = PROCESS) -> bool:
    """A data label needs no translation where every file it comes from has a column for
    ``lang`` (the French labels, which are the talk's own words)."""
    files = [path for path, _line in message.locations]
    if not files or not all(path in DATA_FIELDS for path in files):
        return False
    return all(f"{field.rsplit('_', 1)[0]}_{lang}" in _header(path, paths=paths)
               for path in files for field in DATA_FIELDS[path])


def _header(rel: str, *, paths: Paths = PROCESS) -> list[str]:
    with open(paths.root / rel, encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


def _translated(string: str | tuple[str, ...]) -> bool:
    strings = string if isinstance(string, tuple) else (string,)
    return bool(strings) and all(s for s in strings)
