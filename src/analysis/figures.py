"""Save figures as byte-identical PNG, SVG and PDF, each with its alt text and caption.

Determinism: matplotlib writes a creation date into PDF and SVG and random ids into SVG.
We drop the dates, fix ``svg.hashsalt``, and pin the PNG metadata, so two builds of the
same commit give the same bytes (checked by the end-to-end tests).
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib as mpl
from matplotlib.figure import Figure

from analysis import paths, trace
from analysis.fileio import atomic_path, write_text

FORMATS = ("png", "svg", "pdf")
DPI = 150
_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
}
#: Settings that only affect how files are written (applied around savefig, never globally).
SAVE_RC = {"svg.hashsalt": "frucquet-compendium", "svg.fonttype": "path", "pdf.fonttype": 42}
#: The compendium's look; notebooks apply it once with use_style() before drawing.
STYLE = {
    **SAVE_RC,
    "font.family": "DejaVu Sans",
    "figure.dpi": 100,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def use_style() -> None:
    """Apply the compendium's deterministic rcParams (call once at the top of a notebook)."""
    mpl.rcParams.update(STYLE)


def save(fig: Figure, name: str, *, alt: str, caption: str, source: str = "") -> list[Path]:
    """Write ``NAME.{png,svg,pdf}`` and ``NAME.json`` (alt text, caption, data source).

    ``alt`` describes what a reader who cannot see the image needs to know; ``caption`` is
    what is printed under it; ``source`` says where the plotted values come from.
    """
    if not alt.strip() or not caption.strip():
        raise ValueError(f"figure '{name}': alt text and caption are required")
    folder = paths.output_dir("figures")
    written = []
    for fmt in FORMATS:
        target = folder / f"{name}.{fmt}"
        with atomic_path(target) as tmp, mpl.rc_context(SAVE_RC):
            fig.savefig(tmp, format=fmt, dpi=DPI, metadata=_METADATA[fmt], bbox_inches="tight")
        written.append(target)
    sidecar = folder / f"{name}.json"
    meta = {"name": name, "alt": alt, "caption": caption, "source": source,
            "files": [p.name for p in written]}
    write_text(sidecar, json.dumps(meta, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    for target in [*written, sidecar]:
        trace.record_output(target, artifact="figure", name=name)
    return [*written, sidecar]
