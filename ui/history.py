"""The history of a plan or an item as a table a person reads (also the CSV's rows)."""

from __future__ import annotations

import pandas as pd

from tracker.i18n import moment, t
from tracker.services import activity


def table(events: tuple[activity.Event, ...], lang: str, zone: str | None) -> pd.DataFrame:
    """The events as a table a person reads (also the CSV's rows), times in the plan's
    ``zone``."""
    return pd.DataFrame(
        [(moment(e.at, lang, zone), e.who or t("activity.system", lang),
          activity.what(e, lang), e.item or "", e.institution or "",
          e.quarter.label(lang) if e.quarter else "",
          activity.describe(e, lang)) for e in events],
        columns=[t(f"activity.{c}", lang) for c in ("when", "who", "what", "item",
                                                    "institution", "quarter", "changes")])
