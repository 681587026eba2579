"""assess(calibration=...): every KPI's forecast is the one forecast() gives with the
same calibration, one calibration or one per forecaster name."""

from __future__ import annotations

from datetime import date

import pytest

from maebashi_dx import Plan, assess, parse_date
from maebashi_dx.errors import CalculationError
from maebashi_dx.forecast import calibrate_plan, forecast
from maebashi_dx.io.soumu import mynumber_kpi
from maebashi_dx.model import Pillar, PriorityProject

DAY = date(2021, 10, 1)
PLACES = ("前橋市", "高崎市", "桐生市", "伊勢崎市", "太田市", "沼田市", "館林市", "渋川市")


@pytest.fixture(scope="module")
def plan() -> Plan:
    kpis = tuple(
        mynumber_kpi(name, kpi_id=f"k{i}", deadline="2022年度") for i, name in enumerate(PLACES)
    )
    ids = tuple(k.id for k in kpis)
    return Plan(
        id="gunma",
        name="群馬県内のマイナンバーカード交付率",
        period=parse_date("2019年4月～2023年3月"),
        pillars=(
            Pillar(
                id="p",
                name="カード",
                projects=(PriorityProject(id="pp", name="普及", kpi_ids=ids),),
            ),
        ),
        kpis=kpis,
    )


def test_each_row_is_the_calibrated_forecast(plan: Plan) -> None:
    calibration = calibrate_plan(plan, "blend", DAY)
    assert any(len(t.scores) for t in calibration.tables), "monthly series give a record"
    rows = assess(plan, DAY, calibration=calibration).rows
    for row in rows:
        alone = forecast(plan.kpi(row.kpi_id), DAY, calibration=calibration)
        assert row.forecast == alone
    assert all(row.forecast.probability is not None for row in rows)
    # Without it, the same rows carry no chance.
    assert all(r.forecast.probability is None for r in assess(plan, DAY).rows)


def test_one_calibration_per_forecaster_name(plan: Plan) -> None:
    calibration = calibrate_plan(plan, "blend", DAY)
    by_name = assess(plan, DAY, calibration={"blend": calibration}).rows
    assert by_name == assess(plan, DAY, calibration=calibration).rows
    # A name the KPIs' forecaster does not have leaves them uncalibrated.
    other = assess(plan, DAY, calibration={"pooled": calibration}).rows
    assert all(r.forecast.probability is None for r in other)


def test_a_calibration_of_another_method_is_refused(plan: Plan) -> None:
    calibration = calibrate_plan(plan, "linear", DAY)
    with pytest.raises(CalculationError, match="linear"):
        assess(plan, DAY, calibration=calibration)
