"""The official My Number card figures (総務省), read from ../shared/data as published."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest

from maebashi_dx import PlanError, assess, forecast
from maebashi_dx.io.soumu import (
    UnknownMunicipalityError,
    code_candidates,
    load_mynumber,
    mynumber_check_digit,
    mynumber_kpi,
    mynumber_reference,
)
from tests.examples import run_example as run_my_city

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "mynumbercard"


@pytest.fixture(scope="module")
def municipalities():  # type: ignore[no-untyped-def]
    return load_mynumber(DATA / "municipalities.csv.gz")


class TestCodes:
    @pytest.mark.parametrize(("code5", "digit"), [("10201", 6), ("01100", 2), ("13101", 6)])
    def test_check_digit(self, code5: str, digit: int) -> None:
        assert mynumber_check_digit(code5) == digit

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("102016", ("10201",)),
            ("10201", ("10201", "01020")),  # both readings are possible; the data decide
            ("011002", ("01100",)),
            ("11002", ("11002", "01100")),
            ("1100", ("01100",)),
            ("10-2016", ("10201",)),
        ],
    )
    def test_candidates(self, text: str, expected: tuple[str, ...]) -> None:
        assert code_candidates(text) == expected

    def test_wrong_check_digit(self) -> None:
        with pytest.raises(ValueError, match="check digit of 10201 is 6, not 7"):
            code_candidates("102017")


class TestRealSeries:
    def test_all_municipalities_are_read(self, municipalities) -> None:  # type: ignore[no-untyped-def]
        assert len(municipalities.series) == 1741

    @pytest.mark.parametrize("query", ["102016", "10201", "前橋市", "群馬県前橋市"])
    def test_maebashi_on_2022_05_01(self, municipalities, query: str) -> None:  # type: ignore[no-untyped-def]
        kpi = mynumber_kpi(query, source=municipalities)
        latest = kpi.latest()
        assert latest is not None
        assert (latest.as_of, latest.value) == (date(2022, 5, 1), 45.0)
        assert (latest.numerator, latest.denominator) == (150873.0, 335055.0)
        assert kpi.target.value == 90.0
        assert kpi.target.due == date(2023, 3, 31)

    def test_a_new_population_base_is_visible(self, municipalities) -> None:  # type: ignore[no-untyped-def]
        kpi = mynumber_kpi("102016", source=municipalities, baseline=date(2021, 4, 1))
        changed = [m for m in kpi.measurements if m.note]
        assert [m.as_of for m in changed] == [date(2021, 8, 1)]
        assert "336,115 → 335,055" in changed[0].note

    def test_sapporo_with_its_leading_zero_dropped(self, municipalities) -> None:  # type: ignore[no-untyped-def]
        assert mynumber_kpi("11002", source=municipalities).name.startswith("北海道札幌市")

    def test_prefecture_by_name(self) -> None:
        kpi = mynumber_kpi("群馬県", source=DATA / "prefectures.csv")
        assert kpi.latest().as_of == date(2022, 5, 1)

    def test_unknown_code_suggests_neighbours(self, municipalities) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(UnknownMunicipalityError, match=r"did you mean: 前橋市 \(10201\)"):
            mynumber_kpi("102017", source=municipalities)

    def test_unknown_name_suggests_close_names(self, municipalities) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(UnknownMunicipalityError) as info:
            municipalities.find("前橋")
        assert info.value.suggestions == ("前橋市 (10201)",)
        assert isinstance(info.value, LookupError)

    def test_ambiguous_name(self, municipalities) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(UnknownMunicipalityError, match="more than one place") as info:
            municipalities.find("府中市")
        assert "東京都府中市 (13206)" in info.value.suggestions

    def test_forecast_and_status_from_the_real_series(self, municipalities) -> None:  # type: ignore[no-untyped-def]
        from maebashi_dx import DateSpan, Pillar, Plan, PriorityProject

        kpi = mynumber_kpi("102016", source=municipalities, baseline=date(2021, 4, 1))
        plan = Plan(
            id="m",
            name="前橋市",
            period=DateSpan(start=date(2021, 4, 1), end=date(2023, 3, 31)),
            pillars=[
                Pillar(
                    id="p", name="p", projects=[PriorityProject(id="x", name="x", kpi_ids=[kpi.id])]
                )
            ],
            kpis=[kpi],
        )
        row = assess(plan, date(2022, 5, 1)).row(kpi.id)
        assert row.status.value == "off_track"
        assert row.forecast.method == "blend"
        # By hand: least squares through 2021-12..2022-05 (40.3 41.6 42.7 43.4 44.2 45.0)
        # reaches 55.31 on 2023-03-31; 27.8 → 45.0 in 395 days is 56.1% a year, which
        # reaches 67.62; the blend is their mean.
        assert row.forecast.value == pytest.approx((55.31 + 67.62) / 2, abs=0.01)
        low, high = row.forecast.interval
        assert low <= 55.31
        assert high >= 67.62

    def test_pooled_toward_the_prefecture(self, municipalities) -> None:  # type: ignore[no-untyped-def]
        gunma = mynumber_reference("群馬県", source=DATA / "prefectures.csv")
        assert (gunma.label, gunma.days[-1], gunma.values[-1]) == ("群馬県", date(2022, 5, 1), 37.4)
        nation = mynumber_reference("全国", source=DATA / "japan_by_type.csv")
        assert (nation.days[-1], nation.values[-1]) == (date(2022, 5, 1), 44.0)
        kpi = mynumber_kpi("102016", source=municipalities, baseline=date(2021, 4, 1))
        f = forecast(kpi, date(2022, 5, 1), reference=gunma)
        # By hand: least squares through 2021-12..2022-05 gives 11.109 a year for 前橋市
        # and 9.091 for 群馬県 (33.6 34.5 35.2 35.8 36.7 37.4); pooled from 45.0:
        # 0.25 × 11.109 + 0.75 × 9.091 × 45.0 / 37.4 = 10.981 a year → 55.04 on 2023-03-31.
        assert f.method == "pooled"
        assert f.observed_pace == pytest.approx(10.981, abs=0.001)
        assert f.value == pytest.approx(55.04, abs=0.01)


class TestLayouts:
    """The ministry's Japanese headers, a BOM, Shift_JIS, codes in every form."""

    TEXT = (
        "基準日,都道府県名,市区町村名,団体コード,総数（人口）,交付枚数,人口に対する交付枚数率\n"
        '2022/04/01,群馬県,前橋市,10201,"335,055","148,172",44.2%\n'
        "2022/05/01,群馬県,前橋市,102016,335055,150873,45.0\n"
        "2022/05/01,北海道,札幌市,11002,1960668,700000,35.7\n"
    )

    @pytest.mark.parametrize("encoding", ["utf-8-sig", "cp932", "utf-8"])
    def test_japanese_headers_and_encodings(self, tmp_path: Path, encoding: str) -> None:
        path = tmp_path / "soumu.csv"
        path.write_bytes(self.TEXT.encode(encoding))
        table = load_mynumber(path)
        kpi = mynumber_kpi("前橋市", source=table)
        assert [m.value for m in kpi.history()] == [44.2, 45.0]
        assert mynumber_kpi("011002", source=table).latest().value == 35.7

    def test_missing_columns(self, tmp_path: Path) -> None:
        path = tmp_path / "bad.csv"
        path.write_text("基準日,市区町村名\n2022/05/01,前橋市\n", encoding="utf-8")
        with pytest.raises(PlanError, match="population"):
            load_mynumber(path)

    def test_bad_rows_are_listed_with_their_lines(self, tmp_path: Path) -> None:
        path = tmp_path / "bad.csv"
        path.write_text(self.TEXT + "2022/13/01,群馬県,前橋市,10201,1,1,1\n", encoding="utf-8")
        with pytest.raises(PlanError) as info:
            load_mynumber(path)
        assert [p.line for p in info.value.problems] == [5]


def run_example(*args: str) -> subprocess.CompletedProcess[str]:
    return run_my_city("my_city.py", *args)


class TestMyCityExample:
    def test_maebashi(self) -> None:
        out = run_example("--code", "102016")
        assert out.returncode == 0, out.stderr
        assert "交付 45.0% ／2022年5月1日" in out.stdout
        assert "150,873 / 335,055" in out.stdout
        assert "2023-03-31 [pooled]: 55.0%" in out.stdout  # as pinned by hand above
        assert "群馬県 9.09" in out.stdout
        assert "遅れ" in out.stdout

    def test_alone_without_pooling(self) -> None:
        out = run_example("--code", "102016", "--pool", "none")
        assert out.returncode == 0, out.stderr
        assert "2023-03-31 [blend]: 61.5%" in out.stdout

    def test_a_prefecture_pools_toward_the_nation(self) -> None:
        out = run_example("--name", "群馬県", "--data", str(DATA / "prefectures.csv"))
        assert out.returncode == 0, out.stderr
        assert "全国 9.72" in out.stdout

    def test_any_other_code(self) -> None:
        out = run_example("--code", "011002", "--lang", "en")
        assert out.returncode == 0, out.stderr
        assert "北海道札幌市" in out.stdout
        assert "status:" in out.stdout

    def test_unknown_code_is_a_clear_error(self) -> None:
        out = run_example("--code", "102017")
        assert out.returncode == 2
        assert "Traceback" not in out.stderr
        assert "前橋市 (10201)" in out.stderr
