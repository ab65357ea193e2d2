"""Open every page of a built site in headless Chromium and report what a reader would hit.

Uses Playwright's Python API to drive Debian's ``chromium`` (never a browser downloaded by
``playwright install``), launched with ``CHROMIUM_ARGS``: headless without sandbox or GPU, so it
runs in a container, and with its own background traffic off (networking, QUIC, component
updates, sync), so every request that leaves the machine is the page's. For each page, loaded
through ``file://`` like a reviewer opening the unzipped site: console errors, uncaught exceptions,
failed requests, requests that leave the machine, images that did not decode
(``naturalWidth == 0``) and links whose target file does not exist. Each problem names the
page. The index is saved as a screenshot.

CLI: ``python -m analysis.site.browser [HTML_DIR]`` (default build/html; exit 1 on any
problem).
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

from analysis import cli
from analysis.paths import Paths
from analysis.site.check import report, site_argument

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-quic",
                 "--disable-component-update", "--disable-sync"]
CANDIDATES = ("chromium", "chromium-browser")
PAGE_TIMEOUT_MS = 30_000

_PAGE_STATE_JS = """async () => {
  await document.fonts.ready;
  return {
    images: Array.from(document.images).map(img => ({
      src: img.getAttribute('src'), complete: img.complete, width: img.naturalWidth})),
    links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
    dir: document.documentElement.dir, lang: document.documentElement.lang,
    fonts: Array.from(document.fonts).filter(f => f.status === 'loaded').map(f => f.family),
  };
}"""
#: Right-to-left pages must be drawn in the bundled font, not whatever the system has.
RTL_FONT = "Amiri"


def find_chromium() -> str | None:
    """Path of the system Chromium (``CHROMIUM`` overrides), or None when not installed."""
    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"]
    return next((path for name in CANDIDATES if (path := shutil.which(name))), None)


def _file_target(url: str, root: Path) -> tuple[Path | None, str | None]:
    """The local file a link's absolute URL names, or a problem if it is not local."""
    parts = urlsplit(url)
    if parts.scheme in {"mailto", "data", "javascript"}:
        return None, None
    if parts.scheme != "file":
        return None, f"link leaves the site: {url}"
    path = Path(unquote(parts.path)).resolve()
    try:
        path.relative_to(root)
    except ValueError:
        return None, f"link points outside the site: {url}"
    return path, None


class _Watcher:
    """Collects what one page triggers; pages load one after the other in a single tab."""

    def __init__(self, page) -> None:  # noqa: ANN001 (playwright Page)
        self.problems: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"uncaught exception: {exc}"))
        page.on("requestfailed", lambda req: self.problems.append(
            f"request failed: {req.url} ({req.failure})"))
        page.on("request", self._request)

    def _console(self, msg) -> None:  # noqa: ANN001
        if msg.type == "error":
            self.problems.append(f"console error: {msg.text}")

    def _request(self, req) -> None:  # noqa: ANN001
        if not req.url.startswith(("file:", "data:", "about:")):
            self.problems.append(f"request leaves the machine: {req.url}")


def _check_page(page, watcher: _Watcher, url: str, root: Path) -> list[str]:  # noqa: ANN001
    watcher.problems = []
    response = page.goto(url, wait_until="load", timeout=PAGE_TIMEOUT_MS)
    if response is not None and not response.ok:
        watcher.problems.append(f"page did not load (status {response.status})")
    state = page.evaluate(_PAGE_STATE_JS)
    problems = watcher.problems
    for img in state["images"]:
        if not img["complete"] or img["width"] == 0:
            problems.append(f"image did not load: {img['src']}")
    if state["dir"] == "rtl" and not any(RTL_FONT in f for f in state["fonts"]):
        problems.append(f"right-to-left page ({state['lang']}) without the bundled font "
                        f"{RTL_FONT} loaded (loaded: {', '.join(state['fonts']) or 'none'})")
    for link in sorted(set(state["links"])):
        target, problem = _file_target(link, root)
        if problem:
            problems.append(problem)
        elif target is not None and not target.exists():
            problems.append(f"link target not found: {link}")
    return problems


def check_in_browser(html_dir: Path, screenshot: Path | None = None,
                     chromium: str | None = None) -> list[str]:
    """Load every page of the site; return "page: problem" lines (empty when all is well).

    Saves a full-page screenshot of index.html to ``screenshot`` (default:
    ``html_dir/screenshot.png``). Raises RuntimeError when Chromium is missing.
    """
    from playwright.sync_api import sync_playwright

    root = Path(html_dir).resolve()
    executable = chromium or find_chromium()
    if not executable:
        raise RuntimeError("Chromium not found: run `bash tools/ensure-chromium.sh` "
                           "(installs Debian's chromium with apt-get)")
    if not (root / "index.html").is_file():
        return [f"{root}: no index.html"]
    problems = []
    with tempfile.TemporaryDirectory(prefix="site-chromium-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(  # its disk cache too, not ~/.cache
            profile, executable_path=executable, headless=True,
            args=[*CHROMIUM_ARGS, f"--disk-cache-dir={profile}/cache"],
            viewport={"width": 1280, "height": 900}, service_workers="block")
        try:
            page = context.new_page()
            watcher = _Watcher(page)
            for path in sorted(root.rglob("*.html")):
                rel = path.relative_to(root).as_posix()
                problems += [f"{rel}: {p}" for p in _check_page(page, watcher, path.as_uri(),
                                                                root)]
                if rel == "index.html":
                    page.screenshot(path=str(screenshot or root / "screenshot.png"),
                                    full_page=True)
        finally:
            context.close()
    return problems


@cli.command(site_argument)
def main(args: argparse.Namespace, paths: Paths) -> int:
    """Print each problem a reader's browser meets, exit 1 if any."""
    html_dir = args.html_dir or paths.html
    return report(html_dir, check_in_browser(html_dir),
                  f" in the browser; screenshot in {html_dir}/screenshot.png")


if __name__ == "__main__":
    raise SystemExit(main())
