"""The HTML report in a real browser: headless Chromium renders it, takes a screenshot,
and we check for console errors, every KPI row, charts of non-zero size, that no chart
label overflows its SVG (measured by the browser with the real fonts), and that the
print stylesheet lays the report out on A4 pages.

Screenshots and the PDF are saved in pytest's tmp_path, with copies in /tmp/screens/
for a person to look at.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from maebashi_dx.assess import assess
from maebashi_dx.cli import main
from maebashi_dx.conflicts import find_conflicts
from maebashi_dx.datasets import maebashi_2022, starter_plan_toml
from maebashi_dx.io import loads_plan
from maebashi_dx.model import Plan
from maebashi_dx.report.document import build_report, render_report

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


# Appended to a page: every <text> of every SVG measured against its SVG's box, in
# CSS pixels, after layout with the fonts the browser really uses.
OVERFLOW_PROBE = """<script>
(function () {
  var bad = [], count = 0;
  document.querySelectorAll('svg').forEach(function (svg, i) {
    var box = svg.getBoundingClientRect();
    svg.querySelectorAll('text').forEach(function (t) {
      var r = t.getBoundingClientRect();
      count += 1;
      if (r.left < box.left - 0.5 || r.right > box.right + 0.5 ||
          r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5) {
        bad.push([i, t.textContent, Math.round(r.left - box.left),
                  Math.round(box.right - r.right)]);
      }
    });
  });
  document.body.setAttribute('data-overflow', JSON.stringify({texts: count, bad: bad}));
})();
</script>"""
SCREENS = Path("/tmp/screens")


def overflow(html: str, folder: Path, width: int = 1200) -> dict[str, object]:
    """Load the page with the probe and read what it measured."""
    page = folder / "probe.html"
    page.write_text(html.replace("</body>", OVERFLOW_PROBE + "</body>"), encoding="utf-8")
    dom = browse(page, folder / "probe-profile", "--dump-dom", f"--window-size={width},2000")
    assert dom.returncode == 0, dom.stderr[-2000:]
    found = re.search(r'data-overflow="([^"]*)"', dom.stdout)
    assert found is not None, "the probe did not run"
    result: dict[str, object] = json.loads(found[1].replace("&quot;", '"'))
    return result


def test_the_overflow_check_can_fail(tmp_path: Path) -> None:
    """A label cut at the right edge (the old Gantt's 2023/1 for 2023/10) is caught."""
    html = (
        '<html><body><svg width="100" height="40" viewBox="0 0 100 40">'
        '<text x="70" y="20" font-size="11">2023年10月</text></svg></body></html>'
    )
    measured = overflow(html, tmp_path)
    assert measured["texts"] == 1
    assert measured["bad"] != []


def starter_plan() -> Plan:
    return loads_plan(starter_plan_toml("高崎市"), "toml")


def report_html(plan: Plan, lang: str = "ja") -> str:
    result = assess(plan, plan.report_date)
    return render_report(build_report(plan, result, find_conflicts(plan), lang=lang))  # type: ignore[arg-type]


PLANS = {"bundled": maebashi_2022, "starter": starter_plan}


@pytest.mark.parametrize(
    ("name", "lang", "width"),
    [
        ("bundled", "ja", 1200),  # a wide screen
        ("bundled", "ja", 760),  # about the width of an A4 page
        ("starter", "ja", 1200),
        ("starter", "ja", 760),
        ("bundled", "en", 1200),
    ],
)
def test_no_chart_label_overflows_its_svg(name: str, lang: str, width: int, tmp_path: Path) -> None:
    measured = overflow(report_html(PLANS[name](), lang), tmp_path, width)
    assert measured["texts"] > 20  # every chart's labels were measured
    assert measured["bad"] == []


@pytest.mark.parametrize("name", sorted(PLANS))
def test_screenshots_of_the_report(name: str, tmp_path: Path) -> None:
    """Screenshots for a person to look at (the test only checks they were taken)."""
    page = tmp_path / f"{name}.html"
    page.write_text(report_html(PLANS[name]()), encoding="utf-8")
    shot = tmp_path / f"report-{name}.png"
    taken = browse(page, tmp_path / "p", f"--screenshot={shot}", "--window-size=1200,3200")
    assert taken.returncode == 0, taken.stderr[-2000:]
    assert shot.stat().st_size > 50_000
    SCREENS.mkdir(exist_ok=True)
    shutil.copy(shot, SCREENS / shot.name)


def pdf_pages(pdf: Path) -> list[tuple[float, float]]:
    """Each page's size in points (pdfinfo when installed, else the MediaBoxes)."""
    if shutil.which("pdfinfo"):
        info = subprocess.run(
            ["pdfinfo", "-f", "1", "-l", "999", str(pdf)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return [
            (float(w), float(h))
            for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
        ]
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf.read_bytes())
    return [(float(w), float(h)) for w, h in boxes]


def test_the_report_prints_on_a4(tmp_path: Path) -> None:
    """Printed, the report is A4: portrait pages, and landscape ones for the wide table
    and the schedule; every section starts on a new page."""
    page = tmp_path / "report.html"
    page.write_text(report_html(maebashi_2022()), encoding="utf-8")
    pdf = tmp_path / "report.pdf"
    printed = browse(page, tmp_path / "p", f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    assert printed.returncode == 0, printed.stderr[-2000:]
    sizes = pdf_pages(pdf)
    a4 = (595.0, 842.0)
    portrait = [s for s in sizes if abs(s[0] - a4[0]) < 2 and abs(s[1] - a4[1]) < 2]
    landscape = [s for s in sizes if abs(s[0] - a4[1]) < 2 and abs(s[1] - a4[0]) < 2]
    assert len(portrait) + len(landscape) == len(sizes)  # nothing but A4
    assert len(landscape) >= 2  # the table and the schedule
    assert len(sizes) >= 7  # one section per page at least
    SCREENS.mkdir(exist_ok=True)
    shutil.copy(pdf, SCREENS / pdf.name)
    if shutil.which("pdftoppm"):  # pages as pictures, to look at
        subprocess.run(
            ["pdftoppm", "-png", "-r", "50", str(pdf), str(SCREENS / "print")],
            check=True,
            timeout=120,
        )
