"""The import template: sheets and columns in English and Spanish, and header matching.

Headers, sheet names and status words are compared without case, accents, spaces,
underscores or hyphens: "Línea estratégica" is ``linea_estrategica`` is ``lineaestrategica``.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

from tracker import rules
from tracker.models import CONTENT_FIELDS, Status


@functools.lru_cache(maxsize=4096, typed=True)
def normalize(text: object) -> str:
    """``text`` as compared: a workbook repeats the same few status and yes/no words in
    every row (60,000 at national scale), so each is worked out once (``typed``: 1, 1.0 and
    True are equal keys to a cache, but not the same text)."""
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
    entity: str = ""  # whose field rules (``tracker.rules``) its cells follow

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


def _sheet(entity: str, name: str, spanish: str, columns: tuple[tuple[str, str], ...],
           required: bool = False) -> Sheet:
    """A sheet whose required columns are the entity's required fields (``tracker.rules``)."""
    return Sheet(name, spanish, tuple(Column(column, translated, rules.required(entity, column))
                                      for column, translated in columns), required, entity)


PLAN = _sheet("plan", "plan", "plan", (
    ("name", "nombre"),
    ("commission", "comision"),
    ("first_quarter", "trimestre_inicial"),
    ("last_quarter", "trimestre_final"),
    ("fiscal_year_start_month", "mes_inicio_ano_fiscal"),
    ("time_zone", "zona_horaria"),  # optional (IANA name); the setting's zone when empty
))
LINES = _sheet("strategic_line", "strategic_lines", "lineas_estrategicas", (
    ("code", "codigo"),
    ("name", "nombre"),
))
INSTITUTIONS = _sheet("institution", "institutions", "instituciones", (
    ("acronym", "sigla"),
    ("name", "nombre"),
    ("country", "pais"),
    ("kind", "tipo"),
), required=True)
ITEMS = _sheet("action_item", "items", "acciones", (
    ("code", "codigo"),
    ("strategic_line", "linea_estrategica"),
    ("title", "titulo"),
    ("description", "descripcion"),
    ("lead_institution", "institucion_responsable"),
    ("supporting_institutions", "instituciones_de_apoyo"),
    ("start_quarter", "trimestre_inicio"),
    ("due_quarter", "trimestre_fin"),
    ("indicator", "indicador"),
    ("unit", "unidad"),
    ("baseline", "linea_base"),
    ("target", "meta"),
    ("weight", "peso"),
), required=True)
REPORTS = _sheet("report", "reports", "reportes", (
    ("code", "codigo"),
    ("quarter", "trimestre"),
    ("institution", "institucion"),
    *((spec.name, spec.spanish) for spec in CONTENT_FIELDS),  # the report's content
))
SHEETS = (PLAN, LINES, INSTITUTIONS, ITEMS, REPORTS)
INSTRUCTION_SHEETS = ("instructions", "instrucciones")


def sheet_for(name: object) -> Sheet | None:
    key = normalize(name)
    for sheet in SHEETS:
        if key in (normalize(sheet.name), normalize(sheet.spanish)):
            return sheet
    return None


STATUS_WORDS: dict[str, Status] = {  # each status's value, and other words for it
    normalize(word): status
    for status, words in {
        Status.NOT_STARTED: ("not started", "no iniciado", "no iniciada", "sin iniciar"),
        Status.IN_PROGRESS: ("in progress", "en curso", "en progreso", "en proceso"),
        Status.COMPLETED: ("complete", "done", "completado", "completada", "finalizado",
                           "finalizada"),
        Status.BLOCKED: ("bloqueado", "bloqueada"),
        Status.CANCELLED: ("canceled", "cancelado", "cancelada"),
    }.items()
    for word in (status.value, *words)
}

TRUE_WORDS = {normalize(w) for w in ("yes", "y", "true", "1", "x", "si", "sí", "verdadero")}
FALSE_WORDS = {normalize(w) for w in ("no", "n", "false", "0", "falso", "")}

# What an export writes, in the workbook's language: words the importer above reads back.
EXPORT_STATUS_WORDS: dict[str, dict[Status, str]] = {
    "en": {status: status.value for status in Status},
    "es": {Status.NOT_STARTED: "no iniciado", Status.IN_PROGRESS: "en curso",
           Status.COMPLETED: "completado", Status.BLOCKED: "bloqueado",
           Status.CANCELLED: "cancelado"},
}
EXPORT_YES = {"en": "yes", "es": "sí"}


def status_word(status: object, lang: str) -> str:
    """A stored status as an export in ``lang`` writes it ("en curso")."""
    words = EXPORT_STATUS_WORDS.get(lang, EXPORT_STATUS_WORDS["en"])
    return words[Status(str(status))] if status else ""


def yes_word(value: object, lang: str) -> str:
    """A true flag as an export in ``lang`` writes it ("sí"); an empty cell for false."""
    return EXPORT_YES.get(lang, EXPORT_YES["en"]) if value else ""
