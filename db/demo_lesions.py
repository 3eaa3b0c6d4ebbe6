"""The demo's generic cases, their lesions: sites drawn from the lecture's distributions, the
spinal and long-bone score items, pathological fractures."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from db.demo_lecture import LectureCases
from db.demo_vocabulary import (
    CERVICAL_WEIGHTS,
    DEFAULT_TYPE_WEIGHTS,
    LESION_TYPE_WEIGHTS,
    LUMBAR_WEIGHTS,
    THORACIC_WEIGHTS,
)


class GenericLesions(LectureCases):
    """The lesions of a generic case, drawn by site and primary."""

    # -- lesions of the generic cases ----------------------------------------------------------

    def generic_lesions(self, pid: int, primary: str, ref: date, diag: date, mscc: bool) -> list[dict[str, Any]]:
        rng = self.rng
        sites: list[str] = []
        if rng.random() < 0.63 or mscc:
            sites += ["spine"] * self.pick(((1, 55), (2, 30), (3, 15)))
        if rng.random() < 0.34:
            sites += ["pelvis"] * self.pick(((1, 75), (2, 25)))
        if rng.random() < 0.24:
            sites.append("long")
        if rng.random() < 0.18:
            sites += ["rib"] * self.pick(((1, 70), (2, 30)))
        if rng.random() < 0.14:
            sites.append(self.pick((("sacrum", 35), ("skull", 20), ("scapula", 15), ("sternum", 15), ("clavicle", 15))))
        if primary == "myeloma" and rng.random() < 0.7:
            sites += ["skull", "rib"]
        if not sites:
            sites.append(self.pick((("spine", 50), ("pelvis", 30), ("rib", 20))))
        sites = sites[:6]
        detected_from = max(diag, ref - timedelta(days=240))
        span = max(0, (ref - detected_from).days)
        weights = LESION_TYPE_WEIGHTS.get(primary, DEFAULT_TYPE_WEIGHTS)
        used_levels: set[str] = set()
        lesions: list[dict[str, Any]] = []
        for site in sites:
            ltype = self.pick(tuple(zip(("lytic", "blastic", "mixed"), weights, strict=True)))
            detected = detected_from + timedelta(days=rng.randint(0, span))
            size = max(5, min(120, int(rng.gauss(25, 12))))
            if site == "spine":
                les = self.spinal_lesion(pid, ltype, detected, size, used_levels)
            elif site == "long":
                les = self.long_bone_lesion(pid, ltype, detected, size)
            elif site == "pelvis":
                les = self.lesion_row(
                    pid,
                    "pelvis",
                    ltype,
                    detected,
                    side=rng.choice(("left", "right")),
                    segment=self.pick((("acetabulum", 35), ("ilium", 45), ("ischium_pubis", 20))),
                    size_mm=size,
                    painful=self.chance(0.55),
                )
            elif site == "sacrum":
                les = self.lesion_row(
                    pid,
                    "sacrum",
                    ltype,
                    detected,
                    level=self.pick((("S1", 50), ("S2", 30), (None, 20))),
                    side="midline",
                    size_mm=size,
                    painful=self.chance(0.5),
                )
            elif site in ("rib", "scapula", "clavicle"):
                les = self.lesion_row(
                    pid, site, ltype, detected, side=rng.choice(("left", "right")), size_mm=size, painful=self.chance(0.45)
                )
            else:  # skull, sternum
                les = self.lesion_row(pid, site, ltype, detected, side="midline", size_mm=size, painful=self.chance(0.3))
            if self.chance(0.06):
                les["size_mm"] = None
            lesions.append(les)
        if mscc:
            spinal = [x for x in lesions if x["bone"] == "spine"]
            target = next((x for x in spinal if x["level"].startswith("T")), spinal[0])
            target["bilsky"] = self.pick((("2", 60), ("3", 40)))
            target["painful"] = True
            target["spinal_pain"] = target["spinal_pain"] or "mechanical"
        if self.chance(0.11):
            self.add_fracture(lesions)
        return lesions

    def spinal_lesion(self, pid: int, ltype: str, detected: date, size: int, used: set[str]) -> dict[str, Any]:
        for _ in range(10):
            region = self.pick((("T", 58), ("L", 32), ("C", 10)))
            if region == "T":
                level = f"T{self.pick(tuple(zip(range(1, 13), THORACIC_WEIGHTS, strict=True)))}"
            elif region == "L":
                level = f"L{self.pick(tuple(zip(range(1, 6), LUMBAR_WEIGHTS, strict=True)))}"
            else:
                level = f"C{self.pick(tuple(zip(range(1, 8), CERVICAL_WEIGHTS, strict=True)))}"
            if level not in used:
                break
        used.add(level)
        high = ltype != "blastic" and self.chance(0.09)
        if high:
            values = {
                "spinal_pain": "mechanical",
                "alignment": self.pick((("de_novo_deformity", 70), ("subluxation_translation", 30))),
                "collapse": self.pick((("gt_50_collapse", 60), ("lt_50_collapse", 40))),
                "posterolateral": "bilateral",
            }
        else:
            values = {
                "spinal_pain": self.pick((("mechanical", 30), ("occasional_non_mechanical", 45), ("pain_free", 25))),
                "alignment": self.pick((("normal", 90), ("de_novo_deformity", 8), ("subluxation_translation", 2))),
                "collapse": self.pick(
                    (("none", 52), ("no_collapse_gt_50_involved", 22), ("lt_50_collapse", 18), ("gt_50_collapse", 8))
                ),
                "posterolateral": self.pick((("none", 58), ("unilateral", 30), ("bilateral", 12))),
            }
        bilsky = self.pick((("0", 55), ("1a", 22), ("1b", 13), ("1c", 10)))
        les = self.lesion_row(
            pid, "spine", ltype, detected, level=level, size_mm=size, bilsky=None if self.chance(0.12) else bilsky, **values
        )
        if self.chance(0.1):
            les[self.rng.choice(("spinal_pain", "alignment", "collapse", "posterolateral"))] = None
        les["painful"] = les["spinal_pain"] in ("mechanical", "occasional_non_mechanical")
        return les

    def long_bone_lesion(self, pid: int, ltype: str, detected: date, size: int) -> dict[str, Any]:
        bone = self.pick((("femur", 55), ("humerus", 28), ("tibia", 8), ("fibula", 4), ("radius", 3), ("ulna", 2)))
        segment = {
            "femur": (("head_neck", 15), ("peritrochanteric", 35), ("shaft", 35), ("distal", 15)),
            "humerus": (("proximal", 50), ("shaft", 40), ("distal", 10)),
            "tibia": (("proximal", 40), ("shaft", 50), ("distal", 10)),
        }.get(bone, (("shaft", 100),))
        les = self.lesion_row(
            pid,
            bone,
            ltype,
            detected,
            side=self.rng.choice(("left", "right")),
            segment=self.pick(segment),
            size_mm=size,
            size_fraction=self.pick((("lt_one_third", 40), ("one_third_to_two_thirds", 40), ("gt_two_thirds", 20))),
            limb_pain=self.pick((("mild", 35), ("moderate", 40), ("functional", 25))),
        )
        if self.chance(0.1):
            les[self.rng.choice(("size_fraction", "limb_pain"))] = None
        les["painful"] = les["limb_pain"] is not None or self.chance(0.5)
        return les

    def add_fracture(self, lesions: list[dict[str, Any]]) -> None:
        order = {"femur": 0, "humerus": 0, "tibia": 1, "spine": 2, "rib": 3, "pelvis": 4}
        candidates = sorted(lesions, key=lambda x: order.get(x["bone"], 9))
        target = candidates[0]
        if order.get(target["bone"], 9) == 9:
            return
        target["pathological_fracture"] = True
        target["painful"] = True
        if target["bone"] == "spine":
            target["collapse"] = self.pick((("lt_50_collapse", 50), ("gt_50_collapse", 50)))
        if target["bone"] in ("femur", "humerus", "tibia"):
            target["limb_pain"] = "functional"
            target["fracture_fixed"] = self.chance(0.4)
            if target["fracture_fixed"]:
                target["status"] = "treated"
