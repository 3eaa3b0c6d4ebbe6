"""Admin: audit trail (chair, analyst, admin); users and backups (admin)."""

from __future__ import annotations

import streamlit as st

from core.models import Role
from core.permissions import Capability, allowed
from db import audit, users
from pages.components.guard import guard

ctx = guard("admin")
tr = ctx.t
st.title(tr("admin.title"))

tab_names = [tr("admin.tab.audit")]
is_admin = allowed(ctx.actor.role, Capability.MANAGE_USERS)
if is_admin:
    tab_names += [tr("admin.tab.users")]
tabs = st.tabs(tab_names)

with tabs[0]:
    report = audit.verify_chain(ctx.cur)
    if report.ok:
        st.success(tr("admin.chain_ok", n=report.rows))
    else:
        st.error(tr("store.chain_broken", seq=report.first_bad_seq, problem=report.problem))
    c1, c2, c3, c4 = st.columns(4)
    patient = c1.number_input(tr("admin.filter_patient"), min_value=1, step=1, value=None)
    who = c2.text_input(tr("admin.filter_user"), max_chars=40)
    action = c3.selectbox(tr("admin.filter_action"), [None, "create", "update", "sign", "amend", "login", "login_failed", "denied", "open_case", "export", "logout"])
    since = c4.date_input(tr("admin.filter_since"), value=None)
    rows = audit.search(ctx.cur, patient_id=int(patient) if patient else None, actor=who.strip().lower() or None,
                        action=action, since=since)
    st.dataframe(rows, hide_index=True, width="stretch", height=480)

if is_admin:
    with tabs[1]:
        st.dataframe(users.list_users(ctx.cur), hide_index=True, width="stretch")
        st.caption(tr("admin.roles_hint", roles=", ".join(r.value for r in Role)))
