from __future__ import annotations

import re
from pathlib import Path

import pytest

from tracker.i18n import catalog, choose_language, moment, number, percent, t

ROOT = Path(__file__).resolve().parent.parent
PREFIXES = "|".join(sorted({key.split(".")[0] for key in catalog("en")}))
KEY = re.compile(rf"""["']((?:{PREFIXES})\.[a-z0-9_.]+[a-z0-9_])["']""")


def test_both_catalogs_have_the_same_messages():
    assert set(catalog("es")) == set(catalog("en"))
    assert all(catalog("es").values()) and all(catalog("en").values())


def test_both_catalogs_use_the_same_placeholders():
    field = re.compile(r"\{(\w+)\}")
    for key, english in catalog("en").items():
        assert set(field.findall(english)) == set(field.findall(catalog("es")[key])), key


def test_every_key_written_in_the_code_is_in_the_catalogs():
    sources = [*ROOT.glob("tracker/**/*.py"), *ROOT.glob("pages/*.py"), ROOT / "dashboard.py",
               *ROOT.glob("ui/*.py")]
    used = {key for path in sources for key in KEY.findall(path.read_text(encoding="utf-8"))
            if not key.endswith(".id")}  # foreign keys such as "report.id" are not messages
    assert used, "the pattern found no key at all"
    assert sorted(used - set(catalog("en"))) == []


def test_language_comes_from_url_then_user_then_setting(monkeypatch):
    monkeypatch.setenv("TRACKER_DEFAULT_LANG", "es")
    assert choose_language("en", "es") == "en"
    assert choose_language("xx", "en") == "en"  # an unknown URL value is ignored
    assert choose_language(None, None) == "es"
    monkeypatch.setenv("TRACKER_DEFAULT_LANG", "fr")
    assert choose_language(None, None) == "en"


def test_numbers_follow_the_locale():
    assert number(12345.678, "es") == "12.345,7"
    assert number(12345.678, "en") == "12,345.7"
    assert percent(45.25, "es") == "45,2 %"
    assert percent(45.25, "en") == "45.2%"
    assert percent(None, "en") == "—"
    assert percent(float("nan"), "es") == "—"


@pytest.mark.parametrize("lang, expected", [("es", "No hay ningún plan llamado X"),
                                            ("en", "No plan named X")])
def test_messages_fill_their_values(lang, expected):
    assert t("error.plan_not_found", lang, name="X") == expected
    assert t("no.such.key", lang) == "no.such.key"


def test_keys_built_from_the_vocabulary_exist():
    from tracker.metrics import Bucket
    from tracker.models import PeriodState, ReportState, Role, Status
    from tracker.services.permissions import Permission

    keys = ([f"status.{s}" for s in Status] + [f"bucket.{b}" for b in Bucket]
            + [f"schedule.{b}" for b in Bucket]
            + [f"period.{p}" for p in PeriodState] + [f"state.{r}" for r in ReportState]
            + [f"role.{r}" for r in (*Role, "admin")]
            + [f"error.not_allowed.{p}" for p in Permission])
    assert [key for key in keys if key not in catalog("en")] == []


@pytest.mark.parametrize("lang", ["es", "en"])
def test_numbers_read_as_babel_formats_them_with_the_locale_parsed_once(lang):
    """``number`` keeps one parsed locale and pattern (Babel parses them on every call, under
    a process-wide lock): the text is Babel's own ``format_decimal``'s, rounding included."""
    from babel.numbers import format_decimal

    for value in (0, 0.05, 2.5, 12.345, 45.25, 45.35, 99.95, -3.25, 1234.5, 1234567.891):
        for digits in (0, 1, 2):
            pattern = "#,##0." + "0" * digits if digits else "#,##0"
            assert number(value, lang, digits) == format_decimal(value, format=pattern,
                                                                 locale=lang)


PLURALS = [  # (key, count, Spanish, English)
    ("review.count", 0, "0 reportes enviados esperando revisión",
     "0 submitted reports waiting for review"),
    ("review.count", 1, "1 reporte enviado esperando revisión",
     "1 submitted report waiting for review"),
    ("review.count", 2, "2 reportes enviados esperando revisión",
     "2 submitted reports waiting for review"),
    ("import.rejected", 1, "El archivo no se importó: 1 problema. No se guardó nada.",
     "The file was not imported: 1 problem. Nothing was written."),
    ("import.rejected", 2, "El archivo no se importó: 2 problemas. No se guardó nada.",
     "The file was not imported: 2 problems. Nothing was written."),
    ("summary.group_count", 0, "0 grupos", "0 groups"),
    ("summary.group_count", 1, "1 grupo", "1 group"),
    ("summary.group_count", 2, "2 grupos", "2 groups"),
    ("summary.overdue_of_them", 1, "1 de ellas vencida", "1 of them overdue"),
    ("summary.overdue_of_them", 2, "2 de ellas vencidas", "2 of them overdue"),
    ("cli.remind_sent", 1, "1 recordatorio enviado.", "1 reminder sent."),
    ("cli.remind_sent", 0, "0 recordatorios enviados.", "0 reminders sent."),
    ("mine.drafts_submitted", 1, "El reporte se envió.", "The report was submitted."),
    ("mine.drafts_submitted", 2, "2 reportes enviados.", "2 reports submitted."),
    ("review.institution_count", 1, "1 institución", "1 institution"),
    ("review.institution_count", 2, "2 instituciones", "2 institutions"),
]


@pytest.mark.parametrize("key, count, spanish, english", PLURALS)
def test_a_count_chooses_the_plural_form_of_each_language(key, count, spanish, english):
    """An integer ``count`` picks the form by Babel's plural rules: "1 reporte enviado",
    never "1 reporte(s) enviado(s)" nor "1 grupos"."""
    assert t(key, "es", count=count) == spanish
    assert t(key, "en", count=count) == english


def test_no_message_hedges_its_plural_with_parentheses():
    for lang in ("es", "en"):
        hedged = [key for key, text in catalog(lang).items()
                  if re.search(r"\w\((s|es)\)", text)]
        assert hedged == [], lang


def test_messages_show_quarters_dates_times_and_states_in_the_readers_language():
    from datetime import UTC, date, datetime

    from tracker.models import PeriodState
    from tracker.quarters import Quarter

    assert t("report.quarter_closed", "es", quarter=Quarter(2026, 3)).startswith(
        "El trimestre T3 2026 está cerrado")
    assert t("report.quarter_closed", "en", quarter=Quarter(2026, 3)).startswith(
        "The quarter Q3 2026 is closed")
    locked = t("report.quarter_locked", "es", quarter=Quarter(2026, 3), date=date(2026, 12, 7))
    assert "T3 2026" in locked and "la reunión del 7 dic 2026" in locked
    moved = t("plan.bad_transition", "es", quarter=Quarter(2026, 3),
              state=PeriodState.CLOSED, to=PeriodState.UPCOMING)
    assert moved == ("El trimestre T3 2026 está en estado cerrado: no puede pasar a aún no "
                     "abierto desde ahí.")
    at = datetime(2026, 12, 7, 19, 55, tzinfo=UTC)
    assert moment(at, "es", "America/Guayaquil") == "7 dic 2026, 14:55 (hora de Ecuador)"
    assert moment(at, "en", "America/Guayaquil") == "Dec 7, 2026, 2:55\u202fPM (Ecuador Time)"
    assert moment(at.replace(tzinfo=None), "es", "America/Lima").startswith("7 dic 2026, 14:55")
    assert moment(at, "es") == "7 dic 2026, 19:55 (UTC)"
