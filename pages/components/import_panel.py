"""The Admin page's import section: upload a case file, a FHIR Bundle or a .zip of CSV tables.

The file type is checked by the uploader and again by the importer, the size against the 10 MB
limit (also the server's maxUploadSize); the import runs through db.interop (role-checked, audited,
all or nothing). Messages are plain text (st.error / st.write), never HTML.
"""

from __future__ import annotations

import streamlit as st

from core.errors import BoneMDTError
from core.i18n import label_or_raw
from core.interop.documents import MAX_IMPORT_BYTES
from db.interop.files import UPLOAD_TYPES, import_bytes
from db.interop.store import IMPORT_ROLES
from pages.components.guard import PageContext
from pages.components.streamlit_own import BROWSE_BUTTON, DROP_ZONE, LIMIT_LINE

SHOWN = 30  # problems listed at most (the count says how many there are)


def import_panel(ctx: PageContext) -> None:
    """Render the import section for the administrator and the coordinator."""
    if ctx.actor.role not in IMPORT_ROLES:
        return
    tr = ctx.t
    st.subheader(tr("import.title"))
    st.caption(tr("import.hint"))
    with st.form("case_import", clear_on_submit=False):
        # Streamlit's uploader speaks English ("Browse files"): say what to do in the user's language
        types = ", ".join(f".{t}" for t in UPLOAD_TYPES)
        st.caption(tr("import.upload_help", drop=DROP_ZONE, browse=BROWSE_BUTTON, limit=LIMIT_LINE, types=types))
        upload = st.file_uploader(
            tr("import.file"), type=list(UPLOAD_TYPES), accept_multiple_files=False, help=tr("import.file_help")
        )
        dry_run = st.checkbox(tr("import.dry_run"), value=True)
        submitted = st.form_submit_button(tr("import.run"), type="primary")
    if not submitted or upload is None:
        return
    if upload.size > MAX_IMPORT_BYTES:
        st.error(tr("import.too_large"))
        return
    try:
        report = import_bytes(ctx.cur, ctx.actor, upload.name, upload.getvalue(), dry_run=dry_run)
    except BoneMDTError as exc:
        st.error(str(exc))
        return
    # Record types by their names in the user's language ("case 1", "病例 1"), not table names.
    added = ", ".join(f"{label_or_raw('audit.entity', k, ctx.lang)} {v}" for k, v in report.added.items() if v) or tr(
        "import.nothing_new"
    )
    if not report.ok:
        st.error(tr("import.refused", n=len(report.refused)))
        for line in report.refused[:SHOWN]:
            st.text(line)
        return
    st.success(tr("import.checked" if dry_run else "import.done", added=added))
    if report.conflicts:
        st.warning(tr("import.conflicts"))
        for line in report.conflicts[:SHOWN]:
            st.text(line)
    if report.ignored:
        with st.expander(tr("import.ignored")):
            for line in report.ignored[:SHOWN]:
                st.text(line)
