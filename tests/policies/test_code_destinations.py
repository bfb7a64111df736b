"""Where code that reads PII sends it when its configuration names no URL under an endpoint key: a public
host (a `Host` line of a log shipper's config, an ssh `user@host`), a public address, or a sink or remote
type that is another provider's service by definition (Debezium Server's `pubsub`, an rclone `drive`
remote). Each test is the compliant baseline (a Kubernetes CronJob given the PII database's host, mounting
a ConfigMap whose configuration stays in eu-west-1) and one change.

Field names: Debezium Server's `debezium.sink.type` and `debezium.sink.kinesis.region`
(debezium.io/documentation/reference/stable/operations/debezium-server.html); rclone's config file, one
`[remote]` section with `type`, `provider`, `region` (rclone.org/docs/, rclone.org/s3/); Fluent Bit's
classic config `[OUTPUT]` with `Name`, `Host`, `region` (docs.fluentbit.io/manual/pipeline/outputs/).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
IN_REGION_CONFIG = (
    "debezium.sink.type=kinesis\n"
    "debezium.sink.kinesis.region=eu-west-1\n"
    "debezium.source.connector.class=io.debezium.connector.postgresql.PostgresConnector\n"
    "debezium.source.offset.storage.file.filename=/data/offsets.dat\n"
)


def _config(region: Region, text: str) -> Res:
    return Res(
        "kubernetes:core/v1:ConfigMap",
        "exporter-config",
        {
            "metadata": {"name": "exporter-config", "namespace": "app"},
            "data": {"application.properties": text},
        },
        region.kubernetes,
    )


def _job(region: Region, args: list[str]) -> Res:
    """A CronJob given the PII database's host, mounting the exporter's config."""
    container = {
        "name": "export",
        "image": "quay.io/debezium/server:3.1",
        "command": ["/bin/sh", "-c"],
        "args": args,
        "env": [{"name": "PGHOST", "value": UNKNOWN}],
        "volumeMounts": [{"name": "conf", "mountPath": "/debezium/config"}],
    }
    pod = {
        "restartPolicy": "OnFailure",
        "containers": [container],
        "volumes": [{"name": "conf", "configMap": {"name": "exporter-config"}}],
        "affinity": {
            "podAntiAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": [
                    {
                        "topologyKey": "topology.kubernetes.io/zone",
                        "labelSelector": {"matchLabels": {"a": "b"}},
                    }
                ]
            }
        },
    }
    return Res(
        "kubernetes:batch/v1:CronJob",
        "exporter",
        {
            "metadata": {"name": "exporter", "namespace": "app"},
            "spec": {"schedule": "0 2 * * *", "jobTemplate": {"spec": {"template": {"spec": pod}}}},
        },
        region.kubernetes,
        deps={"spec": [region.database]},
    )


BASELINE_ARGS = ["pg_dump -Fc -h $PGHOST app > /data/customers.dump && echo done to 10.10.1.20"]


def _stack(text: str = IN_REGION_CONFIG, args: list[str] | None = None) -> tuple[list[Res], Res]:
    region = eu_region()
    job = _job(region, args if args is not None else BASELINE_ARGS)
    return [*region.resources, _config(region, text), job], job


def test_a_job_whose_configuration_stays_in_region_passes() -> None:
    resources, _ = _stack()
    assert violations(resources, NO_PII) == []


def test_an_rclone_remote_on_s3_in_region_passes() -> None:
    resources, _ = _stack("[archive]\ntype = s3\nprovider = AWS\nregion = eu-west-1\nenv_auth = true\n")
    assert violations(resources, NO_PII) == []


def test_a_log_shipper_to_cloudwatch_in_region_passes() -> None:
    conf = (
        "[OUTPUT]\n    Name cloudwatch_logs\n    Match *\n    region eu-west-1\n    log_group_name /eks/app\n"
    )
    resources, _ = _stack(conf)
    assert violations(resources, NO_PII) == []


CONFIGURATIONS = {
    "a Debezium sink on Google Pub/Sub": IN_REGION_CONFIG.replace("kinesis", "pubsub")
    + "debezium.sink.pubsub.project.id=acme-analytics-us\n",
    "an rclone remote on Google Drive": "[gdrive]\ntype = drive\nscope = drive\n",
    "a log shipper's Host line": "[OUTPUT]\n    Name datadog\n    Match *\n"
    "    Host http-intake.logs.datadoghq.com\n",
    "a Prometheus remote_write url": "global:\n  scrape_interval: 30s\nremote_write:\n"
    "  - url: https://metrics.vendor-example.io/api/v1/push\n",
    "an Alloy remote_write endpoint block": 'prometheus.remote_write "out" {\n  endpoint {\n'
    '    url = "https://metrics.vendor-example.io/api/v1/push"\n  }\n}\n',
    "a Thanos objstore file on Google Cloud Storage": "type: GCS\nconfig:\n  bucket: metrics-archive\n",
}


@pytest.mark.parametrize("text", CONFIGURATIONS.values(), ids=CONFIGURATIONS.keys())
def test_a_configuration_naming_a_place_outside_aws_is_blocked(text: str) -> None:
    resources, job = _stack(text)
    found = violations(resources, NO_PII)
    assert job.urn in [d.urn for d in found], messages(found)
    assert "outside AWS" in next(d.message for d in found if d.urn == job.urn)


COMMANDS = {
    "an ssh target by address": "pg_dump -Fc -h $PGHOST app | ssh backup@198.51.100.20 'cat > /srv/c.dump'",
    "an ssh target by name": "pg_dump -Fc -h $PGHOST app | ssh backup@dumps.partner-example.net 'cat > c'",
    "an rsync target": "pg_dump -Fc -h $PGHOST app > /tmp/c && rsync /tmp/c 203.0.113.7:/srv/",
}


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
def test_a_command_line_naming_a_server_outside_aws_is_blocked(command: str) -> None:
    resources, job = _stack(args=[command])
    found = violations(resources, NO_PII)
    assert job.urn in [d.urn for d in found], messages(found)


# A configuration file computed from the PII store is unknown at a first preview ---------------------------


def _computed_config(region: Region, key: str) -> Res:
    return Res(
        "kubernetes:core/v1:ConfigMap",
        "exporter-config",
        {"metadata": {"name": "exporter-config", "namespace": "app"}, "data": {key: UNKNOWN}},
        region.kubernetes,
        deps={"data": [region.database]},
    )


def test_a_single_value_computed_from_the_database_is_its_host() -> None:
    region = eu_region()
    resources = [*region.resources, _computed_config(region, "DB_HOST"), _job(region, BASELINE_ARGS)]
    assert violations(resources, NO_PII) == []


@pytest.mark.preview_only("a preview of the deployed stack reads the file's text, judged as any other")
def test_a_configuration_file_computed_from_the_database_fails_closed_until_it_can_be_read() -> None:
    region = eu_region()
    job = _job(region, BASELINE_ARGS)
    resources = [*region.resources, _computed_config(region, "application.properties"), job]
    found = violations(resources, NO_PII)
    assert job.urn in [d.urn for d in found], messages(found)


def _computed_data(region: Region, computed_from: Res) -> Res:
    """A ConfigMap whose whole data is computed in `apply()` (its keys unknown at preview)."""
    return Res(
        "kubernetes:core/v1:ConfigMap",
        "exporter-config",
        {"metadata": {"name": "exporter-config", "namespace": "app"}, "data": UNKNOWN},
        region.kubernetes,
        deps={"data": [computed_from]},
    )


@pytest.mark.preview_only("a preview of the deployed stack reads the files, judged as any other")
def test_a_configmap_whose_whole_data_is_computed_from_the_database_fails_closed() -> None:
    # Which files it holds cannot be read, so neither can its sinks (reviewer blind-k8s14 a14).
    region = eu_region()
    job = _job(region, BASELINE_ARGS)
    found = violations([*region.resources, _computed_data(region, region.database), job], NO_PII)
    assert [d.urn for d in found] == [job.urn], messages(found)
    assert "data (every file)" in found[0].message and "unknown at preview" in found[0].message


def test_a_configmap_whose_whole_data_is_computed_from_no_resident_store_is_not_judged_unread() -> None:
    region = eu_region()
    job = _job(region, BASELINE_ARGS)
    resources = [*region.resources, _computed_data(region, region.vpc), job]
    assert violations(resources, NO_PII) == []


IN_REGION_COLLECTOR = {
    "receivers": {"sqlquery": {"driver": "postgres", "datasource": UNKNOWN, "queries": []}},
    "exporters": {"awscloudwatchlogs": {"log_group_name": "signups", "region": "eu-west-1"}},
    "service": {"pipelines": {"logs": {"receivers": ["sqlquery"], "exporters": ["awscloudwatchlogs"]}}},
}


def _collector(region: Region, spec: object) -> Res:
    """An OpenTelemetry Operator collector whose configuration is computed from the PII database."""
    return Res(
        "kubernetes:opentelemetry.io/v1beta1:OpenTelemetryCollector",
        "signups",
        {"metadata": {"name": "signups", "namespace": "observability"}, "spec": spec},
        region.kubernetes,
        deps={"spec": [region.database]},
    )


@pytest.mark.preview_only("a preview of the deployed stack reads the collector's exporters")
@pytest.mark.parametrize(
    ("spec", "unread"),
    [
        ({"mode": "deployment", "config": UNKNOWN}, "spec.config"),
        (UNKNOWN, "spec"),
    ],
    ids=["config", "whole-spec"],
)
def test_a_collector_configuration_computed_from_the_database_fails_closed(spec: object, unread: str) -> None:
    # The operator writes the collector's configuration from spec.config: built in apply() from the
    # database's address, its exporters cannot be read at preview (reviewer blind-k8s14 a14).
    region = eu_region()
    collector = _collector(region, spec)
    found = violations([*region.resources, collector], NO_PII)
    assert [d.urn for d in found] == [collector.urn], messages(found)
    assert f"where the configuration {unread} of" in found[0].message
    assert "computed from aws:rds/instance:Instance 'pii-db'" in found[0].message


def test_a_collector_given_the_database_address_as_a_single_value_is_judged_on_its_exporters() -> None:
    region = eu_region()
    collector = _collector(region, {"mode": "deployment", "config": IN_REGION_COLLECTOR})
    assert violations([*region.resources, collector], NO_PII) == []


@pytest.mark.parametrize(
    "text",
    [
        # Vector (vector.dev/docs/reference/configuration/sinks/http/): a sink's `uri`, in YAML and TOML.
        "sinks:\n  out:\n    type: http\n    inputs: [db]\n    uri: https://ingest.analytics-vendor.example.com/v1\n",
        '[sinks.out]\ntype = "http"\ninputs = ["db"]\nuri = "https://ingest.analytics-vendor.example.com/v1"\n',
        # The OpenTelemetry collector's exporters section, a URL under a key that names no endpoint.
        '{"exporters": {"prometheusremotewrite": {"url": "https://metrics.vendor.example.com/push"}}}',
    ],
    ids=["vector-yaml", "vector-toml", "otel-json"],
)
def test_a_url_under_any_key_of_a_sink_or_exporter_section_is_a_destination(text: str) -> None:
    resources, job = _stack(text)
    found = violations(resources, NO_PII)
    assert [d.urn for d in found] == [job.urn], messages(found)
    assert "outside AWS" in found[0].message


def test_a_url_of_a_source_section_is_no_destination() -> None:
    # An identity provider or a source's URL outside a sink or exporter section stays out of reach.
    resources, _ = _stack(
        "sources:\n  db:\n    type: http_client\n    endpoint_docs: none\n    url: https://id.example.org/jwks\n"
        "sinks:\n  out:\n    type: aws_s3\n    region: eu-west-1\n    bucket: exports\n"
    )
    assert violations(resources, NO_PII) == []


def _service_entry(region: Region, endpoints: list[dict[str, object]]) -> Res:
    """An Istio ServiceEntry that gives the mesh the name archive.app.internal (resolved to its endpoints)."""
    return Res(
        "kubernetes:networking.istio.io/v1:ServiceEntry",
        "archive",
        {
            "metadata": {"name": "archive", "namespace": "app"},
            "spec": {
                "hosts": ["archive.app.internal"],
                "location": "MESH_EXTERNAL",
                "resolution": "DNS",
                "endpoints": endpoints,
                "ports": [{"number": 80, "name": "http", "protocol": "HTTP"}],
            },
        },
        region.kubernetes,
    )


@pytest.mark.parametrize(
    ("address", "blocked"),
    [
        ("archive.backup-vendor.example.org", True),
        ("203.0.113.40", True),
        ("10.10.5.20", False),
        # No VPC or route of the stack holds it (reviewer blind-k8s13 k05): it cannot be traced.
        ("172.31.40.17", True),
    ],
    ids=["public-host", "public-address", "private-address", "private-address-outside-the-stacks-networks"],
)
def test_a_mesh_host_a_service_entry_resolves_outside_aws_is_a_destination_there(
    address: str, blocked: bool
) -> None:
    # Code that sends to the ServiceEntry's host sends to its endpoints (istio.io/latest/docs/reference/
    # config/networking/service-entry/), as code that sends to an ExternalName Service's name does.
    resources, job = _stack(args=["pg_dump -h $PGHOST app | curl -T - http://archive.app.internal/upload"])
    region_resources = [*resources, _service_entry(eu_region(), [{"address": address}])]
    entry = region_resources[-1]
    entry.provider = job.provider
    found = violations(region_resources, NO_PII)
    assert [d.urn for d in found] == ([job.urn] if blocked else []), messages(found)


# A path is no host: a directory named like a host (a CSI driver's plugin directory) -----------------------

PATHS = {
    "a plugin directory in an argument": "--kubelet-registration-path=/var/lib/kubelet/plugins/"
    "ebs.csi.aws.com/csi.sock",
    "a unix socket URL": "--csi-address=unix:///var/lib/kubelet/plugins/ebs.csi.aws.com/csi.sock",
    "a unix socket without slashes": "--endpoint unix:/var/lib/kubelet/plugins/efs.csi.aws.com/csi.sock",
    "a path in a command line": "pg_dump -Fc -h $PGHOST app > /data/exports.partner-example.net/c.dump",
    "a relative path": "tar czf ./dumps.partner-example.net/c.tgz /data && echo done to 10.10.1.20",
    "a home path": "cp /data/c.dump ~/backups.partner-example.net/",
    "a directory named like an AWS host": "pg_dump -Fc -h $PGHOST app > /mnt/exports.s3.amazonaws.com/c.dump",
}


@pytest.mark.parametrize("command", PATHS.values(), ids=PATHS.keys())
def test_a_directory_named_like_a_host_is_no_destination(command: str) -> None:
    # The EBS CSI node plugin names its socket's directory by the driver's name (reviewer blind-k8s14 c10):
    # a file path or a unix socket is on the node, wherever its directories' names look like hosts.
    resources, _ = _stack(args=[command])
    assert violations(resources, NO_PII) == [], messages(violations(resources, NO_PII))


def test_a_file_path_in_a_configuration_file_is_no_destination() -> None:
    resources, _ = _stack(
        IN_REGION_CONFIG + "debezium.sink.socket=/run/kinesis.vendor-example.com/agent.sock\n"
    )
    assert violations(resources, NO_PII) == []


HOSTS_BESIDE_PATHS = {
    "an rsync target after a path": "pg_dump -Fc -h $PGHOST app > /tmp/c && rsync /tmp/c "
    "dumps.partner-example.net:/srv/",
    "an SMB share": "mount -t cifs //files.partner-example.net/dumps /mnt && pg_dump -h $PGHOST app > /mnt/c",
    "an scp target whose path names a host": "scp /tmp/c backup@dumps.partner-example.net:/in/c.example.com",
}


@pytest.mark.parametrize("command", HOSTS_BESIDE_PATHS.values(), ids=HOSTS_BESIDE_PATHS.keys())
def test_a_host_written_beside_a_path_is_still_a_destination(command: str) -> None:
    resources, job = _stack(args=[command])
    found = violations(resources, NO_PII)
    assert job.urn in [d.urn for d in found], messages(found)
    assert "partner-example.net" in next(d.message for d in found if d.urn == job.urn)


def test_a_secret_whose_whole_data_is_computed_from_the_database_is_its_connection_values() -> None:
    """A Secret's `stringData` built in apply() from the database's outputs is how a program hands a job its
    connection (host, port, user): values, not configuration files, so the job is judged on what it does
    with them (reviewer blind-k8s13 k01, a compliant in-region backup blocked by whole-data reading)."""
    region = eu_region()
    job = _job(region, BASELINE_ARGS)
    secret = _computed_data(region, region.database)
    secret.type = "kubernetes:core/v1:Secret"
    secret.props["stringData"] = secret.props.pop("data")
    secret.deps = {"stringData": [region.database]}
    assert violations([*region.resources, secret, job], NO_PII) == []


def _whole_secret_job(region: Region, volume: dict[str, Any] | None, env_from: bool = False) -> list[Res]:
    """The stack, a Secret whose whole `stringData` is computed from the database, and the job reading it
    through `volume` (in place of the exporter's ConfigMap) or `envFrom`."""
    secret = _computed_data(region, region.database)
    secret.type = "kubernetes:core/v1:Secret"
    secret.props["stringData"] = secret.props.pop("data")
    secret.deps = {"stringData": [region.database]}
    job = _job(region, BASELINE_ARGS)
    pod = job.props["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    if volume is None:
        pod["volumes"], pod["containers"][0]["volumeMounts"] = [], []
    else:
        pod["volumes"] = [{"name": "conf", **volume}]
        if UNKNOWN in str(volume):
            job.deps["spec"].append(secret)  # named by the Secret's output
    if env_from:
        pod["containers"][0]["envFrom"] = [{"secretRef": {"name": "exporter-config"}}]
    return [*region.resources, secret, job]


WHOLE_SECRET_MOUNTS = {
    "a secret volume": {"secret": {"secretName": "exporter-config"}},
    "a projected source": {"projected": {"sources": [{"secret": {"name": "exporter-config"}}]}},
    "an item that is a file": {
        "secret": {
            "secretName": "exporter-config",
            "items": [{"key": "conf", "path": "application.properties"}],
        }
    },
    "a secret volume named by its output": {"secret": {"secretName": UNKNOWN}},
}


@pytest.mark.preview_only("a preview of the deployed stack reads the Secret's files, judged as any other")
@pytest.mark.parametrize("volume", WHOLE_SECRET_MOUNTS.values(), ids=WHOLE_SECRET_MOUNTS.keys())
def test_a_secret_computed_from_the_database_and_mounted_whole_as_files_fails_closed(
    volume: dict[str, Any],
) -> None:
    """Mounted as files, the Secret's unknown keys may be a configuration that names its sinks (an exporter's
    `application.properties`): which files it holds cannot be read, so it fails closed as a ConfigMap does."""
    resources = _whole_secret_job(eu_region(), volume)
    found = violations(resources, NO_PII)
    assert [d.urn for d in found] == [resources[-1].urn], messages(found)
    assert "stringData (every file)" in found[0].message and "mounts the Secret whole" in found[0].message


NAMED_VALUE_MOUNTS = {
    "named values": {
        "secret": {
            "secretName": "exporter-config",
            "items": [{"key": "PGPASSWORD", "path": "password"}, {"key": "PGHOST", "path": "host"}],
        }
    },
    "environment only": None,
}


@pytest.mark.parametrize("volume", NAMED_VALUE_MOUNTS.values(), ids=NAMED_VALUE_MOUNTS.keys())
def test_a_secret_computed_from_the_database_and_read_as_values_is_its_connection(
    volume: dict[str, Any] | None,
) -> None:
    resources = _whole_secret_job(eu_region(), volume, env_from=volume is None)
    assert violations(resources, NO_PII) == []


# A downward API field is no destination ------------------------------------------------------------------

DOWNWARD_API_ENV = [
    {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
    {
        "name": "FLAGS_PROFILE",
        "valueFrom": {"fieldRef": {"fieldPath": "metadata.annotations['flags.acme.io/profile']"}},
    },
    {
        "name": "MEMORY_LIMIT",
        "valueFrom": {"resourceFieldRef": {"containerName": "export", "resource": "limits.memory"}},
    },
]
DOWNWARD_API_VOLUME = {
    "name": "podinfo",
    "downwardAPI": {
        "items": [
            {"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}},
            {"path": "profile", "fieldRef": {"fieldPath": "metadata.annotations['flags.acme.io/profile']"}},
        ]
    },
}


def _downward_job(env: list[dict[str, Any]]) -> tuple[list[Res], Res]:
    resources, job = _stack()
    pod = job.props["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    pod["containers"][0]["env"].extend(env)
    pod["volumes"].append(DOWNWARD_API_VOLUME)
    return resources, job


def test_a_downward_api_field_path_is_no_destination() -> None:
    # `metadata.annotations['flags.acme.io/profile']` names a pod annotation by its key, domain-prefixed by
    # Kubernetes' convention: the pod reads its own metadata, nothing is sent (reviewer blind-k8s15 k14).
    resources, _ = _downward_job(DOWNWARD_API_ENV)
    assert violations(resources, NO_PII) == [], messages(violations(resources, NO_PII))


def test_the_same_host_as_an_environment_value_is_still_a_destination() -> None:
    resources, job = _downward_job([*DOWNWARD_API_ENV, {"name": "FLAGS_HOST", "value": "flags.acme.io"}])
    found = violations(resources, NO_PII)
    assert [d.urn for d in found] == [job.urn], messages(found)
    assert "flags.acme.io (a public host" in found[0].message


# A URL the configuration gives whole is a destination whatever its key (reviewer blind-whole15 w15) --------


def _with_variable(name: str, value: str) -> tuple[list[Res], Res]:
    resources, job = _stack()
    spec = job.props["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    spec["containers"][0]["env"].append({"name": name, "value": value})
    return resources, job


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SOC_INGEST_URL", "https://ingest.eu1.watchtower-soc.net/v2/events"),
        ("ANALYTICS_URL", "https://collect.analytics-vendor.com/batch"),
        ("REPORTS", "sftp://files.partner-example.com/inbox"),
        ("partnerApi", "https://api.partner-example.io"),
    ],
)
def test_a_url_in_the_environment_of_code_that_reads_pii_is_a_destination_whatever_its_name(
    name: str, value: str
) -> None:
    resources, job = _with_variable(name, value)
    found = [d for d in violations(resources, NO_PII) if d.urn == job.urn]
    assert found and value in messages(found) and name in messages(found), messages(found)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("OIDC_ISSUER_URL", "https://accounts.google.com"),
        ("JWKS_URI", "https://login.example-idp.com/.well-known/jwks.json"),
        ("DOCS_URL", "https://docs.vendor-example.com/exporter"),
        ("SUPPORT_URL", "https://support.vendor-example.com"),
        ("QUEUE_URL", "https://sqs.eu-west-1.amazonaws.com/123456789012/exports"),
        ("REGISTRY_URL", "https://ghcr.io/example"),
        ("EXPORT_PREFIX", "s3://exports.example.com/daily/"),
        ("SERVER_URL", "https://exporter.app.svc.cluster.local:8080"),
    ],
    ids=["issuer", "jwks", "docs", "support", "an AWS endpoint", "a registry", "a bucket", "in cluster"],
)
def test_a_url_that_is_no_destination_stays_out_of_the_code_destinations(name: str, value: str) -> None:
    resources, _ = _with_variable(name, value)
    assert violations(resources, NO_PII) == [], messages(violations(resources, NO_PII))


def test_a_url_of_the_stacks_own_hostname_is_no_destination_elsewhere() -> None:
    resources, _ = _with_variable("PUBLIC_URL", "https://eu.app.example.com/reports")
    assert violations(resources, NO_PII), "a host the stack does not declare is elsewhere"
    record = Res(
        "aws:route53/record:Record",
        "region-pinned",
        {"name": "eu.app.example.com", "type": "A", "zoneId": "Z0123456789ABCDEFGHIJ"},
        resources[0].provider,
    )
    assert violations([*resources, record], NO_PII) == [], messages(violations([*resources, record], NO_PII))


@pytest.mark.parametrize(
    ("url", "record_name"),
    [
        ("https://eu.app.example.com./reports", "eu.app.example.com"),
        ("https://EU.App.Example.com/reports", "eu.app.example.com"),
        ("https://eu.app.example.com/reports", "eu.app.example.com."),
    ],
    ids=["an absolute URL host", "a URL host in upper case", "an absolute record name"],
)
def test_the_stacks_own_hostname_is_matched_as_dns_compares_names(url: str, record_name: str) -> None:
    # DNS compares names in any case, with or without the trailing dot (reviewer blind-k8s16 v13).
    resources, _ = _with_variable("PUBLIC_URL", url)
    record = Res(
        "aws:route53/record:Record",
        "region-pinned",
        {"name": record_name, "type": "A", "zoneId": "Z0123456789ABCDEFGHIJ"},
        resources[0].provider,
    )
    assert violations([*resources, record], NO_PII) == [], messages(violations([*resources, record], NO_PII))


def _log_forwarder(url: str) -> tuple[list[Res], Res]:
    """The PII database's exported log group -> a subscription -> a Kinesis stream labelled internal -> an
    event source mapping -> a function whose environment gives `SOC_INGEST_URL` (the w15 chain)."""
    region = eu_region()
    region.database.props["enabledCloudwatchLogsExports"] = ["postgresql"]
    group = Res(
        "aws:cloudwatch/logGroup:LogGroup",
        "pii-db-logs",
        {
            "name": "/aws/rds/instance/pii-db/postgresql",
            "kmsKeyId": UNKNOWN,
            "retentionInDays": 30,
            "tags": {"data-classification": "pii"},
        },
        region.provider,
        deps={"kmsKeyId": [region.key]},
    )
    stream = Res(
        "aws:kinesis/stream:Stream",
        "db-audit",
        {
            "name": "db-audit",
            "encryptionType": "KMS",
            "kmsKeyId": UNKNOWN,
            "tags": {"data-classification": "internal"},
        },
        region.provider,
        deps={"kmsKeyId": [region.key]},
    )
    subscription = Res(
        "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
        "failed-logins",
        {
            "name": "failed-logins",
            "logGroup": "/aws/rds/instance/pii-db/postgresql",
            "filterPattern": '"authentication failed"',
            "destinationArn": UNKNOWN,
        },
        region.provider,
        deps={"destinationArn": [stream]},
    )
    function = Res(
        "aws:lambda/function:Function",
        "soc-forwarder",
        {
            "runtime": "python3.12",
            "handler": "index.handler",
            "role": "arn:aws:iam::123456789012:role/soc-forwarder",
            "environment": {"variables": {"SOC_INGEST_URL": url, "SOC_TOKEN_NAME": "watchtower-token"}},
        },
        region.provider,
    )
    mapping = Res(
        "aws:lambda/eventSourceMapping:EventSourceMapping",
        "soc-forwarder",
        {"eventSourceArn": UNKNOWN, "functionName": UNKNOWN, "startingPosition": "LATEST"},
        region.provider,
        deps={"eventSourceArn": [stream], "functionName": [function]},
    )
    return [*region.resources, group, stream, subscription, function, mapping], function


def test_a_function_fed_the_pii_logs_that_posts_them_to_a_url_in_its_environment_is_blocked() -> None:
    resources, function = _log_forwarder("https://ingest.eu1.watchtower-soc.net/v2/events")
    found = [d for d in violations(resources, NO_PII) if d.urn == function.urn]
    assert found and "watchtower-soc.net" in messages(found) and "SOC_INGEST_URL" in messages(found), (
        messages(violations(resources, NO_PII))
    )


def test_a_function_fed_the_pii_logs_that_sends_them_to_a_queue_in_region_passes() -> None:
    resources, _ = _log_forwarder("https://sqs.eu-west-1.amazonaws.com/123456789012/soc-inbox")
    assert violations(resources, NO_PII) == [], messages(violations(resources, NO_PII))
