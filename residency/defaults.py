"""The pins, bounds and floors both the stack settings and the components hold values to: one place each.

Data flows one way (facts -> settings -> components -> `__main__.py`): the settings validate a stack file
against these values, and the components import the same values from here, so whatever the settings accept a
component accepts too, and neither layer reaches up into the other.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

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
DEFAULT_MIN_SUBJECTS = MIN_SUBJECTS_FLOOR
"""k by default: the floor itself (the stack settings require anonymisationK; the telemetry SQL's default)."""

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
# --- The telemetry release's privacy parameters (components/telemetry_sql/README.md, "The mechanism") ---
# The telemetry SQL holds the same defaults and bounds and enforces them again in SQL; tests/test_settings.py
# checks that whatever the settings accept the SQL's PrivacyParameters accepts, and the other way round.

DEFAULT_EPSILON_PER_HOUR = Decimal("1.0")
"""Privacy loss per person per released hour (so at most 24 times this per UTC day)."""
EPSILON_FLOOR = Decimal("0.1")
"""Below this the noise drowns every statistic."""
EPSILON_CEILING = Decimal("2.0")
"""The privacy-protecting bound: a larger epsilon per person per hour is refused."""
EPSILON_STEP = Decimal("0.001")
"""Epsilon is a decimal with at most three places, as the SQL's numeric parameter takes it."""
DEFAULT_MAX_GROUPS_PER_SUBJECT = 2
MAX_GROUPS_PER_SUBJECT_BOUNDS = (1, 10)
DEFAULT_MAX_EVENTS_PER_GROUP = 5
MAX_EVENTS_PER_GROUP_BOUNDS = (1, 100)
DEFAULT_LATENCY_BOUND_MS = 2000
LATENCY_BOUND_MS_BOUNDS = (1, 60000)
DEFAULT_SMALL_GROUP_PROBABILITY = 0.001
SMALL_GROUP_PROBABILITY_CEILING = 0.01
"""The probability that a group of at most k people is released lies in (0, this]."""

# --- The closed vocabularies of the release's grouping dimensions ---

VOCABULARY_LABEL = r"[a-z][a-z0-9-]{0,62}"
"""A service or metric name: a lower-case label (the SQL maps every other value onto `other`)."""
IDENTIFIER_SHAPED = r"[0-9]{3,}|[0-9a-f]{8,}|(^|-)(ip|id|user|device|session|uuid)(-|$)"
"""A name with a number, a long hexadecimal run or an identifier part names one thing, never a kind."""
RESERVED_VOCABULARY_NAME = "other"
"""What every value outside the vocabulary is counted under; never a vocabulary entry itself."""
MAX_VOCABULARY_SIZE = 200
