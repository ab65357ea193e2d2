"""Header aliases for tabular exports (CSV, tab-delimited, Excel), as data.

Scopus writes its CSV headers in the interface language of whoever exported; Web of Science
tab-delimited files use two-letter field tags; reference managers (Citavi, Zotero) use their own
labels. Each canonical field lists the headers that mean it, in priority order (the first one
present in a file wins). Matching ignores case, surrounding spaces and a UTF-8 BOM.

Provenance of the aliases, so nobody mistakes a guess for an observation:
- OBSERVED in real exports: English Scopus CSV headers; the Chinese Scopus headers 标题, 链接,
  作者关键字, 索引关键字 (the Scopus CSV exported with a Chinese interface, a test fixture) and
  文献标题, 年份, 来源出版物名称, 摘要, 文献类型, 来源出版物 (headers read by public code
  handling Chinese Scopus exports); Web of Science tab-delimited tags (PY, TI, DI, DT, WC, AB);
  Citavi's German labels (Titel, Jahr ermittelt, DOI, Abstract: the smart-city SLR corpus, a
  Citavi export); Zotero CSV labels (Publication Year, Title, Item Type, Abstract Note, Library
  Catalog).
- TRANSLATIONS not checked against a real export: the French, Spanish, German, Portuguese,
  Italian, Russian, Japanese and Korean labels. Add a header here when a real file shows one.
"""

from __future__ import annotations

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "year": (
        "Year", "PY", "Publication Year", "Jahr ermittelt", "Jahr",
        "年份", "出版年", "年", "Année", "Année de publication", "Año", "Ano", "Anno",
        "Год", "発行年", "연도",
    ),
    "title": (
        "Title", "Article Title", "Document Title", "TI", "Titel", "标题", "文献标题",
        "Titre", "Título", "Titolo", "Название", "タイトル", "제목",
    ),
    "doi": ("DOI", "DI", "数字对象唯一标识符"),
    "document_type": (
        "Document Type", "DT", "Item Type", "Dokumententyp", "文献类型", "Type de document",
        "Tipo de documento", "Tipo di documento", "Тип документа",
    ),
    "source_database": ("Source", "Library Catalog", "来源出版物", "Quelle", "Fuente", "Fonte"),
    "subject_categories": ("Web of Science Categories", "WC", "Subject Categories"),
    "abstract": (
        "Abstract", "AB", "Abstract Note", "摘要", "Résumé", "Resumen", "Resumo",
        "Zusammenfassung", "Riassunto", "Аннотация",
    ),
}

#: Header sets that identify the database behind a file that has no per-record source column.
DATABASE_SIGNATURES: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"eid"}), "Scopus"),
    (frozenset({"pt", "ut"}), "Web of Science"),
)


def normalise_header(name: object) -> str:
    return " ".join(str(name or "").replace("\ufeff", "").split()).casefold()


def map_columns(header: list[str]) -> dict[str, int]:
    """Canonical field -> column index, for the fields this header has."""
    index: dict[str, int] = {}
    for position, name in enumerate(header):
        index.setdefault(normalise_header(name), position)
    found: dict[str, int] = {}
    for canonical, aliases in COLUMN_ALIASES.items():
        for alias in aliases:
            position = index.get(normalise_header(alias))
            if position is not None:
                found[canonical] = position
                break
    return found


def database_from_header(header: list[str]) -> str | None:
    names = {normalise_header(name) for name in header}
    for signature, database in DATABASE_SIGNATURES:
        if signature <= names:
            return database
    return None


def year_aliases() -> str:
    return ", ".join(COLUMN_ALIASES["year"])
