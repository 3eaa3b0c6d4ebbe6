"""The agenda circulated before a meeting: what each listed case is and what is asked.

A plain value (built by ``db.agenda_export``, drawn by ``pages.components.agenda_pdf``): the
meeting, then one line per listed case in agenda order with its urgency, stream, primary tumour
and the question to the MDT. No scores, no suggestions: those are read at the meeting.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict


class AgendaLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    position: int  # 1-based
    case_id: int
    patient: str
    mrn: str
    age: int | None
    sex: str
    primary_tumour: str
    urgency: str
    stream: str
    question: str
    referrer: str


class AgendaSheet(BaseModel):
    model_config = ConfigDict(frozen=True)

    meeting_id: int
    meeting_date: date
    start_time: str
    location: str
    status: str
    chair: str | None
    lines: tuple[AgendaLine, ...]
    prepared_by: str
    prepared_on: date

    @property
    def emergencies(self) -> int:
        return sum(1 for line in self.lines if line.urgency == "emergency")
