"""SQL that keeps raw telemetry in its region and sends the peers only a differentially private release.

Each region runs two PostgreSQL servers. The telemetry store (TimescaleDB) holds raw telemetry with its
subject identifiers; once an hour has closed it releases it: contributions bounded per subject, discrete
Laplace noise from pgcrypto, groups kept by a noisy threshold over a closed vocabulary, and the result written
to a ledger on the store before it is pushed, over verified TLS with a client certificate, into each peer's
inbox. The exchange is that inbox: it holds the peers' releases and nothing else, and each peer's role may
only INSERT into its own table. No role has the REPLICATION attribute anywhere. README.md beside this file
states the guarantee and explains the design.

This module gives the Kubernetes Jobs and CronJob what they run (psql scripts, their variables, the release
statement), the pg_hba rules and TLS settings of both servers and the connection settings of every client.
It imports nothing from Pulumi.

Layout, one concern per module; every public name is importable from the package itself:
- privacy.py: PrivacyParameters (bounds, noise scales, threshold) and Vocabulary, the closed dimensions;
- connections.py: the roles, TLS settings, pg_hba rules and connection strings;
- scripts.py: the migrations, the Jobs' psql scripts and variables, the release and push statements.
"""

from __future__ import annotations

from components.telemetry_sql.connections import *  # noqa: F403 (re-exported, names in __all__)
from components.telemetry_sql.connections import __all__ as _connections
from components.telemetry_sql.privacy import *  # noqa: F403
from components.telemetry_sql.privacy import __all__ as _privacy
from components.telemetry_sql.scripts import *  # noqa: F403
from components.telemetry_sql.scripts import __all__ as _scripts

__all__ = [*_privacy, *_connections, *_scripts]
