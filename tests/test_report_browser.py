"""The HTML report in a real browser: headless Chromium renders it, takes a screenshot,
and we check for console errors, every KPI row, and charts of non-zero size."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from maebashi_dx.cli import main

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    if os.environ.get("CI"):
        pytest.fail("CI must have chromium: .ci/run installs Debian's package")
    pytest.skip("chromium is not installed", allow_module_level=True)

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
]


def browse(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def console_messages(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def test_the_console_check_can_fail(tmp_path: Path) -> None:
    """A page that logs an error is caught (so the check below means something)."""
    page = tmp_path / "bad.html"
    page.write_text("<html><body><script>throw new Error('kaboom')</script></body></html>")
    result = browse(page, tmp_path / "profile", "--dump-dom")
    assert any("kaboom" in line for line in console_messages(result.stderr))


def test_report_renders_in_chromium(tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    assert main(["report", "--format", "html", "-o", str(report)]) == 0
    dom = browse(report, tmp_path / "p1", "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert console_messages(dom.stderr) == []
    rows = re.findall(r'<tr data-kpi="(kpi\d)"', dom.stdout)
    assert rows == [f"kpi{i}" for i in range(1, 7)]
    sizes = json.loads(
        re.search(r'data-chart-sizes="([^"]*)"', dom.stdout)[1].replace("&quot;", '"')  # type: ignore[index]
    )
    assert len(sizes) == 3
    assert all(width > 0 and height > 0 for width, height in sizes)

    shot = tmp_path / "report.png"
    taken = browse(report, tmp_path / "p2", f"--screenshot={shot}", "--window-size=1200,2400")
    assert taken.returncode == 0
    assert shot.stat().st_size > 50_000
