"""Who may do what (docs/security-requirements.md, "Roles"). Deny by default.

The write functions in db/ call :func:`allowed` with the acting user before they change
anything; pages use the same table to decide what to show. Hiding a page is never the check.
"""

from __future__ import annotations

from enum import StrEnum

from core.models import Role


class Capability(StrEnum):
    READ_CASES = "read_cases"
    CREATE_CASE = "create_case"
    EDIT_DEMOGRAPHICS = "edit_demographics"
    BUILD_AGENDA = "build_agenda"
    EDIT_CLINICAL = "edit_clinical"
    # Enter, correct and retract dated clinical facts (assessments, lesions, imaging, labs,
    # treatments, events); members only for their specialty's facts (db/fact_access.py).
    RECORD_FACTS = "record_facts"
    ADD_OPINION = "add_opinion"
    DRAFT_DECISION = "draft_decision"
    SIGN_DECISION = "sign_decision"
    MANAGE_ACTIONS = "manage_actions"
    MANAGE_OWN_ACTIONS = "manage_own_actions"
    VIEW_ANALYTICS = "view_analytics"
    VIEW_AUDIT = "view_audit"
    MANAGE_USERS = "manage_users"
    BACKUP_RESTORE = "backup_restore"
    EXPORT_CASES = "export_cases"


_C = Capability
ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.CHAIR: frozenset(
        {
            _C.READ_CASES,
            _C.CREATE_CASE,
            _C.EDIT_DEMOGRAPHICS,
            _C.BUILD_AGENDA,
            _C.EDIT_CLINICAL,
            _C.RECORD_FACTS,
            _C.ADD_OPINION,
            _C.DRAFT_DECISION,
            _C.SIGN_DECISION,
            _C.MANAGE_ACTIONS,
            _C.MANAGE_OWN_ACTIONS,
            _C.VIEW_ANALYTICS,
            _C.VIEW_AUDIT,
            _C.EXPORT_CASES,
        }
    ),
    Role.MEMBER: frozenset(
        {
            _C.READ_CASES,
            _C.EDIT_CLINICAL,
            _C.RECORD_FACTS,
            _C.ADD_OPINION,
            _C.DRAFT_DECISION,
            _C.MANAGE_OWN_ACTIONS,
            _C.VIEW_ANALYTICS,
        }
    ),
    Role.COORDINATOR: frozenset(
        {
            _C.READ_CASES,
            _C.CREATE_CASE,
            _C.EDIT_DEMOGRAPHICS,
            _C.BUILD_AGENDA,
            _C.RECORD_FACTS,
            _C.MANAGE_ACTIONS,
            _C.MANAGE_OWN_ACTIONS,
            _C.VIEW_ANALYTICS,
            _C.EXPORT_CASES,
        }
    ),
    Role.ANALYST: frozenset({_C.VIEW_ANALYTICS, _C.VIEW_AUDIT}),
    Role.ADMIN: frozenset({_C.VIEW_AUDIT, _C.MANAGE_USERS, _C.BACKUP_RESTORE}),
}


def allowed(role: Role | str, capability: Capability) -> bool:
    try:
        return capability in ROLE_CAPABILITIES[Role(role)]
    except ValueError:
        return False


# Pages (DESIGN.md URL paths) and the capability that opens each.
PAGE_CAPABILITY: dict[str, Capability] = {
    "overview": Capability.READ_CASES,
    "cases": Capability.READ_CASES,
    "case": Capability.READ_CASES,
    "meetings": Capability.READ_CASES,
    "decisions": Capability.READ_CASES,
    "analytics": Capability.VIEW_ANALYTICS,
    "admin": Capability.VIEW_AUDIT,
}


def pages_for(role: Role | str) -> list[str]:
    return [page for page, cap in PAGE_CAPABILITY.items() if allowed(role, cap)]


def home_page(role: Role | str) -> str:
    pages = pages_for(role)
    return pages[0] if pages else "admin"
