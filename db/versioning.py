"""What a correction that lost a race raises: both versions, so the page can show them side by side."""

from __future__ import annotations

from typing import Any

from core.errors import ConflictError


class VersionConflict(ConflictError):
    """The fact changed since the form was loaded; nothing was saved.

    ``current`` is the version now in the store (None when it was retracted), ``submitted`` what
    the user tried to save; both as plain dicts of field -> value.
    """

    def __init__(self, entity: str, current: dict[str, Any] | None, submitted: dict[str, Any]):
        self.entity = entity
        self.current = current
        self.submitted = submitted
        super().__init__(
            "Someone else changed this record since you opened it; nothing was saved. "
            "Both versions are shown: reload to continue from the current one."
        )
