"""The official My Number card figures (総務省), as packaged with the library, and what the
loader refuses: every kind of bad official CSV is a PlanError naming the file and line."""

from __future__ import annotations

import csv
import gzip
import subprocess
import tempfile
import zlib
from datetime import date
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maebashi_dx import MaebashiDXError, PlanError, assess, forecast
from maebashi_dx.datasets import mynumber_cards
from maebashi_dx.errors import UnknownPluginError
from maebashi_dx.io.soumu import (
    CardTable,
    UnknownMunicipalityError,
    code_candidates,
    load_mynumber,
    mynumber_check_digit,
    mynumber_kpi,
    mynumber_reference,
    mynumber_rows,
)
from tests.examples import run_example as run_my_city

PACKAGED = resources.files("maebashi_dx.datasets").joinpath("mynumbercard")


@pytest.fixture(scope="module")
def municipalities() -> CardTable:
    return mynumber_cards("municipalities")


class TestPackagedData:
    """The figures ship inside the package, with their provenance and licence."""

    @pytest.mark.parametrize(
        "name",
        [
            "municipalities.csv.gz",
            "prefectures.csv.gz",
            "japan_by_type.csv.gz",
            "README.md",
            "LICENSE-code-for-japan-MIT.txt",
        ],
    )
    def test_found_through_importlib_resources(self, name: str) -> None:
        assert PACKAGED.joinpath(name).is_file()

    def test_the_readme_and_licence_travel_with_the_data(self) -> None:
        readme = PACKAGED.joinpath("README.md").read_text(encoding="utf-8")
        for fact in (
            "総務省「マイナンバーカード交付状況について」",
            "Code for Japan",
            "MIT",
            "CC BY 4.0",
        ):
            assert fact in readme
        licence = PACKAGED.joinpath("LICENSE-code-for-japan-MIT.txt").read_text(encoding="utf-8")
        assert licence.startswith("MIT License")
        assert "Copyright (c) 2020 Code for Japan" in licence

    def test_compressed_and_small(self) -> None:
        total = 0
        for name in ("municipalities", "prefectures", "japan_by_type"):
            raw = PACKAGED.joinpath(f"{name}.csv.gz").read_bytes()
            assert raw[:2] == b"\x1f\x8b"
            total += len(raw)
        assert total < 1_600_000

    @pytest.mark.parametrize(
        ("level", "places", "snapshots"),
        [("municipalities", 1741, 67_899), ("prefectures", 47, 1_833), ("japan", 7, 195)],
    )
    def test_every_level_loads_whole(self, level, places: int, snapshots: int) -> None:  # type: ignore[no-untyped-def]
        table = mynumber_cards(level)
        assert len(table.series) == places
        assert sum(len(rows) for rows in table.series.values()) == snapshots
        assert table.source.endswith(".csv.gz")

    def test_the_corrected_rates_of_towns_and_villages(self) -> None:
        """The compiled file printed 全国's rate for 町村 on two days (README.md)."""
        rows = {r.as_of: r for r in mynumber_cards("japan").find("町村")}
        assert rows[date(2021, 1, 1)].rate_pct == 20.7
        assert rows[date(2021, 2, 1)].rate_pct == 21.4

    def test_each_call_has_its_own_mapping(self) -> None:
        mine = mynumber_cards("prefectures")
        mine.series.clear()  # type: ignore[attr-defined]
        assert len(mynumber_cards("prefectures").series) == 47

    @pytest.mark.parametrize("level", ["cities", "", 3, None])
    def test_an_unknown_level(self, level: object) -> None:
        with pytest.raises(UnknownPluginError, match="available: japan, municipalities"):
            mynumber_cards(level)  # type: ignore[arg-type]

    def test_the_default_source_finds_every_level(self) -> None:
        assert mynumber_rows("102016")[-1].municipality == "前橋市"
        assert mynumber_rows("群馬県")[-1].population == 1_958_185
        assert mynumber_rows("全国")[-1].rate_pct == 44.0

    def test_a_users_newer_file_through_source(self, tmp_path: Path) -> None:
        path = tmp_path / "newer.csv"
        header = "as_of_date,prefecture,municipality,population,cards_issued,local_gov_code\n"
        path.write_text(
            header
            + "2022/05/01,群馬県,前橋市,335055,150873,102016\n"
            + "2023/03/01,群馬県,前橋市,334000,240480,102016\n",
            encoding="utf-8",
        )
        kpi = mynumber_kpi("前橋市", source=path)
        assert (kpi.latest().as_of, kpi.latest().value) == (date(2023, 3, 1), 72.0)
        assert mynumber_reference("前橋市", source=path).days[-1] == date(2023, 3, 1)

    def test_unknown_place_suggests_from_every_level(self) -> None:
        with pytest.raises(UnknownMunicipalityError) as info:
            mynumber_kpi("群馬")
        assert "群馬県" in info.value.suggestions


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
        kpi = mynumber_kpi("群馬県", source=mynumber_cards("prefectures"))
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
        gunma = mynumber_reference("群馬県")
        assert (gunma.label, gunma.days[-1], gunma.values[-1]) == ("群馬県", date(2022, 5, 1), 37.4)
        nation = mynumber_reference("全国", source=mynumber_cards("japan"))
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
        path.write_text(self.TEXT + "2022/13/01,群馬県,前橋市,10201,100,1,1\n", encoding="utf-8")
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
        assert "群馬県のペース9.09" in out.stdout
        assert "遅れ" in out.stdout

    def test_alone_without_pooling(self) -> None:
        out = run_example("--code", "102016", "--pool", "none")
        assert out.returncode == 0, out.stderr
        assert "2023-03-31 [blend]: 61.5%" in out.stdout

    def test_a_prefecture_pools_toward_the_nation(self) -> None:
        out = run_example("--name", "群馬県")
        assert out.returncode == 0, out.stderr
        assert "全国のペース9.72" in out.stdout

    def test_your_own_files(self, tmp_path: Path) -> None:
        """--data and --reference-data read a user's files (here: the packaged ones)."""
        for name in ("prefectures", "japan_by_type"):
            raw = gzip.decompress(PACKAGED.joinpath(f"{name}.csv.gz").read_bytes())
            (tmp_path / f"{name}.csv").write_bytes(raw)
        out = run_example(
            "--name",
            "群馬県",
            "--data",
            str(tmp_path / "prefectures.csv"),
            "--reference-data",
            str(tmp_path / "japan_by_type.csv"),
        )
        assert out.returncode == 0, out.stderr
        assert "全国のペース9.72" in out.stdout
        assert "733,110 / 1,958,185" in out.stdout

    def test_a_bad_file_is_one_line_on_stderr(self, tmp_path: Path) -> None:
        path = tmp_path / "bad.csv"
        path.write_text(VALID.replace("335055,148172", "-335055,148172"), encoding="utf-8")
        out = run_example("--name", "前橋市", "--data", str(path))
        assert out.returncode == 2
        assert "Traceback" not in out.stderr
        assert f"{path}: population (line 2): must be greater than 0" in out.stderr

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


# A small valid official CSV in Code for Japan's layout; the bad-input tests each spoil it.
VALID = (
    "as_of_date,prefecture,municipality,population,cards_issued,issuance_rate_pct,"
    "population_base_date,issuance_count_date,local_gov_code\n"
    "2022/04/01,群馬県,前橋市,335055,148172,44.2,2021/01/01,2022/04/01,102016\n"
    "2022/05/01,群馬県,前橋市,335055,150873,45.0,2021/01/01,2022/05/01,102016\n"
    "2022/05/01,群馬県,高崎市,370884,150000,40.4,2021/01/01,2022/05/01,102024\n"
)


def spoiled(line: int, column: str, value: str) -> str:
    """VALID with one cell replaced (line counted as in the file, the header is line 1)."""
    rows = list(csv.reader(VALID.splitlines()))
    rows[line - 1][rows[0].index(column)] = value
    return "".join(",".join(row) + "\n" for row in rows)


def rejected(path: Path, line: int, *words: str) -> PlanError:
    """The loader raises a PlanError whose message names the file, the line and words."""
    with pytest.raises(PlanError) as info:
        load_mynumber(path)
    text = str(info.value)
    assert isinstance(info.value, MaebashiDXError)
    assert str(path) in text
    assert f"line {line}" in text
    for word in words:
        assert word in text
    return info.value


class TestBadOfficialCSV:
    """One test per kind of bad official card CSV (issue 11): each is a PlanError naming
    the file, the line and, for a value, its column."""

    @pytest.fixture
    def path(self, tmp_path: Path) -> Path:
        return tmp_path / "cards.csv"

    def write(self, path: Path, text: str) -> Path:
        path.write_text(text, encoding="utf-8")
        return path

    def test_the_valid_file_loads(self, path: Path) -> None:
        table = load_mynumber(self.write(path, VALID))
        assert [len(rows) for rows in table.series.values()] == [2, 1]

    def test_negative_population(self, path: Path) -> None:
        """The issue's example: a negative population made a rate of −44.8%."""
        text = spoiled(3, "population", "-336759").replace(",45.0,", ",-44.8,")
        rejected(self.write(path, text), 3, "population", "greater than 0", "-336,759")

    def test_zero_population(self, path: Path) -> None:
        rejected(self.write(path, spoiled(2, "population", "0")), 2, "population", "not 0")

    def test_negative_cards(self, path: Path) -> None:
        rejected(self.write(path, spoiled(4, "cards_issued", "-1")), 4, "cards_issued", "0 or more")

    def test_a_fraction_of_a_person(self, path: Path) -> None:
        rejected(self.write(path, spoiled(2, "population", "335055.5")), 2, "not a whole number")

    def test_a_fraction_of_a_card(self, path: Path) -> None:
        rejected(self.write(path, spoiled(2, "cards_issued", "1.5")), 2, "cards_issued")

    @pytest.mark.parametrize("number", ["nan", "NaN", "inf", "-inf", "1e400", "10" * 200])
    def test_not_finite_or_absurd_numbers(self, path: Path, number: str) -> None:
        rejected(self.write(path, spoiled(3, "population", number)), 3, "population")
        rejected(self.write(path, spoiled(3, "issuance_rate_pct", number)), 3, "issuance_rate")

    def test_a_rate_that_is_not_cards_over_population(self, path: Path) -> None:
        text = spoiled(4, "issuance_rate_pct", "44.0")
        rejected(self.write(path, text), 4, "issuance_rate_pct", "150,000 / 370,884 = 40.44%")

    def test_a_rate_within_one_printed_unit_is_the_ministrys_rounding(self, path: Path) -> None:
        """40.44% printed as 40.5 (off by 0.06, as the ministry's 12.6 for 12.54) loads;
        as 40.6 it does not."""
        assert load_mynumber(self.write(path, spoiled(4, "issuance_rate_pct", "40.5")))
        rejected(self.write(path, spoiled(4, "issuance_rate_pct", "40.6")), 4, "40.44%")

    def test_a_negative_rate(self, path: Path) -> None:
        rejected(self.write(path, spoiled(2, "issuance_rate_pct", "-44.2")), 2, "0 or more")

    def test_more_cards_than_residents_is_allowed(self, path: Path) -> None:
        """Counted on different days, a growing place could pass 100% (README.md)."""
        text = spoiled(4, "cards_issued", "371000").replace(",40.4,", ",100.0,")
        table = load_mynumber(self.write(path, text))
        assert table.find("高崎市")[-1].rate_pct == 100.0

    def test_an_impossible_date(self, path: Path) -> None:
        rejected(self.write(path, spoiled(3, "as_of_date", "2022/13/01")), 3, "as_of_date")

    def test_a_population_base_after_the_count(self, path: Path) -> None:
        text = spoiled(2, "population_base_date", "2023/01/01")
        rejected(self.write(path, text), 2, "population_base_date", "after")

    def test_an_overlong_date(self, path: Path) -> None:
        text = spoiled(2, "as_of_date", "2022/04/01" * 100)
        rejected(self.write(path, text), 2, "too long for a date")

    def test_an_empty_required_cell(self, path: Path) -> None:
        rejected(self.write(path, spoiled(4, "cards_issued", "")), 4, "cards_issued", "empty")

    def test_a_row_without_a_name(self, path: Path) -> None:
        text = spoiled(4, "prefecture", "").replace(",高崎市,", ",,")
        rejected(self.write(path, text), 4, "no name")

    def test_two_rows_for_one_place_and_day(self, path: Path) -> None:
        text = VALID + VALID.splitlines(keepends=True)[2]
        rejected(self.write(path, text), 5, "a second row for '前橋市'", "line 3")

    def test_rows_in_any_order(self, path: Path) -> None:
        lines = VALID.splitlines(keepends=True)
        table = load_mynumber(self.write(path, lines[0] + "".join(reversed(lines[1:]))))
        assert [r.as_of.month for r in table.find("前橋市")] == [4, 5]

    def test_a_code_of_another_prefecture(self, path: Path) -> None:
        text = spoiled(4, "local_gov_code", "011002")
        rejected(self.write(path, text), 4, "local_gov_code", "not a code in 群馬県")

    def test_a_wrong_check_digit(self, path: Path) -> None:
        rejected(self.write(path, spoiled(2, "local_gov_code", "102017")), 2, "check digit")

    def test_an_unquoted_thousands_separator(self, path: Path) -> None:
        text = VALID.replace("370884,150000", "370,884,150,000")
        rejected(self.write(path, text), 4, "11 cells where the header has 9")

    def test_a_missing_column(self, path: Path) -> None:
        text = VALID.replace("cards_issued", "cards")
        rejected(self.write(path, text), 1, "missing column(s): cards_issued")

    def test_a_column_named_twice(self, path: Path) -> None:
        text = VALID.replace("issuance_count_date", "人口")
        rejected(self.write(path, text), 1, "'population' and '人口' are both")

    def test_a_cell_over_the_csv_field_limit(self, path: Path) -> None:
        """The csv module's limit (131,072) raised _csv.Error before."""
        text = VALID + '2022/05/01,群馬県,"' + "桐" * 131_073 + '",1,1,0.0,,,\n'
        error = rejected(self.write(path, text), 5, "longer than 131,072 characters")
        assert len(str(error)) < 500  # the cell is not quoted whole

    def test_an_unclosed_quote(self, path: Path) -> None:
        """Without csv's strict mode the rest of the file became one cell of line 4."""
        rejected(self.write(path, VALID.replace(",高崎市,", ',"高崎市,')), 4, "never closed")

    def test_text_after_a_closing_quote(self, path: Path) -> None:
        text = VALID.replace(",高崎市,", ',"高崎"市,')
        rejected(self.write(path, text), 4, "unreadable CSV")

    def test_invalid_utf8_bytes(self, path: Path) -> None:
        raw = VALID.encode("utf-8").replace("高崎市".encode(), b"\xe9\xab\x98\xff")
        path.write_bytes(raw)
        rejected(path, 4, "invalid UTF-8 (byte 0xff)")

    @pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
    def test_utf16(self, path: Path, encoding: str) -> None:
        path.write_bytes(VALID.encode(encoding))
        rejected(path, 1, "expected UTF-8 (a BOM is fine) or Shift_JIS")

    def test_utf8_with_a_bom_is_accepted(self, path: Path) -> None:
        path.write_bytes(VALID.encode("utf-8-sig"))
        assert len(load_mynumber(path).series) == 2

    def test_broken_shift_jis(self, path: Path) -> None:
        """Shift_JIS is read, as the ministry publishes it; a byte that is neither is not."""
        path.write_bytes(VALID.encode("cp932").replace("高崎".encode("cp932"), b"\x81\x20"))
        rejected(path, 4, "neither UTF-8 nor Shift_JIS")

    def test_euc_jp(self, path: Path) -> None:
        """EUC-JP is refused, never read as Shift_JIS mojibake: its 前橋市 and 群馬県 are
        valid Shift_JIS half-width katakana, its 高崎 is not valid Shift_JIS at all."""
        path.write_bytes(VALID.encode("euc_jp"))
        rejected(path, 4, "neither UTF-8 nor Shift_JIS")
        path.write_bytes("".join(VALID.splitlines(keepends=True)[:3]).encode("euc_jp"))
        rejected(path, 2, "half-width katakana (EUC-JP?)")

    @pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85"])
    def test_a_control_character(self, path: Path, char: str) -> None:
        rejected(self.write(path, VALID.replace("高崎市", f"高崎{char}市")), 4, "control")

    def test_an_empty_file(self, path: Path) -> None:
        rejected(self.write(path, ""), 1, "empty file")
        rejected(self.write(path, "\n \n"), 1, "empty file")

    def test_a_header_and_no_rows(self, path: Path) -> None:
        rejected(self.write(path, VALID.splitlines(keepends=True)[0]), 2, "no rows")

    def test_a_truncated_gzip(self, tmp_path: Path) -> None:
        """Cut just after VALID's four lines were flushed: the error names line 5."""
        path = tmp_path / "cards.csv.gz"
        packer = zlib.compressobj(wbits=16 + zlib.MAX_WBITS)
        flushed = packer.compress(VALID.encode()) + packer.flush(zlib.Z_FULL_FLUSH)
        path.write_bytes(flushed + packer.compress(VALID.encode() * 9)[:20])
        rejected(path, 5, "gzip data ends early")
        path.write_bytes(gzip.compress(VALID.encode())[:5])  # inside the gzip header
        rejected(path, 1, "gzip data ends early")

    def test_a_corrupt_gzip(self, tmp_path: Path) -> None:
        path = tmp_path / "cards.csv.gz"
        raw = bytearray(gzip.compress(VALID.encode("utf-8")))
        raw[-6] ^= 0xFF  # the CRC no longer matches
        path.write_bytes(bytes(raw))
        rejected(path, 5, "corrupt gzip data")

    def test_a_gzip_with_garbage_after_it(self, tmp_path: Path) -> None:
        path = tmp_path / "cards.csv.gz"
        path.write_bytes(gzip.compress(VALID.encode("utf-8")) + b"garbage")
        rejected(path, 5, "after the end of the gzip stream")

    def test_a_gzip_of_two_members_loads(self, tmp_path: Path) -> None:
        path = tmp_path / "cards.csv.gz"
        head, *rest = VALID.splitlines(keepends=True)
        raw = gzip.compress((head + rest[0]).encode()) + gzip.compress("".join(rest[1:]).encode())
        path.write_bytes(raw)
        assert [len(rows) for rows in load_mynumber(path).series.values()] == [2, 1]

    def test_many_bad_rows_are_counted_not_all_listed(self, path: Path) -> None:
        rows = "".join(f"2022/05/01,群馬県,村{i},-1,1,,,,\n" for i in range(200))
        error = rejected(self.write(path, VALID + rows), 5, "and 150 more problems")
        assert len(error.problems) == 51

    def test_a_file_that_is_not_there(self, tmp_path: Path) -> None:
        with pytest.raises(PlanError, match=r"nothing\.csv: \$: file not found"):
            load_mynumber(tmp_path / "nothing.csv")

    def test_a_folder(self, tmp_path: Path) -> None:
        with pytest.raises(PlanError, match="cannot read"):
            load_mynumber(tmp_path)

    def test_not_a_path(self) -> None:
        with pytest.raises(PlanError, match="expected a file path, not int"):
            load_mynumber(3)  # type: ignore[arg-type]


# Cells that break a row in one way or another, for the mutation property below.
_TOKENS = [
    "",
    "-1",
    "0",
    "1.5",
    "nan",
    "inf",
    "1e400",
    "2022/13/01",
    "令和4年5月1日",
    "１２３",
    "1,000",
    "99999999999999999999",
    "101",
    "\x00",
    "\x1b",
    '"',
    ",",
    "\r",
    "x" * 70,
]


@st.composite
def mutated_csv(draw: st.DrawFn) -> bytes:
    """VALID with a few byte-level or cell-level mutations, perhaps gzipped (and cut)."""
    rows = list(csv.reader(VALID.splitlines()))
    for _ in range(draw(st.integers(0, 3))):
        line = draw(st.integers(0, len(rows) - 1))
        kind = draw(st.sampled_from(["token", "swap", "drop", "copy"]))
        cells = rows[line]
        i = draw(st.integers(0, len(cells) - 1))
        if kind == "token":
            cells[i] = draw(st.sampled_from(_TOKENS) | st.text(max_size=8))
        elif kind == "swap":
            j = draw(st.integers(0, len(cells) - 1))
            cells[i], cells[j] = cells[j], cells[i]
        elif kind == "drop":
            del cells[i]
        else:
            rows.append(list(cells))
    raw = bytearray("".join(",".join(r) + "\n" for r in rows).encode("utf-8"))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(raw)))
        kind = draw(st.sampled_from(["set", "insert", "delete"]))
        if kind == "set" and at < len(raw):
            raw[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            raw[at:at] = draw(st.binary(min_size=1, max_size=4))
        else:
            del raw[at : at + draw(st.integers(1, 8))]
    if draw(st.booleans()):
        packed = gzip.compress(bytes(raw))
        return packed[: draw(st.integers(0, len(packed)))]
    return bytes(raw)


@given(mutated_csv())
def test_a_mutated_official_csv_loads_sane_rows_or_raises_a_library_error(raw: bytes) -> None:
    """Any damage is either a MaebashiDXError or a table whose every row holds the
    loader's promises; no other exception escapes."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cards.csv"
        path.write_bytes(raw)
        error: MaebashiDXError | None = None
        try:
            table = load_mynumber(path)
        except MaebashiDXError as exc:
            error = exc
    if error is not None:
        assert str(path) in str(error)
        return
    for rows in table.series.values():
        assert [r.as_of for r in rows] == sorted({r.as_of for r in rows})
        for r in rows:
            assert r.population > 0
            assert r.cards_issued >= 0
            assert abs(r.rate_pct - 100 * r.cards_issued / r.population) <= 1.0 + 1e-9
            assert r.name
