"""Check the plan's calendar for conflicts, then show a deliberately broken copy with one
conflict of every kind, each explained.

    python examples/schedule_check.py
    python examples/schedule_check.py --lang en
"""

from __future__ import annotations

import argparse

import attrs

from maebashi_dx import (
    LifecycleStage,
    Milestone,
    Plan,
    PlanError,
    StageRecord,
    find_conflicts,
    parse_date,
)
from maebashi_dx.conflicts import Conflict
from maebashi_dx.datasets import maebashi_2022


def broken(plan: Plan) -> Plan:
    """The committee's plan with one mistake of each kind put in on purpose."""
    ms = {m.id: m for m in plan.milestones}

    def moved(ident: str, **changes: object) -> None:
        ms[ident] = attrs.evolve(ms[ident], **changes)

    # dependency_violation: the informal notice before the call for applications closes.
    moved("wg13-informal-notice", when=parse_date("2022-05-10"))
    # dependency_cycle: the May committee waits for the February report, which waits for
    # the October committee, which waits for the May committee.
    moved("committee-h1", depends_on=("activity-report",))
    # after_kpi_deadline: leaflets for the 90% card target sent after its FY2022 deadline.
    moved("wg02-leaflets", when=parse_date("2023-05-15"))
    # resource_overlap: the official car booked twice on 17 May.
    moved("wg02-onsite-applications", resources=("公用車1号",))
    extra = [
        Milestone(
            id="briefing",
            title="自治会向け説明会",
            title_en="Briefing for neighbourhood associations",
            when=parse_date("2022-05-17"),
            owner="wg13",
            resources=("公用車1号",),
        ),
        # outside_plan_period: the next plan is drafted after this one ends.
        Milestone(
            id="next-plan",
            title="次期DX推進計画の策定",
            title_en="Drafting the next DX plan",
            when=parse_date("2026年度"),
        ),
        # non_business_day: an on-site session on 海の日.
        Milestone(
            id="mall-session",
            title="ショッピングモールでの出張申請",
            title_en="On-site applications at the shopping mall",
            when=parse_date("2022-07-18"),
            owner="wg02",
            kpi_ids=("kpi2",),
        ),
        # overallocation: one DX promotion member at 60% + 60% in August.
        Milestone(
            id="tablet-support",
            title="タブレット実証の現地支援",
            title_en="On-site support for the tablet trial",
            when=parse_date("R4.7月～9月"),
            owner="wg13",
            effort={"DX推進員（地域政策課）": 0.6},
        ),
        Milestone(
            id="class-prep",
            title="スマホ講座の教材づくり",
            title_en="Preparing the smartphone-class material",
            when=parse_date("2022-08-01～2022-08-31"),
            owner="wg13",
            effort={"DX推進員（地域政策課）": 0.6},
        ),
    ]
    # stage_skipped: the community WG runs a proof of value without the proof of concept
    # and the deputy mayor's decision (ショートカットNG).
    wgs = list(plan.working_groups)
    wg12 = next(i for i, w in enumerate(wgs) if w.id == "wg12")
    wgs[wg12] = attrs.evolve(
        wgs[wg12],
        history=(
            StageRecord(stage=LifecycleStage.TARGET_SETTING, when=parse_date("R4.6")),
            StageRecord(stage=LifecycleStage.PROOF_OF_VALUE, when=parse_date("R4.11")),
        ),
    )
    return attrs.evolve(plan, milestones=(*ms.values(), *extra), working_groups=tuple(wgs))


def show(conflicts: tuple[Conflict, ...], lang: str) -> None:
    for c in conflicts:
        lang_ = "en" if lang == "en" else "ja"
        print(f"[{c.severity.label(lang_)}] {c.kind}: {', '.join(c.subject_ids)}")
        print(f"    {c.text(lang_)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--lang", choices=("ja", "en"), default="ja")
    args = parser.parse_args(argv)
    en = args.lang == "en"
    plan = maebashi_2022()

    found = find_conflicts(plan)
    print("The committee's plan:" if en else "委員会の計画:")
    if found:
        show(found, args.lang)
    else:
        print(
            f"  no conflicts in {len(plan.milestones)} milestones."
            if en
            else f"  {len(plan.milestones)} 件の予定に競合はありません。"
        )

    print()
    print("A copy broken on purpose:" if en else "わざと誤りを入れた写し:")
    show(find_conflicts(broken(plan)), args.lang)

    print()
    print(
        "unknown_reference: the model refuses a plan with unknown ids outright:"
        if en
        else "unknown_reference: 存在しないIDを参照する計画は、作成の時点で拒否されます:"
    )
    try:
        bad = attrs.evolve(plan.milestones[0], owner="wg99")
        attrs.evolve(plan, milestones=(bad, *plan.milestones[1:]))
    except PlanError as exc:
        print(f"    PlanError: {exc}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
