"""The plans' names for whoever may read every plan (``tracker plan list``), and the plan
``tracker deck`` is asked for, without the ORM.

``plans.list_plans(session, SYSTEM)`` answers the same question through the models, which cost
more to import (SQLAlchemy's ORM, pydantic, twenty mapped tables) than the whole command may
take. This is its one SELECT in SQLAlchemy Core, on an engine; a test holds the two to the same
answer, archived plans included.
"""

from __future__ import annotations

from sqlalchemy import column, false, select, table
from sqlalchemy.engine import Connection, Engine

_PLAN = table("plan", column("id"), column("name"), column("archived"))


def plan_names(engine: Engine) -> list[str]:
    """The names of the plans not archived, by name."""
    query = (select(_PLAN.c.name).where(_PLAN.c.archived == false())
             .order_by(_PLAN.c.name))
    with engine.connect() as connection:
        return list(connection.execute(query).scalars())


def plan_id(connection: Connection, name: str | None) -> int | None:
    """The id of the plan named ``name`` (archived or not, as ``plans.get_plan``), or, with
    no name, of the only plan not archived; ``None`` when there is no such one plan."""
    if name:
        return connection.execute(select(_PLAN.c.id).where(_PLAN.c.name == name)).scalar()
    ids = list(connection.execute(select(_PLAN.c.id).where(_PLAN.c.archived == false())
                                  .limit(2)).scalars())
    return ids[0] if len(ids) == 1 else None
