"""OpenAlex client against a loopback HTTP server (127.0.0.1, random port): never the internet.

The server replays scripted answers in the documented response format (``meta`` + ``group_by``
list of ``{key, key_display_name, count}``); retry sleeps are recorded, not slept.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from analysis.literature.__main__ import main
from analysis.literature.openalex import (
    OpenAlexError,
    fetch_counts,
    session_with_retries,
    write_snapshot,
)
from analysis.paths import PROCESS

KEY = "test-key-0123456789"


def page(groups: dict[int, int], **meta: object) -> bytes:
    """A group-by answer as documented: meta block plus {key, key_display_name, count}."""
    body = {
        "meta": {"count": sum(groups.values()), "db_response_time_ms": 5, "page": 1,
                 "per_page": 200, "groups_count": len(groups), **meta},
        "results": [],
        "group_by": [{"key": str(y), "key_display_name": str(y), "count": n}
                     for y, n in groups.items()],
    }
    return json.dumps(body).encode()


class Server:
    """Replays ``script`` (status, headers, body, declared length or None) one per request;
    the last answer repeats."""

    def __init__(self) -> None:
        self.script: list[tuple[int, dict, bytes, int | None]] = []
        self.requests: list[dict[str, list[str]]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server API
                parts = urlsplit(self.path)
                outer.requests.append({"path": [parts.path], **parse_qs(parts.query)})
                status, headers, body, declared = (
                    outer.script.pop(0) if len(outer.script) > 1 else outer.script[0]
                )
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(declared or len(body)))
                self.end_headers()
                self.wfile.write(body)
                if declared:
                    self.close_connection = True  # body shorter than announced, then hang up

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    def answer(self, status: int, body: bytes, headers: dict | None = None,
               declared: int | None = None) -> Server:
        self.script.append((status, headers or {}, body, declared))
        return self


@pytest.fixture
def server():
    srv = Server()
    srv.thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


@pytest.fixture
def sleeps():
    return []


def fetch(server: Server, sleeps: list, retries: int = 3, **kwargs):
    session = session_with_retries(retries=retries, backoff_factor=0.5, sleep=sleeps.append)
    return fetch_counts("smart city", 2018, 2021, base_url=server.base_url, session=session,
                        now=datetime(2026, 3, 1, 12, 0, tzinfo=UTC), **kwargs)


def test_success_fills_missing_years_and_keeps_meta_and_raw(server, sleeps):
    served = page({2018: 5, 2020: 9})
    server.answer(200, served)
    snapshot = fetch(server, sleeps, api_key=KEY)
    assert snapshot["counts"] == {"2018": 5, "2019": 0, "2020": 9, "2021": 0}
    assert snapshot["years_filled_with_zero"] == [2019, 2021]
    assert snapshot["response"] == json.loads(served)
    assert snapshot["meta"]["count"] == 14
    assert snapshot["retrieved"] == "2026-03-01T12:00:00+00:00"
    (request,) = server.requests
    assert request["path"] == ["/works"]
    assert request["search"] == ["smart city"]
    assert request["filter"] == ["publication_year:2018-2021"]
    assert request["group_by"] == ["publication_year"]
    assert request["api_key"] == [KEY]
    assert "api_key" not in snapshot["url"] and KEY not in json.dumps(snapshot)
    assert sleeps == []


def test_429_is_retried_after_the_retry_after_delay(server, sleeps):
    server.answer(429, b'{"error": "rate limited"}', {"Retry-After": "7"})
    server.answer(200, page({2019: 1}))
    snapshot = fetch(server, sleeps)
    assert snapshot["counts"]["2019"] == 1
    assert len(server.requests) == 2
    assert sleeps == [7]


def test_5xx_is_retried_with_exponential_backoff(server, sleeps):
    for _ in range(3):
        server.answer(500, b"internal error")
    server.answer(200, page({2021: 3}))
    snapshot = fetch(server, sleeps, retries=5)
    assert snapshot["counts"]["2021"] == 3
    assert len(server.requests) == 4
    # urllib3: no sleep after the first failure, then factor * 2**(n-1): 0.5*2, 0.5*4
    assert sleeps == [1.0, 2.0]


def test_persistent_500_gives_up_with_a_clear_error(server, sleeps):
    server.answer(500, b"still broken")
    with pytest.raises(OpenAlexError, match=r"HTTP 500 .* after 3 retries") as caught:
        fetch(server, sleeps, retries=3, api_key=KEY)
    assert len(server.requests) == 4
    assert KEY not in str(caught.value)
    assert "still broken" in str(caught.value)


def test_malformed_json_is_a_clear_error(server, sleeps):
    server.answer(200, b'{"meta": {"count": 1}, "group_by": [')
    with pytest.raises(OpenAlexError, match="malformed JSON"):
        fetch(server, sleeps)


def test_truncated_body_is_a_clear_error(server, sleeps):
    body = page({2018: 1})
    server.answer(200, body[:40], declared=len(body))
    with pytest.raises(OpenAlexError, match="failed") as caught:
        fetch(server, sleeps, api_key=KEY)
    assert KEY not in str(caught.value)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"meta": {}}', "'group_by'"),
        (b'{"meta": {}, "group_by": [{"key": "x", "count": 1}]}', r"group_by\[0\]"),
        (b'{"meta": {}, "group_by": [{"key": "1999", "count": 1}]}', "expected a year in"),
        (b'{"meta": {}, "group_by": [{"key": "2019", "count": -1}]}', "non-negative"),
    ],
)
def test_unexpected_structure_is_rejected(server, sleeps, body, message):
    server.answer(200, body)
    with pytest.raises(OpenAlexError, match=message):
        fetch(server, sleeps)


def test_snapshot_file_never_contains_the_key(server, sleeps, tmp_path):
    server.answer(200, page({2019: 2}, echoed=KEY))  # a server that echoes the key back
    snapshot = fetch(server, sleeps, api_key=KEY)
    (written,) = [write_snapshot(snapshot, tmp_path, "smart city", KEY)]
    text = written.read_text(encoding="utf-8")
    assert KEY not in text and "<OPENALEX_API_KEY>" in text


#: A key with every character that URL encoding changes.
HARD_KEY = "sec+ret/k=y 42"
SPELLINGS = (HARD_KEY, "sec%2Bret%2Fk%3Dy+42", "sec%2bret%2fk%3dy+42", "sec%2Bret%2Fk%3Dy%2042",
             "sec%2Bret/k%3Dy%2042")


class EchoingServer(Server):
    """Answers with the request URL (key included) in the body, or redirects back to it."""

    def __init__(self, status: int, redirect: bool = False) -> None:
        super().__init__()
        handler = self.httpd.RequestHandlerClass

        def do_get(request) -> None:
            body = json.dumps({"error": f"bad request {request.path}"}).encode()
            request.send_response(302 if redirect else status)
            if redirect:
                request.send_header("Location", request.path)
            request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            request.wfile.write(body)

        handler.do_GET = do_get


@pytest.mark.parametrize("mode", ["http-400", "http-500", "redirect-loop", "refused",
                                  "echo-200"])
def test_the_key_never_shows_in_output_logs_or_files_whatever_fails(
        mode, tmp_path, monkeypatch, capsys, caplog):
    caplog.set_level("DEBUG")
    monkeypatch.setenv("OPENALEX_API_KEY", HARD_KEY)
    status = {"http-400": 400, "http-500": 500}.get(mode, 200)
    srv = EchoingServer(status, redirect=mode == "redirect-loop")
    if mode == "echo-200":
        srv.httpd.RequestHandlerClass.do_GET = lambda r: _echo_page(r)
    srv.thread.start()
    base = srv.base_url
    if mode == "refused":
        srv.httpd.shutdown()
        srv.httpd.server_close()
    try:
        code = main(["openalex", "--query", "smart city", "--from", "2019", "--to", "2020",
                     "--out", str(tmp_path), "--base-url", base, "--retries", "1",
                     "--backoff", "0"])
    finally:
        if mode != "refused":
            srv.httpd.shutdown()
            srv.httpd.server_close()
    out = capsys.readouterr()
    shown = out.out + out.err + caplog.text
    written = "".join(p.read_text(encoding="utf-8") for p in tmp_path.rglob("*") if p.is_file())
    assert code == (0 if mode == "echo-200" else 1), out.err
    for spelling in SPELLINGS:
        assert spelling.lower() not in shown.lower(), f"{mode}: {spelling!r} shown"
        assert spelling.lower() not in written.lower(), f"{mode}: {spelling!r} stored"


def _echo_page(request) -> None:
    body = page({2019: 1}, request_url=request.path)
    request.send_response(200)
    request.send_header("Content-Length", str(len(body)))
    request.end_headers()
    request.wfile.write(body)


def test_cli_writes_a_dated_snapshot(server, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("OPENALEX_API_KEY", KEY)
    server.answer(200, page({2019: 2, 2020: 4}))
    code = main(["openalex", "--query", "smart city", "--from", "2019", "--to", "2021",
                 "--out", str(tmp_path), "--base-url", server.base_url, "--backoff", "0"])
    assert code == 0
    (written,) = tmp_path.iterdir()
    day = datetime.now(UTC).date().isoformat()
    assert written.name == f"smart-city_2019-2021_{day}.json"
    text = written.read_text(encoding="utf-8")
    assert KEY not in text
    snapshot = json.loads(text)
    assert snapshot["counts"] == {"2019": 2, "2020": 4, "2021": 0}
    assert snapshot["query"] == "smart city" and snapshot["api_key_used"] is True
    assert snapshot["url"].startswith(server.base_url + "/works?search=smart+city")
    assert "2021  0" in capsys.readouterr().out


def test_cli_series_uses_queries_yml(server, tmp_path, monkeypatch):
    monkeypatch.delenv("OPENALEX_API_KEY", raising=False)
    spec = yaml.safe_load(PROCESS.literature_queries.read_text(encoding="utf-8"))
    allam = spec["series"]["allam"]["openalex"]
    server.answer(200, page({allam["year_from"]: 1}))
    code = main(["openalex", "--series", "allam", "--out", str(tmp_path),
                 "--base-url", server.base_url])
    assert code == 0
    (request,) = server.requests
    assert request["search"] == [allam["query"]]
    assert request["filter"] == [f"publication_year:{allam['year_from']}-{allam['year_to']}"]
    assert "api_key" not in request


def test_cli_reports_persistent_failure_and_exits_non_zero(server, tmp_path, capsys):
    server.answer(503, b"unavailable")
    code = main(["openalex", "--query", "q", "--from", "2019", "--to", "2020", "--out",
                 str(tmp_path), "--base-url", server.base_url, "--retries", "1", "--backoff", "0"])
    assert code == 1
    assert "error: OpenAlex answered HTTP 503" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_wos_queries_are_not_invented():
    spec = yaml.safe_load(PROCESS.literature_queries.read_text(encoding="utf-8"))
    for name in ("sharifi", "allam"):
        wos = spec["series"][name]["web_of_science"]
        assert wos["query"] == "not available"  # the papers give no WoS search string
        assert wos["described_as"]
