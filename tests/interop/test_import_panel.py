"""The Admin page's import section (AppTest): shown to the administrator, not to other roles."""

from __future__ import annotations

import pytest

from tests.pages.conftest import app, page_store, texts, user_ids  # noqa: F401


@pytest.mark.parametrize(("role", "shown"), [("admin", True), ("chair", False), ("analyst", False)])
def test_import_section_for_importing_roles_only(page_store: str, user_ids: dict[str, int], role: str, shown: bool) -> None:  # noqa: F811
    at = app("admin", user_id=user_ids[role]).run()
    assert not at.exception, at.exception
    assert ("Import cases" in texts(at)) is shown
    if shown:
        assert any("Dry run" in c.label for c in at.checkbox)
