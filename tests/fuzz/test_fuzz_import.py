"""Bad input fuzzed with hypothesis: whatever a workbook or file holds, the import answers with
a clear message (or imports it), never a traceback, and never writes half of it."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from tests.helpers import MINIMAL, row_counts
from tests.hostile_workbooks import zip_bomb
from tracker.errors import InvalidInput
from tracker.io.reader import RawSheet, read_bytes
from tracker.services.imports import ImportRejected, import_sheets, rejected_lines
from tracker.services.permissions import SYSTEM

WORDS = ["", " ", "1.1", "1.2", "OIM", "DINAPEN", "XX", "2026-Q1", "2026-Q9", "T3 2026",
         "in progress", "completado", "bloqueada", "yes", "sí", "maybe", "=1+1", "=HYPERLINK()",
         "<img src=x onerror=alert(1)>", "Capacity", "45%", "12,5", "-3", "1e309", "NaN",
         "javascript:alert(1)", "https://example.org/evidence", "x" * 20_000, "acta\x00",
         float("inf"), float("nan")]
CELLS = st.one_of(st.none(), st.sampled_from(WORDS), st.integers(-10**12, 10**12),
                  st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
                  st.text(max_size=30))


@st.composite
def mangled_sheets(draw) -> list[RawSheet]:
    """MINIMAL with some cells replaced, rows duplicated or dropped, headers or sheet names
    changed: the mistakes people make in spreadsheets, and hostile ones."""
    sheets = []
    for name, rows in MINIMAL.items():
        if draw(st.integers(0, 9)) == 0:
            continue  # a sheet left out
        header = list(rows[0])
        if draw(st.integers(0, 9)) == 0:
            header[draw(st.integers(0, len(header) - 1))] = draw(st.sampled_from(WORDS))
        body = [list(row) for row in rows[1:]]
        if body and draw(st.booleans()):
            body.append(list(body[draw(st.integers(0, len(body) - 1))]))  # a duplicate
        for row in body:
            for index in range(len(row)):
                if draw(st.integers(0, 5)) == 0:
                    row[index] = draw(CELLS)
        sheet_name = name if draw(st.integers(0, 9)) else str(draw(st.sampled_from(WORDS)))
        sheets.append(RawSheet("fuzz.xlsx", sheet_name, [str(h) for h in header],
                               [(n, row) for n, row in enumerate(body, 2)]))
    return sheets


FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@FUZZ
@given(sheets=mangled_sheets())
def test_any_mangled_workbook_is_imported_whole_or_refused_with_its_places(session, sheets):
    before = row_counts(session)
    savepoint = session.begin_nested()
    try:
        import_sheets(session, SYSTEM, sheets, source="fuzz.xlsx")
    except ImportRejected as error:
        savepoint.rollback()
        lines = rejected_lines(error, "es")
        assert lines and all(line.startswith("fuzz.xlsx") for line in lines)
        assert "Traceback" not in "\n".join(lines)
    except InvalidInput as error:
        savepoint.rollback()
        assert rejected_lines(error, "en")[0]
    else:
        savepoint.rollback()  # imported: fine, and undone for the next example
        return
    assert row_counts(session) == before  # refused: nothing written


FILES = st.one_of(
    st.binary(max_size=2000),
    st.builds(lambda text: text.encode("utf-8", "surrogatepass"),
              st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=500)),
    st.just(b"code;quarter\n1.1;2026-Q1\n\x00\x00"),
    st.just(b"PK\x03\x04" + b"\x00" * 100),  # a broken zip / workbook
)


@FUZZ
@given(data=FILES, suffix=st.sampled_from([".xlsx", ".csv", ".zip", ".txt", ".xlsm"]))
def test_any_uploaded_file_is_read_or_refused_with_a_message(session, data, suffix):
    before = row_counts(session)
    try:
        sheets = read_bytes(data, f"upload{suffix}")
        import_sheets(session, SYSTEM, sheets, source=f"upload{suffix}")
    except (ImportRejected, InvalidInput) as error:
        assert rejected_lines(error, "en")
        session.rollback()
        with Session(session.get_bind()) as fresh:
            assert row_counts(fresh) == before
    else:  # a file that happens to be a valid plan
        session.rollback()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(session):
    bomb = zip_bomb(301)
    assert len(bomb) < 2 * 1024 * 1024
    try:
        read_bytes(bomb, "bomb.zip")
    except InvalidInput as error:
        assert error.key == "import.too_big_unpacked"
    else:
        raise AssertionError("the bomb was read")


@pytest.mark.parametrize("cell", [float("inf"), float("nan"), 0.5, -1e308])
def test_a_yes_no_cell_holding_a_strange_number_is_refused_by_place(session, cell):
    """Found by the fuzzing above in CI: infinity in ``nothing_to_report`` raised."""
    reports = [list(row) for row in MINIMAL["reports"]]
    reports[1][6] = cell
    sheets = [RawSheet("plan.xlsx", name, [str(h) for h in rows[0]],
                      [(n, list(row)) for n, row in enumerate(rows[1:], 2)])
              for name, rows in {**MINIMAL, "reports": reports}.items()]
    with pytest.raises(ImportRejected) as refused:
        import_sheets(session, SYSTEM, sheets, source="plan.xlsx")
    assert refused.value.problems[0].row == 2
    assert refused.value.problems[0].column == "nothing_to_report"
