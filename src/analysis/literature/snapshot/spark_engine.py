"""``--engine spark``: the PySpark job of spark_job.py, driven from this process (local mode by
default, or any ``--spark-master``).

pyspark and Java are an optional extra (``make spark``); without them this says what to install.
Columns of Parquet files are checked first (with DuckDB, reading only the footers), because
Spark fills a column missing from one file with nulls instead of failing.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

from analysis.fileio import write_text
from analysis.literature.snapshot.counts import FileCount, from_rows
from analysis.literature.snapshot.layout import SnapshotError
from analysis.literature.snapshot.locate import check_parquet_columns, scan_jsonl
from analysis.literature.snapshot.rule import Rule

NAME = "spark"
# The JVM's own log lines (warnings at start-up, a stack trace per failed task) would bury the
# one-line error this command gives; errors reach the user through the exception instead.
_QUIET_LOG4J = """rootLogger.level = off
rootLogger.appenderRef.console.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %p %c{1}: %m%n
"""


def engine(fmt: str, rule: Rule, threads: int, memory_limit: str, out: Path,
           master: str):  # -> run.Engine
    from analysis.literature.snapshot.run import Engine

    try:
        import pyspark
        from pyspark.sql import SparkSession

        from analysis.literature.snapshot import spark_job
    except ImportError as exc:
        raise SnapshotError(f"--engine spark needs pyspark ({exc}); install the optional extra "
                            "with `make spark` (pyspark and Java)") from None
    logging.getLogger("py4j").setLevel(logging.ERROR)
    # pyspark warns about pandas 3 on import of its pandas helpers, which this job never uses
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas",
                            category=FutureWarning)
    quiet = out / "spark.tmp" / "log4j2.properties"
    write_text(quiet, _QUIET_LOG4J)
    spark = (SparkSession.builder.master(master).appName("openalex-snapshot-count")
             .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{quiet}")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.driver.memory", _spark_memory(memory_limit))
             .config("spark.ui.enabled", "false")
             .config("spark.sql.shuffle.partitions", str(max(2, threads)))
             .config("spark.local.dir", str(out / "spark.tmp"))
             .config("spark.sql.warehouse.dir", str(out / "spark-warehouse"))
             .getOrCreate())
    spark.sparkContext.setLogLevel("OFF")
    spec = rule.as_dict()

    def count(files: list[Path]) -> dict[str, FileCount]:
        if fmt == "parquet":
            check_parquet_columns(files, rule)
        try:
            return from_rows(spark_job.count_rows(spark, [str(f) for f in files], fmt, spec))
        except Exception as exc:  # py4j / pyspark errors: locate the bad file and line
            raise _located(files, fmt, exc) from None

    return Engine(name=NAME, version=pyspark.__version__, count=count, close=spark.stop,
                  settings={"threads": threads, "driver_memory": _spark_memory(memory_limit),
                            "master": master},
                  expression=f"spark_job.matched({spec['title_regex']}, types={spec['types']}, "
                             f"abstract={spec['abstract']})")


def _spark_memory(limit: str) -> str:
    """``2GB`` (DuckDB's spelling) -> ``2g`` (the JVM's)."""
    text = limit.strip().lower().replace("ib", "").replace("b", "")
    return text


def _located(files: list[Path], fmt: str, exc: Exception) -> SnapshotError:
    if fmt == "jsonl":
        for path in files:
            if message := scan_jsonl(path):
                return SnapshotError(message)
    first = next((ln for ln in str(exc).splitlines() if ln.strip()), type(exc).__name__)
    return SnapshotError(f"{', '.join(map(str, files))}: Spark failed: {first[:300]}")
