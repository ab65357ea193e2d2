"""PySpark job: OpenAlex works matching a title rule, counted per part file and publication year.

Self-contained (imports only pyspark), so a cluster needs nothing else from this compendium::

    spark-submit src/analysis/literature/snapshot/spark_job.py --format parquet \\
        --rule rule.json --out counts.json 's3a://openalex/data/parquet/works/*/*.parquet'

``rule.json`` is the ``rule`` block of a series file (or ``{"title_regex": [...], "abstract":
false, "types": ["article", "review"]}``). The output is JSON: ``{"rows": [[file, year,
matched, n], ...], "spark": version}``, which ``python -m analysis.literature snapshot
--engine spark`` reads the same way as the DuckDB engine's rows. The rule is the one of
``rule.py``: every pattern matches the title (or title, newline, abstract rebuilt from
``abstract_inverted_index``) case-insensitively, and the type is one of ``types``. The snapshot
layout is documented at https://developers.openalex.org/download/snapshot-format .
"""

from __future__ import annotations

import argparse
import json
import sys

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F  # noqa: N812 - the PySpark convention
from pyspark.sql import types as T  # noqa: N812

ABSTRACT = "abstract_inverted_index"
INDEX = T.MapType(T.StringType(), T.ArrayType(T.IntegerType()))
JSON_SCHEMA = T.StructType([
    T.StructField("publication_year", T.LongType()), T.StructField("type", T.StringType()),
    T.StructField("title", T.StringType()), T.StructField(ABSTRACT, INDEX),
])
REBUILD = ("array_join(transform(array_sort(flatten(transform(map_entries(_index), "
           "e -> transform(e.value, p -> named_struct('p', p, 'w', e.key))))), x -> x.w), ' ')")


def read(spark: SparkSession, paths: list[str], fmt: str, abstract: bool) -> DataFrame:
    """The columns the rule reads, plus the file name; gzip JSON Lines fail on a bad line."""
    if fmt == "jsonl":
        frame = spark.read.schema(JSON_SCHEMA).option("mode", "FAILFAST").json(paths)
    else:
        frame = spark.read.parquet(*paths)
    frame = frame.withColumn("_file", F.input_file_name())
    if abstract:
        index = F.col(ABSTRACT)
        if not isinstance(frame.schema[ABSTRACT].dataType, T.MapType):
            index = F.from_json(index.cast("string"), INDEX)
        frame = frame.withColumn("_index", index)
    return frame


def matched(rule: dict, abstract: bool) -> Column:
    text = F.coalesce(F.col("title"), F.lit(""))
    if abstract:
        text = F.concat(text, F.lit("\n"), F.coalesce(F.expr(REBUILD), F.lit("")))
    test = F.lit(True)
    for pattern in rule["title_regex"]:
        test = test & text.rlike("(?i)" + pattern)
    if rule.get("types"):
        kinds = [t.lower() for t in rule["types"]]
        test = test & F.coalesce(F.lower(F.col("type")).isin(kinds), F.lit(False))
    return test


def count_rows(spark: SparkSession, paths: list[str], fmt: str, rule: dict) -> list[list]:
    """``[file, year, matched, n]`` for every combination present (a few rows per file)."""
    abstract = bool(rule.get("abstract"))
    frame = read(spark, paths, fmt, abstract)
    grouped = (frame.select("_file", "publication_year", matched(rule, abstract).alias("m"))
               .groupBy("_file", "publication_year", "m").count())
    return [[r["_file"], r["publication_year"], bool(r["m"]), int(r["count"])]
            for r in grouped.collect()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help="part files, folders or globs (s3a:// too)")
    parser.add_argument("--format", choices=("jsonl", "parquet"), required=True)
    parser.add_argument("--rule", required=True, help="JSON file with the rule")
    parser.add_argument("--out", required=True, help="JSON file for the counts")
    args = parser.parse_args(argv)
    with open(args.rule, encoding="utf-8") as handle:
        rule = json.load(handle)
    spark = SparkSession.builder.appName("openalex-snapshot-count").getOrCreate()
    try:
        rows = count_rows(spark, args.paths, args.format, rule)
    finally:
        spark.stop()
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump({"rows": rows, "spark": spark.version, "rule": rule}, handle)
    print(f"{len(rows)} rows written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
