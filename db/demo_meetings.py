"""The demo's meeting records: agenda, opinions, decisions (signed, draft, amended) and their plan
items (what followed them, actions, delivery and follow-ups: ``demo_delivery.py``)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

from core.models import (
    Decision,
    PlanItem,
)
from core.signing import SIGNATURE_MEANING, content_hash
from db.demo_base import _Case
from db.demo_plan_texts import plan_texts
from db.demo_plans import MeetingPlans
from db.demo_vocabulary import (
    N_PAST_MEETINGS,
    RADIORESISTANT,
    URGENCY_RANK,
    sins_total,
    site_label,
)

# The surgeon's opinion, with or without an operation in the plan (four each: the same draw).
_SURGICAL_OPINIONS = (
    "decompression and stabilisation are indicated; radiotherapy after wound healing.",
    "surgery is the right first step; radiotherapy to follow.",
    "agree with surgical stabilisation; adjuvant radiotherapy from week 2.",
    "手术减压固定指征明确，术后放疗。",
)
_NON_SURGICAL_OPINIONS = (
    "no mechanical instability requiring surgery; radiotherapy first.",
    "recommend spinal precautions until reviewed in clinic.",
    "stable enough for radiotherapy; surgical review if the pain becomes mechanical.",
    "可先行放疗，暂不手术固定。",
)


class MeetingRecords(MeetingPlans):
    """What the meetings made of the cases: agenda, opinions, decisions, actions, delivery,
    follow-ups, deaths and each case's final status."""

    # -- agenda, opinions ----------------------------------------------------------------------

    def build_agenda(self) -> None:
        per_meeting: dict[int, list[tuple[_Case, str]]] = {}
        for c in self.cases:
            for k, outcome in c.slots:
                per_meeting.setdefault(k, []).append((c, outcome))
        for k in sorted(per_meeting):
            entries = sorted(
                per_meeting[k], key=lambda e: (URGENCY_RANK[e[0].slot_urgency.get(k, e[0].urgency)], e[0].row["case_id"])
            )
            mid = self.meeting_ids[k]
            total = 0
            for pos, (c, outcome) in enumerate(entries):
                status = {
                    "decided": "discussed",
                    "no_decision": "discussed",
                    "ratified": "ratified",
                    "deferred": "deferred",
                    "not_discussed": "not_discussed",
                    "listed": "listed",
                }[outcome]
                if status == "discussed":
                    secs = self.rng.randint(120, 400) if c.urgency != "routine" else self.rng.randint(60, 300)
                elif status == "ratified":
                    secs = self.rng.randint(20, 75)
                elif status == "deferred":
                    secs = self.rng.randint(60, 180)
                else:
                    secs = 0
                total += secs
                item = {
                    "item_id": self.new_id("agenda_item"),
                    "meeting_id": mid,
                    "case_id": c.row["case_id"],
                    "position": pos,
                    "urgency": c.slot_urgency.get(k, c.urgency),
                    "stream": c.row["stream"],
                    "status": status,
                    "discussion_seconds": secs,
                    "override_reason": "",
                }
                self.t["agenda_item"].append(item)
                self.items[(k, c.row["case_id"])] = item
            if k < N_PAST_MEETINGS:
                meeting = self.t["meeting"][k]
                meeting["ended_at"] = meeting["started_at"] + timedelta(seconds=total + 600)

    def opinions(self, k: int, c: _Case, item: dict[str, Any], plan: list[tuple[Any, ...]]) -> list[str]:
        """Specialty opinions on a discussed item; returns the contributing specialties."""
        present = self.present[k]
        kinds = {p[1] for p in plan}
        wanted: list[tuple[str, str]] = []
        spinal = [x for x in c.lesions if x["bone"] == "spine"]
        if kinds & {"fixation", "decompression"} or any((sins_total(x) or 0) >= 7 for x in spinal):
            surgeon = "spine" if spinal else "member"
            s = max(spinal, key=lambda x: sins_total(x) or 0) if spinal else None
            # The surgeon's words agree with the plan: surgery when it plans an operation (the
            # board showed "no instability requiring surgery" beside a decompression).
            text = (f"SINS {sins_total(s)} at {s['level']}: " if s and sins_total(s) is not None else "") + self.rng.choice(
                _SURGICAL_OPINIONS if kinds & {"fixation", "decompression"} else _NON_SURGICAL_OPINIONS
            )
            wanted.append((surgeon, text))
        if "radiotherapy" in kinds:
            wanted.append(
                (
                    "radonc",
                    self.rng.choice(
                        (
                            "Palliative RT suitable; single fraction if survival is short.",
                            "Agree with fractionated RT; can start next week.",
                            "SBRT possible if oligometastatic and ECOG ≤ 1.",
                            "建议姑息性放疗，疼痛缓解率约60–80%。",
                        )
                    ),
                )
            )
        if c.row["nrs"] and c.row["nrs"] >= 6:
            wanted.append(
                ("pain", f"NRS {c.row['nrs']}: escalate along the WHO ladder; laxatives with opioids; review in 1 week.")
            )
        if self.chance(0.5):
            wanted.append(
                (
                    "radiology",
                    self.rng.choice(
                        (
                            "Imaging reviewed: findings as reported; no additional lesion.",
                            "MRI whole spine recommended to complete staging.",
                            "影像复核：与报告一致。",
                        )
                    ),
                )
            )
        if (c.row["ecog"] or 0) >= 2 and self.chance(0.6):
            wanted.append(("rehab", "Functional assessment and walking aid; home adaptation."))
        out: list[str] = ["medical_oncology"]
        created = self.at(self.meeting_dates[k], 8, 5) + timedelta(seconds=item["position"] * 180)
        for username, text in wanted:
            if username not in present:
                continue
            spec = self.users[username][1]
            if self.chance(0.75):
                self.t["specialty_opinion"].append(
                    {
                        "opinion_id": self.new_id("specialty_opinion"),
                        "item_id": item["item_id"],
                        "specialty": spec,
                        "author_user_id": self.uid(username),
                        "text": text,
                        "created_at": created,
                    }
                )
            if spec not in out:
                out.append(str(spec))
        return out

    # -- decisions -----------------------------------------------------------------------------

    def build_decisions(self) -> None:
        last_past = N_PAST_MEETINGS - 1
        signed_lectures = {c.row["case_id"] for c in self.cases if c.lecture}
        amend_pool: list[int] = []
        override_done = False
        drafts = 0
        for c in self.cases:
            for k, outcome in c.slots:
                if k >= N_PAST_MEETINGS or outcome in ("not_discussed", "listed"):
                    continue
                item = self.items[(k, c.row["case_id"])]
                decided_on = self.meeting_dates[k]
                if outcome in ("decided", "ratified"):
                    plan = c.row.get("_plan") or self.plan_for(c, k)
                    decision_outcome = "decided"
                elif outcome == "deferred":
                    plan = [
                        (
                            None,
                            "investigation",
                            self.rng.choice(
                                (
                                    "Deferred: whole-spine MRI needed before a decision; re-list next week",
                                    "Deferred: awaiting histology from biopsy; re-list next week",
                                    "Deferred: CT staging outstanding; re-list next week",
                                )
                            ),
                            "free_text",
                            "",
                        )
                    ]
                    decision_outcome = "deferred"
                else:
                    plan = [
                        (
                            None,
                            "investigation",
                            "No recommendation reached: imaging older than 8 weeks and no calcium result; repeat and re-list",
                            "free_text",
                            "",
                        )
                    ]
                    decision_outcome = "no_decision"
                contributing = self.opinions(k, c, item, plan)
                missing_surgeon = not ({"member", "spine"} & self.present[k])
                missing_rt = "radonc" not in self.present[k]
                kinds = {p[1] for p in plan}
                quorum, override = "quorate", ""
                if (
                    decision_outcome == "decided"
                    and c.urgency != "emergency"
                    and ((missing_surgeon and kinds & {"fixation", "decompression"}) or (missing_rt and "radiotherapy" in kinds))
                ):
                    if not override_done:
                        quorum = "chair_override"
                        override = (
                            (
                                "Radiotherapy opinion given by phone before the meeting "
                                "(Dr Demo RadOnc); pain is uncontrolled and treatment "
                                "should not wait a week."
                            )
                            if missing_rt
                            else ("Orthopaedic opinion obtained by phone before the meeting; fixation should not wait a week.")
                        )
                        item["override_reason"] = override
                        override_done = True
                    else:
                        quorum = "provisional"
                status = "signed"
                if k == last_past and c.row["case_id"] not in signed_lectures and drafts < 4 and self.chance(0.4):
                    status = "draft"
                    drafts += 1
                # UNIQUE (case_id, version): a later meeting's decision on the same referral
                # (after a deferral or no decision) is the next version of the case's decision.
                prev = self.latest.get(c.row["case_id"])
                version, predecessor, why = 1, None, ""
                if prev is not None:
                    version, predecessor = prev[0] + 1, prev[1]
                    why = (
                        f"Re-discussed on {decided_on.isoformat()} after the "
                        f"{prev[2].replace('_', ' ')} outcome of {prev[3].isoformat()}."
                    )
                did = self.add_decision(
                    c,
                    item,
                    decided_on,
                    plan,
                    decision_outcome,
                    status,
                    quorum,
                    override,
                    contributing,
                    version=version,
                    predecessor=predecessor,
                    reason=why,
                )
                if (
                    status == "signed"
                    and decision_outcome == "decided"
                    and k <= 9
                    and c.row["case_id"] not in signed_lectures
                    and quorum == "quorate"
                ):
                    amend_pool.append(did)
        for did in self.rng.sample(amend_pool, min(2, len(amend_pool))):
            self.amend(did)

    def add_decision(
        self,
        c: _Case,
        item: dict[str, Any],
        decided_on: date,
        plan: list[tuple[Any, ...]],
        outcome: str,
        status: str,
        quorum: str,
        override: str,
        contributing: list[str],
        *,
        version: int = 1,
        predecessor: int | None = None,
        reason: str = "",
        signed_at: datetime | None = None,
    ) -> int:
        did = self.new_id("decision")
        row = c.row
        noms: dict[str, str] = dict(row.get("_noms") or {})
        if not noms and outcome == "decided":
            spinal = [x for x in c.lesions if x["bone"] == "spine"]
            if spinal:
                s = max(spinal, key=lambda x: sins_total(x) or 0)
                total = sins_total(s)
                mech = (
                    "unknown"
                    if total is None
                    else "stable"
                    if total <= 6
                    else "potentially_unstable"
                    if total <= 12
                    else "unstable"
                )
                noms = {
                    "neurologic": "high_grade" if s["bilsky"] in ("2", "3") else "low_grade",
                    "oncologic": "radioresistant" if row["primary_tumour"] in RADIORESISTANT else "radiosensitive",
                    "mechanical": mech,
                    "systemic": "fit" if row["fit_for_surgery"] else "not fit",
                }
        summary = {
            "decided": f"Plan agreed for {site_label(c.lesions[0])} and systemic care; see the plan items.",
            "deferred": "Decision deferred pending further information; re-listed.",
            "no_decision": "No recommendation reached; information missing.",
        }[outcome][:3900]
        dissent = ""
        if outcome == "decided" and self.chance(0.06):
            dissent = "Spine surgery favoured stabilisation first; majority chose radiotherapy."
        items = []
        for pos, (rule_id, kind, text, disposition, why) in enumerate(p[:5] for p in plan):
            pi = {
                "plan_item_id": self.new_id("plan_item"),
                "decision_id": did,
                "position": pos,
                "rule_id": rule_id,
                "kind": kind,
                "text": text,
                "disposition": disposition,
                "reason": why,
            }
            items.append(pi)
        # each item's text in both languages (db/demo_plan_texts.py): the demo team works in either
        texts = {pi["plan_item_id"]: plan_texts(pi["text"]) for pi in items}
        model = Decision.model_validate(
            {
                "decision_id": did,
                "case_id": row["case_id"],
                "item_id": item["item_id"],
                "version": version,
                "predecessor_id": predecessor,
                "amendment_reason": reason,
                "status": "draft",
                "outcome": outcome,
                "summary": summary,
                "plan": [PlanItem.model_validate({**pi, "texts": texts[pi["plan_item_id"]]}) for pi in items],
                "noms": noms,
                "dissent": dissent,
                "contributing": contributing,
                "quorum_state": quorum,
                "quorum_override_reason": override,
                "decided_on": decided_on,
            },
            context={"today": self.today},
        )
        meeting_start = self.at(decided_on)
        signed = status == "signed"
        when = signed_at or (meeting_start + timedelta(minutes=50))
        self.t["decision"].append(
            {
                "decision_id": did,
                "case_id": row["case_id"],
                "item_id": item["item_id"],
                "version": version,
                "predecessor_id": predecessor,
                "amendment_reason": reason,
                "status": status,
                "outcome": outcome,
                "summary": summary,
                "noms_json": json.dumps(noms, sort_keys=True, ensure_ascii=False),
                "dissent": dissent,
                "contributing": contributing,
                "quorum_state": quorum,
                "quorum_override_reason": override,
                "decided_on": decided_on,
                "created_by": self.uid("chair"),
                "created_at": meeting_start + timedelta(minutes=20),
                "signed_by": self.uid("chair") if signed else None,
                "signed_at": when if signed else None,
                "signature_meaning": SIGNATURE_MEANING if signed else "",
                "content_hash": content_hash(model) if signed else None,
            }
        )
        self.t["plan_item"].extend(items)
        self.t["plan_item_text"].extend(
            {"plan_item_id": i, "text_en": pair[0], "text_zh": pair[1]} for i, pair in texts.items() if pair is not None
        )
        self.latest[row["case_id"]] = (version, did, outcome, decided_on)
        self.plan_meta[did] = {
            "case": c,
            "status": status,
            "outcome": outcome,
            "decided_on": decided_on,
            "items": items,
            "plan": plan,
            "superseded": False,
        }
        return did

    def amend(self, did: int) -> None:
        meta = self.plan_meta[did]
        c: _Case = meta["case"]
        old = next(d for d in self.t["decision"] if d["decision_id"] == did)
        item = next(i for i in self.t["agenda_item"] if i["item_id"] == old["item_id"])
        decided_on = self.cap(meta["decided_on"] + self.days(2, 6))
        plan = list(meta["plan"])
        reason = self.rng.choice(
            (
                "New MRI after the meeting showed an additional lesion; radiotherapy field extended.",
                "Creatinine result received after the meeting: bone-modifying agent changed.",
                "Patient declined surgery after counselling; plan changed to radiotherapy alone.",
            )
        )
        plan.append((None, "other", f"Amendment: {reason}", "free_text", ""))
        self.add_decision(
            c,
            item,
            decided_on,
            plan,
            "decided",
            "signed",
            old["quorum_state"],
            old["quorum_override_reason"],
            list(old["contributing"]),
            version=self.latest[c.row["case_id"]][0] + 1,
            predecessor=did,
            reason=reason,
            signed_at=self.at(decided_on, 16, 30),
        )
        meta["superseded"] = True

    # -- actions, delivery, resulting treatments -----------------------------------------------

    # -- follow-ups, deaths, case status ---------------------------------------------------------

    # Lecture cases 1 and 2 are reviewed again at the next meeting: they stay listed.
