"""Lighthouse (mobile, its default settings) on exported pages served over HTTP.

npm's `lighthouse` (installed by scripts/dev into tests/lighthouse/) drives Debian's
Chromium against a loopback HTTP server. A recap with five stills and the series page
must score 100 in all four categories, pass the image audits, log no console errors and
weigh at most 300 KiB on a phone.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_support import CHROMIUM, REPO, SAMPLE, run_export

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LIGHTHOUSE = REPO / "tests" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --disable-sync --no-first-run")
FIVE_STILLS = ["s01e01-01", "s01e02-01", "s01e03-01", "s01e04-01", "s01e04-02"]
MAX_WEIGHT = 300 * 1024


def _five_still_recap(sample_text: str) -> str:
    """The first recap with five stills in place of its three (text kept)."""
    stills = iter(FIVE_STILLS)
    text = re.sub(r"\(\.\./stills/s01e01-0\d\.jpg", lambda _: f"(../stills/{next(stills)}.jpg",
                  sample_text)
    extra = "".join(f"\n![A still]({'../stills/' + name}.jpg \"Still\")\n" for name in stills)
    return text.rstrip("\n") + "\n" + extra


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample, its first recap given five stills, exported and served on 127.0.0.1."""
    base = tmp_path_factory.mktemp("lighthouse")
    project = base / "project"
    shutil.copytree(SAMPLE, project, ignore=shutil.ignore_patterns(".recapdesk", "export"))
    recap = project / "episodes" / "s01e01.md"
    recap.write_text(_five_still_recap(recap.read_text("utf-8")), "utf-8")
    site = run_export(project, base / "site").out
    assert len(re.findall(r'<figure class="still">', (site / "s01e01.html").read_text())) == 5
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:
        pass


def lighthouse(url: str, out: Path) -> dict:
    assert LIGHTHOUSE.exists(), f"{LIGHTHOUSE} is missing: run scripts/dev setup"
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    proc = subprocess.run([str(LIGHTHOUSE), url, "--output=json", f"--output-path={out}",
                           "--quiet", f"--chrome-flags={CHROME_FLAGS}"],
                          capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(out.read_text("utf-8"))


@pytest.mark.parametrize("page", ["s01e01.html", "index.html"])
def test_lighthouse_scores_100_and_the_images_pass(served: str, page: str,
                                                    tmp_path: Path) -> None:
    report = lighthouse(served + page, tmp_path / "report.json")
    assert report["configSettings"]["formFactor"] == "mobile"
    scores = {k: v["score"] for k, v in report["categories"].items()}
    audits = report["audits"]
    failing = {k: (a["score"], a.get("displayValue")) for k, a in audits.items()
               if a.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
               and a.get("score") is not None and a["score"] < 1}
    assert scores == {"performance": 1, "accessibility": 1, "best-practices": 1,
                      "seo": 1}, failing
    for audit in ("uses-responsive-images", "modern-image-formats", "errors-in-console",
                  "offscreen-images", "unsized-images"):
        assert audits[audit]["score"] in (1, None), (audit, audits[audit].get("details"))
        assert audits[audit]["scoreDisplayMode"] != "error", audit
    assert not audits["errors-in-console"]["details"]["items"]
    weight = audits["total-byte-weight"]["numericValue"]
    assert weight <= MAX_WEIGHT, audits["total-byte-weight"]["details"]["items"]
    # the stills came as WebP in a phone's width, never the 1600-px file
    images = [i["url"] for i in audits["network-requests"]["details"]["items"]
              if i.get("resourceType") == "Image"]
    stills = [u for u in images if "/images/" in u]
    assert stills and all(re.search(r"-(480|800)\.webp$", u) for u in stills), stills
