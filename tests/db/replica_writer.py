"""Helper process for the PostgreSQL replica test: one "replica" writing lesions (each with its
audit row) into a shared store, printing each id after commit."""

from __future__ import annotations

import sys

from core.models import Actor, Lesion, Role, Specialty
from db import clinical
from db.connection import connect


def main(url: str, patient_id: int, name: str, count: int) -> None:
    con = connect(url)
    cur = con.cursor()
    actor = Actor(user_id=9000, username=f"replica-{name}", role=Role.MEMBER, specialty=Specialty.ORTHOPAEDICS)
    for i in range(count):
        lesion = Lesion(patient_id=patient_id, bone="rib", side="left", lesion_type="lytic", size_mm=1 + i)
        lesion_id = clinical.add(cur, actor, lesion, token=f"replica-{name}-{i}")
        print(f"ACK {name} {i} {lesion_id}", flush=True)
    cur.close()
    con.close()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
