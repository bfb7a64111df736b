"""Code the pack cannot read that a reviewer has read: what it sends, by the SHA-256 of its text.

A Kubernetes workload is code: the pack judges what it is configured with (`lineage_code`), and code passes on
no classification, so a workload that reads the telemetry store and names another region's host copies
telemetry there. A program whose job runs only reviewed SQL (every container `psql --file` on one file of a
ConfigMap the stack declares, with only psql's connection and variable options) is judged by the review
instead: what that SQL sends across, classified as the review says. A change to the SQL changes its digest, so
the workload fails closed again until the SQL is reviewed again (`residency_policies/lineage_reviewed.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple


class ReviewedSql(NamedTuple):
    """What a reviewed SQL file does with data, and the classification of what it sends elsewhere."""

    does: str
    sends: str


REVIEWED_SQL: Mapping[str, ReviewedSql] = MappingProxyType(
    {
        # components/telemetry_sql/store/peer_link (the telemetry store's `peer-link.sql`), reviewed with
        # components/telemetry_sql/README.md: it configures the store's foreign server for the peer's
        # exchange (host, port, CA, client certificate) and names no table; the store then pushes only its
        # ledger, the differentially private hourly release, into the peer's inbox (`push.sql`, which runs
        # against the store alone and names no place).
        "2e1a8c4c01aa48c23caaa0c2bd1e8ecf9e76b0b03cd956288e1c149e7dcba508": ReviewedSql(
            "links the telemetry store to the peer region's exchange, through which the store pushes only "
            "its differentially private hourly release (components/telemetry_sql/README.md)",
            "anonymised",
        ),
    }
)
"""SHA-256 (hex) of a reviewed SQL file's text -> what it does and what it sends."""

PSQL_FLAG_OPTIONS = frozenset(
    {"--no-psqlrc", "-X", "--quiet", "-q", "--no-password", "-w", "--echo-errors", "-b"}
)
"""psql options that change nothing of what the file does."""
PSQL_VALUE_OPTIONS = frozenset({"--set", "-v", "--variable"})
"""psql options that set a variable the reviewed file reads (`:'name'`), whatever its value."""
PSQL_FILE_OPTIONS = frozenset({"--file", "-f"})
