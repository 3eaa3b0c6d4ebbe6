"""Helper process for the kill -9 test: writes lesions forever, printing each id after commit."""

from __future__ import annotations

import sys

import duckdb

from core.models import Actor, Lesion, Role, Specialty
from db import clinical


def main(path: str, patient_id: int, start: int) -> None:
    con = duckdb.connect(path)
    cur = con.cursor()
    actor = Actor(user_id=2, username="member", role=Role.MEMBER, specialty=Specialty.ORTHOPAEDICS)
    i = start
    while True:
        lesion = Lesion(patient_id=patient_id, bone="rib", side="left", lesion_type="lytic", size_mm=1 + i % 300)
        lesion_id = clinical.add(cur, actor, lesion, token=f"crash-{i}")
        print(f"ACK {i} {lesion_id}", flush=True)
        i += 1


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
