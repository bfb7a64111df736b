"""A Lightsail container deployment runs its containers (image, command, environment) on its container
service: code configured with what its environment names, in the service's region.

Reviewer blind-aws14 a10, a21: a deployment given the PII table's name and an access key that reads it,
placed in us-east-1 (pulumi-aws 7's per-resource `region`) or given an export endpoint outside AWS, passed:
the deployment was triaged neutral, so its containers were never read. The compliant baseline is the same
deployment in eu-west-1 with nothing elsewhere.
"""

from __future__ import annotations

from tests.policies.baseline import Region, eu_region
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations, violations_of_every_rule

NO_PII = "no-pii-replication"


def _deployment(region: Region, environment: dict[str, object], placed: str | None = None) -> list[Res]:
    service = Res(
        "aws:lightsail/containerService:ContainerService",
        "support-portal",
        {
            "name": "support-portal",
            "power": "small",
            "scale": 1,
            "tags": {"data-classification": "internal"},
            **({"region": placed} if placed else {}),
        },
        region.provider,
    )
    deployment = Res(
        "aws:lightsail/containerServiceDeploymentVersion:ContainerServiceDeploymentVersion",
        "support-portal",
        {
            "serviceName": UNKNOWN,
            "containers": [
                {
                    "containerName": "app",
                    "image": "public.ecr.aws/acme/support-portal:2.1.0",
                    "environment": {"DATABASE_HOST": UNKNOWN, **environment},
                    "ports": {"8080": "HTTP"},
                }
            ],
            **({"region": placed} if placed else {}),
        },
        region.provider,
        deps={"serviceName": [service], "containers": [region.database]},
    )
    return [*region.resources, service, deployment]


def test_a_deployment_given_the_database_in_its_region_breaks_no_rule() -> None:
    region = eu_region()
    stack = _deployment(region, {"AWS_DEFAULT_REGION": "eu-west-1"})
    assert messages(violations_of_every_rule(stack)) == ""


def test_a_deployment_given_the_database_in_another_region_copies_it_there() -> None:
    region = eu_region()
    stack = _deployment(region, {"AWS_DEFAULT_REGION": "eu-west-1"}, placed="us-east-1")
    found = messages(violations(stack, NO_PII))
    assert "Lightsail container deployment" in found and "us-east-1" in found, found


def test_a_deployment_given_the_database_and_an_endpoint_outside_aws_copies_it_out() -> None:
    region = eu_region()
    stack = _deployment(region, {"EXPORT_ENDPOINT": "https://ingest.partner.example.com/v1"})
    found = messages(violations(stack, NO_PII))
    assert "ingest.partner.example.com" in found, found
