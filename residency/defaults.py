"""The pins, bounds and floors both the stack settings and the components hold values to: one place each.

Data flows one way (facts -> settings -> components -> `__main__.py`): the settings validate a stack file
against these values, and the components import the same values from here, so whatever the settings accept a
component accepts too, and neither layer reaches up into the other.
"""

from __future__ import annotations

from datetime import date

PII_POSTGRES_MAJOR = "17"
"""The pinned PostgreSQL major of the PII database: parameter group family and engine version agree on it."""

MINIMUM_BACKUP_RETENTION_DAYS = 7
MAXIMUM_BACKUP_RETENTION_DAYS = 35
"""RDS keeps automated backups for at most 35 days."""

TELEMETRY_POSTGRES_MAJOR = "15"
"""The telemetry servers' PostgreSQL major: the telemetry SQL targets PostgreSQL 15."""

TELEMETRY_IMAGE_TAG = "pg15.18-ts2.28.2"
"""PostgreSQL 15.18 with TimescaleDB 2.28.2, the default image tag of both telemetry servers.

Tag scheme and versions from github.com/timescale/timescaledb-docker-ha (build_scripts/versions.yaml, June
2026). Verify before a first deployment: `docker manifest inspect docker.io/timescale/timescaledb-ha:<tag>`.
"""

MIN_SUBJECTS_FLOOR = 10
"""k: no group with fewer distinct subjects is ever published; the telemetry SQL enforces the same floor."""

EKS_STANDARD_SUPPORT: dict[str, tuple[date, date]] = {
    "1.32": (date(2025, 1, 23), date(2026, 3, 23)),
    "1.33": (date(2025, 5, 29), date(2026, 7, 29)),
    "1.34": (date(2025, 10, 2), date(2026, 12, 2)),
    "1.35": (date(2026, 1, 27), date(2027, 3, 27)),
}
"""EKS Kubernetes minor -> (Amazon EKS release, end of standard support), both UTC days.

From the Amazon EKS User Guide, "Amazon EKS Kubernetes release calendar" (docs.aws.amazon.com/eks/latest/
userguide/kubernetes-versions.html; source awsdocs/amazon-eks-user-guide, latest/ug/versioning/
kubernetes-versions.adoc) for 1.32 to 1.34; the 1.35 row as that table gives it, read in copies of it
(endoflife.date/amazon-eks and aws-samples' EKS version calendar, checked 2026-04-24), since the stored copy
of the guide predates it. After the end of standard support a cluster is in extended support, billed extra per
cluster hour. A newer minor (1.36 and later) is refused until a row with its dates is added here: check
`aws eks describe-cluster-versions --cluster-version 1.NN` (endOfStandardSupportDate) and cite the calendar.
"""

EKS_CALENDAR_CHECKED = date(2026, 12, 1)
"""When the table above was last compared with the EKS calendar."""
