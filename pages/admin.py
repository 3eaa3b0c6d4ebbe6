"""Admin: audit trail (chair, analyst, admin); users and roles, backups, policies (admin)."""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from core.errors import BoneMDTError, FieldError
from core.i18n import MESSAGES, enum_label, label_or_raw, tn
from core.models import AppUser, Role, Specialty
from core.permissions import Capability, allowed
from core.policy import Policy
from core.text import md_inline
from core.validation import error_lines
from db import audit, exports, users
from db import backup as backups
from db.policies import load_policy, set_policy
from db.signatures import verify_signed
from pages.components.guard import guard
from pages.components.import_panel import import_panel
from pages.components.security import export_button, unlock_form

AUDIT_ACTIONS = (
    "create",
    "update",
    "sign",
    "amend",
    "export",
    "login",
    "login_failed",
    "login_throttled",
    "unlock",
    "denied",
    "open_case",
    "logout",
)


def dash_empty(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """Empty cells as "—" (a table shows a missing value as the English word "None")."""
    out = frame.copy()

    def cell(v: object) -> object:
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return "—"
        if isinstance(v, float) and v.is_integer():
            return str(int(v))  # an id column with gaps comes back as floats
        if isinstance(v, pd.Timestamp):
            return f"{v:%Y-%m-%d %H:%M}"
        return str(v)

    for column in columns:
        if column in out.columns:
            out[column] = out[column].map(cell)
    return out


def user_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The users with readable roles, specialties and column names."""
    shown = dash_empty(frame, ("locked_until",))
    shown["role"] = shown["role"].map(lambda r: enum_label(r, ctx.lang, Role))
    shown["specialty"] = shown["specialty"].map(
        lambda s: "—" if s is None or pd.isna(s) else enum_label(str(s), ctx.lang, Specialty)
    )
    return shown.rename(columns={c: tr(f"admin.col.{c}") for c in shown.columns if f"admin.col.{c}" in MESSAGES})


def user_state(row: pd.Series) -> str:
    specialty = "—" if pd.isna(row["specialty"]) else enum_label(str(row["specialty"]), ctx.lang, Specialty)
    state = tr("admin.state.active") if bool(row["active"]) else tr("admin.state.inactive")
    role = enum_label(str(row["role"]), ctx.lang, Role)
    return tr("admin.user_state", name=str(row["username"]), role=role, specialty=specialty, state=state)


ctx = guard("admin")
tr = ctx.t
st.title(tr("admin.title"))

is_admin = allowed(ctx.actor.role, Capability.MANAGE_USERS)
names = [tr("admin.tab.audit")] + (
    [tr("admin.tab.users"), tr("admin.tab.backup"), tr("admin.tab.policy"), tr("import.title")] if is_admin else []
)
tabs = st.tabs(names)


with tabs[0]:
    report = audit.verify_store(ctx.cur)
    if report.ok:
        st.success(tr("admin.chain_ok", n=report.rows))
        checkpoint = audit.write_checkpoint(ctx.cur)
        if checkpoint is not None:
            st.caption(tr("sec.checkpoint", n=checkpoint.count, seq=checkpoint.head_seq))
    else:
        st.error(tr("store.chain_broken", seq=report.first_bad_seq, problem=md_inline(report.problem)))
    tampered = verify_signed(ctx.cur)
    if tampered:
        st.error(tr("sec.tampered", n=len(tampered), ids=", ".join(str(i) for i in tampered)))
    # the dates wider: at 1024 px an empty date's "yyyy/mm/dd" was cut in a fifth of the row
    c1, c2, c3, c4, c5 = st.columns((0.7, 0.8, 0.9, 1.6, 1.6))
    patient = c1.number_input(tr("admin.filter_patient"), min_value=1, step=1, value=None)
    who = c2.text_input(tr("admin.filter_user"), max_chars=40)
    action = c3.selectbox(
        tr("admin.filter_action"),
        [None, *AUDIT_ACTIONS],
        format_func=lambda a: tr("common.all") if a is None else tr(f"audit.action.{a}"),
        placeholder=tr("common.all"),
    )
    since = c4.date_input(tr("admin.filter_since"), value=None)
    until = c5.date_input(tr("admin.filter_until"), value=None)
    pid = int(patient) if patient else None
    day_from = since if isinstance(since, date) else None
    day_to = until if isinstance(until, date) else None
    # Analysts see who did what and when only: no values, reasons or typed sign-in names.
    rows = audit.search_for(
        ctx.cur, ctx.actor, actor=who.strip().lower() or None, patient_id=pid, action=action, since=day_from, until=day_to
    )
    rows["action"] = rows["action"].map(lambda a: label_or_raw("audit.action", a, ctx.lang))
    for column, prefix in (("entity", "audit.entity"), ("outcome", "audit.outcome")):
        if column in rows.columns:
            rows[column] = rows[column].map(lambda v, p=prefix: v if v is None or pd.isna(v) else label_or_raw(p, v, ctx.lang))
    if "role" in rows.columns:  # the vocabulary's labels: "role.<x>" has no catalogue entry ("admin" in Chinese)
        rows["role"] = rows["role"].map(lambda v: v if v is None or pd.isna(v) else enum_label(str(v), ctx.lang, Role))
    rows = dash_empty(rows, ("entity_id", "patient_id", "outcome", "reason", "before_json", "after_json"))
    st.caption(tn("count.entries", len(rows), ctx.lang))
    st.dataframe(
        rows.rename(columns={c: tr(f"audit.col.{c}") for c in rows.columns if f"audit.col.{c}" in MESSAGES}),
        hide_index=True,
        width="stretch",
        height=480,
        column_config={tr("audit.col.at_utc"): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss")},
    )
    export_button(
        ctx,
        "audit",
        lambda: exports.audit_csv(
            ctx.cur, ctx.actor, who=who.strip().lower() or None, patient_id=pid, action=action, since=day_from, until=day_to
        ),
    )

if is_admin:
    with tabs[1]:
        frame = users.list_users(ctx.cur)
        st.caption(tn("count.users", len(frame), ctx.lang))
        st.dataframe(user_table(frame), hide_index=True, width="stretch")
        left, right = st.columns(2)
        with left, st.form("new_user", clear_on_submit=False):
            st.subheader(tr("admin.new_user"))
            st.caption(tr("admin.role_hint"))
            username = st.text_input(tr("signin.username"), max_chars=40, placeholder=tr("admin.username_placeholder"))
            display = st.text_input(tr("col.display_name"), max_chars=200)
            roles = [r.value for r in Role]
            role = st.selectbox(
                tr("admin.role"), roles, index=roles.index(Role.MEMBER.value), format_func=lambda r: enum_label(r, ctx.lang, Role)
            )
            specialty = st.selectbox(
                tr("col.specialty"),
                [None, *[s.value for s in Specialty]],
                format_func=lambda s: "—" if s is None else enum_label(s, ctx.lang, Specialty),
                placeholder="—",
            )
            password = st.text_input(tr("signin.password"), type="password", max_chars=200)
            if st.form_submit_button(tr("admin.create_user"), type="primary"):
                try:
                    user = AppUser(
                        username=username.strip().lower(),
                        display_name=display,
                        role=Role(role),
                        specialty=Specialty(specialty) if specialty else None,
                    )
                    users.create_user(ctx.cur, ctx.actor, user, password)
                    st.success(tr("common.saved"))
                except (ValidationError, FieldError) as exc:
                    for message in error_lines(exc, ctx.lang, prefix="admin.field"):
                        st.error(message)
                except BoneMDTError as exc:
                    st.error(str(exc))
        with right:
            st.subheader(tr("admin.change_role"))
            ids = [int(i) for i in frame["user_id"]]
            # Name and username: a bare username ("admin", "pain") reads like a role or a word.
            labels = {int(r.user_id): f"{r.display_name} · {r.username}" for r in frame.itertuples()}
            # The picker sits outside the form so that picking a user reruns the page and the
            # fields below show that user's stored role, specialty and state (keyed by the user).
            uid = st.selectbox(tr("admin.user"), ids, format_func=lambda i: labels.get(i, str(i)), key="admin_role_user")
            current = frame[frame["user_id"] == uid].iloc[0]
            st.caption(user_state(current))
            with st.form(f"set_role_{uid}"):
                new_role = st.selectbox(
                    tr("admin.role"),
                    roles,
                    index=roles.index(str(current["role"])),
                    format_func=lambda r: enum_label(r, ctx.lang, Role),
                    key=f"admin_role_{uid}_{ctx.lang}",
                )
                specialties = [None, *[s.value for s in Specialty]]
                stored = None if pd.isna(current["specialty"]) else str(current["specialty"])
                new_specialty = st.selectbox(
                    tr("col.specialty"),
                    specialties,
                    index=specialties.index(stored) if stored in specialties else 0,
                    format_func=lambda s: "—" if s is None else enum_label(s, ctx.lang, Specialty),
                    placeholder="—",
                    key=f"admin_specialty_{uid}_{ctx.lang}",
                )
                active = st.toggle(tr("admin.active"), value=bool(current["active"]), key=f"admin_active_{uid}")
                if st.form_submit_button(tr("common.save")):
                    try:
                        changed = users.set_role(
                            ctx.cur,
                            ctx.actor,
                            uid,
                            Role(new_role),
                            active,
                            Specialty(new_specialty) if new_specialty else None,
                        )
                        if changed:
                            st.success(tr("common.saved"))
                        else:
                            st.info(tr("admin.no_change"))
                    except BoneMDTError as exc:
                        st.error(str(exc))
    with tabs[2]:
        st.caption(tr("admin.backup_hint"))
        # The suggested directory is chosen once per session: a default recomputed on every
        # rerun would replace what the admin typed.
        if "admin_backup_dir" not in st.session_state:
            stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%S}"
            st.session_state["admin_backup_dir"] = str(Path(tempfile.gettempdir()) / f"bonemdt-backup-{stamp}")
        target = st.text_input(tr("admin.backup_dir"), max_chars=300, key="admin_backup_dir")
        if st.button(tr("admin.backup_now"), type="primary"):
            try:
                info = backups.backup(ctx.cur, ctx.actor, target.strip())
                st.success(tr("admin.backup_done", dir=str(info.directory), rows=sum(info.tables.values())))
            except (backups.BackupError, BoneMDTError) as exc:
                st.error(str(exc))
        st.caption(tr("admin.restore_hint"))
    with tabs[1]:
        unlock_form(ctx, frame)
    with tabs[3]:
        policy = load_policy(ctx.cur)
        defaults = Policy()
        st.dataframe(
            [
                {
                    tr("admin.col.policy"): label_or_raw("policy", k, ctx.lang),
                    tr("admin.col.value"): str(v),
                    tr("admin.col.default"): str(getattr(defaults, k)),
                }
                for k, v in policy.model_dump().items()
            ],
            hide_index=True,
            width="stretch",
        )
        with st.form("policy"):
            key = st.selectbox(
                tr("admin.policy_key"), list(policy.model_dump()), format_func=lambda k: label_or_raw("policy", k, ctx.lang)
            )
            value = st.text_input(tr("admin.policy_value"), max_chars=200)
            if st.form_submit_button(tr("common.save")):
                try:
                    set_policy(ctx.cur, ctx.actor, key, value)
                    st.success(tr("common.saved"))
                except FieldError as exc:
                    for message in error_lines(exc, ctx.lang, prefix="policy"):
                        st.error(message)
                except BoneMDTError as exc:
                    st.error(str(exc))

if is_admin:
    with tabs[4]:
        import_panel(ctx)
