"""Render the whole site in one process, into a temporary folder swapped in only when complete.

Order of work: read the build tree (model.load), the bibliography and the executed notebooks;
refuse dangling citations; render every page with one Jinja environment and one nbconvert
exporter; copy the files the pages link to; check the result (analysis.site.check); then
replace build/html. A failure at any step leaves the previous site untouched.
"""

from __future__ import annotations

import os
import shutil
import time
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from analysis import i18n
from analysis.errors import Problems
from analysis.fileio import private_folder, sha256_file, sweep_abandoned
from analysis.i18n import N_
from analysis.paths import PROCESS, Paths
from analysis.pipeline import runrecord
from analysis.site import bibliography, check, fonts, notebooks
from analysis.site.model import Artifact, Run, Site, SiteError, artifact_folder, load

SITE_TITLE = N_("Smart City policies and public value: a reproducible compendium")
INTRO = N_("A reproducible compendium of Pascal Frucquet's 2024 talk on Smart City and "
           "Territoires Connectés policies and the creation of public value: each figure and "
           "table is recomputed from versioned data by one of the notebooks below.")
TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
NAV = (("index.html", N_("Home")), ("gallery.html", N_("Figures and tables")),
       ("data.html", N_("Data")), ("bibliography.html", N_("Bibliography")),
       ("build.html", N_("Build")))
PAGES = tuple(href for href, _label in NAV)
#: The language of datapackage.json's titles and descriptions (shown as data, untranslated).
DATA_LANG = i18n.SOURCE_LANG
#: What a citation's place is called on the bibliography page ("report demo-en").
PLACE_KINDS = {"report": N_("report"), "figure": N_("figure"), "table": N_("table"),
               "data": N_("data")}


@dataclass
class Result:
    out: Path
    pages: int
    files: int
    runs: int
    generic_alt: list[str]
    phases: dict[str, float]


@jinja2.pass_context
def _cite(context: jinja2.runtime.Context, text: str | None, base: str) -> Markup:
    """Free text, escaped, with its [@key] citations linked to the bibliography."""
    return Markup(bibliography.link_html(str(text or ""), context["refs"],
                                         f"{base}bibliography.html"))


@jinja2.pass_context
def _ref(context: jinja2.runtime.Context, key: str, base: str) -> Markup:
    """A link to one bibliography entry, labelled "Author Year"."""
    label = context["refs"][key].label
    return Markup('<a href="{}bibliography.html#ref-{}">{}</a>').format(base, key, label)


@cache
def _jinja() -> jinja2.Environment:
    """One environment per process, so each template is compiled once."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    env.filters.update(cite=_cite, ref=_ref)
    return env


class _Writer:
    """Writes pages and copies files under the temporary site folder."""

    def __init__(self, root: Path, site: Site, refs: dict[str, bibliography.Reference]) -> None:
        self.root, self.site, self.refs = root, site, refs
        self.pages = self.files = 0
        self.env = _jinja()
        self.common = {"refs": refs, "site_title": SITE_TITLE, "nav": NAV,
                       "build_date": site.build_date, "notebook_css": False, "lang": None,
                       "site_pages": PAGES,
                       "commit": site.manifest.git_commit}

    def page(self, rel: str, template: str, lang: str | None = None,
             switch: list[tuple[str, str, str]] | None = None, **context: object) -> None:
        """Render one page in ``lang`` (English when the run has no catalogued language)."""
        depth = rel.count("/")
        lang = lang if lang in i18n.languages() else i18n.SOURCE_LANG
        values = {**self.common, "root": "../" * depth, "current": rel, **context,
                  **_language_context(lang, switch or _page_switch(rel))}
        text = self.env.get_template(template).render(**values)
        self.write(rel, text.encode("utf-8"))
        self.pages += 1

    def write(self, rel: str, data: bytes) -> None:
        target = self.root / rel
        if not target.resolve().is_relative_to(self.root.resolve()):
            raise SiteError(f"site file {rel!r} would be written outside the site folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.files += 1

    def copy(self, source: Path, rel: str) -> None:
        self.write(rel, source.read_bytes())


def page_name(href: str, lang: str) -> str:
    """``gallery.html`` in ``lang``: ``gallery.fr.html`` (English keeps the plain name)."""
    return href if lang == i18n.SOURCE_LANG else href.replace(".html", f".{lang}.html")


def _markup(lang: str, translated: str, values: dict[str, object]) -> Markup:
    """A translated message as HTML: its text escaped, its fields escaped unless already HTML,
    its numbers written by ``lang``'s locale (as Jinja's own i18n extension does)."""
    safe = {k: v if isinstance(v, (Markup, int, float)) else escape(v) for k, v in values.items()}
    return Markup(i18n.fill(lang, str(escape(translated)), **safe))


def _language_context(lang: str, switch: list[tuple[str, str, str]]) -> dict[str, object]:
    """What every template needs to speak ``lang``: ``_``, ``_n`` (plurals), ``lang``/``dir``,
    the attributes of an English data run, and the page's links in every language."""
    def translate(message: str, **values: object) -> Markup:
        return _markup(lang, i18n.gettext(lang, message), values)

    def plural(singular: str, plural: str, n: int, **values: object) -> Markup:
        """``{n}`` is the count in ``lang``'s digits; the form is chosen by ``lang``'s rules."""
        count = i18n.isolate(i18n.integer(n, lang), lang)
        return _markup(lang, i18n.ngettext(lang, singular, plural, n), {**values, "n": count})

    data_attrs = "" if lang == DATA_LANG else f' lang="{i18n.html_lang(DATA_LANG)}" dir="ltr"'
    # TRANSLATORS: what separates the names of a list (runs, figures, files).
    comma = translate(N_(", "))
    return {"_": translate, "_n": plural, "comma": comma, "page_lang": i18n.html_lang(lang),
            "page_dir": i18n.direction(lang), "data_attrs": Markup(data_attrs),
            "href": lambda page: page_name(page, lang), "switch": switch,
            "site_title": translate(SITE_TITLE)}


def _autonym(lang: str) -> str:
    """A language's own name for itself (CLDR): English, français, العربية."""
    return i18n.locale(lang).get_language_name(i18n.locale(lang)) or lang


def _page_switch(rel: str) -> list[tuple[str, str, str]]:
    """(language, its name, href) of the same site page in every language."""
    base = rel.split(".", 1)[0] + ".html"
    return [(lang, _autonym(lang), page_name(base, lang)) for lang in i18n.languages()]


def _run_switch(run: Run, runs: list[Run], folder: str) -> list[tuple[str, str, str]]:
    """The same notebook's runs in each other language (first run of each language)."""
    found: dict[str, Run] = {}
    for other in runs:
        if other.notebook == run.notebook and other.lang in i18n.languages():
            found.setdefault(other.lang, other)
    found[run.lang or i18n.SOURCE_LANG] = run
    return [(lang, _autonym(lang), f"{folder}/{found[lang].name}.html")
            for lang in i18n.languages() if lang in found]


def _citations(site: Site) -> dict[str, list[tuple[str, str, str, str]]]:
    """Where each key is cited: (page from the site root, #fragment, kind of page, its name),
    sorted, unique. The kind is one of :data:`PLACE_KINDS` (translated where it is shown); a
    site page (``gallery.html``) is linked in the bibliography page's language."""
    places: dict[str, set[tuple[str, str, str, str]]] = defaultdict(set)
    for run in site.runs:
        for key in notebooks.citations(run.nb):
            places[key].add((f"reports/{run.name}.html", "", "report", run.name))
    for art in [*site.figures, *site.tables]:
        for text in (art.meta.get("caption", ""), art.meta.get("source", "")):
            for key in bibliography.cited_keys(text):
                places[key].add(("gallery.html", f"#{art.anchor}", art.kind, art.name))
    for res in site.resources:
        for source in res.desc.get("sources", []):
            if source.get("citekey"):
                places[source["citekey"]].add(("data.html", f"#res-{res.name}", "data", res.name))
    return {key: sorted(value) for key, value in sorted(places.items())}


def _notebook_pages(w: _Writer, run: Run, made: list[Artifact],
                    figure_by_sha: dict[str, Artifact], runs: list[Run]) -> list[str]:
    """Report and full page of one run; returns the generic alt texts it had to use."""
    figures = [a for a in made if a.kind == "figure"]
    generic: list[str] = []
    for report, folder in ((True, "reports"), (False, "notebooks")):
        ctx = notebooks.Context(run=run, prefix="../notebooks/" if report else "",
                                bib_href="../bibliography.html", refs=w.refs, figures=figures,
                                figure_by_sha=figure_by_sha)
        body = notebooks.render(run.nb, ctx, report=report)
        title = run.title = notebooks.title(run.nb, body, run.name)
        kind = "report" if report else "notebook"
        w.page(f"{folder}/{run.name}.html", "notebook.html.j2", body=Markup(body), run=run,
               report=report, made=made, title=title, has_heading="<h1" in body,
               page_title=f"{title} ({run.name}, {kind})", notebook_css=True, lang=run.lang,
               switch=_run_switch(run, runs, folder))
        for name, data in sorted(ctx.images.items()):
            w.write(f"notebooks/{name}", data)
        generic = ctx.generic_alt
    w.copy(run.executed, f"notebooks/{run.name}.ipynb")
    return generic


def _artifact_rows(site: Site, root: Path) -> list[tuple[runrecord.Artifact, str | None]]:
    """Manifest artifacts, each with the link to its copy in the site when the site has one."""
    rows = []
    for art in site.manifest.artifacts:
        rel = art.path.removeprefix("build/")  # the site keeps the build folder's layout
        rows.append((art, rel if (root / rel).is_file() else None))
    return rows


def _copy_artifacts(w: _Writer, site: Site, *, paths: Paths = PROCESS) -> None:
    for art in [*site.figures, *site.tables]:
        for file in art.files:
            w.copy(artifact_folder(art.kind, paths=paths) / file, f"{art.folder}/{file}")


def _copy_data(w: _Writer, site: Site, *, paths: Paths = PROCESS) -> None:
    w.copy(paths.datapackage, "data/datapackage.json")
    for res in site.resources:
        path = paths.data / res.desc.get("path", "")
        if not path.resolve().is_relative_to(paths.data.resolve()):
            raise SiteError(f"{paths.datapackage}: resource {res.desc.get('name')!r} has path "
                            f"{res.desc.get('path')!r}, outside the data folder; not published")
        res.copied = path.is_file()
        if res.copied:
            w.copy(path, f"data/{res.desc['path']}")


class _Clock:
    """Seconds spent in each phase of a build (for the benchmark; never in tests)."""

    def __init__(self) -> None:
        self.phases: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.phases[phase] = round(self.phases.get(phase, 0.0) + now - self._last, 4)
        self._last = now


def _render_notebooks(w: _Writer, site: Site, *, paths: Paths = PROCESS) -> list[str]:
    figure_by_sha = {sha256_file(paths.figures / f.image): f
                     for f in site.figures if f.image}
    generic: list[str] = []
    for run in site.runs:
        made = [a for a in [*site.figures, *site.tables] if a.run is run]
        generic += _notebook_pages(w, run, made, figure_by_sha, site.runs)
    return generic


def _copy_all(w: _Writer, site: Site, *, paths: Paths = PROCESS) -> None:
    _copy_artifacts(w, site, paths=paths)
    _copy_data(w, site, paths=paths)
    w.copy(paths.manifest, "MANIFEST.json")
    if paths.crate.is_file():  # copied so the build page's link works offline, from the site alone
        w.copy(paths.crate, "ro-crate-metadata.json")
    w.write("static/site.css", (STATIC / "site.css").read_bytes())
    w.write("static/notebook.css", notebooks.notebook_css().encode("utf-8"))
    if any(i18n.is_rtl(lang) for lang in i18n.languages()):
        for name, data in fonts.web_fonts(paths=paths):
            w.write(f"static/fonts/{name}", data)


def _render_pages(w: _Writer, site: Site) -> None:
    """The five site pages, once per language (``index.html``, ``index.fr.html``, ...)."""
    by_notebook: dict[str, list[Run]] = defaultdict(list)
    for run in site.runs:
        by_notebook[run.notebook].append(run)
    inputs = {run.name: [r for r in site.resources if run in r.runs] for run in site.runs}
    refs = sorted(w.refs.values(), key=lambda r: r.sort_key)
    for lang in i18n.languages():
        _ = partial(i18n.gettext, lang)
        titles = {nb: next((r.title for r in runs if r.lang == lang), runs[0].title)
                  for nb, runs in by_notebook.items()}  # each notebook named in this language
        w.page(page_name("index.html", lang), "index.html.j2", lang, page_title=_("Home"),
               intro=_(INTRO), notebooks=sorted(by_notebook.items()), titles=titles,
               figures=site.figures, tables=site.tables)
        w.page(page_name("gallery.html", lang), "gallery.html.j2", lang,
               page_title=_("Figures and tables"), figures=site.figures, tables=site.tables,
               inputs=inputs)
        w.page(page_name("data.html", lang), "data.html.j2", lang, page_title=_("Data"),
               package=site.package, resources=site.resources, other_inputs=site.other_inputs)
        w.page(page_name("build.html", lang), "build.html.j2", lang, page_title=_("Build"),
               manifest=site.manifest, runs=site.runs, artifacts=_artifact_rows(site, w.root),
               crate=(w.root / "ro-crate-metadata.json").is_file())
        w.page(page_name("bibliography.html", lang), "bibliography.html.j2", lang,
               page_title=_("Bibliography"), cited=[r for r in refs if r.cited_in],
               uncited=[r for r in refs if not r.cited_in])


def _swap(new: Path, out: Path) -> None:
    """Put the new site in place; the old one is removed only once the new one is there."""
    os.chmod(new, 0o755)
    old = out.with_name(f".{out.name}.old.{os.getpid()}.swap")
    if out.exists():
        os.replace(out, old)
    try:
        os.replace(new, out)
    except OSError:
        if old.exists():
            os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _prepare(clock: _Clock, *, paths: Paths = PROCESS,
             ) -> tuple[Site, dict[str, bibliography.Reference]]:
    """Read everything and refuse a citation references.bib cannot resolve."""
    site = load(paths=paths)
    clock.lap("read build tree")
    refs = bibliography.load(paths.references_bib)
    clock.lap("bibliography")
    for run in site.runs:
        run.nb = notebooks.read(run.executed)
    cited = _citations(site)
    bibliography.check_cited({k: [f"{kind} {name}" for *_, kind, name in v]
                              for k, v in cited.items()}, refs, paths.references_bib)
    for key, places in cited.items():
        refs[key].cited_in = [(page, fragment, PLACE_KINDS[kind], name)
                              for page, fragment, kind, name in places]
    clock.lap("read notebooks")
    return site, refs


def build_site(out: Path | None = None, *, paths: Paths = PROCESS) -> Result:
    """Render the site of the build tree ``paths`` into ``out`` (default: build/html)."""
    out = Path(out or paths.html)
    clock = _Clock()
    site, refs = _prepare(clock, paths=paths)
    sweep_abandoned(out.parent, f".{out.name}.old")
    with private_folder(out.parent, f".{out.name}.new") as tmp:
        w = _Writer(tmp, site, refs)
        generic = _render_notebooks(w, site, paths=paths)
        clock.lap("notebook pages")
        _copy_all(w, site, paths=paths)
        clock.lap("copy files")
        _render_pages(w, site)
        clock.lap("other pages")
        problems = Problems("the rendered site has {n} problem(s); the previous site is kept")
        problems.extend(check.check_site(tmp))
        clock.lap("check")
        problems.raise_if_any(SiteError, limit=200)
        _swap(tmp, out)
    clock.lap("swap")
    return Result(out=out, pages=w.pages, files=w.files, runs=len(site.runs), generic_alt=generic,
                  phases=clock.phases)
