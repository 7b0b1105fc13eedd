"""The review meeting's PDF handout: the same views as the deck, charts drawn by plotly and
exported once through kaleido with the system Chromium (one browser for all the charts), set in
DejaVu so Spanish accents and ñ print."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import plotly.io as pio
from fpdf import FPDF

from tracker import charts
from tracker.deck import MAX_TABLE_ROWS, needing_attention
from tracker.errors import TrackerError
from tracker.i18n import percent, t
from tracker.quarters import Quarter

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")


def _check_tools() -> None:
    if not (FONT_DIR / "DejaVuSans.ttf").is_file():
        raise TrackerError("handout.no_font", path=str(FONT_DIR))
    if not any(shutil.which(name) for name in CHROMIUM_NAMES):
        raise TrackerError("handout.no_chromium")


def _figures(figures: dict, lang: str) -> list[object]:
    quarter = Quarter.parse(figures["quarter"]).label(lang)
    trend = pd.DataFrame.from_records(figures["trend"])
    items = pd.DataFrame.from_records(figures["items"])
    built = [
        charts.progress_against_expected(pd.DataFrame.from_records(figures["by_line"]), lang,
                                         t("deck.by_line", lang, quarter=quarter)),
        charts.progress_against_expected(pd.DataFrame.from_records(figures["by_institution"]),
                                         lang, t("deck.by_institution", lang, quarter=quarter),
                                         axis="chart.axis.institution"),
        charts.trend(trend, trend.iloc[0:0], lang, t("chart.trend.title", lang)),
    ]
    if not items.empty and items["target"].notna().any():
        built.append(charts.indicator_bullets(items.assign(in_scope=True), lang,
                                              t("chart.indicators.title", lang,
                                                quarter=quarter)))
    return built


IMAGE_WIDTH = 1400
MAX_IMAGE_HEIGHT = 2400  # taller charts are squeezed to fit the page: rows stay readable


def _images(figures: list[object], folder: Path) -> list[Path]:
    paths = [folder / f"chart{index}.png" for index in range(len(figures))]
    try:
        pio.write_images(figures, paths, width=IMAGE_WIDTH, height=[
            min(MAX_IMAGE_HEIGHT, max(500, int(f.layout.height or 600))) for f in figures],
            scale=1)
    except Exception as error:  # kaleido's errors name no common base class  # noqa: BLE001
        raise TrackerError("handout.export_failed", reason=str(error)[:200]) from None
    return paths


class _Handout(FPDF):
    def __init__(self, source: str) -> None:
        super().__init__(orientation="L", format="A4")
        self.source = source
        self.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(auto=True, margin=15)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", "", 9)
        self.cell(0, 8, f"{self.source} · {self.page_no()}", align="C")

    def heading(self, text: str) -> None:
        self.add_page()
        self.set_font("DejaVu", "B", 20)
        self.multi_cell(0, 10, text)
        self.ln(2)

    def para(self, text: str, size: int = 13) -> None:
        self.set_font("DejaVu", "", size)
        self.multi_cell(0, 7, text)
        self.ln(1)


def build_pdf(figures: dict, plan_name: str, lang: str, *, decisions: list[dict] | None = None,
              generated: date | None = None) -> bytes:
    """The handout for one quarter."""
    _check_tools()
    quarter = Quarter.parse(figures["quarter"]).label(lang)
    head = figures["headline"]
    pdf = _Handout(t("deck.source", lang, plan=plan_name, quarter=quarter,
                     date=(generated or date.today()).isoformat()))
    pdf.heading(plan_name)
    pdf.para(t("deck.subtitle", lang, quarter=quarter), 16)
    buckets = head["buckets"]
    for line in (t("deck.progress_line", lang, progress=percent(head["progress"], lang),
                   expected=percent(head["expected"], lang)),
                 t("deck.buckets_line", lang, completed=buckets["completed"],
                   on_track=buckets["on_track"], behind=buckets["behind"],
                   overdue=buckets["overdue"], blocked=head["blocked"]),
                 t("deck.completeness_line", lang, share=percent(head["completeness"], lang),
                   received=head["received_reports"], expected=head["expected_reports"])):
        pdf.para(line, 14)
    with tempfile.TemporaryDirectory() as folder:
        for path in _images(_figures(figures, lang), Path(folder)):
            pdf.add_page()  # the chart fits the page, whatever its number of rows
            pdf.image(str(path), x=pdf.l_margin, y=10, w=pdf.epw, h=pdf.eph - 12,
                      keep_aspect_ratio=True)
    pdf.heading(t("deck.attention", lang, quarter=quarter))
    rows = needing_attention(figures)
    obstacles = figures.get("obstacles", {})
    for row in rows[:MAX_TABLE_ROWS]:
        pdf.para(f"{row['code']} · {row['title']} — {row['lead']} · "
                 f"{percent(row['progress'], lang)} / {percent(row['expected'], lang)} · "
                 f"{t('schedule.' + row['bucket'], lang)}"
                 + (f"\n   {obstacles[row['code']]}" if obstacles.get(row["code"]) else ""), 11)
    if len(rows) > MAX_TABLE_ROWS:
        pdf.para(t("chart.and_more", lang, count=len(rows) - MAX_TABLE_ROWS), 11)
    pdf.heading(t("deck.decisions", lang))
    for decision in (decisions or [])[:MAX_TABLE_ROWS]:
        pdf.para(f"• {decision['text']} — {decision.get('owner') or '—'} · "
                 f"{decision.get('follow_up') or '—'}", 12)
    if not decisions:
        pdf.para(t("deck.no_decisions", lang), 12)
    return bytes(pdf.output())
