"""National-scale data for the benchmarks: 3 countries, 60 institutions, 4 plans, 6,000 items
over 24 quarters and about 150,000 reports with supporting institutions.

Written with bulk inserts straight into the tables (the import is measured separately, on the
workbook exported from this data). Deterministic: the same seed gives the same database.
Institutions and their actions only; nothing about victims.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import insert, text
from sqlalchemy.engine import Connection, Engine

from tracker.models import (
    ActionItem,
    Institution,
    ItemSupport,
    Plan,
    Report,
    ReportingPeriod,
    ReportRevision,
    RoleGrant,
    Status,
    StrategicLine,
    User,
)
from tracker.quarters import Quarter, quarter_range
from tracker.services.accounts import hash_password
from tracker.services.plans import default_deadline, period_states

FIRST, LAST = Quarter(2021, 1), Quarter(2026, 4)
BENCH_PASSWORD = "bench-national-2026"
BENCH_ADMIN = "admin@bench.example"
TRINATIONAL = "Plan trinacional contra la trata de personas 2021-2026"
NATIONAL_PLANS = {
    "EC": "Plan nacional de acción Ecuador 2021-2026",
    "CO": "Plan nacional de acción Colombia 2021-2026",
    "PE": "Plan nacional de acción Perú 2021-2026",
}
PLAN_SIZES = {TRINATIONAL: 2400, **{name: 1200 for name in NATIONAL_PLANS.values()}}
MEASURED_PLAN = TRINATIONAL

NATIONAL_BODIES = {
    "EC": [("MREMH", "Ministerio de Relaciones Exteriores y Movilidad Humana", "ministry"),
           ("MMDH", "Ministerio de la Mujer y Derechos Humanos", "ministry"),
           ("PN-EC", "Policía Nacional del Ecuador", "police"),
           ("DINAPEN", "Dirección Nacional de Policía Especializada para Niños, Niñas y "
                       "Adolescentes", "specialised police"),
           ("FGE", "Fiscalía General del Estado", "prosecution")],
    "CO": [("CANCILLERIA-CO", "Ministerio de Relaciones Exteriores de Colombia", "ministry"),
           ("MININTER-CO", "Ministerio del Interior de Colombia", "ministry"),
           ("ICBF", "Instituto Colombiano de Bienestar Familiar", "child protection"),
           ("MIGRACION-CO", "Migración Colombia", "migration"),
           ("FGN", "Fiscalía General de la Nación", "prosecution")],
    "PE": [("RREE-PE", "Ministerio de Relaciones Exteriores del Perú", "ministry"),
           ("MININTER-PE", "Ministerio del Interior del Perú", "ministry"),
           ("MIMP", "Ministerio de la Mujer y Poblaciones Vulnerables", "ministry"),
           ("MIGRACIONES-PE", "Superintendencia Nacional de Migraciones", "migration"),
           ("MPFN", "Ministerio Público — Fiscalía de la Nación", "prosecution")],
}
PROVINCES = {
    "EC": ("Gobierno Provincial de", ["Pichincha", "Guayas", "Azuay", "Manabí", "El Oro",
           "Esmeraldas", "Sucumbíos", "Carchi", "Imbabura", "Loja", "Tungurahua",
           "Chimborazo", "Los Ríos", "Santo Domingo", "Orellana"]),
    "CO": ("Gobernación de", ["Nariño", "Putumayo", "Valle del Cauca", "Cauca", "Antioquia",
           "Cundinamarca", "Santander", "Norte de Santander", "Atlántico", "Bolívar",
           "Amazonas", "Huila", "Risaralda", "La Guajira", "Meta"]),
    "PE": ("Gobierno Regional de", ["Tumbes", "Piura", "Loreto", "Madre de Dios", "Cusco",
           "Puno", "Arequipa", "La Libertad", "Lambayeque", "Junín", "Ucayali", "Tacna",
           "Cajamarca", "Áncash", "San Martín"]),
}
LINES = ["Prevención y sensibilización", "Capacitación de servidores públicos",
         "Coordinación interinstitucional", "Protección y asistencia",
         "Persecución y sanción del delito", "Cooperación fronteriza",
         "Información y estadística", "Niñas, niños y adolescentes",
         "Gobiernos locales", "Marco normativo", "Comunicación", "Seguimiento y evaluación"]
ACTIONS = ["Capacitar a servidores de", "Elaborar el protocolo de", "Difundir la ruta de",
           "Fortalecer la mesa técnica de", "Actualizar el registro de", "Evaluar el plan de",
           "Coordinar operativos de control en", "Equipar la unidad especializada de"]
# profile: share of items, quarters it takes (× planned), whether it ends
PROFILES = [("steady", 0.50), ("slow", 0.17), ("fast", 0.10), ("blocked", 0.06),
            ("stalled", 0.08), ("cancelled", 0.04), ("silent", 0.05)]
REPORTED_UNTIL = Quarter(2026, 3)  # the open quarter is 2026-Q4 (today 2026-11-24)


@dataclass
class _Rows:
    """Rows per table, with the next id of each."""

    tables: dict[str, list[dict]] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, row: dict) -> int:
        self.ids[table] = self.ids.get(table, 0) + 1
        self.tables.setdefault(table, []).append({"id": self.ids[table], **row})
        return self.ids[table]

    def add_plain(self, table: str, row: dict) -> None:
        self.tables.setdefault(table, []).append(row)


def _institutions(rows: _Rows) -> dict[str, list[int]]:
    by_country: dict[str, list[int]] = {}
    for country, bodies in NATIONAL_BODIES.items():
        prefix, provinces = PROVINCES[country]
        entries = [*bodies, *[(f"{country}-{_ascii(p)[:6].upper()}", f"{prefix} {p}",
                               "local government") for p in provinces]]
        for acronym, name, kind in entries:
            by_country.setdefault(country, []).append(rows.add(
                "institution", {"acronym": acronym, "name": name, "country": country,
                                "kind": kind}))
    return by_country


def _ascii(text_: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", text_).encode("ascii", "ignore").decode()
    return plain.replace(" ", "")


def _trajectory(profile: str, start: Quarter, due: Quarter, rng: random.Random
                ) -> list[tuple[Quarter, str, float]]:
    """(quarter, status, percent) of the lead's reports up to REPORTED_UNTIL."""
    planned = due.ordinal - start.ordinal + 1
    pace = {"steady": 1.0, "slow": 0.6, "fast": 1.5, "blocked": 0.8, "stalled": 0.7,
            "cancelled": 0.8}.get(profile, 1.0) * rng.uniform(0.85, 1.15)
    reports = []
    percent = 0.0
    for index, quarter in enumerate(quarter_range(start, min(REPORTED_UNTIL, due + 4))):
        if profile == "silent":
            break
        percent = min(100.0, round(100.0 * pace * (index + 1) / planned))
        status = Status.COMPLETED if percent >= 100 else Status.IN_PROGRESS
        if profile == "stalled":
            percent = min(percent, 70.0)
            status = Status.IN_PROGRESS
        if profile == "blocked" and index >= planned // 2:
            status = Status.BLOCKED
            percent = reports[-1][2] if reports else 0.0
        if profile == "cancelled" and index >= planned // 2:
            reports.append((quarter, Status.CANCELLED, percent))
            break
        reports.append((quarter, status, percent))
        if status == Status.COMPLETED:
            break
    return reports


def _revision(rows: _Rows, report_id: int, number: int, state: str, status: str,
              percent: float, item_target: float, author: int, when: datetime) -> int:
    return rows.add("report_revision", {
        "report_id": report_id, "number": number, "state": state, "status": status,
        "percent_complete": percent, "indicator_value": round(item_target * percent / 100),
        "narrative": f"Avance del {percent:.0f} % según el informe trimestral.",
        "obstacles": "Rotación de personal en la institución." if status == "blocked" else "",
        "next_steps": "Continuar con lo planificado.", "evidence_link": None,
        "nothing_to_report": False, "review_comment": None, "author_id": author,
        "created_at": when,
    })


def _report(rows: _Rows, item: dict, institution_id: int, quarter: Quarter, status: str,
            percent: float, author: int, rng: random.Random, state: str = "approved") -> None:
    report_id = rows.add("report", {"item_id": item["id"], "quarter": str(quarter),
                                    "institution_id": institution_id, "version": 1,
                                    "latest_revision_id": None, "counting_revision_id": None})
    when = datetime.combine(quarter.last_day(1), datetime.min.time(), tzinfo=UTC)
    first = _revision(rows, report_id, 1, state, status, percent, item["target"], author, when)
    latest, counting, version = first, first if state != "draft" else None, 1
    if state == "approved" and rng.random() < 0.1:  # corrected once after review
        version = 2
        latest = counting = _revision(rows, report_id, 2, state, status, percent,
                                      item["target"], author, when)
    report = rows.tables["report"][-1]
    report.update(version=version, latest_revision_id=latest, counting_revision_id=counting)


def _plan(rows: _Rows, name: str, size: int, leads: list[int], admin: int,
          rng: random.Random) -> None:
    plan = Plan(name=name, commission="Comisión interinstitucional contra la trata de personas",
                first_quarter=FIRST, last_quarter=LAST)
    plan_id = rows.add("plan", {"name": name, "commission": plan.commission,
                                "first_quarter": plan.first_quarter,
                                "last_quarter": plan.last_quarter,
                                "fiscal_year_start_month": 1, "archived": False,
                                "created_at": datetime(2021, 1, 4, tzinfo=UTC)})
    for quarter, state in period_states(plan, datetime(2026, 11, 24).date()).items():
        rows.add("reporting_period", {"plan_id": plan_id, "quarter": str(quarter),
                                      "state": state,
                                      "deadline": default_deadline(plan, quarter)})
    line_count = 12 if name == TRINATIONAL else 8
    lines = [rows.add("strategic_line", {"plan_id": plan_id, "code": str(n + 1),
                                         "name": LINES[n]}) for n in range(line_count)]
    rows.add("role_grant", {"user_id": admin, "plan_id": plan_id, "role": "coordinator"})
    profiles, shares = zip(*PROFILES, strict=True)
    for number in range(size):
        line = number % line_count
        lead = rng.choice(leads)
        start = Quarter.from_ordinal(FIRST.ordinal + rng.randrange(0, 22))
        due = Quarter.from_ordinal(min(LAST.ordinal, start.ordinal + rng.randrange(3, 16)))
        target = float(rng.choice([4, 10, 12, 20, 50, 100]))
        supporters = rng.sample([i for i in leads if i != lead], rng.choice([1, 2, 2, 3, 3]))
        item = {"plan_id": plan_id, "code": f"{line + 1}.{number // line_count + 1}",
                "title": f"{rng.choice(ACTIONS)} {LINES[line].lower()} (acción {number + 1})",
                "description": "", "line_id": lines[line], "lead_institution_id": lead,
                "start_quarter": str(start), "due_quarter": str(due),
                "indicator": "Acciones cumplidas", "unit": "acciones", "baseline": 0.0,
                "target": target, "weight": float(rng.choice([1, 1, 1, 2, 3])),
                "archived": False, "decision_id": None, "version": 1}
        item["id"] = rows.add("action_item", item)
        for supporter in supporters:
            rows.add_plain("item_support", {"item_id": item["id"], "institution_id": supporter})
        profile = rng.choices(profiles, shares)[0]
        for quarter, status, percent in _trajectory(profile, start, due, rng):
            if rng.random() < 0.95:
                _report(rows, item, lead, quarter, status, percent, admin, rng)
            for supporter in supporters:
                if rng.random() < 0.9:
                    _report(rows, item, supporter, quarter, Status.IN_PROGRESS,
                            min(percent, 100.0), admin, rng)
        open_quarter = REPORTED_UNTIL + 1
        if start <= open_quarter and profile != "silent" and rng.random() < 0.3:
            state = "submitted" if rng.random() < 0.6 else "draft"
            _report(rows, item, lead, open_quarter, Status.IN_PROGRESS, 50.0, admin, rng,
                    state)


TABLES = [("institution", Institution), ("app_user", User), ("plan", Plan),
          ("reporting_period", ReportingPeriod), ("strategic_line", StrategicLine),
          ("role_grant", RoleGrant), ("action_item", ActionItem),
          ("item_support", ItemSupport), ("report", Report),
          ("report_revision", ReportRevision)]


def national_rows(seed: int = 2026) -> _Rows:
    rng = random.Random(seed)
    rows = _Rows()
    by_country = _institutions(rows)
    admin = rows.add("app_user", {
        "email": BENCH_ADMIN, "display_name": "Bench coordinator", "institution_id": None,
        "language": "es", "password_hash": hash_password(BENCH_PASSWORD), "is_active": True,
        "is_admin": True, "created_at": datetime(2021, 1, 4, tzinfo=UTC)})
    everyone = [i for ids in by_country.values() for i in ids]
    _plan(rows, TRINATIONAL, PLAN_SIZES[TRINATIONAL], everyone, admin, rng)
    for country, name in NATIONAL_PLANS.items():
        _plan(rows, name, PLAN_SIZES[name], by_country[country], admin, rng)
    return rows


def load_national(engine: Engine, seed: int = 2026) -> dict[str, int]:
    """Fill an empty, migrated database; the row count of each table."""
    rows = national_rows(seed)
    with engine.begin() as connection:
        for name, model in TABLES:
            records = rows.tables.get(name, [])
            for start in range(0, len(records), 20_000):
                connection.execute(insert(model.__table__), records[start:start + 20_000])
        _advance_sequences(connection)
    return {name: len(rows.tables.get(name, [])) for name, _ in TABLES}


def _advance_sequences(connection: Connection) -> None:
    """Ids were given explicitly; PostgreSQL's sequences must move past them."""
    if connection.dialect.name != "postgresql":
        return
    for name, _ in TABLES:
        if name != "item_support":
            connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {name}), 1))"))
