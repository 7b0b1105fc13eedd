"""Errors the services raise: a message key of the catalogs and its values.

Pages and the CLI render them with ``tracker.i18n.t(error.key, lang, **error.values)``.
"""

from __future__ import annotations


class TrackerError(Exception):
    """A refusal or a problem the user can act on."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values

    def __str__(self) -> str:
        from tracker.i18n import t

        return t(self.key, "en", **self.values)


class NotAllowed(TrackerError):
    """The actor may not do this."""


class NotFound(TrackerError):
    """A plan, item, institution or user that does not exist."""


class InvalidInput(TrackerError):
    """A value that breaks a rule of the data."""
