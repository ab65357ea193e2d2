"""Save figures as byte-identical PNG, SVG and PDF, each with its alt text and caption.

Determinism: matplotlib writes a creation date into PDF and SVG and random ids into SVG.
We drop the dates, fix ``svg.hashsalt``, and pin the PNG metadata, so two builds of the
same commit give the same bytes (checked by the end-to-end tests).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import matplotlib as mpl
import numpy as np

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Text

from analysis.fileio import Saved, atomic_path, write_json
from analysis.paths import PROCESS, Paths
from analysis.pipeline import trace

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


def use_style(lang: str | None = None) -> None:
    """Apply the compendium's deterministic rcParams (call once at the top of a notebook).

    With ``lang``, text is drawn in that language's fonts (bundled Arabic font first for
    Arabic, DejaVu Sans as fallback), and mathtext is off so ``$`` stays a character.
    """
    mpl.rcParams.update(STYLE)
    if lang is not None:
        from analysis import i18n

        mpl.rcParams["font.family"] = i18n.font_family(i18n.check_lang(lang))


def save(fig: Figure, name: str, *, alt: str, caption: str, source: str = "",
         show: bool = False, paths: Paths = PROCESS) -> Saved:
    """Write ``NAME.{png,svg,pdf}`` and ``NAME.json`` (alt text, caption, data source).

    ``alt`` describes what a reader who cannot see the image needs to know; ``caption`` is
    what is printed under it; ``source`` says where the plotted values come from. With
    ``show``, the saved PNG is displayed in the notebook and the figure is closed: the reader
    sees the artifact itself, which the site finds with its alt text, and pyplot does not
    draw the figure a fourth time at the end of the cell.
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
    write_json(sidecar, meta)
    for target in [*written, sidecar]:
        trace.record_output(target, artifact="figure", name=name, paths=paths)
    if show:
        from IPython.display import Image, display

        display(Image(filename=str(written[0])))
        _close(fig)
    return Saved([*written, sidecar])


def _close(fig: Figure) -> None:
    """Forget ``fig`` in pyplot, if pyplot made it (a plain ``Figure`` is nobody's to close)."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close(fig)


def marked_heatmap(ax: Axes, matrix: pd.DataFrame, *, colors: tuple[str, ...],
                   marks: pd.DataFrame, mark_style: dict, linewidth: float = 0.8,
                   linecolor: str = "white") -> None:
    """Draw ``matrix`` as coloured cells with a text mark in each, row labels down the side.

    This is what ``seaborn.heatmap(matrix, cmap=colors, cbar=False, annot=marks, fmt="")``
    drew for the value grid, step for step and so byte for byte, without importing seaborn
    (and scipy.stats with it: about a second of every run's start-up). Tick labels that
    overlap are turned, as seaborn does.
    """
    n_rows, n_cols = matrix.shape
    for spine in ax.spines.values():
        spine.set_visible(False)
    values = matrix.to_numpy()
    ax.pcolormesh(np.ma.masked_array(values, mask=np.zeros(values.shape, bool)),
                  cmap=mpl.colors.ListedColormap(list(colors)), vmin=np.nanmin(values),
                  vmax=np.nanmax(values), linewidths=linewidth, edgecolor=linecolor)
    ax.set(xlim=(0, n_cols), ylim=(0, n_rows))
    ax.invert_yaxis()
    ax.set(xticks=np.arange(n_cols) + 0.5, yticks=np.arange(n_rows) + 0.5)
    x_labels = ax.set_xticklabels(list(matrix.columns))
    y_labels = ax.set_yticklabels(list(matrix.index), rotation="vertical", va="center")
    ax.figure.draw_without_rendering()
    if _overlap(x_labels):
        for label in x_labels:
            label.set_rotation("vertical")
    if _overlap(y_labels):
        for label in y_labels:
            label.set_rotation("horizontal")
    for (row, col), mark in np.ndenumerate(marks.to_numpy()):
        ax.text(col + 0.5, row + 0.5, f"{mark}", ha="center", va="center", **mark_style)


def _overlap(labels: list[Text]) -> bool:
    boxes = [label.get_window_extent() for label in labels]
    return bool(boxes) and max(box.count_overlaps(boxes) for box in boxes) > 1
