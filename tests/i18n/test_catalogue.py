"""The catalogue: what a translator edits, and what the build refuses."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis import i18n
from analysis.errors import ParameterError
from analysis.i18n import __main__ as cli
from analysis.i18n import catalogues
from analysis.paths import PROCESS, Paths


@pytest.fixture
def own(tmp_path) -> Paths:
    """The project's paths with a copy of locales/ that a test may break (the real one is
    never touched)."""
    copy = tmp_path / "locales"
    shutil.copytree(PROCESS.locales, copy)
    return PROCESS.replace(locales=copy)


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_shipped_catalogues_are_complete_for_every_language():
    assert catalogues.check() == []


def test_languages_are_the_source_and_every_catalogue_folder():
    assert i18n.languages() == ("en", "ar", "fr")


def test_an_unknown_language_is_refused_listing_the_available_ones():
    with pytest.raises(ParameterError, match=r"got 'de', expected one of en, ar, fr"):
        i18n.check_lang("de")


def test_a_deleted_translation_fails_the_check_naming_file_message_and_language(own, capsys):
    po = own.locales / "fr" / "LC_MESSAGES" / "compendium.po"
    _replace(po, 'msgstr "Grille de valeur de la diapositive 1.4 (Frucquet 2024)"', 'msgstr ""')
    assert cli.main(["check"], own) == 1
    err = capsys.readouterr().err
    assert "compendium.po" in err and "[fr] missing" in err
    assert "Value grid of slide 1.4" in err


def test_a_changed_source_paragraph_makes_its_translation_fuzzy(own, tmp_path):
    # A project root of the test's own: the real code and data (linked, read only) beside a
    # copy of one notebook that the test edits.
    paths = own.replace(root=tmp_path)
    for name in ("src", "data"):
        (tmp_path / name).symlink_to(PROCESS.root / name, target_is_directory=True)
    notebook = paths.notebooks / "02_value_grid.ipynb"
    notebook.parent.mkdir()
    shutil.copy(PROCESS.notebooks / notebook.name, notebook)
    _replace(notebook, "A dot marks a value type", "A filled dot marks a value type")
    catalogues.update(paths=paths)
    problems = [p for p in catalogues.check(paths=paths) if p.path.endswith("02_value_grid.po")]
    assert {(p.lang, p.kind) for p in problems} == {("fr", "fuzzy"), ("ar", "fuzzy")}
    assert all("A filled dot" in p.message for p in problems)


def test_make_all_report_names_untranslated_paragraphs_but_does_not_fail(own, capsys):
    po = own.locales / "ar" / "LC_MESSAGES" / "02_value_grid.po"
    _replace(po, 'msgstr "## قراءة الجدول"', 'msgstr ""')
    assert cli.main(["report"], own) == 0
    assert "02_value_grid.po: 1 untranslated or fuzzy [ar]" in capsys.readouterr().out


def test_a_translation_that_drops_a_placeholder_fails_with_file_line_and_message(own, capsys):
    po = own.locales / "fr" / "LC_MESSAGES" / "compendium.po"
    _replace(po, 'msgstr "Source : {source}"', 'msgstr "Source : "')
    assert cli.main(["report"], own) == 1
    err = capsys.readouterr().err
    assert "compendium.po, line" in err and "{source} missing" in err and "[fr]" in err
    with pytest.raises(i18n.CatalogueError, match=r"compendium.po, line \d+: \[fr\].*\{source\}"):
        i18n.gettext("fr", "Source: {source}", paths=own)


def test_a_catalogue_that_does_not_compile_names_its_file_and_line(own):
    po = own.locales / "ar" / "LC_MESSAGES" / "compendium.po"
    _replace(po, 'msgid "Year"\n', 'msgid "Year\n')
    with pytest.raises(i18n.CatalogueError, match=r"compendium.po, line \d+: does not compile"):
        i18n.gettext("ar", "Year", paths=own)


def test_a_new_language_needs_only_its_catalogues(own):
    catalogues.update("de", "de_DE", paths=own)
    assert "de" in i18n.languages(paths=own) and "de" not in i18n.languages()
    assert i18n.gettext("de", "Year", paths=own) == "Year"  # untranslated: the English source
    assert i18n.decimal(1117.5, "de", paths=own) == "1.117,5"
    assert i18n.direction("de", paths=own) == "ltr"


@pytest.mark.parametrize(("n", "expected"), [
    (0, "سليم: لا مقتطفات (0)"), (1, "سليم: مقتطف واحد (1)"), (2, "سليم: مقتطفان (2)"),
    (3, "سليم: 3 مقتطفات"), (11, "سليم: 11 مقتطفًا"), (100, "سليم: 100 مقتطف")])
def test_arabic_has_six_plural_forms(n, expected):
    text = i18n.ngettext("ar", "ok: {n} excerpt", "ok: {n} excerpts", n).format(n=n)
    assert text == expected


def test_french_and_english_plurals_never_write_s_in_brackets():
    assert i18n.ngettext("fr", "ok: {n} excerpt", "ok: {n} excerpts", 1) == "ok : {n} extrait"
    assert i18n.ngettext("fr", "ok: {n} excerpt", "ok: {n} excerpts", 2) == "ok : {n} extraits"
    assert i18n.ngettext("en", "ok: {n} excerpt", "ok: {n} excerpts", 2) == "ok: {n} excerpts"


@pytest.mark.parametrize(("lang", "share", "count"), [
    ("fr", "74,1\u00a0%", "1\u202f117"), ("en", "74.1%", "1,117"), ("ar", "74,1%", "1.117")])
def test_numbers_follow_each_languages_cldr_locale(lang, share, count):
    assert i18n.percent(0.741, lang) == share
    assert i18n.integer(1117, lang) == count


def test_number_fields_of_a_translated_message_follow_the_locale():
    fr = i18n.render("fr", "ratio {ratio:.2f} (95% CI {lo:.2f}-{hi:.2f}), {c1} -> {c2} records; "
                     "one-sided exact p (ratio > {thr:g}) = {p:.3g}", ratio=12.346, lo=9.5,
                     hi=16.25, c1=40, c2=494, thr=10.0, p=0.01234)
    assert fr.startswith("rapport 12,35 (IC 95 % 9,50-16,25)") and fr.endswith("= 0,0123")
    assert i18n.render("en", "surge since {year}", year=2015) == "surge since 2015"


def test_arabic_text_isolates_latin_runs_and_uses_the_bundled_font():
    assert i18n.isolate("A-301", "ar") == "\u2066A-301\u2069"
    assert i18n.isolate("A-301", "fr") == "A-301"
    assert i18n.font_family("ar") == ["Amiri", "DejaVu Sans"]
    assert i18n.font_family("fr") == ["DejaVu Sans"]
    assert i18n.html_lang("ar") == "ar" and i18n.direction("ar") == "rtl"


def test_the_bundled_font_is_the_only_one_of_its_family_whatever_the_machine_has(monkeypatch):
    """An installed Amiri (Debian's has a Slanted face) must not change a figure: italic Arabic
    text is drawn in the bundled regular face, as on a machine without it."""
    from matplotlib import font_manager

    manager = font_manager.fontManager
    monkeypatch.setattr(manager, "ttflist", list(manager.ttflist))
    installed = font_manager.FontEntry(fname=font_manager.findfont("DejaVu Sans:italic"),
                                       name="Amiri", style="italic")
    manager.ttflist.append(installed)
    manager._findfont_cached.cache_clear()
    assert font_manager.findfont("Amiri:italic", fallback_to_default=False) == installed.fname
    i18n.register_fonts.__wrapped__()
    bundled = str(i18n.FONTS / "Amiri-Regular.ttf")
    assert font_manager.findfont("Amiri:italic", fallback_to_default=False) == bundled
    assert [e.fname for e in manager.ttflist if e.name == "Amiri"] == [bundled]
    manager._findfont_cached.cache_clear()
