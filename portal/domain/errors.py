"""Typed errors the domain raises; the web layer turns their codes into translated messages."""
from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule refused the operation; `code` names which."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class NotFound(DomainError):
    """The thing does not exist, or this person may not see it (the same answer for both)."""

    def __init__(self) -> None:
        super().__init__("not_found")


class NotAllowed(DomainError):
    """This person may not take this step in this state."""


class Conflict(DomainError):
    """Someone changed the request at the same moment; this change was not made (the race's loser)."""

    def __init__(self, code: str = "changed_meanwhile") -> None:
        super().__init__(code)
