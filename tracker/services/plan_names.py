"""The plans' names for whoever may read every plan (``tracker plan list``), without the ORM.

``plans.list_plans(session, SYSTEM)`` answers the same question through the models, which cost
more to import (SQLAlchemy's ORM, pydantic, twenty mapped tables) than the whole command may
take. This is its one SELECT in SQLAlchemy Core, on an engine; a test holds the two to the same
answer, archived plans included.
"""

from __future__ import annotations

from sqlalchemy import column, false, select, table
from sqlalchemy.engine import Engine

_PLAN = table("plan", column("name"), column("archived"))


def plan_names(engine: Engine) -> list[str]:
    """The names of the plans not archived, by name."""
    query = (select(_PLAN.c.name).where(_PLAN.c.archived == false())
             .order_by(_PLAN.c.name))
    with engine.connect() as connection:
        return list(connection.execute(query).scalars())
