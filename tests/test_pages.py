"""AppTest tests of the pages: what a user sees and can do, in both languages."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import chart_titled, dashboard, demo_database, sign_in
from tests.conftest import FIXED_TODAY
from tests.helpers import rollup
from tracker import metrics
from tracker.db import make_engine, session_scope
from tracker.demo import DEMO_PASSWORD, ECUADOR_PLAN, TRINATIONAL_PLAN
from tracker.quarters import Quarter
from tracker.services import plans


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory) -> str:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRACKER_TODAY", FIXED_TODAY)
        return demo_database(tmp_path_factory.mktemp("pages") / "demo.db")


@pytest.fixture
def app(demo_url, monkeypatch) -> AppTest:
    monkeypatch.setenv("TRACKER_DATABASE_URL", demo_url)
    monkeypatch.setenv("TRACKER_DEMO", "1")
    return dashboard()


def test_sign_in_page_lists_demo_accounts_in_demo_mode(app):
    app.run()
    assert not app.exception
    assert app.title[0].value == "Joint Work Plan Tracker"
    shown = app.dataframe[0].value
    assert "coordinacion@demo.example" in shown.iloc[:, 0].tolist()
    assert any(DEMO_PASSWORD in info.value for info in app.info)


def test_outside_demo_mode_no_account_is_shown_and_the_demo_password_fails(app, monkeypatch):
    monkeypatch.delenv("TRACKER_DEMO")
    sign_in(app, "coordinacion@demo.example")
    assert not app.dataframe
    assert app.error[0].value == "The e-mail or the password is not right."
    assert app.title[0].value == "Joint Work Plan Tracker"


def test_wrong_password_is_refused_without_saying_why(app):
    sign_in(app, "coordinacion@demo.example", "not the password")
    assert app.error[0].value == "The e-mail or the password is not right."
    sign_in(app, "nobody@demo.example", "not the password")
    assert app.error[0].value == "The e-mail or the password is not right."


def test_five_wrong_passwords_lock_the_email_for_fifteen_minutes(app, demo_url):
    for _ in range(4):
        sign_in(app, "pn@demo.example", "not the password")
        assert app.error[0].value == "The e-mail or the password is not right."
    sign_in(app, "pn@demo.example", "not the password")
    assert app.error[0].value == ("Too many failed tries for this e-mail: wait 15 minutes "
                                  "and try again.")
    sign_in(app, "pn@demo.example")  # the right password waits too
    assert app.error[0].value.startswith("Too many failed tries")
    sign_in(app, "nobody-here@demo.example", "x")  # other e-mails are not affected
    assert app.error[0].value == "The e-mail or the password is not right."


def test_sign_in_page_in_spanish(app):
    app.query_params["lang"] = "es"
    app.run()
    assert app.title[0].value == "Seguimiento del plan de trabajo conjunto"
    assert app.text_input(key="email").label == "Correo electrónico"


def _expected_by_line(demo_url: str, plan_name: str, quarter: Quarter):
    engine = make_engine(demo_url)
    with session_scope(engine) as session:
        plan = plans.get_plan(session, plan_name)
        frame = rollup(session, plan.id, quarter, metrics.Dimension.LINE)
    engine.dispose()
    return frame


def test_observer_sees_the_overview_with_the_figures_of_metrics(app, demo_url):
    app.query_params["lang"] = "en"
    sign_in(app, "observador@demo.example")
    assert not app.exception
    assert app.title[0].value == "Overview"
    assert app.selectbox(key="quarter").value == "2026-Q4"  # the open quarter
    expected = _expected_by_line(demo_url, ECUADOR_PLAN, Quarter(2026, 4))
    bars, markers, _values = chart_titled(app, "Progress by strategic line")["data"]
    assert bars["x"] == pytest.approx(expected["progress"].fillna(0).tolist())
    assert markers["x"] == pytest.approx(expected["expected"].tolist())
    assert bars["y"][0].startswith("1 · Fortalecimiento")
    labels = [metric.label for metric in app.metric]
    assert labels[:4] == ["Plan progress", "Expected", "Reports received", "Items in scope"]


def test_changing_quarter_and_plan_changes_the_chart(app, demo_url):
    app.query_params["lang"] = "en"
    sign_in(app, "coordinacion@demo.example")
    before = chart_titled(app, "Progress by strategic line")["data"][0]["x"]
    app.selectbox(key="quarter").select("2026-Q1").run()
    after = chart_titled(app, "Progress by strategic line")["data"][0]["x"]
    expected = _expected_by_line(demo_url, ECUADOR_PLAN, Quarter(2026, 1))
    assert after == pytest.approx(expected["progress"].fillna(0).tolist())
    assert after != before
    assert chart_titled(app, "Progress by strategic line, Q1 2026")
    app.selectbox(key="plan").set_value(_plan_id(demo_url, TRINATIONAL_PLAN)).run()
    assert chart_titled(app, "Progress by strategic line")["data"][0]["y"][0].startswith(
        "1 · Prevención")


def _plan_id(demo_url: str, name: str) -> int:
    engine = make_engine(demo_url)
    with session_scope(engine) as session:
        plan_id = plans.get_plan(session, name).id
    engine.dispose()
    return plan_id


def test_overview_in_spanish_follows_the_users_language(app):
    sign_in(app, "mremh@demo.example")  # a member whose preference is Spanish
    assert app.title[0].value == "Resumen"
    chart = chart_titled(app, "Avance por línea estratégica")
    assert chart["layout"]["title"]["text"] == "Avance por línea estratégica, T4 2026"
    assert chart["layout"]["xaxis"]["title"]["text"] == "Avance (%)"
    assert app.metric[0].label == "Avance del plan"
    app.query_params["lang"] = "en"
    app.run()
    assert app.title[0].value == "Overview"


def test_sign_out_returns_to_the_sign_in_page(app):
    sign_in(app, "observador@demo.example")
    app.button(key="sign_out").click().run()
    assert app.title[0].value == "Joint Work Plan Tracker"
    assert app.text_input(key="email").value == ""


OIDC = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
        "client_id": "tracker", "client_secret": "secret",
        "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration"}


def test_identity_provider_button_only_when_configured(app):
    app.run()
    assert not [b for b in app.button if b.key == "oidc_sign_in"]
    app.secrets["auth"] = OIDC
    app.run()
    assert app.button(key="oidc_sign_in").label == "Sign in with my institution's account"


def test_a_provider_identity_maps_to_the_account_with_that_email(app):
    app.secrets["auth"] = OIDC
    app.user = {"is_logged_in": True, "email": "MREMH@demo.example"}
    app.query_params["lang"] = "en"
    app.run()
    assert not app.exception
    assert app.title[0].value == "Overview"
    assert "Signed in as Punto focal MREMH" in app.sidebar.caption[0].value


def test_a_provider_identity_without_an_account_is_refused(app):
    app.secrets["auth"] = OIDC
    app.user = {"is_logged_in": True, "email": "stranger@example.org"}
    app.query_params["lang"] = "en"
    app.run()
    assert app.title[0].value == "Joint Work Plan Tracker"
    assert app.error[0].value.startswith("No active account of this tracker has the e-mail "
                                         "stranger@example.org")


def test_filters_narrow_every_figure_and_the_drill_down_lists_items(app, demo_url):
    app.query_params["lang"] = "en"
    sign_in(app, "coordinacion@demo.example")
    everything = app.metric[3].value
    app.multiselect(key="institution").select("DINAPEN").run()
    assert not app.exception
    assert int(app.metric[3].value) < int(everything)
    chart = chart_titled(app, "Progress by lead institution")
    assert [y.split(" · ")[0] for y in chart["data"][0]["y"]] == ["DINAPEN"]
    engine = make_engine(demo_url)
    with session_scope(engine) as session:
        plan = plans.get_plan(session, ECUADOR_PLAN)
        expected = rollup(session, plan.id, Quarter(2026, 4), metrics.Dimension.PLAN,
                                  metrics.Filters(institutions=("DINAPEN",)))
    engine.dispose()
    assert app.metric[0].value == f"{expected['progress'].iloc[0]:.1f}%"
    table = app.dataframe[0].value
    assert all(code.split(" · ")[0] in ("3.6", "4.3") for code in table.iloc[:, 0])
    labels = [b.label for b in app.get("download_button")]
    assert labels.count("This chart's data (CSV)") >= 6


def test_the_trinational_plan_compares_countries(app, demo_url):
    app.query_params["lang"] = "en"
    sign_in(app, "coordinacion@demo.example")
    app.selectbox(key="plan").set_value(_plan_id(demo_url, TRINATIONAL_PLAN)).run()
    countries = chart_titled(app, "Progress by country")
    assert sorted(countries["data"][0]["y"]) == ["CO", "EC", "PE"]


def test_the_drill_down_waits_for_an_institution_then_lists_its_items(app):
    app.query_params["lang"] = "en"
    sign_in(app, "coordinacion@demo.example")
    drill = app.selectbox(key="drill")
    assert drill.value is None and not app.dataframe  # five leads: nothing drawn unasked
    drill.set_value("DINAPEN").run()
    assert not app.exception
    codes = [label.split(" · ")[0] for label in app.dataframe[0].value.iloc[:, 0]]
    assert codes and set(codes) <= {"3.6", "4.3"}


def test_every_overview_chart_is_described_in_words(app):
    sign_in(app, "mremh@demo.example")  # Spanish
    captions = [c.value.replace("\\", "") for c in app.caption]  # as shown, unescaped
    described = [c for c in captions if ": " in c]  # "Title: what it shows."
    assert len(described) == 8  # every chart drawn on the page, each with its summary
    by_line = next(c for c in captions if c.startswith("Avance por línea estratégica"))
    assert "6 grupos. Mayor avance" in by_line
    assert sum("acciones atrasadas" in c for c in captions) >= 2  # status mix, timeline


def test_each_overview_chart_offers_its_data_as_a_table(app):
    sign_in(app, "mremh@demo.example")  # Spanish
    toggles = [w for w in app.toggle if w.key.endswith(":table")]
    assert len(toggles) == 8 and all(w.label == "Tabla de datos" for w in toggles)
    for toggle in toggles:
        toggle.set_value(True)
    app.run()
    assert not app.exception
    tables = {tuple(frame.value.columns) for frame in app.dataframe}
    assert ("Línea estratégica", "Avance", "Esperado", "Acciones") in tables
    assert ("Indicador", "Valor / meta", "De la meta", "Cronograma") in tables
    by_line = next(f.value for f in app.dataframe if "Línea estratégica" in f.value.columns)
    assert by_line.iloc[0, 1].endswith(" %")  # formatted like the chart
