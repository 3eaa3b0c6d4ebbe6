"""Domain errors. Messages are written for clinicians and never echo patient data or user input."""

from __future__ import annotations


class BoneMDTError(Exception):
    """Base of every error the domain raises on purpose."""


class FieldError(BoneMDTError):
    """One or more fields failed validation; ``errors`` maps field name -> message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


class NotFoundError(BoneMDTError):
    """A record that was asked for does not exist."""


class PermissionDeniedError(BoneMDTError):
    """The acting user's role does not allow this action."""


class ConflictError(BoneMDTError):
    """Someone else changed the record since it was read (stale form or concurrent write)."""


class ImmutableRecordError(BoneMDTError):
    """A signed record cannot be changed; amend it instead."""


class WorkflowError(BoneMDTError):
    """The action is not allowed in the record's current state."""


class AuthenticationError(BoneMDTError):
    """Sign-in failed. The message is deliberately generic."""
