"""Numbers, dates and labels written for people, in the report's language.

Every renderer of :mod:`maebashi_dx.report` formats through here, so a figure reads the
same in the table, the charts and the whole report:

- **Counts** (a unit such as 件, 人, 枚, 回, か所 or 団体: see :data:`COUNT_UNITS`) are
  whole quantities: shown rounded half away from zero (四捨五入) to an integer, with
  thousands separators: ``59372.2件`` is shown ``59,372件``. The stored value is kept
  as it is in CSV/JSON ``data``; only the display is rounded.
- **Other reported figures** (``%`` and the rest) are shown as the committee writes
  them: the shortest decimal that is the value (``27.91%``, ``1.8%``, ``90%``), or with
  the KPI's ``decimals`` when it has them, with thousands separators.
- **Computed figures** (achievement, forecasts, intervals) get one decimal place.
- A magnitude no one writes out in full (10¹⁵ or more, or under 10⁻⁶) is shown as
  ``1.2×10¹⁸``, never as ``1.2e+18``.
- **Dates** in Japanese are written as the committee's material writes them, in the
  Western calendar (``2022年5月31日``, ``2022年5月``); fiscal years name the era too
  (``2025（令和7）年度``, through :func:`~maebashi_dx.dates.format_span`).

>>> format_value(59372.2, "件")
'59,372件'
>>> format_value(27.91, "%"), format_value(1234567.5, "円")
('27.91%', '1,234,567.5円')
>>> format_day(date(2022, 5, 31), "ja"), format_day(date(2022, 5, 31), "en")
('2022年5月31日', '31 May 2022')
"""

from __future__ import annotations

import math
from datetime import date
from typing import Literal

from maebashi_dx.dates import FiscalYear
from maebashi_dx.i18n import catalogue, localized, text
from maebashi_dx.model import Milestone, Plan

__all__ = [
    "COUNT_UNITS",
    "clip_to_bounds",
    "finite",
    "format_computed",
    "format_day",
    "format_fiscal_year",
    "format_level",
    "format_month",
    "format_number",
    "format_percent",
    "format_value",
    "html_text",
    "is_count_unit",
    "method_name",
    "milestone_label",
    "owner_name",
    "plan_name",
    "plan_year",
    "plan_years",
    "report_title",
]

Lang = Literal["ja", "en"]

#: Units of whole quantities: a value in one of them is a count, shown as an integer.
#: A unit counts if it is one of these, with or without a leading 万/千 and a trailing
#: 数 ("件数" is not a unit, but "万人" is).
COUNT_UNITS = frozenset(
    {
        "件", "人", "名", "枚", "回", "か所", "カ所", "ヶ所", "箇所", "個所", "団体", "社",
        "者", "台", "校", "園", "戸", "世帯", "本", "冊", "個", "店", "施設", "事業",
        "手続", "業務", "システム", "アカウント", "講座", "地区", "部署", "課",
    }
)  # fmt: skip

_LARGE = 1e15  # 10¹⁵ and beyond: written with a power of ten
_SMALL = 1e-6  # below 10⁻⁶ (and not zero): likewise
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def is_count_unit(unit: str) -> bool:
    """Whether values in ``unit`` are whole counts (件, 人, か所, …).

    A unit with a multiplier is not: 1.5万人 is fifteen thousand people, exactly.

    >>> is_count_unit("件"), is_count_unit("万人"), is_count_unit("%"), is_count_unit("円")
    (True, False, False, False)
    """
    return unit.strip() in COUNT_UNITS


def _power_of_ten(value: float, digits: int = 2, shift: int = 0) -> str:
    """``1.2×10¹⁸``: ``value × 10^shift`` (exact, in decimal: no overflow) as a mantissa
    with up to ``digits`` decimals and a superscript exponent."""
    from decimal import ROUND_HALF_UP, Decimal, localcontext  # rare: only here

    exact = Decimal(repr(value)).scaleb(shift)
    exponent = exact.adjusted()
    with localcontext() as ctx:
        ctx.prec = 60
        mantissa = exact.scaleb(-exponent).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
    if abs(mantissa) >= 10:  # 9.999 rounded up to 10.00
        mantissa, exponent = mantissa / 10, exponent + 1
    shown = f"{mantissa:f}".rstrip("0").rstrip(".") if "." in f"{mantissa:f}" else f"{mantissa:f}"
    return f"{shown}×10{str(exponent).translate(_SUPERSCRIPT)}"


def _grouped(text: str) -> str:
    """Thousands separators in the integer part of a plain decimal text."""
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    whole = f"{int(whole):,}"
    return f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}"


def _decimal_parts(value: float) -> tuple[bool, int, int]:
    """The decimal written in the file (``repr``: the shortest that is the value) as
    sign, coefficient and exponent: ``-27.91`` is ``(True, 2791, -2)``, as
    ``decimal.Decimal(repr(value)).as_tuple()`` holds it (the digits as one integer)."""
    text = repr(value)
    mantissa, _, power = text.lstrip("-").partition("e")
    whole, _, fraction = mantissa.partition(".")
    return text.startswith("-"), int(whole + fraction), int(power or 0) - len(fraction)


def _positional(negative: bool, coefficient: int, exponent: int) -> str:
    """``coefficient × 10^exponent`` written out in full, as Decimal's ``f`` format
    writes it: ``(False, 1230, -1)`` is ``123.0``, ``(False, 15, 15)`` fifteen digits
    and a zero more, ``(False, 1, -5)`` is ``0.00001``."""
    digits = str(coefficient)
    if exponent >= 0:
        body = digits + "0" * exponent
    else:
        digits = digits.rjust(1 - exponent, "0")
        body = f"{digits[:exponent]}.{digits[exponent:]}"
    return f"-{body}" if negative else body


def _round_half_up(value: float, decimals: int) -> str:
    """Round as Japanese reports do (四捨五入, half away from zero), on the decimal value
    written in the file (``repr``), not on its binary approximation.

    Integer arithmetic on the decimal digits (exact at any size): the digits dropped
    are compared with half a unit of the last digit kept, as ``Decimal.quantize`` with
    ``ROUND_HALF_UP`` does; never "-0".
    """
    negative, coefficient, exponent = _decimal_parts(value)
    dropped = -decimals - exponent
    if dropped > 0:
        unit = 10**dropped
        coefficient, rest = divmod(coefficient, unit)
        coefficient += 2 * rest >= unit  # a half or more: away from zero
    else:
        coefficient *= 10**-dropped
    return _positional(negative and coefficient != 0, coefficient, -decimals)


def format_number(value: float, unit: str = "", *, decimals: int | None = None) -> str:
    """A reported figure without its unit: see the module's rules.

    >>> format_number(59372.2, "件"), format_number(100.0), format_number(0.5, "人")
    ('59,372', '100', '1')
    >>> format_number(2.5e18), format_number(45.0, decimals=1), format_number(1e-7)
    ('2.5×10¹⁸', '45.0', '1×10⁻⁷')
    >>> format_number(-0.04, decimals=1), format_number(1e-9, "件")
    ('0.0', '0')
    """
    if not math.isfinite(value):
        return "—"  # nothing a person can read; the library never reports one
    value += 0.0  # -0.0 is shown as 0
    if is_count_unit(unit):
        decimals = 0
    if abs(value) >= _LARGE or (value != 0 and abs(value) < _SMALL and decimals is None):
        return _power_of_ten(value)
    if decimals is not None:
        plain = _round_half_up(value, decimals)
    else:
        plain = _positional(*_decimal_parts(value))  # the shortest decimal that is the value
        plain = plain.removesuffix(".0") if plain.endswith(".0") else plain
    return _grouped(plain)


def format_value(value: float, unit: str = "", *, decimals: int | None = None) -> str:
    """A reported figure with its unit: ``59,372件``, ``27.91%``."""
    return f"{format_number(value, unit, decimals=decimals)}{unit}"


def format_computed(value: float, unit: str = "") -> str:
    """A computed figure (a forecast, an interval end) with its unit: one decimal place,
    or a whole number for a count unit.

    >>> format_computed(64.4951, "%"), format_computed(59372.26, "件")
    ('64.5%', '59,372件')
    """
    return f"{format_number(value, unit, decimals=1)}{unit}"


def format_percent(share: float | None) -> str:
    """A share (0.282) as the committee writes a rate: ``28.2%``; None as ``—``.

    >>> format_percent(0.2817), format_percent(None), format_percent(-0.0004)
    ('28.2%', '—', '0.0%')
    """
    if share is None or not math.isfinite(share):
        return "—"
    if abs(share) >= _LARGE / 100:  # × 100 could overflow
        return f"{_power_of_ten(share, shift=2)}%"
    return f"{format_number(share * 100, decimals=1)}%"


def format_level(level: float) -> str:
    """A confidence level as a percentage, as written: ``80%``, ``97.5%``.

    >>> format_level(0.8), format_level(0.975)
    ('80%', '97.5%')
    """
    return f"{format_number(round(level * 100, 6))}%"


def format_chance(chance: float, lang: Lang = "ja") -> str:
    """A chance as people say it: a whole percentage, "1%未満" / "under 1%" below one
    per cent and "99%超" / "over 99%" above 99 (a forecast is never certain; a chance of
    0.996 shown as 100% would say it is).

    >>> format_chance(0.724), format_chance(0.003), format_chance(0.9995, "en")
    ('72%', '1%未満', 'over 99%')
    """
    if chance < 0.01:
        return text("report.chance.under", lang)
    if chance > 0.99:
        return text("report.chance.over", lang)
    return f"{max(1, min(99, round(chance * 100)))}%"


def clip_to_bounds(
    low: float, high: float, bounds: tuple[float, float] | None
) -> tuple[float, float]:
    """An interval as it may be shown: never beyond the KPI's natural bounds.

    A forecaster's interval is a statement about a trend; a share of residents still
    cannot exceed 100%, so the display clips it (the raw interval stays in the data).

    >>> clip_to_bounds(45.4, 112.0, (0.0, 100.0)), clip_to_bounds(-3.0, 5.0, None)
    ((45.4, 100.0), (-3.0, 5.0))
    """
    if bounds is None:
        return low, high
    lo, hi = bounds
    return min(max(low, lo), hi), max(min(high, hi), lo)


def format_day(day: date, lang: Lang = "ja") -> str:
    """A day: ``2022年5月31日`` / ``31 May 2022``."""
    return text(
        "report.dates.day",
        lang,
        year=day.year,
        month=text(f"report.months.m{day.month}", lang),
        day=day.day,
    )


def format_month(day: date, lang: Lang = "ja") -> str:
    """The month of a day: ``2022年5月`` / ``May 2022``."""
    return text(
        "report.dates.month", lang, year=day.year, month=text(f"report.months.m{day.month}", lang)
    )


def format_fiscal_year(year: int, lang: Lang = "ja") -> str:
    """A fiscal year, short, for a chart axis: ``2022年度`` / ``FY2022``."""
    return text("report.dates.fiscal_year", lang, year=year)


def plan_name(plan: Plan, lang: Lang) -> str:
    """The plan's name in ``lang`` (its Japanese name when it has no English one)."""
    return localized(plan.name, plan.name_en, lang)


def report_title(plan: Plan, lang: Lang = "ja") -> str:
    """The report's title: the plan's name, then 進捗報告, never repeating the name.

    >>> from maebashi_dx.datasets import maebashi_2022
    >>> report_title(maebashi_2022()), report_title(maebashi_2022(), "en")
    ('前橋市DX推進計画 進捗報告', 'Maebashi City DX Promotion Plan: progress report')
    """
    name = plan_name(plan, lang).strip()
    if not name:
        return text("report.document.title_unnamed", lang)
    return text("report.document.title", lang, plan=name)


def plan_year(plan: Plan, day: date) -> int:
    """Which year of the plan ``day`` falls in: the plan's first fiscal year is year 1.

    Fiscal years count (a Japanese plan runs by 年度), so with a plan starting in
    April 2021, 31 May 2022 is year 2 and September 2023 year 3. A day before the plan
    gives 0 or less.

    >>> from maebashi_dx.datasets import maebashi_2022
    >>> plan_year(maebashi_2022(), date(2022, 5, 31)), plan_year(maebashi_2022(), date(2023, 9, 1))
    (2, 3)
    """
    return FiscalYear.of(day).year - FiscalYear.of(plan.period.start).year + 1


def plan_years(plan: Plan) -> int:
    """How many fiscal years the plan's period touches (5 for 2021年4月～2026年3月)."""
    return plan_year(plan, plan.period.end)


def owner_name(plan: Plan, owner: str, lang: Lang = "ja") -> str:
    """A milestone owner as a chart shows it: a department (担当課) by its name, as a
    city writes it; a working group by its short id (its full name is a sentence)."""
    for department in getattr(plan, "departments", ()):
        if department.id == owner:
            name_en = getattr(department, "name_en", "")
            return str(name_en if lang == "en" and name_en else department.name)
    return owner


def milestone_label(plan: Plan, milestone: Milestone, lang: Lang = "ja") -> str:
    """ "[owner] title" on one line, the title in ``lang`` when the plan has it."""
    title = localized(milestone.title, milestone.title_en, lang)
    title = " ".join(title.split())
    return f"[{owner_name(plan, milestone.owner, lang)}] {title}" if milestone.owner else title


def method_name(method: str, lang: Lang = "ja") -> str:
    """A forecaster's display name, from the one table the forecast's own texts use
    (``複合予測`` for ``blend``); "" for a plugin without one in the catalogue, which the
    renderers show by its registered name in code font."""
    return catalogue(lang).get(f"forecast.method.{method}", "")


def html_text(key: str, lang: Lang, /, **fields: str) -> str:
    """A catalogue message as HTML: its own words escaped, its fields inserted as given
    (each field is HTML already, e.g. ``<code>blend</code>``)."""
    import string  # here, as html: the terminal table (maebashi-dx status) needs neither
    from html import escape

    template = catalogue(lang)[key]
    out = []
    for literal, name, spec, conversion in string.Formatter().parse(template):
        out.append(escape(literal))
        if name is not None:
            if spec or conversion:  # pragma: no cover - the report's messages have none
                msg = f"message {key!r}: HTML fields take no format spec"
                raise ValueError(msg)
            out.append(fields[name])
    return "".join(out)


def finite(value: float | None) -> bool:
    """Whether a value can be drawn or written (not None, NaN or infinite)."""
    return value is not None and math.isfinite(value)


#: The background of a status cell, by ``Status.value``, as RGB hex: one palette for the
#: HTML report's CSS, the Excel sheet and the slide deck (light tints of Tailwind's
#: blue, green, yellow, red and grey, dark text readable on each).
STATUS_FILLS: dict[str, str] = {
    "achieved": "DBEAFE",
    "on_track": "DCFCE7",
    "at_risk": "FEF9C3",
    "off_track": "FEE2E2",
    "missed": "FECACA",
    "not_started": "F3F4F6",
    "no_data": "F3F4F6",
}


def status_css() -> str:
    """The CSS rules of the status cells, from :data:`STATUS_FILLS` (a missed target also
    in bold).

    >>> status_css().splitlines()[0]
    '.status-achieved { background: #dbeafe; }'
    """
    return "\n".join(
        f".status-{status} {{ background: #{fill.lower()};"
        + (" font-weight: bold;" if status == "missed" else "")
        + " }"
        for status, fill in STATUS_FILLS.items()
    )
