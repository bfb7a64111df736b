"""Code the pack cannot read that a reviewer has read: what it sends, by the SHA-256 of its text.

A Kubernetes workload is code: the pack judges what it is configured with (`lineage_code`), and code passes on
no classification, so a workload that reads the telemetry store and names another region's host copies
telemetry there. A program whose job runs only reviewed SQL (every container `psql --file` on one file of a
ConfigMap the stack declares, with only psql's connection and variable options) is judged by the review
instead: what that SQL sends across, classified as the review says. A change to the SQL changes its digest, so
the workload fails closed again until the SQL is reviewed again (`residency_policies/lineage_reviewed.py`).

SQL that links the server it runs on to another place (the peer-link SQL: a foreign server for the peer's
exchange) decides nothing of what crosses by itself: every other SQL run on that server may send through the
link. So in a stack where a reviewed link exists, a workload that runs SQL on the linked server as the login
the link serves is either reviewed too (its SQL below) or judged as code that may send what it reads to the
link's far end (`residency_policies/lineage_links.py`; reviewer blind-whole15 w01, w02). Every SQL text the
program ships for the telemetry store's Jobs and CronJobs is recorded here, and
`tests/policies/test_real_stacks.py` holds each digest to the program's SQL: a change to a migration, the
push or the release statement fails that test until it is reviewed and its digest recorded again.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple


class ReviewedSql(NamedTuple):
    """What a reviewed SQL file does with data, and the classification of what it sends elsewhere."""

    does: str
    sends: str
    links: bool = False
    """It links the server it runs on to the places its workload's configuration names outside the stack
    (a foreign server): SQL run on that server by the login the link serves may send there."""
    numbers: bool = False
    """Its key is the digest of the text with every number written as `0` (`lineage_reviewed.template`):
    the numbers are parameters that the reviewed SQL it calls bounds itself (the release's privacy
    parameters), so a stack may choose them."""


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
            links=True,
        ),
        # components/telemetry_sql/store (`store.sql`: migrations 0001 to 0010 and configure.sql, after
        # hide_secrets.sql), reviewed with components/telemetry_sql/README.md: raw telemetry stays in
        # telemetry.raw_events; the release bounds, noises and thresholds each closed hour into the ledger;
        # push_to_peer / push_released_hours send only the ledger's rows (release_insert) into each peer's
        # inbox; the foreign server of a peer is revoked from PUBLIC (only the superuser may use the link);
        # writers may only INSERT.
        "fd53651b22c75f29f9924f0287af57a0d78064815cf7610dfd2bb8ec04376ac1": ReviewedSql(
            "migrates and configures the telemetry store: the raw tables, the differentially private "
            "release into the ledger and the push of the ledger's rows only to each linked peer",
            "anonymised",
        ),
        # components/telemetry_sql `push_statement(timeout_seconds=30)` (`push.sql`): CALL
        # telemetry_admin.push_released_hours, which sends the ledger's released hours only.
        "f928d14b7d244b1ccbb26d9e53d19f8ec8fb3931ae657bfe02233f59b905af61": ReviewedSql(
            "pushes the ledger's released hours (the differentially private release) into each linked "
            "peer's inbox",
            "anonymised",
        ),
        # components/telemetry_sql `release_statement(privacy, push=False)` (`anonymise.sql`), whatever the
        # stack's privacy parameters: CALL telemetry_admin.release_to_ledger, which refuses parameters
        # outside the bounds of components/telemetry_sql/README.md and connects nowhere.
        "f7808b7103ded0e7147ab2c0370a6b1f9f20b4b2425a76fd205e0a7e80ab6735": ReviewedSql(
            "releases the closed hours of raw telemetry into the ledger on the store (bounded, noisy, "
            "thresholded) and connects nowhere",
            "anonymised",
            numbers=True,
        ),
        # components/telemetry_sql/exchange (`exchange.sql`: migrations and configure.sql): the inbox tables
        # of the peers' releases and each peer's INSERT-only role; it connects nowhere.
        "a1bba01efab2493a8e933e913035fa89629dd234d8ea70343371fc133d60a570": ReviewedSql(
            "migrates and configures the exchange (the peers' inboxes and their INSERT-only roles)",
            "anonymised",
        ),
        # components/telemetry_sql `database_script()` (`database.sql`): CREATE DATABASE if missing.
        "969f5410c5444b75d4d5a5bf2469348c80d11e01039b585cf48291fc5f87b20a": ReviewedSql(
            "creates the server's database when it is missing and reads no data", "internal"
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
