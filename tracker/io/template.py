"""The import template: sheets and columns in English and Spanish, and header matching.

Headers, sheet names and status words are compared without case, accents, spaces,
underscores or hyphens: "Línea estratégica" is ``linea_estrategica`` is ``lineaestrategica``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from tracker.models import Status


def normalize(text: object) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in plain.lower() if ch not in " _-\t\n\r\ufeff")


@dataclass(frozen=True)
class Column:
    name: str
    spanish: str
    required: bool = False


@dataclass(frozen=True)
class Sheet:
    name: str
    spanish: str
    columns: tuple[Column, ...]
    required: bool = False

    def column(self, header: object) -> Column | None:
        key = normalize(header)
        for column in self.columns:
            if key in (normalize(column.name), normalize(column.spanish)):
                return column
        return None

    def title(self, lang: str) -> str:
        return self.spanish if lang == "es" else self.name

    def headers(self, lang: str) -> list[str]:
        return [c.spanish if lang == "es" else c.name for c in self.columns]


PLAN = Sheet("plan", "plan", (
    Column("name", "nombre", True),
    Column("commission", "comision"),
    Column("first_quarter", "trimestre_inicial", True),
    Column("last_quarter", "trimestre_final", True),
    Column("fiscal_year_start_month", "mes_inicio_ano_fiscal"),
))
LINES = Sheet("strategic_lines", "lineas_estrategicas", (
    Column("code", "codigo", True),
    Column("name", "nombre", True),
))
INSTITUTIONS = Sheet("institutions", "instituciones", (
    Column("acronym", "sigla", True),
    Column("name", "nombre", True),
    Column("country", "pais", True),
    Column("kind", "tipo"),
), required=True)
ITEMS = Sheet("items", "acciones", (
    Column("code", "codigo", True),
    Column("strategic_line", "linea_estrategica", True),
    Column("title", "titulo", True),
    Column("description", "descripcion"),
    Column("lead_institution", "institucion_responsable", True),
    Column("supporting_institutions", "instituciones_de_apoyo"),
    Column("start_quarter", "trimestre_inicio", True),
    Column("due_quarter", "trimestre_fin", True),
    Column("indicator", "indicador"),
    Column("unit", "unidad"),
    Column("baseline", "linea_base"),
    Column("target", "meta"),
    Column("weight", "peso"),
), required=True)
REPORTS = Sheet("reports", "reportes", (
    Column("code", "codigo", True),
    Column("quarter", "trimestre", True),
    Column("institution", "institucion"),
    Column("status", "estado"),
    Column("percent_complete", "porcentaje_avance"),
    Column("indicator_value", "valor_indicador"),
    Column("narrative", "narrativa"),
    Column("obstacles", "obstaculos"),
    Column("next_steps", "proximos_pasos"),
    Column("evidence_link", "enlace_evidencia"),
    Column("nothing_to_report", "nada_que_reportar"),
))
SHEETS = (PLAN, LINES, INSTITUTIONS, ITEMS, REPORTS)
INSTRUCTION_SHEETS = ("instructions", "instrucciones")


def sheet_for(name: object) -> Sheet | None:
    key = normalize(name)
    for sheet in SHEETS:
        if key in (normalize(sheet.name), normalize(sheet.spanish)):
            return sheet
    return None


STATUS_WORDS: dict[str, Status] = {
    normalize(word): status
    for status, words in {
        Status.NOT_STARTED: ("not_started", "not started", "no iniciado", "no iniciada",
                             "sin iniciar"),
        Status.IN_PROGRESS: ("in_progress", "in progress", "en curso", "en progreso",
                             "en proceso"),
        Status.COMPLETED: ("completed", "complete", "done", "completado", "completada",
                           "finalizado", "finalizada"),
        Status.BLOCKED: ("blocked", "bloqueado", "bloqueada"),
        Status.CANCELLED: ("cancelled", "canceled", "cancelado", "cancelada"),
    }.items()
    for word in words
}

TRUE_WORDS = {normalize(w) for w in ("yes", "y", "true", "1", "x", "si", "sí", "verdadero")}
FALSE_WORDS = {normalize(w) for w in ("no", "n", "false", "0", "falso", "")}
