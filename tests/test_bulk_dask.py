"""``assess_table`` is a pure map over partitions of KPIs: Dask runs it as it is.

The same function runs under PySpark's ``mapInArrow`` (docs: national scale); Spark is
not a test dependency.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

pl = pytest.importorskip("polars")
pd = pytest.importorskip("pandas")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("dask.distributed")

from maebashi_dx.bulk import assess_table  # noqa: E402
from tests.test_bulk import national_sample  # noqa: E402

AS_OF = date(2021, 10, 1)


def assess_partition(part: Any, kpis: Any, as_of: date, references: Any) -> Any:
    """One partition's KPIs (every row of a KPI is in one partition), as pandas."""
    table = assess_table(part, kpis, as_of, references=references, only_measured=True)
    return table.to_pandas()


def test_dask_on_a_local_cluster_gives_the_rows_of_one_process() -> None:
    _, references, long, bare = national_sample(29)
    one = assess_table(long, bare, AS_OF, references=references).to_pandas()
    frame = long.to_pandas()
    meta = assess_partition(frame.iloc[:0], bare, AS_OF, references)
    parts = dd.from_pandas(frame, npartitions=4).shuffle("kpi_id", npartitions=3)
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
    ):
        rows = parts.map_partitions(assess_partition, bare, AS_OF, references, meta=meta)
        many = rows.compute()
    assert many["kpi_id"].nunique() == len(many) == len(one) >= 60
    many = many.sort_values("kpi_id").reset_index(drop=True)
    one = one.sort_values("kpi_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(many, one)
