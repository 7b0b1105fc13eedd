"""A new commission reaches its first review deck alone, in the Spanish UI, with a workbook
that is not the demo: template, dry run, import into a new plan, two focal points from the
getting-started checklist, a member's first report, approval, reminders, presentation and
both decks. No command line, no environment variable, no restart. The test counts the
actions a person makes (clicks, fields filled, keys) and saves screenshots at 1280x720."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.browser.conftest import wait_idle
from tests.helpers import write_workbook
from tracker.demo import DEMO_PASSWORD
from tracker.i18n import t
from ui.accessibility import required_label

SHOTS = Path(tempfile.gettempdir()) / "first-deck"  # pytest-playwright empties test-results
PLAN = "Plan binacional de prevención 2026-2027"
TEMPORARY = "clave-temporal-2026"
OWN = "mi clave propia del punto focal"


def _workbook(path: Path) -> Path:
    """A Spanish workbook of a new commission: long institution names, three items."""
    return write_workbook(path, {
        "plan": [["nombre", "comision", "trimestre_inicial", "trimestre_final"],
                 [PLAN, "Mesa binacional contra la trata", "2026-Q1", "2027-Q4"]],
        "instituciones": [["sigla", "nombre", "pais", "tipo"],
                          ["DPE", "Defensoría del Pueblo del Ecuador — Dirección de Movilidad "
                                  "Humana", "EC", "defensoría"],
                          ["SNM", "Superintendencia Nacional de Migraciones del Perú", "PE",
                           "migración"]],
        "acciones": [["código", "línea estratégica", "título", "institución responsable",
                      "instituciones de apoyo", "trimestre inicio", "trimestre fin",
                      "indicador", "unidad", "línea base", "meta", "peso"],
                     ["1.1", "Prevención", "Campaña en pasos fronterizos", "DPE", "SNM",
                      "2026-Q3", "2027-Q2", "Personas alcanzadas", "personas", 0, 5000, 2],
                     ["1.2", "Prevención", "Protocolo binacional de derivación", "SNM", "DPE",
                      "2026-Q4", "2027-Q4", "", "", "", "", 1],
                     ["2.1", "Capacitación", "Formación de inspectores", "SNM", "",
                      "2026-Q2", "2026-Q4", "Inspectores formados", "personas", 0, 120, 1]],
    })


class Person:
    """A page and a count of what the person did on it."""

    def __init__(self, page: Page) -> None:
        self.page, self.actions = page, 0

    def click(self, locator) -> None:
        locator.click()
        self.actions += 1
        wait_idle(self.page)

    def fill(self, locator, text: str) -> None:
        locator.fill(text)
        self.actions += 1

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)

    def nav(self, key: str) -> None:
        self.click(self.page.locator("[data-testid=stSidebarNav]").get_by_text(
            t(key, "es"), exact=True))

    def sign_in(self, url: str, email: str, password: str) -> None:
        self.page.goto(f"{url}/?lang=es")
        wait_idle(self.page)
        self.fill(self.page.get_by_label("Correo electrónico"), email)
        self.fill(self.page.get_by_label("Contraseña", exact=True), password)
        self.click(self.page.get_by_role("button", name="Ingresar"))

    def sign_out(self) -> None:
        self.click(self.page.get_by_role("button", name=t("app.sign_out", "es")))

    def choose(self, label: str, option: str) -> None:
        self.click(self.page.get_by_role("combobox", name=label))
        self.page.keyboard.type(option)
        self.page.keyboard.press("Enter")
        self.actions += 1
        wait_idle(self.page)


def _focal_point(person: Person, acronym: str, email: str) -> None:
    page = person.page
    person.click(page.get_by_role("link", name=re.compile(f"Crear el punto focal de {acronym}")))
    expect(page.get_by_role("heading", name=t("accounts.title", "es"))).to_be_visible()
    person.fill(page.get_by_label(t("signin.email", "es")).first, email)
    person.fill(page.get_by_label(required_label("accounts.name", "es"), exact=True).first,
                f"Punto focal {acronym}")
    person.fill(page.get_by_label(t("accounts.temporary_password", "es")).first, TEMPORARY)
    person.click(page.get_by_role("button", name=t("accounts.create", "es")))
    expect(page.get_by_text("copie este mensaje")).to_be_visible()
    expect(page.get_by_text(TEMPORARY).first).to_be_visible()  # the invitation to copy


def test_a_new_commission_reaches_its_first_deck_alone(page: Page, app_url: str, tmp_path):
    page.set_viewport_size({"width": 1280, "height": 720})
    coordinator = Person(page)
    coordinator.sign_in(app_url, "coordinacion@demo.example", DEMO_PASSWORD)
    coordinator.nav("nav.plan_files")
    with page.expect_download() as template:
        coordinator.click(page.get_by_role("button", name="Plantilla en Español"))
    template.value.save_as(tmp_path / "plantilla.xlsx")
    assert "acciones" in load_workbook(tmp_path / "plantilla.xlsx").sheetnames
    page.locator("input[type=file]").set_input_files(str(_workbook(tmp_path / "plan.xlsx")))
    coordinator.actions += 1
    wait_idle(page)
    coordinator.click(page.get_by_role("button", name=t("files.check", "es")))
    expect(page.get_by_text("Trimestre abierto para reportes: T4 2026")).to_be_visible()
    coordinator.shot("1-dry-run")
    coordinator.click(page.get_by_role("button", name=t("files.run", "es"), exact=True))
    expect(page.get_by_text(f"Importado en {PLAN}")).to_be_visible()
    coordinator.click(page.get_by_role("link", name=re.compile("Siguiente: la lista")))
    coordinator.choose("Plan", PLAN)
    expect(page.get_by_text("(2 sin punto focal)")).to_be_visible()
    coordinator.shot("2-checklist")
    _focal_point(coordinator, "DPE", "dpe@example.org")
    coordinator.nav("nav.getting_started")
    _focal_point(coordinator, "SNM", "snm@example.org")
    coordinator.nav("nav.getting_started")
    expect(page.get_by_text("(0 sin punto focal)")).to_be_visible()
    coordinator.sign_out()

    member = Person(page)
    member.sign_in(app_url, "dpe@example.org", TEMPORARY)
    expect(page.get_by_text("elija la suya antes de continuar")).to_be_visible()
    member.fill(page.get_by_label(t("account.current", "es")), TEMPORARY)
    member.fill(page.get_by_label(t("account.new", "es")), OWN)
    member.fill(page.get_by_label(t("account.again", "es")), OWN)
    member.click(page.get_by_role("button", name=t("account.change", "es")))
    expect(page.get_by_role("status").filter(has_text=t("account.changed_go_on", "es"))
           ).to_be_focused()  # said where the person is, and read out
    member.click(page.get_by_role("button", name=t("account.go_on", "es")))
    member.nav("nav.my_institution")
    form = page.get_by_test_id("stExpander").filter(has_text="1.1").first
    if not form.get_by_label(t("form.status", "es")).is_visible():
        member.click(form.locator("summary"))
    member.click(form.get_by_role("combobox", name=t("form.status", "es")))
    page.keyboard.type(t("status.in_progress", "es"))
    page.keyboard.press("Enter")
    member.actions += 1
    member.fill(form.get_by_label(t("form.percent", "es")), "40")
    member.fill(form.get_by_label(t("form.narrative", "es")),
                "Campaña en dos pasos fronterizos con material en quichua.")
    member.click(form.get_by_role("button", name=t("form.submit", "es"), exact=True))
    expect(page.get_by_text("Reporte de 1.1 enviado")).to_be_visible()
    member.shot("3-member-report")
    member.sign_out()

    coordinator.sign_in(app_url, "coordinacion@demo.example", DEMO_PASSWORD)
    coordinator.nav("nav.review")
    coordinator.choose("Plan", PLAN)
    expect(page.get_by_text("Campaña en dos pasos fronterizos")).to_be_visible()
    coordinator.click(page.get_by_role("button", name=t("review.approve", "es")))
    expect(page.get_by_text(t("review.none", "es"))).to_be_visible()  # approved: none left
    coordinator.click(page.get_by_role("tab", name=t("review.tab.missing", "es")))
    coordinator.click(page.get_by_role("button", name=t("review.prepare_reminders", "es")))
    expect(page.get_by_text("No hay servidor de correo configurado")).to_be_visible()
    coordinator.shot("4-reminders")
    coordinator.nav("nav.presentation")
    coordinator.click(page.get_by_text(t("present.setup", "es")))
    coordinator.choose("Plan", PLAN)
    coordinator.shot("5-presentation")
    with page.expect_download() as pptx:
        coordinator.click(page.get_by_role("button", name=t("present.pptx", "es")))
    pptx.value.save_as(tmp_path / "deck.pptx")
    with page.expect_download(timeout=120_000) as pdf:
        coordinator.click(page.get_by_role("button", name=t("present.pdf", "es"), exact=True))
    pdf.value.save_as(tmp_path / "handout.pdf")

    from pptx import Presentation

    deck = Presentation(str(tmp_path / "deck.pptx"))
    assert PLAN in " ".join(shape.text_frame.text for shape in deck.slides[0].shapes
                            if shape.has_text_frame)
    assert (tmp_path / "handout.pdf").read_bytes().startswith(b"%PDF")
    total = coordinator.actions + member.actions
    (SHOTS / "actions.txt").write_text(f"{total}\n")
    print(f"first deck reached in {total} actions")
    assert total <= 60
