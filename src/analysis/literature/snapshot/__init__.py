"""Counting a whole OpenAlex works snapshot per publication year, with an exact title rule.

- :mod:`.layout` finds the part files (2026 and pre-2026 layouts, JSON Lines and Parquet);
- :mod:`.rule` is the match rule (regular expressions on the title, optionally the abstract);
- :mod:`.duckdb_engine` (default, one machine) and :mod:`.spark_job` (clusters) count them;
- :mod:`.run` is the resumable command and writes the dated, checksummed series file.
"""
