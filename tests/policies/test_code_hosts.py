"""Where code's configuration sends data by host: an AWS host that names no region (S3's global and legacy
endpoints, other services' regionless endpoints) and a cluster-local name of an ExternalName Service that
points elsewhere. Each test is a compliant baseline and one change; code given the PII database (a Lambda
function's environment, a Kubernetes workload's environment and the ConfigMaps and Secrets it reads, a Helm
release's values) is blocked when the host it is configured with is not in the stack's region."""

from __future__ import annotations

import base64

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import function_given_the_database, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
TRIAGED = "resource-type-triaged"
REGIONAL = "https://pii-exports-eu.s3.eu-west-1.amazonaws.com/daily/"
"""An in-region host: the bucket's regional virtual-hosted endpoint in the stack's own region."""


def _blocked(resources: list[Res], code: Res, policy: str = NO_PII) -> str:
    found = violations(resources, policy)
    assert code.urn in [d.urn for d in found], messages(found)
    return next(d.message for d in found if d.urn == code.urn)


# A Lambda function given the PII database and an AWS host -------------------------------------------------


def test_a_function_given_the_database_and_an_in_region_host_stays() -> None:
    region = eu_region()
    function = function_given_the_database(region, {"EXPORT_URL": REGIONAL})
    assert violations([*region.resources, function], NO_PII) == []


def test_a_function_given_the_database_and_the_sts_audience_stays() -> None:
    # STS's global endpoint holds no data: an IRSA audience or a token exchange is no destination.
    region = eu_region()
    function = function_given_the_database(
        region, {"EXPORT_URL": REGIONAL, "TOKEN_AUDIENCE": "sts.amazonaws.com"}
    )
    assert violations([*region.resources, function], NO_PII) == []


REGIONLESS = {
    "virtual-hosted global endpoint": ("EXPORT_URL", "https://pii-exports.s3.amazonaws.com/daily/"),
    "path-style global endpoint": ("EXPORT_URL", "https://s3.amazonaws.com/pii-exports/daily/"),
    "legacy us-east-1 endpoint": ("AWS_ENDPOINT_URL_S3", "https://s3-external-1.amazonaws.com"),
    "host without a scheme": ("EXPORT_HOST", "pii-exports.s3.amazonaws.com"),
    "transfer acceleration": ("EXPORT_URL", "https://pii-exports.s3-accelerate.amazonaws.com/daily/"),
    "legacy queue endpoint": ("QUEUE_URL", "https://queue.amazonaws.com/123456789012/exports"),
    "inside a command line": (
        "EXPORT_COMMAND",
        "aws s3 cp - s3://pii-exports/d --endpoint-url https://s3.amazonaws.com",
    ),
}


@pytest.mark.parametrize("variable,value", REGIONLESS.values(), ids=list(REGIONLESS))
def test_a_function_given_the_database_and_a_host_naming_no_region_is_blocked(
    variable: str, value: str
) -> None:
    region = eu_region()
    function = function_given_the_database(region, {"EXPORT_URL": REGIONAL, variable: value})
    message = _blocked([*region.resources, function], function)
    assert "names no region" in message and "eu-west-1.amazonaws.com" in message


def _exports_bucket(region: Region) -> Res:
    return store(region, "aws:s3/bucketV2:BucketV2", "exports", {"bucket": "pii-exports-eu"})


def test_a_function_writing_to_the_stacks_bucket_by_its_global_host_stays() -> None:
    # bucket.s3.amazonaws.com resolves to the bucket's own region: the stack's bucket, in eu-west-1.
    region = eu_region()
    bucket = _exports_bucket(region)
    function = function_given_the_database(
        region, {"EXPORT_URL": "https://pii-exports-eu.s3.amazonaws.com/d/"}
    )
    assert violations([*region.resources, bucket, function], NO_PII) == []


def test_a_function_writing_to_the_stacks_bucket_through_the_us_east_1_endpoint_is_blocked() -> None:
    # Path-style requests to s3.amazonaws.com are sent to us-east-1, whatever region the bucket is in.
    region = eu_region()
    bucket = _exports_bucket(region)
    function = function_given_the_database(
        region, {"EXPORT_URL": "https://s3.amazonaws.com/pii-exports-eu/d/"}
    )
    message = _blocked([*region.resources, bucket, function], function)
    assert "us-east-1" in message


# An ElastiCache host names its region by a short code (reviewer blind-k8s15 k15) ----------------------------

CACHE_HOSTS = {
    "primary endpoint": "master.product-cdc.x1y2z3.{code}.cache.amazonaws.com:6379",
    "node endpoint": "product-cdc-001.x1y2z3.0001.{code}.cache.amazonaws.com",
    "serverless endpoint": "rediss://product-cdc-x1y2z3.serverless.{code}.cache.amazonaws.com:6379",
}


@pytest.mark.parametrize("host", CACHE_HOSTS.values(), ids=CACHE_HOSTS.keys())
def test_a_function_given_the_database_and_an_in_region_cache_host_stays(host: str) -> None:
    # euw1 is eu-west-1 (`residency_facts/region_codes.py`): the team's own cache, in the stack's region.
    region = eu_region()
    function = function_given_the_database(region, {"CDC_REDIS": host.format(code="euw1")})
    assert violations([*region.resources, function], NO_PII) == []


@pytest.mark.parametrize("host", CACHE_HOSTS.values(), ids=CACHE_HOSTS.keys())
def test_a_function_given_the_database_and_a_cache_host_of_another_region_is_blocked_there(host: str) -> None:
    region = eu_region()
    function = function_given_the_database(region, {"CDC_REDIS": host.format(code="use1")})
    message = _blocked([*region.resources, function], function)
    assert "us-east-1" in message and "names no region" not in message


def test_a_cache_host_whose_region_code_the_pack_does_not_know_fails_closed() -> None:
    region = eu_region()
    host = CACHE_HOSTS["primary endpoint"].format(code="xyz9")
    function = function_given_the_database(region, {"CDC_REDIS": host})
    message = _blocked([*region.resources, function], function)
    assert "names no region" in message and "x1y2z3.euw1.cache.amazonaws.com" in message


# A Kubernetes workload given the database, configured by what it mounts ------------------------------------


def _exporter(
    region: Region, configuration: Res | None, environment: dict[str, str] | None = None, given: bool = True
) -> Res:
    """A Deployment given the PII database's host (unknown at preview), its own variables and settings."""
    env = [{"name": "DATABASE_HOST", "value": UNKNOWN}] if given else []
    env.extend({"name": name, "value": value} for name, value in (environment or {}).items())
    container: dict[str, object] = {"name": "exporter", "image": "example/exporter:2.1.0", "env": env}
    if configuration is not None:
        kind = "configMapRef" if configuration.type.endswith("ConfigMap") else "secretRef"
        container["envFrom"] = [{kind: {"name": "exporter-settings"}}]
    return Res(
        "kubernetes:apps/v1:Deployment",
        "exporter",
        {
            "metadata": {"name": "exporter", "namespace": "app", "labels": {"app": "exporter"}},
            "spec": {
                "selector": {"matchLabels": {"app": "exporter"}},
                "template": {
                    "metadata": {"labels": {"app": "exporter"}},
                    "spec": {"containers": [container]},
                },
            },
        },
        region.kubernetes,
        deps={"spec": [region.database]} if given else {},
    )


def _settings(region: Region, kind: str, endpoint: str) -> Res:
    """A ConfigMap (`data`), a Secret (`stringData`), or a Secret whose `data` holds the values in base64."""
    values = {"S3_ENDPOINT": endpoint, "S3_BUCKET": "pii-exports"}
    data_key = {"ConfigMap": "data", "Secret": "stringData"}.get(kind, "data")
    if kind == "EncodedSecret":
        values = {k: base64.b64encode(v.encode()).decode() for k, v in values.items()}
    return Res(
        f"kubernetes:core/v1:{kind.removeprefix('Encoded')}",
        "exporter-settings",
        {"metadata": {"name": "exporter-settings", "namespace": "app"}, data_key: values},
        region.kubernetes,
    )


@pytest.mark.parametrize("kind", ["ConfigMap", "Secret", "EncodedSecret"])
def test_a_workload_whose_settings_name_the_regional_s3_endpoint_stays(kind: str) -> None:
    region = eu_region()
    settings = _settings(region, kind, "https://s3.eu-west-1.amazonaws.com")
    assert violations([*region.resources, settings, _exporter(region, settings)], NO_PII) == []


@pytest.mark.parametrize("kind", ["ConfigMap", "Secret", "EncodedSecret"])
def test_a_workload_whose_settings_name_the_global_s3_endpoint_is_blocked(kind: str) -> None:
    region = eu_region()
    settings = _settings(region, kind, "s3.amazonaws.com")
    exporter = _exporter(region, settings)
    message = _blocked([*region.resources, settings, exporter], exporter)
    assert "s3.amazonaws.com" in message


# A Helm release (its chart's resources are unseen) whose values name a host without a region ---------------


def _backup_release(region: Region, s3_url: str) -> Res:
    return Res(
        "kubernetes:helm.sh/v3:Release",
        "velero",
        {
            "chart": "velero",
            "version": "11.1.1",
            "namespace": "velero",
            "repositoryOpts": {"repo": "https://vmware-tanzu.github.io/helm-charts"},
            "values": {
                "configuration": {
                    "backupStorageLocation": [
                        {
                            "name": "default",
                            "provider": "aws",
                            "bucket": "cluster-backups",
                            "config": {"region": "eu-west-1", "s3Url": s3_url},
                        }
                    ]
                }
            },
        },
        region.kubernetes,
    )


def test_a_helm_release_whose_values_name_the_regional_endpoint_stays() -> None:
    region = eu_region()
    release = _backup_release(region, "https://s3.eu-west-1.amazonaws.com")
    assert violations([*region.resources, release], TRIAGED) == []


def test_a_helm_release_whose_values_name_the_global_endpoint_fails_closed() -> None:
    region = eu_region()
    release = _backup_release(region, "https://s3.amazonaws.com")
    message = _blocked([*region.resources, release], release, TRIAGED)
    assert "s3.amazonaws.com" in message and "us-east-1" in message


# A cluster-local name of an ExternalName Service is where the Service points ------------------------------


def _external_service(region: Region, external_name: str) -> Res:
    return Res(
        "kubernetes:core/v1:Service",
        "exports-sink",
        {
            "metadata": {"name": "exports-sink", "namespace": "app"},
            "spec": {"type": "ExternalName", "externalName": external_name},
        },
        region.kubernetes,
    )


LOCAL_NAMES = ["exports-sink.app.svc", "exports-sink.app.svc.cluster.local"]


@pytest.mark.parametrize("host", LOCAL_NAMES)
def test_code_sending_to_an_external_name_in_the_region_stays(host: str) -> None:
    region = eu_region()
    service = _external_service(region, "pii-exports-eu.s3.eu-west-1.amazonaws.com")
    exporter = _exporter(region, None, {"EXPORT_URL": f"https://{host}/daily"})
    assert violations([*region.resources, service, exporter], NO_PII) == []


EXTERNAL_NAMES = {
    "outside AWS": ("ingest.partner.example.com", "outside AWS"),
    "another region": ("pii-exports.s3.us-east-1.amazonaws.com", "us-east-1"),
    "no region": ("pii-exports.s3.amazonaws.com", "names no region"),
}


@pytest.mark.parametrize("host", LOCAL_NAMES)
@pytest.mark.parametrize("external_name,where", EXTERNAL_NAMES.values(), ids=list(EXTERNAL_NAMES))
def test_code_sending_to_an_external_name_elsewhere_is_blocked(
    host: str, external_name: str, where: str
) -> None:
    region = eu_region()
    service = _external_service(region, external_name)
    exporter = _exporter(region, None, {"EXPORT_URL": f"https://{host}/daily"})
    message = _blocked([*region.resources, service, exporter], exporter)
    assert where in message


def test_a_workload_whose_settings_name_an_external_name_elsewhere_is_blocked() -> None:
    region = eu_region()
    service = _external_service(region, "ingest.partner.example.com")
    settings = _settings(region, "ConfigMap", "https://exports-sink.app.svc.cluster.local:9000")
    exporter = _exporter(region, settings)
    message = _blocked([*region.resources, service, settings, exporter], exporter)
    assert "outside AWS" in message


def test_code_reading_an_external_name_of_the_database_reads_pii() -> None:
    # The Service is an alias of the database's address: code given the alias is given the database.
    region = eu_region()
    alias = _external_service(region, UNKNOWN)
    alias.deps = {"spec": [region.database]}
    exporter = _exporter(
        region,
        None,
        {
            "DATABASE_HOST": "exports-sink.app.svc.cluster.local",
            "WEBHOOK_URL": "https://hooks.example.com/T0/B0",
        },
        given=False,
    )
    message = _blocked([*region.resources, alias, exporter], exporter)
    assert "'pii-db' (pii)" in message


def test_code_reading_an_external_name_of_an_in_region_bucket_may_post_elsewhere() -> None:
    region = eu_region()
    alias = _external_service(region, "public-assets.s3.eu-west-1.amazonaws.com")
    exporter = _exporter(
        region,
        None,
        {
            "ASSETS_HOST": "exports-sink.app.svc.cluster.local",
            "WEBHOOK_URL": "https://hooks.example.com/T0/B0",
        },
        given=False,
    )
    assert violations([*region.resources, alias, exporter], NO_PII) == []


def test_a_workload_reading_an_autonamed_configmap_by_its_output_is_judged_on_it() -> None:
    # The ConfigMap's name is unknown at a first preview: the workload is configured by it all the same.
    region = eu_region()
    settings = _settings(region, "ConfigMap", "s3.amazonaws.com")
    settings.props["metadata"] = {"namespace": "app"}
    exporter = _exporter(region, settings)
    reference = exporter.props["spec"]["template"]["spec"]["containers"][0]["envFrom"][0]["configMapRef"]
    reference["name"] = UNKNOWN
    exporter.deps["spec"].append(settings)
    message = _blocked([*region.resources, settings, exporter], exporter)
    assert "s3.amazonaws.com" in message
