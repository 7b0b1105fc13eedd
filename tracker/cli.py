"""The ``tracker`` command: a stable contract (docs/cli.md).

Exit 0 on success, 2 for bad input (one line per problem, nothing written), 1 for a runtime
failure with a sentence saying how to fix it. Never a traceback. Each subcommand imports what
it needs (the models, the services, workbooks, pandas, decks) when it runs, so that
`tracker plan list` answers quickly: it runs on SQLAlchemy's core alone (``bench/commands.py``
measures it against a process that only imports SQLAlchemy and runs one SELECT).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import OperationalError

from tracker import migrate
from tracker.db import make_engine, session_scope
from tracker.errors import InvalidInput, NotAllowed, NotFound, TrackerError
from tracker.i18n import t
from tracker.quarters import Quarter, QuarterError
from tracker.settings import LANGUAGES, get_settings

if TYPE_CHECKING:  # the ORM, the models and the services load in the commands that use them
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from tracker.models import Plan

BAD_INPUT, FAILURE = 2, 1


class CommandError(Exception):
    def __init__(self, code: int, lines: Sequence[str]) -> None:
        super().__init__("\n".join(lines))
        self.code, self.lines = code, list(lines)


def _lang() -> str:
    return get_settings().default_language


@contextmanager
def _engine() -> Iterator[Engine]:
    """The configured database, migrated first; the engine is let go after."""
    engine = make_engine()
    try:
        migrate.upgrade(engine)
        yield engine
    finally:
        engine.dispose()


@contextmanager
def _session() -> Iterator[Session]:
    """A unit of work on the configured database, migrated first."""
    with _engine() as engine, session_scope(engine) as session:
        yield session


def _choose_plan(session: Session, name: str | None) -> Plan:
    """The named plan, or the only one; otherwise exit 2 listing the plans."""
    from tracker.services import plans
    from tracker.services.permissions import SYSTEM

    if name:
        try:
            return plans.get_plan(session, name)
        except NotFound as error:
            raise CommandError(BAD_INPUT, [t(error.key, _lang(), **error.values),
                                           *_plan_list_lines(session)]) from None
    found = plans.list_plans(session, SYSTEM)
    if len(found) == 1:
        return found[0]
    if not found:
        raise CommandError(BAD_INPUT, [t("cli.no_plans", _lang())])
    raise CommandError(BAD_INPUT, [t("cli.choose_plan", _lang()), *_plan_list_lines(session)])


def _plan_list_lines(session: Session) -> list[str]:
    from tracker.services import plans
    from tracker.services.permissions import SYSTEM

    return [f"  {plan.name}" for plan in plans.list_plans(session, SYSTEM)]


def cmd_db_upgrade(_args: argparse.Namespace) -> None:
    with _session():
        pass
    print(t("cli.db_upgraded", _lang()))


def cmd_demo_load(args: argparse.Namespace) -> None:
    from tracker.demo import load_demo
    from tracker.services import plans
    from tracker.services.permissions import SYSTEM

    with _session() as session:
        if args.if_empty and plans.list_plans(session, SYSTEM):
            print(t("cli.demo_skipped", _lang()))
            return
        load_demo(session, reset=args.reset)
    print(t("cli.demo_loaded", _lang()))


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise CommandError(BAD_INPUT, [t("cli.password_needs_terminal", _lang())])
    first = getpass.getpass(t("cli.password_prompt", _lang()))
    if first != getpass.getpass(t("cli.password_again", _lang())):
        raise CommandError(BAD_INPUT, [t("cli.passwords_differ", _lang())])
    return first


def cmd_user_add(args: argparse.Namespace) -> None:
    from tracker.services import accounts, plans
    from tracker.services.permissions import SYSTEM

    with _session() as session:
        on = [_choose_plan(session, args.plan)] if args.plan else plans.list_plans(session, SYSTEM)
        if accounts.find_user(session, args.email):
            raise CommandError(BAD_INPUT, [t("error.email_exists", _lang(), email=args.email)])
        accounts.add_user(session, SYSTEM, email=args.email, display_name=args.name,
                          role=args.role, password=_read_password(args),
                          institution=args.institution, plans=on)
    print(t("cli.user_added", _lang(), email=args.email))


def cmd_plan_list(_args: argparse.Namespace) -> None:
    from tracker.services.plan_names import plan_names  # what list_plans gives SYSTEM, no ORM

    with _engine() as engine:
        for name in plan_names(engine):
            print(name)


def cmd_plan_import(args: argparse.Namespace) -> None:
    from tracker.services import institutions
    from tracker.services.imports import import_path
    from tracker.services.permissions import SYSTEM

    opened = _quarter(args.open) if args.open else None
    with _session() as session:
        summary = import_path(session, SYSTEM, Path(args.file), plan_name=args.plan,
                              dry_run=args.dry_run, opened=opened,
                              rename_institutions=args.rename_institutions)
        if args.dry_run:
            session.rollback()
    lang = _lang()
    key = "cli.import_checked" if args.dry_run else "cli.imported"
    print(t(key, lang, plan=summary.plan, items_added=summary.items_added,
            items_updated=summary.items_updated, reports=summary.reports_added,
            unchanged=summary.reports_unchanged))
    if summary.open_quarter:
        print(t("cli.open_quarter", lang, quarter=str(summary.open_quarter)))
    for change in summary.institution_changes:
        print(institutions.describe(change, lang))


def cmd_plan_export(args: argparse.Namespace) -> None:
    from tracker.services.exports import export_workbook
    from tracker.services.permissions import SYSTEM

    with _session() as session:
        plan = _choose_plan(session, args.plan)
        data = export_workbook(session, SYSTEM, plan)
    Path(args.file).write_bytes(data)
    print(t("cli.exported", _lang(), plan=plan.name, file=args.file))


def cmd_plan_template(args: argparse.Namespace) -> None:
    from tracker.io.exporter import write_template

    write_template(Path(args.file), args.lang)
    print(t("cli.template_written", _lang(), file=args.file))


def _quarter(text: str) -> Quarter:
    """The QUARTER argument in any spelling; exit 2 when it is none."""
    try:
        return Quarter.parse(text)
    except QuarterError:
        raise CommandError(BAD_INPUT, [t("import.bad_quarter", _lang(), value=text)]) from None


def _deck_plan_id(engine: Engine, name: str | None) -> int:
    """The plan ``tracker deck`` is asked for, read in Core; when there is no such one plan,
    ``_choose_plan`` (through the ORM) says so and lists the plans."""
    from tracker.services.plan_names import plan_id

    with engine.connect() as connection:  # closed first: SQLite's BEGIN IMMEDIATE is a lock
        found = plan_id(connection, name)
    if found is not None:
        return found
    with session_scope(engine) as session:
        return _choose_plan(session, name).id


def cmd_deck(args: argparse.Namespace) -> None:
    """Read the meeting's content on a Core connection (the operator reads every plan: no
    actor, no ORM, no models), then render it outside the transaction."""
    from tracker.services import decks

    quarter = _quarter(args.quarter)
    out = Path(args.out)
    render = decks.RENDERERS.get(out.suffix.lower())
    if render is None:
        raise CommandError(BAD_INPUT, [t("cli.deck_format", _lang(), file=args.out)])
    with _engine() as engine:
        plan_id = _deck_plan_id(engine, args.plan)
        with engine.connect() as connection:
            material = decks.read_content(connection, plan_id, quarter)
    out.write_bytes(render(material, args.lang))
    print(t("cli.deck_written", _lang(), file=args.out, quarter=str(quarter)))


def cmd_remind(args: argparse.Namespace) -> None:
    from tracker.services import reminders
    from tracker.services.permissions import SYSTEM

    quarter = _quarter(args.quarter)
    smtp = get_settings().smtp
    with _session() as session:
        plan = _choose_plan(session, args.plan)
        messages = reminders.reminders(session, SYSTEM, plan.id, quarter)
        if not messages:
            print(t("cli.remind_none", _lang(), quarter=str(quarter)))
            return
        if args.dry_run or smtp is None:
            if smtp is None and not args.dry_run:
                print(t("cli.remind_no_smtp", _lang()))
            for message in messages:
                print(t("cli.remind_would", _lang(), email=message.email,
                        language=message.language, count=message.missing,
                        subject=message.subject))
            return
        count = reminders.send(session, plan.id, quarter, messages, smtp)
    print(t("cli.remind_sent", _lang(), count=count))


def cmd_backup(args: argparse.Namespace) -> None:
    from tracker.services import backup

    engine = make_engine()
    try:
        migrate.upgrade(engine)
        summary = backup.backup(engine, Path(args.file))
    finally:
        engine.dispose()
    print(t("cli.backup_written", _lang(), file=args.file,
            reports=summary.rows.get("report", 0), tables=len(summary.rows)))


def cmd_restore(args: argparse.Namespace) -> None:
    from tracker.services import backup

    engine = make_engine()
    try:
        summary = backup.restore(engine, Path(args.file))
    finally:
        engine.dispose()
    print(t("cli.restored", _lang(), file=args.file, reports=summary.rows.get("report", 0),
            plans=summary.rows.get("plan", 0)))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tracker", description=t("cli.description", "en"))
    groups = parser.add_subparsers(dest="group", required=True)

    db = groups.add_parser("db", help="database").add_subparsers(dest="command", required=True)
    db.add_parser("upgrade", help="create/migrate the database").set_defaults(func=cmd_db_upgrade)

    demo = groups.add_parser("demo", help="demo data").add_subparsers(dest="command",
                                                                       required=True)
    load = demo.add_parser("load", help="load the demo plans (safe to repeat)")
    load.add_argument("--reset", action="store_true", help="delete everything first")
    load.add_argument("--if-empty", action="store_true",
                      help="only when the database holds no plan yet")
    load.set_defaults(func=cmd_demo_load)

    user = groups.add_parser("user", help="accounts").add_subparsers(dest="command",
                                                                     required=True)
    add = user.add_parser("add", help="create an account")
    add.add_argument("email")
    add.add_argument("--name", required=True)
    add.add_argument("--role", required=True,
                     choices=["member", "coordinator", "observer", "admin"])
    add.add_argument("--institution")
    add.add_argument("--plan")
    add.add_argument("--password-stdin", action="store_true")
    add.set_defaults(func=cmd_user_add)

    plan = groups.add_parser("plan", help="plans").add_subparsers(dest="command", required=True)
    plan.add_parser("list", help="the plans' names").set_defaults(func=cmd_plan_list)
    imp = plan.add_parser("import", help=".xlsx, .csv, a folder or .zip of CSVs")
    imp.add_argument("file")
    imp.add_argument("--plan")
    imp.add_argument("--dry-run", action="store_true")
    imp.add_argument("--open", metavar="QUARTER",
                     help="a new plan's quarter open for reports (default: the last that ended)")
    imp.add_argument("--rename-institutions", action="store_true",
                     help="also change institutions that other plans use")
    imp.set_defaults(func=cmd_plan_import)
    exp = plan.add_parser("export", help=".xlsx in the import template's shape")
    exp.add_argument("file")
    exp.add_argument("--plan")
    exp.set_defaults(func=cmd_plan_export)
    tpl = plan.add_parser("template", help="an empty template workbook with instructions")
    tpl.add_argument("file")
    tpl.add_argument("--lang", choices=LANGUAGES, default="en")
    tpl.set_defaults(func=cmd_plan_template)
    deck = groups.add_parser("deck", help="the review meeting's deck for a quarter")
    deck.add_argument("quarter")
    deck.add_argument("--out", required=True)
    deck.add_argument("--plan")
    deck.add_argument("--lang", choices=LANGUAGES, default="en")
    deck.set_defaults(func=cmd_deck)
    remind = groups.add_parser("remind", help="e-mail focal points with missing reports")
    remind.add_argument("quarter")
    remind.add_argument("--plan")
    remind.add_argument("--dry-run", action="store_true")
    remind.set_defaults(func=cmd_remind)
    save = groups.add_parser("backup", help="consistent copy of the database (a SQLite file)")
    save.add_argument("file")
    save.set_defaults(func=cmd_backup)
    back = groups.add_parser("restore", help="replace the database with a backup")
    back.add_argument("file")
    back.set_defaults(func=cmd_restore)
    return parser


def _run(func: Callable[[argparse.Namespace], None], args: argparse.Namespace) -> int:
    lang = _lang()
    try:
        func(args)
    except CommandError as error:
        print("\n".join(error.lines), file=sys.stderr)
        return error.code
    except (InvalidInput, NotFound, NotAllowed) as error:
        prefix = f"{args.file}: " if getattr(args, "file", None) else ""
        print(prefix + t(error.key, lang, **error.values), file=sys.stderr)
        return BAD_INPUT
    except TrackerError as error:
        if hasattr(error, "problems"):  # the import's refusal (its module loads only then)
            return _rejected(error, lang)
        print(t(error.key, lang, **error.values), file=sys.stderr)
        return FAILURE
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        print(t("cli.database_unreachable", lang, reason=reason), file=sys.stderr)
        return FAILURE
    except OSError as error:
        print(t("cli.os_error", lang, reason=str(error)), file=sys.stderr)
        return FAILURE
    return 0


def _rejected(error: TrackerError, lang: str) -> int:
    from tracker.io.plan_workbook import ImportRejected, rejected_lines

    assert isinstance(error, ImportRejected)  # the only TrackerError with problems
    print("\n".join(rejected_lines(error, lang)), file=sys.stderr)
    print(t("import.rejected", lang, count=len(error.problems)), file=sys.stderr)
    return BAD_INPUT


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return _run(args.func, args)


if __name__ == "__main__":
    sys.exit(main())
