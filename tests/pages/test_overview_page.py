"""The overview page (pages/overview_page.py): the figures of tracker.metrics, filters,
drill-down, charts described in words, in both languages."""

from __future__ import annotations

from datetime import date

import pytest

from tests.apptest import app_as, chart_spec, chart_titled, overview_tabs, sign_in
from tests.helpers import rollup
from tracker import metrics
from tracker.db import make_engine, session_scope
from tracker.demo import ECUADOR_PLAN, TRINATIONAL_PLAN
from tracker.quarters import Quarter
from tracker.services import plans


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
    assert app.selectbox(key="quarter").value == Quarter(2026, 4)  # the open quarter
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
    app.selectbox(key="quarter").select(Quarter(2026, 1)).run()
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
    labels = [b.label for _tab in overview_tabs(app) for b in app.get("download_button")]
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



def test_each_item_link_of_the_drill_down_names_the_plan(app, demo_url):
    """Issue 26, item 4: a link naming an item names its plan too, so it opens that item
    whatever plan the item page showed last."""
    from urllib.parse import parse_qs

    app.query_params["lang"] = "en"
    sign_in(app, "coordinacion@demo.example")
    app.selectbox(key="drill").set_value("DINAPEN").run()
    links = [parse_qs(link.proto.query_string) for link in app.get("page_link")
             if link.proto.label.startswith(("3.6 · ", "4.3 · "))]
    assert links
    assert all(link["plan"] == [str(_plan_id(demo_url, ECUADOR_PLAN))] and link["item"]
               for link in links)


def test_every_overview_chart_is_described_in_words(app):
    sign_in(app, "mremh@demo.example")  # Spanish
    captions = [c.value.replace("\\", "") for _tab in overview_tabs(app)
                for c in app.caption]  # as shown, unescaped
    described = [c for c in captions if ": " in c]  # "Title: what it shows."
    assert len(described) == 8  # every chart drawn in its tab, each with its summary
    by_line = next(c for c in captions if c.startswith("Avance por línea estratégica"))
    assert "6 grupos. Mayor avance" in by_line
    assert sum("acciones atrasadas" in c for c in captions) >= 2  # status mix, timeline


def test_each_overview_chart_offers_its_data_as_a_table(app):
    sign_in(app, "mremh@demo.example")  # Spanish
    labels, frames = [], []
    for _tab in overview_tabs(app):
        toggles = [w for w in app.toggle if w.key.endswith(":table")]
        labels += [w.label for w in toggles]
        for toggle in toggles:
            toggle.set_value(True)
        app.run()
        assert not app.exception
        frames += [frame.value for frame in app.dataframe]
    assert len(labels) == 8 and set(labels) == {"Tabla de datos"}
    tables = {tuple(frame.columns) for frame in frames}
    assert ("Línea estratégica", "Avance", "Esperado", "Acciones") in tables
    assert ("Indicador", "Valor / meta", "De la meta", "Cronograma") in tables
    by_line = next(f for f in frames if "Línea estratégica" in f.columns)
    assert by_line.iloc[0, 1].endswith(" %")  # formatted like the chart


def test_the_overview_of_a_locked_quarter_says_its_figures_are_live(db_url):
    from tracker.db import session_scope
    from tracker.demo import ECUADOR_PLAN
    from tracker.services import lifecycle, meetings, plans
    from tracker.services.permissions import SYSTEM

    engine = make_engine(db_url)
    with session_scope(engine) as session:
        plan = plans.get_plan(session, ECUADOR_PLAN)
        meeting = meetings.record_meeting(session, SYSTEM, plan.id, Quarter(2026, 3),
                                          date(2026, 10, 20), ["OIM"])
        lifecycle.lock_quarter(session, SYSTEM, plan.id, Quarter(2026, 3), meeting.id,
                               confirm=Quarter(2026, 3))
    engine.dispose()
    at = app_as("observador@demo.example")
    at.selectbox(key="quarter").select(Quarter(2026, 3)).run()
    assert any(i.value.startswith("Q3 2026 was locked at its meeting. These are today's")
               for i in at.info)
    at.selectbox(key="quarter").select(Quarter(2026, 4)).run()
    assert not any("was locked at its meeting" in i.value for i in at.info)


def test_the_schedule_tiles_add_up_to_the_items_in_scope_and_say_blocked_is_apart(app):
    app.query_params["lang"] = "es"
    sign_in(app, "observador@demo.example")
    tiles = [m.value for m in app.markdown if "border-left:8px" in m.value]
    counts = [int(tile.rsplit("font-weight:600'>", 1)[1].split("<", 1)[0]) for tile in tiles]
    in_scope = int(next(m.value for m in app.metric if m.label == "Acciones vigentes"))
    *buckets, blocked = zip(tiles, counts, strict=True)
    assert sum(count for _tile, count in buckets) == in_scope
    assert "Bloqueadas (aparte)" in blocked[0] and blocked[1] >= 0


def test_only_the_open_tab_draws_its_charts(app):
    """The browser draws what is in sight: the first tab's two charts, then the open tab's."""
    app.query_params["lang"] = "en"
    sign_in(app, "coordinacion@demo.example")

    def titles() -> list[str]:
        return [chart_spec(app, i)["layout"]["title"]["text"].split(",")[0]
                for i in range(len(app.get("plotly_chart")))]

    assert titles() == ["Progress by lead institution", "Items by schedule and lead institution"]
    drawn = {label: titles() for label in overview_tabs(app)}
    assert drawn["By strategic line"] == ["Progress by strategic line"]
    assert drawn["Heatmaps"] == ["Progress by institution and quarter",
                                 "Reports received by institution and quarter"]
    assert sum(len(charts) for charts in drawn.values()) == 8


def test_a_choice_in_a_tab_is_still_there_after_another_tab(app):
    app.query_params["lang"] = "en"
    sign_in(app, "coordinacion@demo.example")
    app.selectbox(key="drill").set_value("DINAPEN").run()
    app.toggle(key="by_institution:table").set_value(True).run()
    for _tab in overview_tabs(app):  # through every tab and back to the first
        pass
    app.session_state["overview:tab:en"] = app.tabs[0].label
    app.run()
    assert not app.exception
    assert app.selectbox(key="drill").value == "DINAPEN"
    assert app.toggle(key="by_institution:table").value


def test_the_overview_shows_the_plan_and_quarter_its_address_names(app, demo_url):
    """Issue 26, item 4: the page reads plan and quarter from its address on every run, so
    that Back and Forward (a rerun with the address they return to) show that address and
    not the session's last choice."""
    trinational = _plan_id(demo_url, TRINATIONAL_PLAN)
    ecuador = _plan_id(demo_url, ECUADOR_PLAN)
    app.query_params["lang"] = "en"
    sign_in(app, "coordinacion@demo.example")
    app.selectbox(key="plan").set_value(trinational).run()
    app.selectbox(key="quarter").set_value(Quarter(2026, 2)).run()
    assert app.query_params["plan"] == str(trinational)
    assert app.query_params["quarter"] == "2026-Q2"
    assert chart_titled(app, "Progress by strategic line, Q2 2026")
    # Back: the address of the plan chosen, before its quarter was
    del app.query_params["quarter"]
    app.run()
    assert app.selectbox(key="plan").value == trinational
    assert app.selectbox(key="quarter").value == Quarter(2026, 4)  # the plan's default
    # Back again: the address of the first view, plan and quarter named
    app.query_params["plan"] = str(ecuador)
    app.query_params["quarter"] = "2026-Q1"
    app.run()
    assert app.selectbox(key="plan").value == ecuador
    assert app.selectbox(key="quarter").value == Quarter(2026, 1)
    assert chart_titled(app, "Progress by strategic line, Q1 2026")["data"][0]["y"][
        0].startswith("1 · Fortalecimiento")


def test_an_unknown_quarter_in_the_address_is_refused(app, demo_url):
    app.query_params["lang"] = "es"
    app.query_params["plan"] = str(_plan_id(demo_url, TRINATIONAL_PLAN))
    app.query_params["quarter"] = "2025-Q2"  # before the plan's first quarter
    sign_in(app, "observador@demo.example")
    assert not app.exception
    [error] = app.error
    assert "el trimestre 2025-Q2, que no es un trimestre de Plan trinacional" in error.value
    assert app.selectbox(key="quarter").value is None
    assert not app.metric and not app.get("plotly_chart")  # no other quarter's figures
