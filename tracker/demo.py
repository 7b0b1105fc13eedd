"""The demo: Ecuador's inter-institutional commission and a tri-national plan.

Built as template sheets and loaded through the importer, so the demo exercises the same path
as a coordinator's workbook. History runs up to the quarter before the open one (the quarter
under evaluation: the last that ended, clamped to the plan), so the demo looks current whatever
the date; tests fix the date with
``TRACKER_TODAY``. Institutions' actions only: nothing about victims.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

from tracker import changes
from tracker.io.reader import RawSheet
from tracker.io.template import INSTITUTIONS, ITEMS, LINES, PLAN, REPORTS, Sheet, sheet_for
from tracker.models import ActionItem, Institution, Plan, ReportState, Role, Status, User
from tracker.quarters import Quarter, quarter_range, under_evaluation
from tracker.services import accounts, plans
from tracker.services.imports import import_path, import_sheets
from tracker.services.permissions import SYSTEM
from tracker.services.reports import ReportContent, append_revision, find_report
from tracker.settings import DEMO_PASSWORD, get_settings

DEMO_DOMAIN = "demo.example"

INSTITUTION_ROWS = [
    ("OIM", "Organización Internacional para las Migraciones — Misión en Ecuador", "EC",
     "organismo internacional"),
    ("MREMH", "Ministerio de Relaciones Exteriores y Movilidad Humana", "EC", "ministerio"),
    ("INNFA", "Instituto Nacional de la Niñez y la Familia", "EC", "protección de la niñez"),
    ("PN", "Policía Nacional del Ecuador", "EC", "policía"),
    ("DINAPEN", "Dirección Nacional de Policía Especializada para Niños, Niñas y Adolescentes",
     "EC", "policía especializada"),
    ("FGE", "Fiscalía General del Estado (Ecuador)", "EC", "fiscalía"),
    ("MININTER-CO", "Ministerio del Interior de Colombia", "CO", "ministerio"),
    ("ICBF", "Instituto Colombiano de Bienestar Familiar", "CO", "protección de la niñez"),
    ("FGN", "Fiscalía General de la Nación (Colombia)", "CO", "fiscalía"),
    ("MININTER-PE", "Ministerio del Interior del Perú", "PE", "ministerio"),
    ("MIMP", "Ministerio de la Mujer y Poblaciones Vulnerables", "PE", "ministerio"),
    ("MPFN", "Ministerio Público — Fiscalía de la Nación (Perú)", "PE", "fiscalía"),
]

ECUADOR_PLAN = "Plan de trabajo conjunto Ecuador 2025-2027"
ECUADOR_LINES = [
    ("1", "Fortalecimiento de la capacidad institucional"),
    ("2", "Sensibilización y concienciación"),
    ("3", "Capacitación de funcionarios públicos"),
    ("4", "Prevención con niñas, niños y adolescentes y derechos de las víctimas"),
    ("5", "Intercambio de información y coordinación"),
    ("6", "Protección y asistencia a víctimas"),
]


@dataclass(frozen=True)
class DemoItem:
    code: str
    line: str
    title: str
    lead: str
    supporters: str
    start: str
    due: str
    indicator: str
    unit: str
    baseline: float
    target: float
    weight: float = 1.0
    profile: str = "steady"  # steady, fast, slow, blocked, cancelled, stalled, silent


# Profiles: steady (on time), fast (done early), slow (behind), blocked (stops and says so),
# cancelled (dropped by the commission), stalled (past due, unfinished), silent (never reports)
ECUADOR_ITEMS = [
    DemoItem("1.1", "1", "Acuerdo de cooperación OIM–MREMH–INNFA–PN–DINAPEN firmado y difundido",
             "MREMH", "OIM; INNFA; PN; DINAPEN", "2025-Q1", "2025-Q2",
             "Instituciones firmantes", "instituciones", 0, 5, 1, "fast"),
    DemoItem("1.2", "1", "Punto focal designado por cada institución de la comisión", "OIM",
             "MREMH; INNFA; PN; DINAPEN", "2025-Q1", "2025-Q2", "Puntos focales designados",
             "personas", 0, 5, 1, "steady"),
    DemoItem("1.3", "1", "Reglamento interno de la comisión interinstitucional aprobado", "MREMH",
             "OIM", "2025-Q2", "2025-Q4", "Reglamento aprobado", "documentos", 0, 1, 1, "steady"),
    DemoItem("1.4", "1", "Unidad especializada contra la trata en la Policía Nacional",
             "PN", "DINAPEN; OIM", "2025-Q2", "2026-Q4", "Provincias con unidad operativa",
             "provincias", 2, 8, 2, "slow"),
    DemoItem("1.5", "1", "Presupuesto anual de la comisión incluido en la proforma del Estado",
             "MREMH", "", "2025-Q3", "2026-Q2", "Instituciones con partida asignada",
             "instituciones", 0, 4, 1, "stalled"),
    DemoItem("2.1", "2", "Campaña nacional «No a la trata» en medios y redes", "OIM",
             "MREMH; INNFA", "2025-Q2", "2026-Q4", "Personas alcanzadas por la campaña",
             "personas", 0, 500000, 2, "steady"),
    DemoItem("2.2", "2", "Difusión de la línea de ayuda 101 de la Policía Nacional", "PN",
             "OIM; DINAPEN", "2025-Q1", "2025-Q4", "Cantones con material difundido",
             "cantones", 0, 60, 1, "fast"),
    DemoItem("2.3", "2", "Ferias comunitarias en Chimborazo, Tungurahua e Imbabura", "INNFA",
             "OIM; DINAPEN", "2025-Q3", "2026-Q4", "Ferias realizadas", "ferias", 0, 24, 1,
             "slow"),
    DemoItem("2.4", "2", "Mensajes preventivos en pasos fronterizos con Colombia y Perú",
             "MREMH", "OIM; PN", "2026-Q1", "2027-Q2", "Pasos fronterizos con señalética",
             "pasos", 0, 9, 1, "steady"),
    DemoItem("2.5", "2", "Guía para periodistas sobre cobertura responsable de la trata", "OIM",
             "", "2026-Q2", "2026-Q4", "Medios que adoptan la guía", "medios", 0, 20, 1,
             "silent"),
    DemoItem("3.1", "3", "Módulo de formación sobre trata para funcionarios públicos", "OIM",
             "INNFA; PN", "2025-Q1", "2025-Q3", "Módulo validado", "módulos", 0, 1, 1, "steady"),
    DemoItem("3.2", "3", "Capacitación de policías en identificación de posibles casos", "PN",
             "OIM; DINAPEN", "2025-Q2", "2026-Q4", "Policías capacitados", "personas", 0,
             1200, 2, "steady"),
    DemoItem("3.3", "3", "Capacitación de personal consular en detección y referencia",
             "MREMH", "OIM", "2025-Q3", "2026-Q3", "Funcionarios consulares capacitados",
             "personas", 0, 150, 1, "fast"),
    DemoItem("3.4", "3", "Formación de educadores del INNFA en prevención", "INNFA", "OIM",
             "2025-Q2", "2026-Q2", "Educadores formados", "personas", 0, 400, 1, "stalled"),
    DemoItem("3.5", "3", "Curso virtual para operadores de justicia", "OIM", "PN", "2026-Q1",
             "2027-Q1", "Operadores que aprueban el curso", "personas", 0, 300, 1, "slow"),
    DemoItem("3.6", "3", "Formación de agentes de DINAPEN en entrevista a niñas y niños",
             "DINAPEN", "INNFA; OIM", "2025-Q4", "2026-Q4", "Agentes formados", "personas",
             0, 200, 1, "steady"),
    DemoItem("4.1", "4", "Talleres de prevención en escuelas de provincias de origen", "INNFA",
             "DINAPEN; OIM", "2025-Q2", "2027-Q2", "Estudiantes participantes", "personas", 0,
             15000, 2, "steady"),
    DemoItem("4.2", "4", "Protocolo de atención a niñas, niños y adolescentes", "INNFA",
             "DINAPEN; PN; OIM", "2025-Q1", "2025-Q4", "Protocolo aprobado", "documentos", 0,
             1, 2, "fast"),
    DemoItem("4.3", "4", "Operativos de control de trabajo infantil y mendicidad", "DINAPEN",
             "PN; INNFA", "2025-Q3", "2027-Q4", "Operativos realizados", "operativos", 0, 80,
             1, "steady"),
    DemoItem("4.4", "4", "Material educativo sobre derechos de las víctimas en kichwa", "INNFA",
             "OIM", "2026-Q1", "2026-Q4", "Ejemplares distribuidos", "ejemplares", 0, 10000,
             1, "blocked"),
    DemoItem("4.5", "4", "Red de familias acogientes capacitadas", "INNFA", "", "2025-Q4",
             "2026-Q3", "Familias capacitadas", "familias", 0, 60, 1, "cancelled"),
    DemoItem("5.1", "5", "Mecanismo de intercambio de información entre instituciones", "MREMH",
             "OIM; PN; DINAPEN; INNFA", "2025-Q1", "2026-Q2", "Instituciones conectadas",
             "instituciones", 0, 5, 2, "blocked"),
    DemoItem("5.2", "5", "Compilación de datos institucionales sobre acciones contra la trata",
             "OIM", "MREMH; PN", "2025-Q2", "2026-Q2", "Informes compilados", "informes", 0,
             4, 1, "steady"),
    DemoItem("5.3", "5", "Reuniones trimestrales de evaluación del plan de trabajo", "MREMH",
             "OIM; INNFA; PN; DINAPEN", "2025-Q1", "2027-Q4", "Reuniones realizadas",
             "reuniones", 0, 12, 1, "steady"),
    DemoItem("5.4", "5", "Hoja de ruta para la coordinación con Colombia y Perú", "MREMH",
             "OIM", "2026-Q1", "2026-Q4", "Hoja de ruta acordada", "documentos", 0, 1, 1,
             "slow"),
    DemoItem("6.1", "6", "Ruta de referencia para la asistencia a víctimas", "OIM",
             "INNFA; MREMH", "2025-Q3", "2026-Q3", "Provincias con ruta activa", "provincias",
             0, 10, 2, "steady"),
    DemoItem("6.2", "6", "Casas de acogida especializadas con estándares de calidad", "INNFA",
             "OIM", "2026-Q1", "2027-Q4", "Casas que cumplen estándares", "casas", 1, 6, 2,
             "steady"),
    DemoItem("6.3", "6", "Repatriación asistida coordinada con consulados", "MREMH", "OIM",
             "2025-Q4", "2027-Q2", "Consulados con procedimiento", "consulados", 0, 15, 1,
             "slow"),
]

TRINATIONAL_PLAN = "Plan trinacional Colombia-Ecuador-Perú 2026-2027"
TRINATIONAL_LINES = [
    ("1", "Prevención"),
    ("2", "Investigación y judicialización"),
    ("3", "Protección de víctimas"),
    ("4", "Cooperación y coordinación binacional"),
]
TRINATIONAL_ITEMS = [
    DemoItem("T1.1", "1", "Campaña trinacional en zonas de frontera", "MININTER-CO",
             "MREMH; MININTER-PE; OIM", "2026-Q1", "2026-Q4", "Municipios fronterizos cubiertos",
             "municipios", 0, 30, 2, "steady"),
    DemoItem("T1.2", "1", "Prevención de la explotación sexual de mujeres en Perú", "MIMP",
             "OIM", "2026-Q1", "2027-Q2", "Regiones con intervención", "regiones", 0, 8, 1,
             "slow"),
    DemoItem("T1.3", "1", "Prevención con asistencia a víctimas en Colombia", "ICBF", "OIM",
             "2026-Q1", "2027-Q1", "Centros zonales con protocolo", "centros", 0, 40, 1,
             "steady"),
    DemoItem("T2.1", "2", "Equipos conjuntos de investigación de fiscalías", "FGE",
             "FGN; MPFN", "2026-Q1", "2027-Q2", "Investigaciones conjuntas abiertas",
             "investigaciones", 0, 12, 2, "slow"),
    DemoItem("T2.2", "2", "Capacitación de fiscales en cooperación judicial internacional",
             "MPFN", "FGN; FGE; OIM", "2026-Q2", "2026-Q4", "Fiscales capacitados", "personas",
             0, 90, 1, "fast"),
    DemoItem("T2.3", "2", "Protocolo de intercambio de información policial", "PN",
             "MININTER-CO; MININTER-PE", "2026-Q1", "2026-Q3", "Países que aplican el protocolo",
             "países", 0, 3, 1, "blocked"),
    DemoItem("T3.1", "3", "Ruta trinacional de retorno y reintegración", "OIM",
             "MREMH; ICBF; MIMP", "2026-Q1", "2027-Q4", "Países con ruta aprobada", "países",
             0, 3, 2, "steady"),
    DemoItem("T3.2", "3", "Atención especializada a niñas, niños y adolescentes en frontera",
             "DINAPEN", "ICBF; MIMP", "2026-Q2", "2027-Q2", "Puntos de atención activos",
             "puntos", 0, 6, 1, "steady"),
    DemoItem("T4.1", "4", "Secretaría técnica rotativa de la mesa trinacional", "MREMH",
             "MININTER-CO; MININTER-PE", "2026-Q1", "2027-Q4", "Reuniones de la mesa",
             "reuniones", 0, 8, 1, "steady"),
    DemoItem("T4.2", "4", "Sistema compartido de indicadores trinacionales", "OIM",
             "MREMH; MININTER-CO; MININTER-PE", "2026-Q2", "2027-Q1", "Indicadores acordados",
             "indicadores", 0, 15, 1, "cancelled"),
]

OBSTACLES = {
    "slow": "Rotación de autoridades y demoras en la asignación de fondos.",
    "blocked": "Se espera la firma de un convenio que depende de otra cartera de Estado.",
    "stalled": "La actividad quedó pendiente por falta de presupuesto en el ejercicio fiscal.",
}


def _jitter(code: str, quarter: Quarter, spread: float) -> float:
    """A repeatable variation in [-spread, spread] for an item and a quarter."""
    seed = zlib.crc32(f"{code}/{quarter}".encode())
    return (seed % 1000 / 999 * 2 - 1) * spread


def _lead_report(item: DemoItem, quarter: Quarter) -> tuple[Status, float] | None:
    """The lead's status and percent for ``quarter``; ``None`` for no report."""
    start, due = Quarter.parse(item.start), Quarter.parse(item.due)
    elapsed, span = start.span_to(quarter), start.span_to(due)
    expected = min(100.0, 100.0 * elapsed / span)
    if item.profile == "silent":
        return None
    pace = {"steady": 1.0, "fast": 1.5, "slow": 0.55, "blocked": 0.6, "cancelled": 0.4,
            "stalled": 0.7}[item.profile]
    percent = round(max(0.0, min(100.0, expected * pace - abs(_jitter(item.code, quarter, 6)))))
    if item.profile == "steady" and elapsed >= span:
        percent = 100
    if item.profile == "stalled":
        percent = min(percent, 70)
    if item.profile == "blocked" and elapsed >= 3:
        percent = round(min(100.0, 100.0 * 2 / span * pace))
        return Status.BLOCKED, percent
    if item.profile == "cancelled" and elapsed >= 3:
        return Status.CANCELLED, percent
    if percent >= 100:
        return Status.COMPLETED, 100.0
    return (Status.IN_PROGRESS if percent > 0 else Status.NOT_STARTED), percent


def _narrative(item: DemoItem, status: Status, value: float) -> str:
    shown = f"{value:,.0f}".replace(",", ".")
    if status is Status.COMPLETED:
        return f"Actividad concluida: {shown} {item.unit} de una meta de {item.target:,.0f}."
    if status is Status.CANCELLED:
        return "La comisión decidió cancelar la actividad y reasignar sus recursos."
    return f"Avance acumulado: {shown} {item.unit} ({item.indicator.lower()})."


def _value(item: DemoItem, percent: float) -> float:
    return round(item.baseline + (item.target - item.baseline) * percent / 100, 0)


def _report_rows(item: DemoItem, last_reported: Quarter) -> list[list[object]]:
    rows: list[list[object]] = []
    start, due = Quarter.parse(item.start), Quarter.parse(item.due)
    for quarter in quarter_range(start, last_reported):
        lead = _lead_report(item, quarter)
        if lead is None:
            continue
        status, percent = lead
        if rows and any(row[2] == item.lead and row[3] in (Status.COMPLETED, Status.CANCELLED)
                        for row in rows):
            break  # nothing more is reported on a finished item
        rows.append([item.code, str(quarter), item.lead, status.value, percent,
                     _value(item, percent), _narrative(item, status, _value(item, percent)),
                     OBSTACLES.get(item.profile, "") if status is not Status.COMPLETED else "",
                     "Continuar según el cronograma acordado." if quarter < due else
                     "Informar el cierre en la próxima reunión.", "", ""])
        for index, supporter in enumerate(filter(None, item.supporters.split("; "))):
            if (quarter.ordinal + index) % 3 == 2:
                rows.append([item.code, str(quarter), supporter, "", "", "", "", "", "", "",
                             "yes"])
            elif (quarter.ordinal + index) % 3 == 0:
                rows.append([item.code, str(quarter), supporter, Status.IN_PROGRESS.value,
                             min(100, percent + 5), "", "Apoyo técnico y logístico a la "
                             f"institución responsable ({item.lead}).", "", "", "", ""])
    return rows


def _sheet(sheet: Sheet, rows: list[list[object]]) -> RawSheet:
    return RawSheet("demo", sheet.name, [c.name for c in sheet.columns],
                    [(n, row) for n, row in enumerate(rows, 2)])


# The workbooks hold the history up to this quarter; load_demo adds the quarters after it up to
# the one before the quarter under evaluation, so the demo stays current. They live inside the
# package so that an installed tracker (a wheel, not only this checkout) can load the demo.
WORKBOOK_LAST_REPORTED = Quarter(2026, 2)
WORKBOOKS_DIR = Path(__file__).parent / "demo_workbooks"
WORKBOOKS = {ECUADOR_PLAN: ("demo-ecuador-es.xlsx", "es"),
             TRINATIONAL_PLAN: ("demo-trinational-en.xlsx", "en")}


@dataclass(frozen=True)
class DemoPlan:
    name: str
    commission: str
    first: str
    last: str
    lines: list[tuple[str, str]]
    items: list[DemoItem]

    def last_reported(self) -> Quarter:
        """The quarter before the quarter under evaluation (which gets a few reports, in
        ``_open_quarter_reports``)."""
        return under_evaluation(get_settings().today(), Quarter.parse(self.first),
                                Quarter.parse(self.last)) - 1

    def sheets(self, after: Quarter | None, until: Quarter) -> list[RawSheet]:
        """The plan as template sheets, with the lead and supporting reports of the quarters
        after ``after`` (all when None) up to ``until``."""
        used = ({i.lead for i in self.items}
                | {s for i in self.items for s in i.supporters.split("; ") if s})
        reports = [row for item in self.items for row in _report_rows(item, until)
                   if after is None or Quarter.parse(row[1]) > after]
        return [
            _sheet(PLAN, [[self.name, self.commission, self.first, self.last, 1]]),
            _sheet(LINES, [list(line) for line in self.lines]),
            _sheet(INSTITUTIONS, [list(row) for row in INSTITUTION_ROWS if row[0] in used]),
            _sheet(ITEMS, [[i.code, i.line, i.title, "", i.lead, i.supporters, i.start, i.due,
                            i.indicator, i.unit, i.baseline, i.target, i.weight]
                           for i in self.items]),
            _sheet(REPORTS, reports),
        ]


DEMO_PLANS = (
    DemoPlan(ECUADOR_PLAN, "Comisión interinstitucional contra la trata de personas — Ecuador",
             "2025-Q1", "2027-Q4", ECUADOR_LINES, ECUADOR_ITEMS),
    DemoPlan(TRINATIONAL_PLAN, "Mesa trinacional Colombia, Ecuador y Perú contra la trata",
             "2026-Q1", "2027-Q4", TRINATIONAL_LINES, TRINATIONAL_ITEMS),
)


def write_workbooks(folder: Path = WORKBOOKS_DIR) -> list[Path]:
    """The demo plans as filled-in template workbooks (``python -m tracker.demo``): the
    Ecuador plan with Spanish sheet and column names, the tri-national one with English."""
    from tracker.io.exporter import write_workbook

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for plan in DEMO_PLANS:
        file_name, lang = WORKBOOKS[plan.name]
        tables = [(sheet, [list(row) for _n, row in raw.rows])
                  for raw in plan.sheets(None, WORKBOOK_LAST_REPORTED)
                  if (sheet := sheet_for(raw.name)) is not None]
        write_workbook(tables, folder / file_name, lang)
        written.append(folder / file_name)
    return written


def demo_accounts() -> list[tuple[str, str, str, str | None]]:
    """(e-mail, name, role, institution) of every demo account."""
    accounts_: list[tuple[str, str, str, str | None]] = [
        (f"coordinacion@{DEMO_DOMAIN}", "Secretaría técnica de la comisión", Role.COORDINATOR,
         None),
        (f"observador@{DEMO_DOMAIN}", "Observador (cooperación internacional)", Role.OBSERVER,
         None),
        (f"admin@{DEMO_DOMAIN}", "Administración del sistema", "admin", None),
    ]
    for acronym, *_rest in INSTITUTION_ROWS:
        accounts_.append((f"{acronym.lower()}@{DEMO_DOMAIN}", f"Punto focal {acronym}",
                          Role.MEMBER, acronym))
    return accounts_


def _open_quarter_reports(session: Session, plan: Plan, items: list[DemoItem]) -> None:
    """A few reports already in for the open quarter: submitted ones and drafts."""
    opened = plans.open_quarter(session, plan.id)
    if opened is None:
        return
    ids = {i.acronym: i.id for i in session.exec(select(Institution))}
    stored = {i.code: i for i in session.exec(select(ActionItem).where(
        ActionItem.plan_id == plan.id))}
    for index, item in enumerate(items):
        lead, before = _lead_report(item, opened), _lead_report(item, opened - 1)
        finished = before is not None and before[0] in (Status.COMPLETED, Status.CANCELLED)
        if lead is None or finished or index % 3 == 2 or Quarter.parse(item.start) > opened:
            continue
        if find_report(session, stored[item.code].id, opened, ids[item.lead]):
            continue
        status, percent = lead
        state = ReportState.SUBMITTED if index % 3 == 0 else ReportState.DRAFT
        append_revision(
            session, item_id=stored[item.code].id, quarter=opened,
            institution_id=ids[item.lead], state=state, author_id=None,
            content=ReportContent(status=status, percent_complete=percent,
                                  indicator_value=_value(item, percent),
                                  narrative=_narrative(item, status, _value(item, percent))),
        )


def load_demo(session: Session, *, reset: bool = False) -> None:
    """Load both demo plans and the demo accounts; repeating it changes nothing."""
    if reset:  # every row but the change generations, which move on (``tracker.changes``)
        for table in reversed(changes.data_tables()):
            session.execute(table.delete())
        changes.structure_touched(session)
        session.flush()
    for plan in DEMO_PLANS:  # the workbooks, then the quarters since they were made
        import_path(session, SYSTEM, WORKBOOKS_DIR / WORKBOOKS[plan.name][0],
                    plan_name=plan.name)
        if plan.last_reported() > WORKBOOK_LAST_REPORTED:
            import_sheets(session, SYSTEM, plan.sheets(WORKBOOK_LAST_REPORTED,
                                                       plan.last_reported()),
                          source="demo", plan_name=plan.name)
    plan_rows = {p.name: p for p in session.exec(select(Plan))}
    for name, items in ((ECUADOR_PLAN, ECUADOR_ITEMS), (TRINATIONAL_PLAN, TRINATIONAL_ITEMS)):
        _open_quarter_reports(session, plan_rows[name], items)
    _demo_users(session, plan_rows)


def _demo_users(session: Session, plan_rows: dict[str, Plan]) -> None:
    participants = {
        ECUADOR_PLAN: _participants(ECUADOR_ITEMS),
        TRINATIONAL_PLAN: _participants(TRINATIONAL_ITEMS),
    }
    for email, name, role, institution in demo_accounts():
        if session.exec(select(User).where(User.email == email)).first():
            continue
        if role == Role.MEMBER:
            on = [plan_rows[p] for p, members in participants.items() if institution in members]
        else:
            on = list(plan_rows.values())
        accounts.add_user(session, SYSTEM, email=email, display_name=name, role=role,
                          password=DEMO_PASSWORD, institution=institution, plans=on,
                          language="en" if institution == "OIM" else "es",
                          checked=False)  # the published demo password, on purpose


def _participants(items: list[DemoItem]) -> set[str]:
    return {i.lead for i in items} | {s for i in items for s in i.supporters.split("; ") if s}


if __name__ == "__main__":
    for path in write_workbooks():
        print(path)

