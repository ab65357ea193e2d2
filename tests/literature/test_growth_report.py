"""Series loading (corpus, OpenAlex snapshots, exports), the growth report and its figures."""

from __future__ import annotations

import json
import math

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from analysis import i18n, textlist  # noqa: E402
from analysis.errors import DataError, ParameterError  # noqa: E402
from analysis.literature import facts, growth, plots, report  # noqa: E402
from analysis.literature import series as series_mod  # noqa: E402
from analysis.paths import PROCESS  # noqa: E402


def synthetic(per_year: dict[int, int], window: tuple[int, int], key: str = "syn"):
    return series_mod.CountSeries(
        key=key, title={"en": "t", "fr": "t"}, origin={"en": "Not WoS", "fr": "Pas WoS"},
        source="test", counts=series_mod._frame(per_year, window), window=window, no_year=2)


# --- series ------------------------------------------------------------------------------------

def test_corpus_series_flags_out_of_window_years():
    s = series_mod.corpus_series("corpus_all")
    assert s.window == (2009, 2019) and s.no_year == 1
    assert s.in_window()["year"].tolist() == list(range(2009, 2020))
    cum = s.with_cumulative().set_index("year")["cumulative"]
    assert cum[2019] == s.in_window()["records"].sum()
    assert cum[[2020, 2021]].isna().all()
    assert "not the Web of Science corpus of Sharifi et al. 2021" in s.origin["en"]
    gov = series_mod.corpus_series("corpus_governance")
    assert "Allam et al. 2022" in gov.origin["fr"] and "gouvernance" not in gov.key


def snapshot(tmp_path, retrieved="2021-03-01T10:00:00+00:00", **extra):
    snap = {"label": "OpenAlex", "query": '"smart city"', "year_from": 2018, "year_to": 2021,
            "url": "https://api.openalex.org/works?search=x", "retrieved": retrieved,
            "meta": {"count": 10}, "counts": {"2018": 1, "2019": 2, "2020": 3, "2021": 4},
            "years_filled_with_zero": [], "response": {}}
    snap.update(extra)
    path = tmp_path / "sharifi_2018-2021_2021-03-01.json"
    path.write_text(json.dumps(snap), encoding="utf-8")
    return path


def test_openalex_snapshot_marks_retrieval_year_incomplete(tmp_path):
    s = series_mod.openalex_series(snapshot(tmp_path))
    assert s.key == "openalex:sharifi" and s.window == (2018, 2020)
    assert s.as_dict() == {2018: 1, 2019: 2, 2020: 3}
    assert "Independent OpenAlex series" in s.origin["en"] and "2021-03-01" in s.origin["en"]
    later = series_mod.openalex_series(snapshot(tmp_path, retrieved="2023-01-05T00:00:00"))
    assert later.window == (2018, 2021)


def test_openalex_snapshot_errors_name_file_and_keys(tmp_path):
    bad = snapshot(tmp_path)
    data = json.loads(bad.read_text())
    del data["counts"]
    bad.write_text(json.dumps(data))
    with pytest.raises(DataError, match="lacks counts"):
        series_mod.openalex_series(bad)
    bad.write_text("{\n  nope")
    with pytest.raises(DataError, match="line 2"):
        series_mod.openalex_series(bad)


def test_select_skips_absent_snapshots_and_rejects_unknown(tmp_path):
    empty = PROCESS.replace(data=tmp_path / "none")
    assert series_mod.select(["openalex"], paths=empty) == []
    found = PROCESS.replace(data=tmp_path / "data")
    found.openalex_api_snapshots.mkdir(parents=True)
    snapshot(found.openalex_api_snapshots)
    assert [s.key for s in series_mod.select(["openalex"], paths=found)] == ["openalex:sharifi"]
    with pytest.raises(ParameterError, match="known: corpus_all"):
        series_mod.select(["wos"])


RIS = """TY  - JOUR
TI  - Smart cities one
PY  - {y1}
DO  - 10.1/a
ER  -

TY  - JOUR
TI  - Smart cities two
PY  - {y2}
ER  -

"""


def test_export_series_counts_and_deduplicates(tmp_path):
    a = tmp_path / "a.ris"
    b = tmp_path / "b.ris"
    a.write_text(RIS.format(y1=2015, y2=2016), encoding="utf-8")
    b.write_text(RIS.format(y1=2015, y2=2019), encoding="utf-8")  # first record duplicates a's
    s = series_mod.export_series([a, b], window=(2015, 2018))
    assert s.as_dict() == {2015: 1, 2016: 1, 2017: 0, 2018: 0}
    assert s.counts.set_index("year").loc[2019, "records"] == 1
    assert not s.counts.set_index("year").loc[2019, "in_search_window"]
    assert "1 duplicates removed" in s.origin["en"]
    with pytest.raises(ParameterError, match="empty"):
        series_mod.export_series([])


def test_export_files_are_read_relative_to_the_project_root_not_the_kernels_folder(
        tmp_path, monkeypatch):
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "a.ris").write_text(RIS.format(y1=2015, y2=2016), encoding="utf-8")
    monkeypatch.chdir(tmp_path / "exports")  # a kernel works in notebooks/, not at the root
    chosen = series_mod.from_parameters("export", "exports/a.ris", "2015-2016",
                                        paths=PROCESS.replace(root=tmp_path))
    assert [s.as_dict() for s in chosen] == [{2015: 1, 2016: 1}]
    with pytest.raises(DataError, match=f"{PROCESS.root}/exports/a.ris: no such file"):
        series_mod.from_parameters("export", "exports/a.ris", "", paths=PROCESS)


def test_parameter_parsers():
    assert textlist.items(" a, b,,c ") == ["a", "b", "c"]
    assert series_mod.parse_window("1991-2020") == (1991, 2020)
    assert series_mod.parse_window("") is None
    with pytest.raises(ParameterError):
        series_mod.parse_window("2020-1991")
    assert report.parse_pairs("2015-2019, 2010-2019") == ((2015, 2019), (2010, 2019))


# --- report ------------------------------------------------------------------------------------

CFG = report.GrowthConfig(year_from=2000, year_to=2030, break_from=2010, break_to=2018,
                          n_bootstrap=19, fold_pairs=((2015, 2019),))


def test_analyse_fits_only_in_window_years_and_marks_untestable_claim():
    per_year = {y: int(10 * 1.4 ** (y - 2009)) for y in range(2009, 2020)} | {2020: 5, 2021: 1}
    res = report.analyse(synthetic(per_year, (2009, 2019)), CFG)
    assert res.years == list(range(2009, 2020))
    assert all(f.year_to == 2019 for f in res.fits)
    verdicts = {v.claim: v.verdict for v in res.verdicts}
    assert verdicts["more than x10 between 2015 and 2021"] == growth.NOT_TESTABLE
    folds = report.fold_table([res])
    assert folds.loc[0, "fold_change"] == pytest.approx(per_year[2019] / per_year[2015], rel=1e-3)
    assert math.isnan(folds.loc[1, "fold_change"]) and "outside" in folds.loc[1, "note"]
    assert report.growth_table([res])["cagr_pct_bibliometrix"].iloc[0] == pytest.approx(
        100 * growth.cagr(2009, per_year[2009], 2019, per_year[2019]), abs=0.05)


def test_analyse_tests_tenfold_claim_when_window_covers_2021():
    per_year = {y: int(20 * 1.6 ** (y - 2010)) for y in range(2010, 2022)}
    res = report.analyse(synthetic(per_year, (2010, 2021)), CFG, lang="fr")
    verdict = next(v for v in res.verdicts if v.claim.startswith("plus de"))
    assert verdict.verdict == growth.SUPPORTED  # 1.6**6 = 16.8, CI well above 10
    text = report.summary_markdown([res], "fr")
    assert "confirmée" in text and "syn" in text


def test_short_series_is_not_fitted_but_still_reported():
    res = report.analyse(synthetic({2018: 3, 2019: 4, 2020: 5}, (2018, 2020)), CFG)
    assert res.fits == [] and res.verdicts[0].verdict == growth.NOT_TESTABLE
    assert report.growth_table([res]).empty
    assert "too few" in report.summary_markdown([res], "en")


# --- figures -----------------------------------------------------------------------------------

def test_growth_figure_never_draws_out_of_window_years_as_bars():
    s = series_mod.corpus_series("corpus_all")
    fig = plots.growth_figure(s, "en", 2000, 2025)
    ax, ax2 = fig.axes
    bars = [bar for container in ax.containers for bar in container]
    centres = sorted(round(b.get_x() + b.get_width() / 2) for b in bars)
    assert centres == list(range(2009, 2020))
    band = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_hatch()]
    assert len(band) == 1 and band[0].get_x() == pytest.approx(2019.5)
    assert max(ax2.lines[0].get_xdata()) == 2019
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "2020: 252" in texts and "not a decline" in texts
    assert "not the Web of Science corpus" in ax.get_title(loc="left").replace("\n", " ")
    assert "1 record without a year is not shown" in " ".join(t.get_text() for t in fig.texts)


def test_log_scale_growth_figure_copes_with_zero_years():
    fig = plots.growth_figure(series_mod.corpus_series("corpus_governance"), "fr", 2009, 2021,
                              log_scale=True)
    assert fig.axes[0].get_yscale() == "log"
    assert "pas une baisse" in " ".join(t.get_text() for t in fig.axes[0].texts)


def test_facts_figure_is_text_only_and_says_not_available():
    fig = plots.facts_figure(facts.growth_facts(), "en")
    assert not fig.axes  # no axes, hence no bars
    text = " ".join(t.get_text() for t in fig.texts)
    assert "not available" in text and "1897" in text and "over 5000 articles" in text


def test_fit_figure_marks_break_ci_and_claim_year():
    per_year = {y: int(5 * np.exp(0.5 * (y - 2009) - 0.3 * max(0, y - 2015)))
                for y in range(2009, 2020)}
    res = report.analyse(synthetic(per_year, (2009, 2019)), CFG)
    fig = plots.fit_figure(res, "en", 2015, 2000, 2025)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any("break" in lbl for lbl in labels) and any("2015" in lbl for lbl in labels)


def test_notebook_figures_are_saved_per_series_and_only_fitted_series_get_a_fit_figure(
        tmp_paths):
    out = tmp_paths.replace(staging=None)
    fitted = report.analyse(series_mod.corpus_series("corpus_all"), CFG)
    short = report.analyse(synthetic({2018: 3, 2019: 4}, (2018, 2019), key="a:b"), CFG)
    assert fitted.fits and not short.fits
    plots.save_growth_figures([fitted.series, short.series], "en", 2000, 2025, False, paths=out)
    plots.save_fit_figures([fitted, short], "en", 2015, 2000, 2025, paths=out)
    saved = sorted(p.name for p in out.figures.glob("*.json"))
    assert saved == ["literature_fit_corpus_all_en.json", "literature_growth_a-b_en.json",
                     "literature_growth_corpus_all_en.json"]
    meta = json.loads((out.figures / "literature_growth_corpus_all_en.json").read_text())
    assert meta["caption"].startswith(f"{fitted.series.title['en']}. ")
    assert series_mod.sources([fitted.series, short.series]) == (
        f"{fitted.series.source}; {short.series.source}")


def test_counts_table_has_cumulative_only_in_window():
    table = report.counts_table([series_mod.corpus_series("corpus_all")], 2000, 2030)
    assert table["cumulative"].notna().sum() == 11
    assert pd.isna(table.set_index("year").loc[2020, "cumulative"])


def test_claims_table_speaks_the_notebook_language():
    res = report.analyse(synthetic({y: 10 + y - 2009 for y in range(2009, 2020)}, (2009, 2019)),
                         CFG, lang="fr")
    table = report.claims_table([res], "fr")
    assert "non testable avec cette série" in set(table["verdict"])
    assert table["claim"].str.startswith(("essor", "plus de")).all()


def test_facts_panel_quotes_only_verbatim_text_and_labels_the_rest():
    for lang in ("en", "fr", "ar"):
        text = "\n".join(t.get_text() for t in plots.facts_figure(facts.growth_facts(), lang).texts)
        assert i18n.gettext(lang, plots.SUMMARY_LABEL["compendium"]) in text
        assert "SOURCES" not in text and "— not available" not in text
    en = " ".join(t.get_text() for t in plots.facts_figure(facts.growth_facts(), "en").texts)
    assert "“The number of articles published per year. Note that" in en
    assert "[compendium's note] The per-year counts are published only in the image" in en
    assert "(HAL hal-04858902) — place in the source not available" in en


# --- notebook 01's parameters -------------------------------------------------------------------

def test_growth_config_takes_the_notebook_parameters():
    cfg = report.growth_config(1978, 2022, 2010, 2018, n_bootstrap=19, surge_tolerance=2.0,
                               fold_pairs="2015-2019, 2010-2019")
    assert (cfg.year_from, cfg.year_to, cfg.break_from, cfg.break_to) == (1978, 2022, 2010, 2018)
    assert cfg.n_bootstrap == 19 and cfg.surge_tolerance == 2.0
    assert cfg.fold_pairs == ((2015, 2019), (2010, 2019))


@pytest.mark.parametrize(("years", "breaks", "message"), [
    ((2022, 1978), (2010, 2018), "empty range: year 2022-1978, break 2010-2018"),
    ((1978, 2022), (2018, 2010), "empty range: year 1978-2022, break 2018-2010"),
])
def test_an_empty_year_or_break_range_is_refused_naming_both(years, breaks, message):
    with pytest.raises(ParameterError, match=f"^{message}$"):
        report.growth_config(*years, *breaks, n_bootstrap=19, surge_tolerance=2.0,
                             fold_pairs="")


def test_a_bad_fold_pair_is_refused_by_growth_config():
    with pytest.raises(ParameterError, match="'2019-2015' ends before it starts"):
        report.growth_config(1978, 2022, 2010, 2018, n_bootstrap=19, surge_tolerance=2.0,
                             fold_pairs="2019-2015")


def test_series_come_from_comma_parameters_and_are_described_one_line_each():
    chosen = series_mod.from_parameters(" corpus_all,, corpus_governance ", "", "")
    assert [s.key for s in chosen] == ["corpus_all", "corpus_governance"]
    assert series_mod.describe(chosen, "en") == (
        "corpus_all: 4,219 records, search window 2009-2019\n"
        "corpus_governance: 284 records, search window 2009-2019\n")
    assert series_mod.describe(chosen, "fr").startswith(
        "corpus_all : 4\u202f219 notices, fenêtre de recherche 2009-2019\n")
    assert series_mod.describe([], "en") == ""


def test_an_export_window_parameter_must_be_two_years(tmp_path):
    with pytest.raises(ParameterError, match="export_window '2020': expected 'YYYY-YYYY'"):
        series_mod.from_parameters("corpus_all", "", "2020")
