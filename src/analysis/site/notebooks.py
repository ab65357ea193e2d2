"""Executed notebooks to HTML fragments with one warm nbconvert exporter.

The nbconvert CLI starts a fresh interpreter per page (about 3.8 s here); one ``HTMLExporter``
reused for every page costs a fraction of that. The exporter uses our template
(templates/nbconvert/site-notebook.html.j2, built on nbconvert's "lab" template), which emits
only the cells: no CDN script, no MathJax, no random ids. A preprocessor turns citations into
links to the bibliography and writes each image output to a file beside the page (two builds
give the same bytes, and the page stays small), with the alt text of the figure it shows.
"""

from __future__ import annotations

import ast
import base64
import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from functools import cache
from html import unescape
from pathlib import Path

from analysis._startup import skip_unused_imports

skip_unused_imports()  # before nbformat/nbconvert import jsonschema

import nbformat  # noqa: E402
from nbconvert import HTMLExporter  # noqa: E402
from nbconvert.exporters.templateexporter import TemplateExporter  # noqa: E402
from nbconvert.filters.highlight import Highlight2HTML  # noqa: E402
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter  # noqa: E402
from nbconvert.preprocessors import Preprocessor  # noqa: E402

from analysis import i18n  # noqa: E402
from analysis.site.bibliography import Reference, cited_keys, link_markdown  # noqa: E402
from analysis.site.model import Artifact, Run, SiteError  # noqa: E402

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent / "templates"
_IMAGE_EXT = {"image/png": "png", "image/jpeg": "jpg", "image/svg+xml": "svg"}
_HEADING = re.compile(r"<h([1-6])(\s[^>]*)?>(.*?)</h\1>", re.S)
_TAG = re.compile(r"<[^>]+>")
_EXTERNAL_A = re.compile(r'<a\b[^>]*?\bhref="((?:[a-z][a-z0-9+.-]*:)?//[^"]*)"[^>]*>(.*?)</a>',
                         re.S | re.I)
_ANCHOR_SIGN = "¶"


@dataclass
class Context:
    """What the preprocessor needs for one page of one run."""

    run: Run
    prefix: str  # from the page to the notebooks/ folder
    bib_href: str
    refs: dict[str, Reference]
    figures: list[Artifact]  # made by this run
    figure_by_sha: dict[str, Artifact]
    images: dict[str, bytes] = field(default_factory=dict)  # path under notebooks/ -> bytes
    generic_alt: list[str] = field(default_factory=list)


def read(path: Path) -> nbformat.NotebookNode:
    """An executed notebook (trusted: our runner wrote it), without schema validation."""
    text = path.read_text(encoding="utf-8")
    try:
        version = json.loads(text).get("nbformat")
    except json.JSONDecodeError as exc:
        raise SiteError(f"{path}, line {exc.lineno}: not a valid notebook ({exc.msg})") from exc
    if version != 4:
        raise SiteError(f"{path}: nbformat {version} found, 4 expected")
    return nbformat.v4.reads(text)  # joins multi-line sources; no jsonschema pass


def citations(nb: nbformat.NotebookNode) -> list[str]:
    """Cite keys in the notebook's Markdown cells and Markdown outputs."""
    keys = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            keys += cited_keys(cell.source)
        for output in cell.get("outputs", []):
            keys += cited_keys(output.get("data", {}).get("text/markdown", ""))
    return keys


def _name_pattern(node: ast.expr) -> re.Pattern | None:
    """The figure name a ``save(fig, NAME)`` call writes; an f-string becomes a pattern."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return re.compile(re.escape(node.value))
    if isinstance(node, ast.JoinedStr):
        return re.compile("".join(re.escape(v.value) if isinstance(v, ast.Constant) else ".+?"
                                  for v in node.values))
    return None


def saved_figures(source: str, figures: list[Artifact]) -> list[Artifact]:
    """Figures of this run that a code cell saves, in call order (for the alt text)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # magics, shell escapes
        return []
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", getattr(node.func, "id", ""))
        arg = next((k.value for k in node.keywords if k.arg == "name"),
                   node.args[1] if len(node.args) > 1 else None)
        pattern = _name_pattern(arg) if name == "save" and arg is not None else None
        if pattern:
            found += [f for f in figures if pattern.fullmatch(f.name) and f not in found]
    return found


class SitePreprocessor(Preprocessor):
    """Citations to links; image outputs to files with alt text.

    The page's Context is set on the instance before each export (nbconvert deep-copies the
    resources dict, so results written there would be lost).
    """

    ctx: Context | None = None

    def preprocess(self, nb, resources):  # noqa: ANN001 (nbconvert API)
        ctx = self.ctx
        assert ctx is not None, "set SitePreprocessor.ctx before exporting"
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "markdown":
                cell.source = link_markdown(cell.source, ctx.refs, ctx.bib_href)
            if cell.cell_type != "code":
                continue
            saved = saved_figures(cell.source, ctx.figures)
            images = 0
            for number, output in enumerate(cell.get("outputs", []), start=1):
                data = output.get("data", {})
                if "text/markdown" in data:
                    data["text/markdown"] = link_markdown(data["text/markdown"], ctx.refs,
                                                          ctx.bib_href)
                mime = next((m for m in self.display_data_priority if m in data), None)
                if mime in _IMAGE_EXT:
                    name = f"{ctx.run.name}_files/cell{index + 1}-output{number}.{_IMAGE_EXT[mime]}"
                    raw = (data[mime].encode("utf-8") if mime == "image/svg+xml"
                           else base64.b64decode(data[mime]))
                    ctx.images[name] = raw
                    output.metadata.setdefault("filenames", {})[mime] = ctx.prefix + name
                    output.metadata["alt"] = _alt(ctx, output, raw, saved, images, index)
                    images += 1
        return nb, resources


def _alt(ctx: Context, output, raw: bytes, saved: list[Artifact], nth: int,  # noqa: ANN001
         index: int) -> str:
    """Alt text of an image output: its own, else that of the saved figure it shows."""
    own = output.metadata.get("alt")
    if own:
        return str(own)
    figure = ctx.figure_by_sha.get(hashlib.sha256(raw).hexdigest())
    if figure is None and saved:
        figure = saved[min(nth, len(saved) - 1)]
    if figure is not None:
        return figure.meta.get("alt") or figure.meta.get("caption") or figure.name
    lang = ctx.run.lang if ctx.run.lang in i18n.languages() else i18n.SOURCE_LANG
    text = i18n.render(lang, "Image output of cell {cell} of run {run}; the notebook gives no "
                       "description for it", cell=index + 1, run=ctx.run.name)
    ctx.generic_alt.append(text)
    return text


class SiteExporter(HTMLExporter):
    """HTMLExporter without its final BeautifulSoup pass.

    nbconvert 7 re-parses every page to add alt text to images that lack it and tabindex to
    cells under ``.jp-Notebook``. Our template gives every image its alt text and emits no
    ``.jp-Notebook`` ancestor, so the pass changes nothing and costs a third of a page's time.
    The body below is HTMLExporter.from_notebook_node (nbconvert 7.17) up to that pass.
    """

    def from_notebook_node(self, nb, resources=None, **kw):  # noqa: ANN001 (nbconvert API)
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight_code = self.filters.get(
            "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        resources = self._init_resources(resources)
        filter_data_type = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata,
                                                 parent=self, resources=resources)
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", filter_data_type)
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


@cache
def _exporter() -> tuple[SiteExporter, SitePreprocessor]:
    """The one exporter of the process (building it loads templates and filters)."""
    exp = SiteExporter(template_name="lab", template_file="site-notebook.html.j2",
                       extra_template_paths=[str(TEMPLATES / "nbconvert")],
                       optimistic_validation=True, anchor_link_text=_ANCHOR_SIGN)
    pre = SitePreprocessor(parent=exp)
    exp.register_preprocessor(pre, enabled=True)
    return exp, pre


def exporter() -> HTMLExporter:
    return _exporter()[0]


def notebook_css() -> str:
    """JupyterLab's stylesheet for the cells, plus the code-highlighting rules (all local)."""
    env = exporter().environment
    parts = [env.loader.get_source(env, f"static/{name}")[0]
             for name in ("index.css", "theme-light.css")]
    from pygments.formatters import HtmlFormatter

    parts.append(HtmlFormatter(style="default").get_style_defs(".highlight"))
    return "\n".join(parts)


def render(nb: nbformat.NotebookNode, ctx: Context, *, report: bool) -> str:
    """The cells as HTML; ``report`` hides code (nbconvert's exclude_input) and prompts."""
    exp, pre = _exporter()
    exp.exclude_input = exp.exclude_input_prompt = exp.exclude_output_prompt = report
    pre.ctx = ctx
    try:
        body, _ = exp.from_notebook_node(nb, resources={"metadata": {"name": ctx.run.name}})
    finally:
        pre.ctx = None
    return normalise_headings(delink(body))


def delink(html: str) -> str:
    """Links that would leave the site become text that shows the address."""

    def text(match: re.Match) -> str:
        url, label = match[1], match[2]
        return label if _TAG.sub("", label).strip() == url else (
            f'{label} (<span class="url">{url}</span>)')

    return _EXTERNAL_A.sub(text, html)


def normalise_headings(html: str) -> str:
    """One h1 (the notebook's first heading) and no skipped levels after it.

    The other headings keep their relative depth: the shallowest of them becomes h2, and a
    heading never goes more than one level below the one before it.
    """
    levels = [int(m[1]) for m in _HEADING.finditer(html)]
    if not levels:
        return html
    shallowest = min(levels[1:], default=1)
    state = {"index": 0, "prev": 0}

    def fix(match: re.Match) -> str:
        level = int(match[1])
        new = 1 if state["index"] == 0 else max(2, min(level - shallowest + 2,
                                                       state["prev"] + 1, 6))
        state["index"] += 1
        state["prev"] = new
        return f"<h{new}{match[2] or ''}>{match[3]}</h{new}>"

    return _HEADING.sub(fix, html)


def title(nb: nbformat.NotebookNode, html: str, fallback: str) -> str:
    """The notebook's title: its metadata title, else its first heading, else ``fallback``."""
    if nb.metadata.get("title"):
        return str(nb.metadata["title"])
    match = _HEADING.search(html)
    if match:
        return unescape(_TAG.sub("", match[3])).replace(_ANCHOR_SIGN, "").strip() or fallback
    return fallback
