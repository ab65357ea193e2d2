"""Save tables as CSV, Markdown, LaTeX and HTML, with a caption stored beside them."""

from __future__ import annotations

import pandas as pd

from analysis.fileio import Saved, write_json, write_text
from analysis.paths import PROCESS, Paths
from analysis.pipeline import trace

FORMATS = ("csv", "md", "tex", "html")


def formatted(df: pd.DataFrame, lang: str | None) -> pd.DataFrame:
    """A copy for reading: floats in ``lang``'s notation (fr ``74,1``, en ``74.1``), gaps named.

    The CSV keeps the machine form (``74.1``); what a person reads (Markdown, LaTeX, HTML and
    the notebook's display) uses this.
    """
    if lang is None:
        return df
    from analysis import i18n

    out = df.copy()
    gap = i18n.gettext(lang, "not available")
    for column in out.columns:
        if pd.api.types.is_float_dtype(out[column]):
            out[column] = [gap if pd.isna(v) else i18n.number(v, lang) for v in out[column]]
    return out


def headed(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Column codes as headers in ``lang`` (English headers are the codes themselves)."""
    from analysis import i18n

    return df.rename(columns={c: i18n.gettext(lang, str(c)) for c in df.columns})


def _render(df: pd.DataFrame, fmt: str, caption: str, lang: str | None = None) -> str:
    if fmt == "csv":
        return df.to_csv(index=False, lineterminator="\n")
    df = formatted(df, lang)
    if fmt == "md":
        return df.to_markdown(index=False) + "\n"
    if fmt == "tex":
        styler = df.style.hide(axis="index")
        return styler.to_latex(caption=caption, hrules=True, environment="table")
    html = df.to_html(index=False, border=0, classes="data-table", na_rep="not available",
                      escape=True)
    return f"<figure>\n<figcaption>{_escape(caption)}</figcaption>\n{html}\n</figure>\n"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def save(df: pd.DataFrame, name: str, *, caption: str, source: str = "",
         lang: str | None = None, paths: Paths = PROCESS) -> Saved:
    """Write ``NAME.{csv,md,tex,html}`` and ``NAME.json`` (caption, data source, columns).

    With ``lang``, the human-readable formats write numbers in that language's notation.
    """
    if not caption.strip():
        raise ValueError(f"table '{name}': a caption is required")
    folder = paths.output_dir("tables")
    written = []
    for fmt in FORMATS:
        target = folder / f"{name}.{fmt}"
        write_text(target, _render(df, fmt, caption, lang))
        written.append(target)
    sidecar = folder / f"{name}.json"
    meta = {"name": name, "caption": caption, "source": source,
            "columns": [str(c) for c in df.columns], "rows": len(df),
            "files": [p.name for p in written]}
    write_json(sidecar, meta)
    for target in [*written, sidecar]:
        trace.record_output(target, artifact="table", name=name, paths=paths)
    return Saved([*written, sidecar])
