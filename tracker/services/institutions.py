"""Institutions are shared by every plan that uses them: who may change one, and what a change
would touch.

A plan *uses* an institution when one of its action items is led or supported by it. A
coordinator may change only institutions that no plan outside their own uses; renaming one that
other plans use needs an administrator's explicit confirmation (the import's
``rename_institutions``, the form's ``confirm_shared``). Otherwise the existing values stay and
the result says so. The plan management form and the importer both decide through here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import union
from sqlmodel import Session, col, select

from tracker.models import ActionItem, Institution, ItemSupport, Plan

FIELDS = ("name", "country", "kind")


@dataclass(frozen=True)
class InstitutionValues:
    """An institution as a form or an import row gives it."""

    acronym: str
    name: str
    country: str
    kind: str | None

    def fields(self) -> dict[str, str | None]:
        """The values a change may touch (``FIELDS``), by name."""
        return {"name": self.name, "country": self.country, "kind": self.kind}


@dataclass(frozen=True)
class InstitutionChange:
    """A change to an existing institution, and the plans other than the target that use it."""

    acronym: str
    before: dict[str, str | None]
    after: dict[str, str | None]
    other_plans: tuple[str, ...]
    applied: bool = True

    @property
    def changed_fields(self) -> tuple[str, ...]:
        return tuple(f for f in FIELDS if self.before.get(f) != self.after.get(f))


def plans_using(session: Session, institution_ids: list[int]) -> dict[int, set[int]]:
    """Plan ids using each institution (as lead or supporter of an item)."""
    if not institution_ids:
        return {}
    leads = select(ActionItem.lead_institution_id, ActionItem.plan_id).where(
        col(ActionItem.lead_institution_id).in_(institution_ids))
    supports = select(ItemSupport.institution_id, ActionItem.plan_id).join(
        ActionItem, col(ActionItem.id) == ItemSupport.item_id).where(
        col(ItemSupport.institution_id).in_(institution_ids))
    found: dict[int, set[int]] = {i: set() for i in institution_ids}
    for institution_id, plan_id in session.execute(union(leads, supports)):
        found[institution_id].add(plan_id)
    return found


def plan_institution_ids(session: Session, plan_id: int) -> set[int]:
    """The institutions a plan uses."""
    leads = select(ActionItem.lead_institution_id).where(ActionItem.plan_id == plan_id)
    supports = select(ItemSupport.institution_id).join(
        ActionItem, col(ActionItem.id) == ItemSupport.item_id).where(ActionItem.plan_id == plan_id)
    return {row[0] for row in session.execute(union(leads, supports))}


def plan_institutions(session: Session, plan_ids: list[int]) -> list[Institution]:
    """The institutions any of these plans uses, by acronym."""
    ids: set[int] = set()
    for plan_id in plan_ids:
        ids |= plan_institution_ids(session, plan_id)
    if not ids:
        return []
    return list(session.exec(select(Institution).where(col(Institution.id).in_(ids))
                             .order_by(Institution.acronym)))


def changes(session: Session, rows: list[InstitutionValues],
            plan_id: int | None) -> list[InstitutionChange]:
    """What ``rows`` would change in existing institutions, each with the names of the plans
    other than ``plan_id`` that use it."""
    by_acronym = {i.acronym: i for i in session.exec(select(Institution).where(
        col(Institution.acronym).in_([r.acronym for r in rows])))}
    usage = plans_using(session, [i.id for i in by_acronym.values()])
    names = dict(session.exec(select(Plan.id, Plan.name)).all())
    found = []
    for row in rows:
        existing = by_acronym.get(row.acronym)
        if existing is None:
            continue
        before = {f: getattr(existing, f) for f in FIELDS}
        after = row.fields()
        if before == after:
            continue
        others = sorted(names[p] for p in usage[existing.id] if p != plan_id)
        found.append(InstitutionChange(row.acronym, before, after, tuple(others)))
    return found


def describe(change: InstitutionChange, lang: str) -> str:
    """One line a coordinator can read: what would change, who else uses it, whether kept."""
    from tracker.i18n import t

    fields = ", ".join(t(f"field.{f}", lang) for f in change.changed_fields)
    before = " · ".join(str(change.before[f] or "—") for f in change.changed_fields)
    after = " · ".join(str(change.after[f] or "—") for f in change.changed_fields)
    parts = [t("files.institution_change", lang, acronym=change.acronym, fields=fields,
               before=before, after=after)]
    if change.other_plans:
        parts.append(t("files.institution_shared", lang, plans=", ".join(change.other_plans)))
    if not change.applied:
        parts.append(t("files.institution_kept", lang))
    return "; ".join(parts)
