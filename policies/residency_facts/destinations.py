"""Hosts that are a destination outside AWS by definition, under whatever key configuration names them.

Code's configuration names where it sends under many keys: `OTEL_EXPORTER_OTLP_ENDPOINT` says so by its name,
`SENTRY_DSN`, `DD_SITE`, `NEW_RELIC_HOST` or a logging library's `url` do not. A URL under any other key
inside a configuration file may be an identity provider's issuer or a documentation link, which the pack
cannot tell from a sink (`residency_policies/lineage_code.py`); a whole URL an environment variable gives is a
destination unless its name says otherwise (`NOT_DESTINATION_URL_KEY_WORDS`, reviewer blind-whole15 w15). The
hosts below are the ingestion endpoints of software-as-a-service error trackers, APM and tracing back ends,
log and metrics services and product analytics: the only reason to configure one is to send it data
(exceptions with their request data and local variables, traces, log lines, events). Decision (round 9): a
host under one of these domains, in a URL (a DSN's `https://<key>@<host>/<project>` included) or alone,
anywhere in code's configuration or a chart's values, is a place outside AWS, whatever key holds it; that some
vendors run on AWS (in whose account, in which region, the deployment cannot say) does not make them the
deployment's.

Domains as the vendors document their ingest endpoints (checked this round: Sentry's DSN hosts
`o<org>.ingest[.<region>].sentry.io`, New Relic's OTLP `otlp[.eu01].nr-data.net`); the others are the
vendors' well-known service domains, each a vendor's own (a suffix matches the domain and its subdomains).
A vendor that is missing is judged as before: by an endpoint key, or as a public host in a configuration
text.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

SAAS_INGESTION_DOMAINS: Mapping[str, str] = MappingProxyType(
    {
        # Error trackers.
        "sentry.io": "Sentry",
        "rollbar.com": "Rollbar",
        "bugsnag.com": "Bugsnag",
        "airbrake.io": "Airbrake",
        "honeybadger.io": "Honeybadger",
        "raygun.com": "Raygun",
        "raygun.io": "Raygun",
        # APM, tracing and observability platforms.
        "datadoghq.com": "Datadog",
        "datadoghq.eu": "Datadog",
        "ddog-gov.com": "Datadog (US government)",
        "newrelic.com": "New Relic",
        "nr-data.net": "New Relic",
        "honeycomb.io": "Honeycomb",
        "lightstep.com": "Lightstep (ServiceNow Cloud Observability)",
        "dynatrace.com": "Dynatrace",
        "signalfx.com": "Splunk Observability Cloud",
        "splunkcloud.com": "Splunk Cloud",
        "instana.io": "IBM Instana",
        "appsignal.com": "AppSignal",
        "signoz.cloud": "SigNoz Cloud",
        "uptrace.dev": "Uptrace",
        "chronosphere.io": "Chronosphere",
        "grafana.net": "Grafana Cloud",
        # Log and metrics services.
        "logz.io": "Logz.io",
        "sumologic.com": "Sumo Logic",
        "loggly.com": "Loggly",
        "papertrailapp.com": "Papertrail",
        "logtail.com": "Better Stack",
        "betterstackdata.com": "Better Stack",
        "coralogix.com": "Coralogix",
        "coralogix.us": "Coralogix",
        "coralogix.in": "Coralogix",
        "mezmo.com": "Mezmo (LogDNA)",
        "logdna.com": "Mezmo (LogDNA)",
        "axiom.co": "Axiom",
        "observeinc.com": "Observe",
        # Product analytics and session replay.
        "segment.io": "Segment",
        "segment.com": "Segment",
        "mixpanel.com": "Mixpanel",
        "amplitude.com": "Amplitude",
        "posthog.com": "PostHog",
        "logrocket.io": "LogRocket",
        "highlight.io": "Highlight",
    }
)
"""Domain -> the vendor whose ingestion service it is."""


def saas_vendor(host: str) -> str | None:
    """The vendor whose ingestion service a host is (the domain itself or a subdomain), or None."""
    host = host.lower().rstrip(".")
    parts = host.split(".")
    for start in range(len(parts) - 1):
        vendor = SAAS_INGESTION_DOMAINS.get(".".join(parts[start:]))
        if vendor is not None:
            return vendor
    return None


NOT_DESTINATION_URL_KEY_WORDS: frozenset[str] = frozenset(
    {
        # An identity provider the code signs people or itself in with (it sends credentials, not data).
        "issuer",
        "jwks",
        "oidc",
        "openid",
        "oauth",
        "authority",
        "sso",
        # A link for people: the service's documentation, support or terms, shown or logged, never called.
        "doc",
        "docs",
        "documentation",
        "help",
        "homepage",
        "website",
        "support",
        "runbook",
        "terms",
        "privacy",
        "license",
        "licence",
        "changelog",
    }
)
"""Words of an environment variable's or configuration key's name (split at `_`, `-`, `.` and case changes)
that say its URL is not where the code sends (decision, reviewer blind-whole15 w15): any other whole URL
value in code's configuration is a place it may send what it reads, whatever its key is called."""
NOT_DESTINATION_URL_SCHEMES: frozenset[str] = frozenset({"s3", "s3a", "s3n", "file", "arn"})
"""Schemes whose "host" is no host: a bucket name (`s3://reports.example.com/`), a local file."""

NOT_DESTINATION_HOSTS = (
    "docker.io",
    "quay.io",
    "ghcr.io",
    "gcr.io",
    "registry.k8s.io",
    "public.ecr.aws",
    "mcr.microsoft.com",
    "kubernetes.io",
    "k8s.io",
    "w3.org",
    "json-schema.org",
)
"""Registries and schema or API domains that configuration names without sending data there."""
