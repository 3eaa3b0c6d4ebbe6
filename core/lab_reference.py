"""Adult reference intervals for the laboratory trends (display only: shaded behind each trend).

One row per analyte (and sex when the interval differs), in the stored SI unit
(``core.models.ANALYTE_UNITS``), with its source. Intervals are method- and laboratory-specific:
these are published harmonised intervals a department replaces with its own laboratory's; no
score or rule reads them (scores use their own published thresholds). See docs/lab-reference.md.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from core.models import ANALYTE_UNITS, Analyte, Sex

HARMONY = "Pathology Harmony (UK), harmonised adult reference intervals, 2011"
AACB = "AACB harmonised reference intervals (Australasia), Clin Biochem Rev 2014;35:213-35"
BAST = "Bast RC Jr et al. N Engl J Med 1983;309:883-7 (CA125 35 kU/L)"
MANUFACTURER = "Common assay interval (manufacturers' inserts); confirm with the local laboratory"


class ReferenceInterval(NamedTuple):
    analyte: Analyte
    lower: Decimal | None  # None: no lower limit (tumour markers, CRP, bilirubin)
    upper: Decimal | None
    source: str
    sex: Sex | None = None  # None: both sexes

    @property
    def unit(self) -> str:
        return ANALYTE_UNITS[self.analyte][0]


D = Decimal
REFERENCE_INTERVALS: tuple[ReferenceInterval, ...] = (
    ReferenceInterval(Analyte.CALCIUM, D("2.20"), D("2.60"), HARMONY),  # adjusted calcium
    ReferenceInterval(Analyte.IONISED_CALCIUM, D("1.15"), D("1.33"), MANUFACTURER),
    ReferenceInterval(Analyte.ALBUMIN, D("35"), D("50"), HARMONY),
    ReferenceInterval(Analyte.CREATININE, D("60"), D("110"), AACB, Sex.MALE),
    ReferenceInterval(Analyte.CREATININE, D("45"), D("90"), AACB, Sex.FEMALE),
    ReferenceInterval(Analyte.ALP, D("30"), D("130"), HARMONY),
    ReferenceInterval(Analyte.HB, D("130"), D("180"), HARMONY, Sex.MALE),
    ReferenceInterval(Analyte.HB, D("115"), D("165"), HARMONY, Sex.FEMALE),
    ReferenceInterval(Analyte.PLATELETS, D("150"), D("400"), HARMONY),
    ReferenceInterval(Analyte.NEUTROPHILS, D("2.0"), D("7.5"), HARMONY),
    ReferenceInterval(Analyte.PSA, None, D("4.0"), MANUFACTURER),
    ReferenceInterval(Analyte.CA15_3, None, D("30"), MANUFACTURER),
    ReferenceInterval(Analyte.CEA, None, D("5.0"), MANUFACTURER),
    ReferenceInterval(Analyte.CA125, None, D("35"), BAST),
    ReferenceInterval(Analyte.CRP, None, D("5"), MANUFACTURER),
    ReferenceInterval(Analyte.LDH, D("120"), D("250"), AACB),
    ReferenceInterval(Analyte.BILIRUBIN, None, D("21"), HARMONY),
    ReferenceInterval(Analyte.PHOSPHATE, D("0.8"), D("1.5"), HARMONY),
    ReferenceInterval(Analyte.MAGNESIUM, D("0.7"), D("1.0"), HARMONY),
)


def reference_for(analyte: Analyte, sex: Sex | None = None) -> ReferenceInterval | None:
    """The interval for ``analyte`` (the sex-specific one when the sex is known and one exists;
    without a sex, a sex-specific interval is not guessed: None)."""
    rows = [r for r in REFERENCE_INTERVALS if r.analyte == analyte]
    for row in rows:
        if row.sex is None or row.sex == sex:
            return row
    return None
