"""The report renders in headless Chromium (Debian's `chromium`): not blank, every section, no console
errors, no network. Chromium is driven over the DevTools protocol (websockets) so console messages,
exceptions and requests are collected exactly; the screenshot is decoded and checked for content.
"""

from __future__ import annotations

import base64
import json
import shutil
import struct
import subprocess
import tempfile
import time
import urllib.request
import zlib
from collections import Counter
from pathlib import Path

import pytest

from test_bi_support import bi_home  # noqa: F401 (fixture)

pytestmark = pytest.mark.slow

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check",
                  "--disable-extensions", "--mute-audio", "--remote-debugging-port=0"]


def chromium_binary() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise AssertionError("headless Chromium is not installed (Debian: apt-get install chromium)")


class Browser:
    """A headless Chromium with a fresh profile, driven over the DevTools protocol."""

    def __init__(self):
        from websockets.sync.client import connect

        self.profile = Path(tempfile.mkdtemp(prefix="vm_chromium_"))
        self.proc = subprocess.Popen([chromium_binary(), *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}",
                                      "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.close()
                raise AssertionError("Chromium did not start its DevTools endpoint")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        for _ in range(50):
            targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5))
            pages = [t for t in targets if t["type"] == "page"]
            if pages:
                break
            time.sleep(0.1)
        self.ws = connect(pages[0]["webSocketDebuggerUrl"], max_size=None, open_timeout=10)
        self.next_id = 0
        self.events: list[dict] = []

    def send(self, method: str, **params) -> dict:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=60))
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, method: str, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        for event in self.events:
            if event.get("method") == method:
                return event
        while time.monotonic() < deadline:
            message = json.loads(self.ws.recv(timeout=timeout))
            self.events.append(message)
            if message.get("method") == method:
                return message
        raise AssertionError(f"no {method} within {timeout} s")

    def open(self, url: str, width: int = 1300) -> None:
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=900, deviceScaleFactor=1, mobile=False)
        self.send("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")
        self.send("Runtime.evaluate", expression="document.fonts.ready.then(() => true)", awaitPromise=True)

    def evaluate(self, expression: str):
        return self.send("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")

    def screenshot(self, clip: dict | None = None) -> bytes:
        if clip is None:
            size = self.send("Page.getLayoutMetrics")["cssContentSize"]
            clip = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 16000), "scale": 0.25}
        data = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                         clip={"scale": 1, **clip})["data"]
        return base64.b64decode(data)

    def problems(self) -> list[str]:
        found = []
        for e in self.events:
            method, params = e.get("method"), e.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(f"exception: {params['exceptionDetails'].get('text')}")
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert", "warning"):
                found.append(f"console.{params['type']}: {params.get('args')}")
            elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
                found.append(f"log {params['entry']['level']}: {params['entry'].get('text')}")
            elif method == "Network.requestWillBeSent":
                url = params["request"]["url"]
                if not url.startswith(("file:", "data:", "about:")):
                    found.append(f"network request: {url}")
        return found

    def close(self) -> None:
        try:
            self.ws.close()
        except Exception:
            pass
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


def decode_png(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and rows of RGB(A) pixels of an 8-bit, non-interlaced PNG (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
            assert depth == 8 and color in (2, 6) and interlace == 0
            bpp = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 2:
            line = bytearray((x + p) & 255 for x, p in zip(line, prev))
        elif f in (1, 3, 4):
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                if f == 1:
                    line[i] = (line[i] + a) & 255
                elif f == 3:
                    line[i] = (line[i] + (a + b) // 2) & 255
                else:
                    c = prev[i - bpp] if i >= bpp else 0
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([bytes(line[k:k + 3]) for k in range(0, stride, bpp)])
        prev = line
    return width, height, rows


def ink(png: bytes, step: int = 3) -> tuple[float, int]:
    """Share of sampled pixels that differ from the page's dominant colour, and how many colours there are."""
    _w, _h, rows = decode_png(png)
    counts = Counter(px for row in rows[::step] for px in row[::step])
    total = sum(counts.values())
    return 1 - counts.most_common(1)[0][1] / total, len(counts)


@pytest.fixture(scope="module")
def rendered(bi_home):  # noqa: F811
    from orchestration.bi.report import write_report

    path = write_report(bi_home)
    browser = Browser()
    try:
        browser.open(path.as_uri())
        shot = browser.screenshot()
        sections = browser.evaluate("Array.from(document.querySelectorAll('section.chapter')).map(s => s.id)")
        sectors = browser.evaluate("Array.from(document.querySelectorAll('section.sector')).map(s => s.id)")
        svgs = browser.evaluate("document.querySelectorAll('svg').length")
        first = browser.evaluate("JSON.stringify(document.querySelector('#voorkeurskanalen').getBoundingClientRect())")
        clip = json.loads(first)
        table_shot = browser.screenshot({"x": 0, "y": clip["y"], "width": 1300, "height": clip["height"]})
        problems = browser.problems()
    finally:
        browser.close()
    return {"path": path, "shot": shot, "sections": sections, "sectors": sectors, "svgs": svgs,
            "problems": problems, "table_shot": table_shot}


def test_report_renders_without_console_errors_or_network(rendered):
    assert rendered["problems"] == []


def test_screenshot_is_not_blank(rendered, tmp_path):
    (tmp_path / "report.png").write_bytes(rendered["shot"])
    covered, colours = ink(rendered["shot"])
    assert covered > 0.05 and colours > 20, (covered, colours)
    covered, colours = ink(rendered["table_shot"], step=2)
    assert covered > 0.05 and colours > 10, (covered, colours)


def test_every_section_is_there(rendered, bi_home):  # noqa: F811
    expected = ["voorkeurskanalen", "kanaalgroepen", "ergernissen", "personas", "nadelen", "belang", "houding-ai",
                "chatbot-spraakassistent", "sectoren"]
    import duckdb

    con = duckdb.connect(str(bi_home.published_db), read_only=True)
    try:
        social = con.execute("select count(*) from duckdb_tables() where table_name = 'mart_social_themes'"
                             ).fetchall()[0][0]
        sectors = [f"sector-{r[0]}" for r in con.execute("select sector from marts.dim_sector order by sector_code").fetchall()]
    finally:
        con.close()
    if social:
        expected.append("social-listening")
    assert rendered["sections"] == expected
    assert rendered["sectors"] == sectors and len(sectors) == 7
    assert rendered["svgs"] >= 7 * 4 + 8
