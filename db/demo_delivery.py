"""The demo's follow-through after the meetings: actions and the delivery of signed plans, deaths,
follow-ups and the cases' final status (the last step of the generator's chain)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from db.demo_base import _Case
from db.demo_meetings import MeetingRecords
from db.demo_vocabulary import OWNER_FOR_KIND, SPECIALTY_OF_OWNER, TREATMENT_KINDS

# The coordinator's standing action after every decision (free text, written in both languages).
_SEND_OUTCOME = "Send the MDT outcome to the referrer / 将MDT结论发送给转诊医生"


class MeetingFollowThrough(MeetingRecords):
    """Actions, delivery, deaths, follow-ups and case status."""

    def build_actions_and_delivery(self) -> None:
        rng = self.rng
        for did, meta in self.plan_meta.items():
            if meta["status"] != "signed":
                continue
            c: _Case = meta["case"]
            decided_on: date = meta["decided_on"]
            case_id = c.row["case_id"]
            pid = c.row["patient_id"]
            death = self.deaths.get(pid)
            actions: list[tuple[str, str, int | None, int]] = [("coordinator", _SEND_OUTCOME, None, 1)]
            if meta["outcome"] != "decided":
                actions.append(
                    (
                        "coordinator",
                        "Re-list at the next meeting with the missing information",
                        meta["items"][0]["plan_item_id"],
                        5,
                    )
                )
            elif not meta["superseded"]:
                for pi, p in zip(meta["items"], meta["plan"], strict=True):
                    if p[3] == "rejected" or len(actions) >= 4:
                        continue
                    if p[1] in TREATMENT_KINDS | {"investigation"} and self.chance(0.7):
                        # the emergency pathway is the spine surgeon's for cord compression, but
                        # hypercalcaemia (fluids, zoledronic acid) is medical oncology's
                        hypercalcaemia = p[1] == "emergency" and "zoledronic" in p[2].lower()
                        owner = "oncology2" if hypercalcaemia else OWNER_FOR_KIND[p[1]]
                        # described by its plan item's text, so documents show it in the reader's language
                        actions.append((owner, p[2], pi["plan_item_id"], rng.randint(3, 14)))
            for owner, text, plan_item_id, due_in in actions:
                due = decided_on + timedelta(days=due_in)
                status, completed = "open", None
                if due < self.today:
                    roll = rng.random()
                    if roll < 0.8:
                        status = "done"
                    elif roll < 0.95 or c.lecture:
                        status = "open" if not c.lecture else "done"
                    else:
                        status = "cancelled"
                elif self.chance(0.3):
                    status = "done"
                if status == "done":
                    completed = self.cap(max(decided_on, due - self.days(0, max(0, due_in - 1))))
                self.t["action_item"].append(
                    {
                        "action_id": self.new_id("action_item"),
                        "case_id": case_id,
                        "decision_id": did,
                        "plan_item_id": plan_item_id,
                        "description": text,
                        "owner_user_id": self.uid(owner),
                        "specialty": SPECIALTY_OF_OWNER[owner],
                        "due_date": due,
                        "status": status,
                        "completed_on": completed,
                    }
                )
            if meta["outcome"] != "decided" or meta["superseded"]:
                continue
            for pi, p in zip(meta["items"], meta["plan"], strict=True):
                if p[3] == "rejected" or p[1] not in TREATMENT_KINDS:
                    continue
                since = (self.today - decided_on).days
                if c.lecture:
                    on = self.lecture_delivery_day(c, p, decided_on) or decided_on + timedelta(days=min(since, 7))
                    # recorded after the meeting even when the treatment came first (an emergency operation)
                    recorded_on = self.cap(max(on, decided_on + timedelta(days=1)))
                    self.t["delivery"].append(self.delivery_row(pi, True, self.cap(on), recorded_on=recorded_on))
                    continue
                if since < 10 or (death and death <= decided_on + timedelta(days=3)):
                    continue
                if self.chance(0.15):
                    reason = self.pick((("patient_choice", 35), ("comorbidity", 25), ("new_information", 25), ("other", 15)))
                    note = {
                        "patient_choice": "Patient declined after discussion at clinic.",
                        "comorbidity": "Deteriorated (chest infection); treatment withheld.",
                        "new_information": "New imaging changed the plan.",
                        "other": "Transport not available; to be rebooked.",
                    }[reason]
                    self.t["delivery"].append(self.delivery_row(pi, False, None, reason, note))
                    continue
                on = self.cap(decided_on + self.days(1, min(21, since - 1)))
                if death and on >= death:
                    self.t["delivery"].append(self.delivery_row(pi, False, None, "other", "Patient died before treatment."))
                    continue
                self.t["delivery"].append(self.delivery_row(pi, True, on))
                self.deliver(c, p, on)

    def delivery_row(
        self,
        pi: dict[str, Any],
        delivered: bool,
        on: date | None,
        reason: str | None = None,
        note: str = "",
        recorded_on: date | None = None,
    ) -> dict[str, Any]:
        recorded = self.at(recorded_on or on or self.cap(self.today), 17, 0)
        return {
            "delivery_id": self.new_id("delivery"),
            "plan_item_id": pi["plan_item_id"],
            "delivered": delivered,
            "delivered_on": on,
            "reason_not": reason,
            "note": note,
            "recorded_at": recorded,
        }

    def choose_deaths(self) -> None:
        """A few deaths among the sickest patients discussed more than six weeks ago."""
        episodes: dict[int, int] = {}
        for c in self.cases:
            episodes[c.row["patient_id"]] = episodes.get(c.row["patient_id"], 0) + 1
        candidates = [
            meta
            for meta in self.plan_meta.values()
            if meta["outcome"] == "decided"
            and not meta["case"].lecture
            and (self.today - meta["decided_on"]).days > 42
            and ((meta["case"].row["ecog"] or 0) >= 3 or (meta["case"].row["expected_survival_weeks"] or 999) <= 13)
        ]
        candidates = [m for m in candidates if episodes[m["case"].row["patient_id"]] == 1]
        for meta in self.rng.sample(candidates, min(3, len(candidates))):
            c = meta["case"]
            pid = c.row["patient_id"]
            if pid in self.deaths:
                continue
            on = self.cap(meta["decided_on"] + self.days(20, 40))
            self.deaths[pid] = on
            self.add_event(pid, "death", on, "Died (disease progression)")

    def build_follow_ups(self) -> None:
        rng = self.rng
        for did, meta in self.plan_meta.items():
            if meta["status"] != "signed" or meta["outcome"] != "decided" or meta["superseded"]:
                continue
            c = meta["case"]
            death = self.deaths.get(c.row["patient_id"])
            base: date = meta["decided_on"]
            plan_text = " ".join(p[2] for p in meta["plan"])
            due: list[tuple[date, str]] = [(base + timedelta(days=91 * q), "clinical_review") for q in range(1, 5)]
            due += [
                (base + timedelta(days=91), "imaging"),
                (base + timedelta(days=182), "imaging"),
                (base + timedelta(days=42), "labs"),
            ]
            if "Zoledronic" in plan_text or "Denosumab" in plan_text or c.on_bma:
                due += [(base + timedelta(days=28 * q), "pre_dose_labs") for q in range(1, 4)]
            for when, kind in sorted(due):
                if death and when > death:
                    continue
                status, done_on = "due", None
                if when <= self.today:
                    roll = rng.random()
                    if roll < 0.78 or c.lecture:
                        status, done_on = "done", self.cap(when + self.days(-3, 3))
                    elif roll < 0.88:
                        status = "missed"
                self.t["follow_up"].append(
                    {
                        "follow_up_id": self.new_id("follow_up"),
                        "case_id": c.row["case_id"],
                        "decision_id": did,
                        "due_date": when,
                        "kind": kind,
                        "status": status,
                        "done_on": done_on,
                    }
                )

    def finish_cases(self) -> None:
        for c in self.cases:
            row = c.row
            row.pop("_plan", None)
            row.pop("_noms", None)
            if not c.slots:
                complete = row["histology"] and row["patient_wishes"] and row["neuro_assessed"] and row["nrs"] is not None
                row["status"] = "ready" if complete and self.chance(0.6) else "referred"
                continue
            last_k, last_outcome = c.slots[-1]
            if last_outcome == "listed":
                row["status"] = "listed"
            elif row["patient_id"] in self.deaths or (self.today - self.meeting_dates[last_k]).days > 28:
                row["status"] = "closed"
            else:
                row["status"] = "discussed"
