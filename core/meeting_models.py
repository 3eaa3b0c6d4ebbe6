"""Domain models of the meeting (pydantic v2): meetings, agenda items, attendance, opinions,
decisions and their plan items, actions, delivery, follow-ups; users, actors and audit entries.
Re-exported by core/models.py."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from core.records import _not_future, _Record, _Value
from core.text import LongText, RequiredLongText, RequiredShortText, ShortText
from core.vocabulary import (
    ActionStatus,
    AgendaStatus,
    DecisionStatus,
    FollowUpKind,
    FollowUpStatus,
    MeetingStatus,
    NotDeliveredReason,
    Outcome,
    PlanDisposition,
    PlanKind,
    Priority,
    QuorumState,
    Role,
    Specialty,
    Stream,
)

if TYPE_CHECKING:
    from core.models import Case


class Meeting(_Record):
    meeting_id: int | None = None
    meeting_date: date
    start_time: str = Field(default="08:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    location: ShortText = ""
    status: MeetingStatus = MeetingStatus.PLANNED
    chair_user_id: int | None = None
    attendance_grade: int | None = Field(default=None, ge=1, le=4)
    started_at: datetime | None = None
    ended_at: datetime | None = None


class AgendaItem(_Record):
    item_id: int | None = None
    meeting_id: int
    case_id: int
    position: int = Field(ge=0)
    urgency: Priority = Priority.ROUTINE
    stream: Stream = Stream.FULL
    status: AgendaStatus = AgendaStatus.LISTED
    discussion_seconds: int = Field(default=0, ge=0, le=6 * 3600)
    override_reason: LongText = ""


class Attendance(_Record):
    meeting_id: int
    user_id: int
    specialty: Specialty
    present: bool = True


class SpecialtyOpinion(_Record):
    opinion_id: int | None = None
    item_id: int
    specialty: Specialty
    author_user_id: int
    text: RequiredLongText


class PlanItem(_Record):
    plan_item_id: int | None = None
    decision_id: int | None = None
    position: int = Field(default=0, ge=0)
    rule_id: str | None = Field(default=None, max_length=40, pattern=r"^[A-Z0-9\-]+$")
    kind: PlanKind = PlanKind.OTHER
    text: RequiredLongText
    disposition: PlanDisposition = PlanDisposition.FREE_TEXT
    reason: LongText = ""
    # (en, zh) when the app knows the text in both languages (a rule suggestion taken as suggested,
    # a demo record): documents show the reader's language. None for text the team typed.
    texts: tuple[RequiredLongText, RequiredLongText] | None = None

    @model_validator(mode="after")
    def _reason(self) -> PlanItem:
        if self.texts is not None and self.text not in self.texts:
            raise ValueError("text must be one of its two languages")
        if self.disposition in (PlanDisposition.MODIFIED, PlanDisposition.REJECTED) and not (self.reason.strip()):
            raise ValueError("reason is required when a suggestion is modified or rejected")
        if self.disposition != PlanDisposition.FREE_TEXT and self.rule_id is None:
            raise ValueError("rule_id is required for a plan item built from a suggestion")
        return self


class Decision(_Record):
    decision_id: int | None = None
    case_id: int
    item_id: int | None = None
    version: int = Field(default=1, ge=1)
    predecessor_id: int | None = None
    amendment_reason: LongText = ""
    status: DecisionStatus = DecisionStatus.DRAFT
    outcome: Outcome = Outcome.DECIDED
    summary: LongText = ""
    plan: tuple[PlanItem, ...] = ()
    noms: dict[str, LongText] = Field(default_factory=dict)  # free text: the same rules as every field
    dissent: LongText = ""
    contributing: tuple[Specialty, ...] = ()
    quorum_state: QuorumState = QuorumState.QUORATE
    quorum_override_reason: LongText = ""
    decided_on: date
    # Taken outside a meeting as an emergency (no agenda item): marked so in letters and minutes.
    emergency: bool = False
    created_by: int | None = None
    signed_by: int | None = None
    signed_at: datetime | None = None
    signature_meaning: ShortText = ""
    content_hash: str | None = None
    row_version: int = 1

    _nf = field_validator("decided_on")(_not_future)

    @model_validator(mode="after")
    def _rules(self) -> Decision:
        if self.version > 1 and not self.amendment_reason.strip():
            raise ValueError("amendment_reason is required for an amended decision")
        if self.quorum_state == QuorumState.CHAIR_OVERRIDE and not (self.quorum_override_reason.strip()):
            raise ValueError("quorum_override_reason is required for a chair override")
        return self


def check_decision_after_referral(decision: Decision, case: Case) -> None:
    """A decision may not predate the referral it answers."""
    if decision.decided_on < case.referral_date:
        raise ValueError("decided_on must not be before the referral date")


class ActionItem(_Record):
    action_id: int | None = None
    case_id: int
    decision_id: int | None = None
    plan_item_id: int | None = None
    description: RequiredLongText
    owner_user_id: int | None = None
    specialty: Specialty
    due_date: date
    status: ActionStatus = ActionStatus.OPEN
    completed_on: date | None = None
    row_version: int = 1

    @model_validator(mode="after")
    def _done(self) -> ActionItem:
        if self.status == ActionStatus.DONE and self.completed_on is None:
            raise ValueError("completed_on is required when an action is done")
        return self


class Delivery(_Record):
    delivery_id: int | None = None
    plan_item_id: int
    delivered: bool
    delivered_on: date | None = None
    reason_not: NotDeliveredReason | None = None
    note: LongText = ""

    _nf = field_validator("delivered_on")(_not_future)

    @model_validator(mode="after")
    def _consistent(self) -> Delivery:
        if self.delivered and self.delivered_on is None:
            raise ValueError("delivered_on is required when the treatment was delivered")
        if not self.delivered and self.reason_not is None:
            raise ValueError("reason_not is required when the treatment was not delivered")
        return self


class FollowUp(_Record):
    follow_up_id: int | None = None
    case_id: int
    decision_id: int | None = None
    due_date: date
    kind: FollowUpKind
    status: FollowUpStatus = FollowUpStatus.DUE
    done_on: date | None = None


# ---------------------------------------------------------------------------------------------
# Users and audit


class AppUser(_Record):
    user_id: int | None = None
    username: str = Field(min_length=3, max_length=40, pattern=r"^[a-z0-9][a-z0-9_.\-]{2,39}$")
    display_name: RequiredShortText
    role: Role
    specialty: Specialty | None = None
    active: bool = True


class Actor(_Value):
    """The signed-in user acting in a write function."""

    user_id: int
    username: str
    role: Role
    specialty: Specialty | None = None
    display_name: str = ""


SYSTEM_ACTOR = Actor(user_id=0, username="system", role=Role.ADMIN, display_name="BoneMDT")


class AuditEntry(_Value):
    seq: int
    at: datetime
    actor: str
    role: str
    action: str
    entity: str
    entity_id: str | None
    before: str | None
    after: str | None
    reason: str | None
    outcome: str
    row_hash: str
