"""Counts per year from the OpenAlex API, saved as a dated snapshot (an independent, CC0 series).

``python -m analysis.literature openalex --query Q --from Y --to Y`` calls::

    {base}/works?search=Q&filter=publication_year:Y1-Y2&group_by=publication_year[&api_key=K]

(the group_by request of https://api.openalex.org; rows ``openalex_*`` of
``data/literature/published_facts.csv``). The response has a ``meta`` block
and a ``group_by`` list of ``{key, key_display_name, count}``; years with no work are absent, so
they are filled with 0. The snapshot keeps the query, the URL (without the key), the retrieval
time, the ``meta`` block, the raw response and the filled counts.

The API key comes from the environment variable ``OPENALEX_API_KEY`` (required by OpenAlex
since 13 Feb 2026) and is never written anywhere. 429 and 5xx answers are retried with
exponential backoff by urllib3's ``Retry`` (honouring ``Retry-After`` on 429/503); the sleep
function is injectable so the tests run in milliseconds against a loopback server.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, quote_plus

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from analysis import yamlfile
from analysis.errors import CompendiumError, ConfigError
from analysis.fileio import write_text
from analysis.paths import PROCESS, Paths

DEFAULT_BASE_URL = "https://api.openalex.org"
API_KEY_ENV = "OPENALEX_API_KEY"
RETRY_STATUSES = frozenset({429, *range(500, 600)})
LABEL = (
    "OpenAlex (CC0): an independent series, not a reproduction of the Web of Science figures "
    "of Sharifi et al. (2021) or Allam et al. (2022)"
)


class OpenAlexError(CompendiumError):
    """The API could not be reached or did not answer in the documented format."""


class _Retry(Retry):
    """urllib3 Retry whose sleeps go through an injectable function (tests record them)."""

    def __init__(self, *args: object, sleep: Callable[[float], None] | None = None,
                 **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.sleeper = sleep or time.sleep

    def new(self, **kwargs: object) -> _Retry:
        retry = super().new(**kwargs)
        retry.sleeper = self.sleeper
        return retry

    def sleep_for_retry(self, response: object) -> bool:
        seconds = self.get_retry_after(response)
        if seconds:
            self.sleeper(seconds)
            return True
        return False

    def _sleep_backoff(self) -> None:
        seconds = self.get_backoff_time()
        if seconds > 0:
            self.sleeper(seconds)


def session_with_retries(
    retries: int = 5, backoff_factor: float = 1.0, sleep: Callable[[float], None] | None = None
) -> requests.Session:
    """A requests session retrying GETs on 429/5xx and connection errors, with backoff."""
    retry = _Retry(
        total=retries, status_forcelist=RETRY_STATUSES, allowed_methods={"GET"},
        backoff_factor=backoff_factor, respect_retry_after_header=True, raise_on_status=False,
        sleep=sleep,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def request_url(base_url: str, query: str, year_from: int, year_to: int) -> tuple[str, dict]:
    """(endpoint, parameters) of the group-by request; the key is added only when sending."""
    params = {
        "search": query,
        "filter": f"publication_year:{year_from}-{year_to}",
        "group_by": "publication_year",
    }
    return f"{base_url.rstrip('/')}/works", params


def fetch_counts(
    query: str, year_from: int, year_to: int, *, base_url: str = DEFAULT_BASE_URL,
    api_key: str | None = None, session: requests.Session | None = None,
    timeout: float = 60.0, now: datetime | None = None,
) -> dict:
    """Query OpenAlex and return the snapshot (not yet written): see the module docstring."""
    if year_from > year_to:
        raise OpenAlexError(f"year range {year_from}-{year_to} is empty (from > to)")
    endpoint, params = request_url(base_url, query, year_from, year_to)
    public_url = requests.Request("GET", endpoint, params=params).prepare().url
    sent = {**params, "api_key": api_key} if api_key else params
    session = session or session_with_retries()
    log_filter = _RedactLogs(api_key)
    loggers = [logging.getLogger(n) for n in ("urllib3.connectionpool", "urllib3.util.retry")]
    for logger in loggers:
        logger.addFilter(log_filter)
    try:
        response = session.get(endpoint, params=sent, timeout=timeout)
    except requests.RequestException as error:
        raise OpenAlexError(_redact(
            f"request to {public_url} failed ({type(error).__name__}: {error}); "
            "a truncated or interrupted body is reported here too", api_key)) from None
    finally:
        for logger in loggers:
            logger.removeFilter(log_filter)
    data = json.loads(_redact(json.dumps(_checked_json(response, public_url, api_key)),
                              api_key))
    counts, present = _counts(data, public_url, year_from, year_to)
    return {
        "label": LABEL,
        "query": query,
        "year_from": year_from,
        "year_to": year_to,
        "url": public_url,
        "retrieved": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "api_key_used": bool(api_key),
        "meta": data.get("meta"),
        "counts": {str(year): n for year, n in counts.items()},
        "years_filled_with_zero": [year for year in counts if year not in present],
        "response": data,
    }


def _checked_json(response: requests.Response, url: str, api_key: str | None) -> dict:
    retries = getattr(getattr(response.raw, "retries", None), "history", ())
    if response.status_code != 200:
        raise OpenAlexError(_redact(
            f"OpenAlex answered HTTP {response.status_code} for {url} after {len(retries)} "
            f"retries; body starts: {response.text[:200]!r}", api_key))
    try:
        data = response.json()
    except ValueError as error:
        raise OpenAlexError(_redact(
            f"malformed JSON from {url} ({error}); body starts: {response.text[:120]!r}",
            api_key)) from None
    if not isinstance(data, dict) or not isinstance(data.get("meta"), dict) or not isinstance(
        data.get("group_by"), list
    ):
        keys = sorted(data) if isinstance(data, dict) else type(data).__name__
        raise OpenAlexError(
            f"unexpected response from {url}: expected an object with 'meta' (object) and "
            f"'group_by' (list); found {keys}"
        )
    return data


def _counts(
    data: dict, url: str, year_from: int, year_to: int
) -> tuple[dict[int, int], set[int]]:
    """Counts for every year of the range (0 where OpenAlex lists none) and the years listed."""
    counts = dict.fromkeys(range(year_from, year_to + 1), 0)
    present: set[int] = set()
    for index, group in enumerate(data["group_by"]):
        try:
            year, count = int(str(group["key"])), group["count"]
        except (TypeError, KeyError, ValueError):
            raise OpenAlexError(
                f"{url}: group_by[{index}] = {group!r}; expected {{key: year, count: integer}}"
            ) from None
        if not isinstance(count, int) or count < 0 or year not in counts:
            raise OpenAlexError(
                f"{url}: group_by[{index}] = {group!r}; expected a year in "
                f"{year_from}-{year_to} and a non-negative integer count"
            )
        if year in present:
            raise OpenAlexError(f"{url}: group_by lists year {year} twice")
        present.add(year)
        counts[year] = count
    return counts, present


REDACTED = "<OPENALEX_API_KEY>"
_KEY_PARAMETER = re.compile(r"(api_key=)[^&\s\"'<>]+", re.IGNORECASE)


def _key_spellings(api_key: str) -> list[str]:
    """The key as it can appear in a URL: raw, and percent- or plus-encoded (any hex case)."""
    encoded = {quote_plus(api_key), quote(api_key, safe=""), quote(api_key)}
    spelled = {api_key} | encoded | {e.lower() for e in encoded}
    return sorted(spelled, key=len, reverse=True)


def _redact(text: str, api_key: str | None) -> str:
    """Remove the key from text that is shown, logged or stored, in every spelling of it."""
    text = _KEY_PARAMETER.sub(lambda m: m.group(1) + REDACTED, text)
    if not api_key:
        return text
    for spelling in _key_spellings(api_key):
        text = re.sub(re.escape(spelling), REDACTED, text, flags=re.IGNORECASE)
    return text


class _RedactLogs(logging.Filter):
    """urllib3 logs each retry with the full URL; its records pass through :func:`_redact`."""

    def __init__(self, api_key: str | None) -> None:
        super().__init__()
        self.api_key = api_key

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _redact(record.getMessage(), self.api_key)
        record.args = None
        return True


def snapshot_path(out_dir: Path, name: str, year_from: int, year_to: int, day: str) -> Path:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "query"
    return Path(out_dir) / f"{slug}_{year_from}-{year_to}_{day}.json"


def write_snapshot(snapshot: dict, out_dir: Path, name: str, api_key: str | None = None) -> Path:
    """Write the snapshot as JSON; refuses to write anything that contains the API key."""
    text = json.dumps(snapshot, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if api_key and _redact(text, api_key) != text:
        raise OpenAlexError("the snapshot would contain the API key; nothing written")
    day = snapshot["retrieved"][:10]
    target = snapshot_path(out_dir, name, snapshot["year_from"], snapshot["year_to"], day)
    write_text(target, text)
    return target


def load_series(name: str, path: Path | None = None, *, paths: Paths = PROCESS) -> dict:
    """The OpenAlex query of a named series in data/literature/queries.yml."""
    path = Path(path or paths.literature_queries)
    query = series_section(name, "openalex", ("query", "year_from", "year_to"), path)
    wrong = [k for k, kind in (("query", str), ("year_from", int), ("year_to", int))
             if not isinstance(query[k], kind) or isinstance(query[k], bool)]
    if wrong:
        raise ConfigError(f"{path}: series {name!r}, openalex: {', '.join(wrong)} has the wrong "
                          "type; expected query: text, year_from and year_to: whole years")
    return query


def series_section(name: str, section: str, required: tuple[str, ...],
                   path: Path | None = None, *, paths: Paths = PROCESS) -> dict:
    """One section (``openalex``, ``snapshot``) of a series in queries.yml, with its keys."""
    path = Path(path or paths.literature_queries)
    series = _mapping(_mapping(yamlfile.load(path), path, "the file").get("series", {}), path,
                      "series")
    if name not in series:
        raise ConfigError(f"{path}: no series {name!r} (known: {', '.join(sorted(series))})")
    spec = _mapping(_mapping(series[name], path, f"series {name!r}").get(section) or {},
                    path, f"series {name!r}, {section}")
    missing = [k for k in required if k not in spec]
    if missing:
        raise ConfigError(f"{path}: series {name!r}, {section}: missing {', '.join(missing)}")
    return spec


def _mapping(value: object, path: Path, what: str) -> dict:
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: {what} must be a mapping (key: value), found "
                          f"{type(value).__name__}")
    return value


# --- command line (wired into ``python -m analysis.literature openalex``) -----------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--query", help="OpenAlex search string")
    parser.add_argument("--from", dest="year_from", type=int, metavar="Y")
    parser.add_argument("--to", dest="year_to", type=int, metavar="Y")
    parser.add_argument("--series", help="take query and years from data/literature/queries.yml")
    parser.add_argument("--out", type=Path, default=None,
                        help="snapshot folder (default: data/literature/openalex)")
    parser.add_argument("--base-url", default=DEFAULT_BASE_URL)
    parser.add_argument("--retries", type=int, default=5)
    parser.add_argument("--backoff", type=float, default=1.0,
                        help="backoff factor in seconds (sleeps factor * 2^n between retries)")
    parser.add_argument("--timeout", type=float, default=60.0)


def command(args: argparse.Namespace, paths: Paths) -> int:
    """``openalex``: fetch the counts and write the dated snapshot."""
    query, year_from, year_to = args.query, args.year_from, args.year_to
    if args.series:
        spec = load_series(args.series, paths=paths)
        query = query or spec["query"]
        year_from = year_from if year_from is not None else int(spec["year_from"])
        year_to = year_to if year_to is not None else int(spec["year_to"])
    if not query or year_from is None or year_to is None:
        raise ConfigError("openalex: give --query, --from and --to (or --series NAME)")
    api_key = os.environ.get(API_KEY_ENV) or None
    session = session_with_retries(args.retries, args.backoff)
    snapshot = fetch_counts(query, year_from, year_to, base_url=args.base_url,
                            api_key=api_key, session=session, timeout=args.timeout)
    target = write_snapshot(snapshot, args.out or paths.openalex_api_snapshots,
                            args.series or query, api_key)
    print(f"wrote {target}")
    if not api_key:
        print(f"note: {API_KEY_ENV} is not set; OpenAlex requires a key since 13 Feb 2026",
              file=sys.stderr)
    print("year  works")
    for year, count in snapshot["counts"].items():
        print(f"{year}  {count}")
    return 0
