"""The pins, bounds and floors both the stack settings and the components hold values to: one place each.

Data flows one way (facts -> settings -> components -> `__main__.py`): the settings validate a stack file
against these values, and the components import the same values from here, so whatever the settings accept a
component accepts too, and neither layer reaches up into the other.
"""

from __future__ import annotations

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
