"""The plan's files from the app: the import template, exports, and checked imports."""

from __future__ import annotations

import io

from sqlmodel import Session

from tracker.io import exporter
from tracker.io.isolated import read_upload
from tracker.models import Plan
from tracker.quarters import Quarter
from tracker.services import exports, imports
from tracker.services.permissions import Actor
from tracker.settings import get_settings

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def template(lang: str) -> bytes:
    buffer = io.BytesIO()
    exporter.write_template(buffer, lang)
    return buffer.getvalue()


def export_xlsx(session: Session, actor: Actor, plan_id: int, lang: str = "en") -> bytes:
    return exports.export_workbook(session, actor, session.get_one(Plan, plan_id), lang)


def export_csv(session: Session, actor: Actor, plan_id: int, lang: str = "en") -> bytes:
    return exports.export_csv_zip(session, actor, session.get_one(Plan, plan_id), lang)


def import_upload(session: Session, actor: Actor, data: bytes, filename: str, *,
                  plan_name: str | None, dry_run: bool, opened: Quarter | None = None,
                  rename_institutions: bool = False) -> imports.ImportSummary:
    """Check (``dry_run``) or import an uploaded workbook, zip or CSV; all or nothing."""
    from tracker.errors import InvalidInput

    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidInput("import.too_big", megabytes=MAX_UPLOAD_BYTES // (1024 * 1024))
    settings = get_settings()
    sheets = read_upload(data, filename, memory_mb=settings.import_memory_mb,
                         seconds=settings.import_seconds)
    summary = imports.import_sheets(session, actor, sheets, source=filename,
                                     plan_name=plan_name, dry_run=dry_run, opened=opened,
                                     rename_institutions=rename_institutions)
    if dry_run:
        session.rollback()
    return summary
