"""Figures of notebook 03: the reading grid, the schematic trajectories, coded trajectories.

Figures are built on ``matplotlib.figure.Figure`` (not pyplot) so nothing is shown twice in a
notebook and no global state leaks between figures; saving goes through analysis.figures.
"""

from __future__ import annotations

import textwrap

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Patch
from matplotlib.ticker import MaxNLocator

from analysis import i18n
from analysis.governance.evidence import split_ids
from analysis.governance.labels import LEVELS, label, text

#: Centre of each third of an axis: ordinal levels, drawn evenly spaced.
POSITION = {"low": 1 / 6, "medium": 0.5, "high": 5 / 6}
#: Okabe-Ito colours (distinguishable with the common colour-vision deficiencies).
CASE_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00")
GREY = "#6b6b6b"
WRAP = 46


def _colour(cases: list[str], case: str) -> str:
    return CASE_COLOURS[cases.index(case) % len(CASE_COLOURS)]


def _axis_label(dimensions: pd.DataFrame, dimension: str, lang: str) -> str:
    """The dimension in ``lang``, with the talk's French word quoted (alone if they are equal)."""
    row = dimensions.set_index("dimension_id").loc[dimension]
    shown = i18n.data_value(row, "label", lang)
    if shown == row["label_fr"]:
        return i18n.gettext(lang, "«{talk}»").format(talk=row["label_fr"])
    return i18n.gettext(lang, "{label} («{talk}»)").format(label=shown, talk=row["label_fr"])


def _plane(ax, dimensions: pd.DataFrame, regions: pd.DataFrame, lang: str,
           centred: bool) -> None:
    """Unit square split into the four regions, ordinal ticks, plain region descriptions
    (centred in each region on the grid figure, tucked into the corners under trajectories)."""
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.axvline(0.5, color=GREY, lw=0.8, ls="--")
    ax.axhline(0.5, color=GREY, lw=0.8, ls="--")
    ticks = [POSITION[level] for level in LEVELS]
    names = [label(level, lang) for level in LEVELS]
    ax.set_xticks(ticks, names)
    ax.set_yticks(ticks, names)
    ax.set_xlabel(_axis_label(dimensions, "proactivity", lang))
    ax.set_ylabel(_axis_label(dimensions, "openness", lang))
    ax.spines[["top", "right"]].set_visible(True)
    spot = {"low": 0.25, "high": 0.75} if centred else {"low": 0.03, "high": 0.97}
    for _, region in regions.sort_values("region_id").iterrows():
        x, y = spot[region["proactivity"]], spot[region["openness"]]
        if centred:
            align = {"ha": "center", "va": "center"}
        else:
            align = {"ha": "left" if x < 0.5 else "right", "va": "bottom" if y < 0.5 else "top"}
        ax.text(x, y, textwrap.fill(i18n.data_value(region, "label", lang), 22), color=GREY,
                style="italic",
                fontsize=12 if centred else 8, **align)


def grid_figure(dimensions: pd.DataFrame, regions: pd.DataFrame, lang: str) -> Figure:
    """The two dimensions and the four regions, described plainly (no source cell names)."""
    fig = Figure(figsize=(6.4, 6.6))
    ax = fig.add_subplot()
    _plane(ax, dimensions, regions, lang, centred=True)
    ax.set_title(text("grid_title", lang), fontsize=11)
    fig.text(0.5, 0.005, textwrap.fill(text("grid_note", lang), 90), ha="center", va="bottom",
             fontsize=7.5, color=GREY)
    fig.subplots_adjust(bottom=0.17)
    return fig


def _offsets(frame: pd.DataFrame, cases: list[str], at: tuple[str, str], key: str,
             span: float) -> dict[str, float]:
    """Per row ``key``, a small diagonal shift when rows of several cases share a position
    (columns ``at``), so one case's marks never hide another's."""
    shifts = {}
    for _, same in frame.groupby(list(at), sort=True):
        present = [c for c in cases if c in set(same["case"])]
        width = span if len(present) > 1 else 0.0
        for _, row in same.iterrows():
            rank = present.index(row["case"])
            shifts[row[key]] = -width / 2 + width * rank / max(len(present) - 1, 1)
    return shifts


#: Where a label may go around its marker (offset in points, alignment), in order of preference.
_SPOTS = [((0, -13), "center", "top"), ((0, 13), "center", "bottom"),
          ((13, 0), "left", "center"), ((-13, 0), "right", "center"),
          ((11, -11), "left", "top"), ((-11, -11), "right", "top"),
          ((11, 11), "left", "bottom"), ((-11, 11), "right", "bottom")]


class _Placer:
    """Put each label at the first spot that stays inside the axes and clear of what is drawn.

    Occupied areas are display-space boxes (markers, labels) and sampled arrow segments; the
    Agg renderer measures text exactly, so the result is deterministic.
    """

    def __init__(self, ax) -> None:
        self.ax = ax
        self.renderer = ax.figure.canvas.get_renderer()
        self.boxes: list = []
        self.points: list[tuple[float, float]] = []

    def block_segment(self, start: tuple[float, float], end: tuple[float, float]) -> None:
        a, b = self.ax.transData.transform([start, end])
        self.points += [tuple(a + (b - a) * k / 20) for k in range(21)]

    def block_marker(self, x: float, y: float, radius: float = 8) -> None:
        from matplotlib.transforms import Bbox
        cx, cy = self.ax.transData.transform((x, y))
        self.boxes.append(Bbox([[cx - radius, cy - radius], [cx + radius, cy + radius]]))

    def _free(self, box) -> bool:
        inside = self.ax.get_window_extent(self.renderer)
        return (inside.contains(box.x0, box.y0) and inside.contains(box.x1, box.y1)
                and not any(box.overlaps(other) for other in self.boxes)
                and not any(box.contains(px, py) for px, py in self.points))

    def place(self, content: str, xy: tuple[float, float], **style):
        for offset, ha, va in _SPOTS:
            artist = self.ax.annotate(content, xy, xytext=offset, textcoords="offset points",
                                      ha=ha, va=va, **style)
            box = artist.get_window_extent(self.renderer).expanded(1.05, 1.1)
            if self._free(box) or (offset, ha, va) == _SPOTS[-1]:
                self.boxes.append(box)
                return artist
            artist.remove()
        raise AssertionError("unreachable: the last spot is always taken")


def _points(steps: pd.DataFrame, shifts: dict[str, float]) -> list[tuple[float, float]]:
    return [(POSITION[r["proactivity"]] + shifts[r["step_id"]],
             POSITION[r["openness"]] + shifts[r["step_id"]]) for _, r in steps.iterrows()]


def _draw_case(ax, steps: pd.DataFrame, colour: str, points: list[tuple[float, float]]) -> None:
    for start, end in zip(points, points[1:], strict=False):
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=18,
                                     color=colour, lw=2, shrinkA=9, shrinkB=9, zorder=2))
    for (x, y), (_, step) in zip(points, steps.iterrows(), strict=True):
        stated = step["basis"] == "stated in the talk"
        ax.plot(x, y, "o", ms=12, mew=2, mec=colour, mfc=colour if stated else "white",
                zorder=3)


def _label_case(placer: _Placer, steps: pd.DataFrame, colour: str,
                points: list[tuple[float, float]]) -> None:
    """Step id and the evidence box (its excerpt ids) beside each marker."""
    for (x, y), (_, step) in zip(points, steps.iterrows(), strict=True):
        placer.place(step["step_id"], (x, y), fontsize=10, fontweight="bold", color=colour)
        ids = ", ".join(split_ids(step["excerpt_ids"]))
        placer.place(f"[{ids}]", (x, y), fontsize=6.5, color="#333333", zorder=4,
                     bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": colour, "lw": 0.8})


def _step_panel(ax, steps: pd.DataFrame, cases: list[str], lang: str) -> None:
    """Right-hand panel: each step's label, basis and evidence, written out in full."""
    ax.axis("off")
    lines: list[tuple[str, str, bool]] = []
    for case in cases:
        lines.append((f"{text('case', lang)} {case}", _colour(cases, case), True))
        for _, step in steps[steps["case"] == case].iterrows():
            head = f"{step['step_id']} — {i18n.data_value(step, 'label', lang)}"
            lines += [(part, "black", False) for part in textwrap.wrap(head, WRAP)]
            detail = i18n.gettext(lang, "{basis}; excerpts: {ids}").format(
                basis=label(step["basis"], lang),
                ids=i18n.isolate(", ".join(split_ids(step["excerpt_ids"])), lang))
            lines += [(f"   {part}", GREY, False) for part in textwrap.wrap(detail, WRAP - 3)]
        lines.append(("", "black", False))
    x, ha = (1, "right") if i18n.is_rtl(lang) else (0, "left")  # lines start where text does
    y = 1.0
    for content, colour, bold in lines:
        ax.text(x, y, i18n.paragraph(content.strip() if i18n.is_rtl(lang) else content, lang),
                color=colour, fontsize=8.5, va="top", ha=ha,
                fontweight="bold" if bold else "normal", transform=ax.transAxes)
        y -= 0.04


def _legend(ax, lang: str) -> None:
    handles = [
        Line2D([], [], ls="", marker="o", ms=9, mec="black", mfc="black",
               label=text("legend_stated", lang)),
        Line2D([], [], ls="", marker="o", ms=9, mec="black", mfc="white", mew=2,
               label=text("legend_schematic", lang)),
        Line2D([], [], color="black", lw=2, marker=">", ms=6, label=text("legend_arrow", lang)),
        Patch(fc="white", ec=GREY, label=text("legend_evidence", lang)),
    ]
    ax.legend(handles=handles, loc="lower left", fontsize=8, frameon=True)


def trajectory_figure(steps: pd.DataFrame, dimensions: pd.DataFrame, regions: pd.DataFrame,
                      cases: list[str], lang: str) -> Figure:
    """Arrows through the plane, one colour per case; every step points to its excerpts."""
    fig = Figure(figsize=(11, 7))
    grid = fig.add_gridspec(1, 2, width_ratios=[1.25, 1], wspace=0.05)
    ax, panel = fig.add_subplot(grid[0]), fig.add_subplot(grid[1])
    _plane(ax, dimensions, regions, lang, centred=False)
    FigureCanvasAgg(fig)  # a renderer, so labels can be measured and placed clear of marks
    shifts = _offsets(steps, cases, ("proactivity", "openness"), "step_id", 0.05)
    per_case = {c: steps[steps["case"] == c].sort_values("step") for c in cases}
    points = {c: _points(per_case[c], shifts) for c in cases}
    placer = _Placer(ax)
    for case in cases:
        _draw_case(ax, per_case[case], _colour(cases, case), points[case])
        for start, end in zip(points[case], points[case][1:], strict=False):
            placer.block_segment(start, end)
        for x, y in points[case]:
            placer.block_marker(x, y)
    for case in cases:
        _label_case(placer, per_case[case], _colour(cases, case), points[case])
    _legend(panel, lang)
    _step_panel(panel, steps, cases, lang)
    fig.suptitle(text("traj_title", lang), fontsize=13, y=0.98)
    fig.text(0.5, 0.925, text("encoding", lang), ha="center", fontsize=9.5, style="italic")
    return fig


def coding_figure(derived: pd.DataFrame, cases: list[str], lang: str, source: str) -> Figure:
    """Each case's periods as points (counts of proactive vs open actions), joined in order."""
    fig = Figure(figsize=(7, 6))
    ax = fig.add_subplot()
    keyed = derived.assign(key=derived["case"] + "|" + derived["period"])
    shifts = _offsets(keyed, cases, ("proactive", "open"), "key", 0.16)
    for case in cases:
        rows = keyed[keyed["case"] == case].sort_values("step")
        colour = _colour(cases, case)
        xs = [x + shifts[k] for x, k in zip(rows["proactive"], rows["key"], strict=True)]
        ys = [y + shifts[k] for y, k in zip(rows["open"], rows["key"], strict=True)]
        ax.plot(xs, ys, "o", ms=9, color=colour, label=f"{text('case', lang)} {case}", zorder=3)
        for start, end in zip(zip(xs, ys, strict=True), list(zip(xs, ys, strict=True))[1:],
                              strict=False):
            # curved, so a path does not run straight through another case's points
            ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14,
                                         connectionstyle="arc3,rad=0.2", color=colour, lw=1.8,
                                         shrinkA=7, shrinkB=7))
        for x, y, period in zip(xs, ys, rows["period"], strict=True):
            ax.annotate(period, (x, y), xytext=(6, 6), textcoords="offset points", fontsize=8,
                        color=colour)
    top = max(int(derived["proactive"].max()), int(derived["open"].max()), 1) + 1
    ax.set_xlim(-0.5, top)
    ax.set_ylim(-0.5, top)
    ax.set_aspect("equal")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(text("coding_x", lang))
    ax.set_ylabel(text("coding_y", lang))
    ax.legend(loc="upper left", fontsize=8)
    ax.set_title(text("coding_title", lang), fontsize=11)
    fig.text(0.5, 0.01, text("coding_note", lang).format(file=source), ha="center",
             fontsize=7.5, color=GREY)
    return fig


def steps_text(steps: pd.DataFrame) -> str:
    """Each step as ``A1: low/medium [E3, E4]`` (levels and excerpts), for the alt text."""
    return "; ".join(f"{r.step_id}: {r.proactivity}/{r.openness} [{r.excerpt_ids}]"
                     for r in steps.itertuples())
