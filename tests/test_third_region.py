"""A third region is configuration, not code; a third jurisdiction is a reviewed edit of residency_facts.

Each test writes a synthetic `Pulumi.frankfurt.yaml` beside a copy of the real `Pulumi.yaml` and runs the
unchanged `__main__.py` for it.
"""

from __future__ import annotations

import copy
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from residency.settings import ConfigError
from residency_facts import GLOBAL_TYPE_PREFIXES, JURISDICTIONS
from tests.stack_harness import PROGRAM_DIR, StackRun, is_secret, run_stack, unwrap
from tests.urn_fixtures import CONNECTED_PEER_CA

FRANKFURT: dict[str, Any] = {
    "aws:region": "eu-central-1",
    "residency:jurisdiction": "EU",
    "residency:network": {"vpcCidr": "10.30.0.0/16", "availabilityZones": 2, "natGateways": 1},
    "residency:cluster": {
        "kubernetesVersion": "1.35",
        "nodeInstanceTypes": ["m6i.large"],
        "minNodes": 2,
        "desiredNodes": 2,
        "maxNodes": 4,
        "apiPublicCidrs": ["192.0.2.0/24"],
    },
    "residency:loadBalancer": {"healthCheckPath": "/healthz"},
    "residency:dns": {"domain": "app.example.com", "hostedZone": "example.com", "regionLabel": "de"},
    "residency:peer": {
        "stack": "eu",
        "region": "eu-west-1",
        "vpcCidr": "10.10.0.0/16",
        "vpcId": "vpc-0123456789abcdef0",
        "replicationHost": "k8s-eu-replicat-0123456789.elb.eu-west-1.amazonaws.com",
        "caCertificate": CONNECTED_PEER_CA,
    },
}
"""A third EU region, peered with eu, as a user would write it after `pulumi stack init frankfurt`: eu's
public CA certificate and exchange endpoint copied from its outputs (the CA is a fixed, real certificate;
whose it is does not matter offline), no secret."""


def write_stack(directory: Path, config: dict[str, Any], stack: str = "frankfurt") -> Path:
    """A project directory holding the real Pulumi.yaml and one synthetic stack file."""
    shutil.copy(PROGRAM_DIR / "Pulumi.yaml", directory / "Pulumi.yaml")
    (directory / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump({"config": config}))
    return directory


@pytest.fixture(scope="module")
def frankfurt(tmp_path_factory: pytest.TempPathFactory) -> StackRun:
    return run_stack("frankfurt", write_stack(tmp_path_factory.mktemp("frankfurt"), FRANKFURT))


def test_every_regional_resource_of_a_third_region_lands_in_its_region(frankfurt: StackRun) -> None:
    (provider,) = frankfurt.of_type("pulumi:providers:aws")
    assert provider.inputs["region"] == "eu-central-1"
    regional = [r for r in frankfurt.registrations if r.custom and r.type.startswith("aws:")]
    regional = [r for r in regional if not r.type.startswith(GLOBAL_TYPE_PREFIXES)]
    assert regional
    for resource in regional:
        assert resource.provider_urn == provider.urn, resource.urn
        assert resource.inputs.get("region", "eu-central-1") == "eu-central-1", resource.urn
    assert frankfurt.outputs["region"] == "eu-central-1"
    assert frankfurt.outputs["jurisdiction"] == "EU"


def test_a_third_regions_shape_follows_its_config(frankfurt: StackRun) -> None:
    counts = Counter(r.type for r in frankfurt.registrations)
    assert counts["aws:ec2/subnet:Subnet"] == 3 * 2  # public, private and database tiers in two zones
    assert counts["aws:ec2/natGateway:NatGateway"] == 1
    (node_group,) = frankfurt.of_type("aws:eks/nodeGroup:NodeGroup")
    assert node_group.inputs["scalingConfig"] == {"minSize": 2, "desiredSize": 2, "maxSize": 4}


def test_a_third_region_accepts_the_peering_its_peer_requests_and_routes_through_it(
    frankfurt: StackRun,
) -> None:
    """frankfurt sorts after eu, so it accepts: it finds eu's request to its VPC and routes through it."""
    assert frankfurt.of_type("aws:ec2/vpcPeeringConnection:VpcPeeringConnection") == []
    (accepter,) = frankfurt.of_type("aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter")
    (lookup,) = [i for i in frankfurt.invocations if i.token.endswith("getVpcPeeringConnections")]
    filters = {f["name"]: f["values"] for f in lookup.args["filters"]}
    assert filters["requester-vpc-info.vpc-id"] == ["vpc-0123456789abcdef0"]
    assert filters["status-code"] == ["pending-acceptance", "provisioning", "active"]
    connection = accepter.inputs["vpcPeeringConnectionId"]
    assert connection.startswith("pcx-") and accepter.inputs["autoAccept"] is True
    routes = [r for r in frankfurt.of_type("aws:ec2/route:Route") if r.inputs.get("vpcPeeringConnectionId")]
    assert len(routes) == 2  # the private route table of each of its two zones
    for route in routes:
        assert route.inputs["destinationCidrBlock"] == "10.10.0.0/16"
        assert route.inputs["vpcPeeringConnectionId"] == connection


def test_a_third_region_requests_the_peering_when_its_name_sorts_first(tmp_path: Path) -> None:
    """The same stack file against a peer named `paris`: frankfurt sorts first, so it requests."""
    config = copy.deepcopy(FRANKFURT)
    config["residency:peer"] = {
        **config["residency:peer"],
        "stack": "paris",
        "region": "eu-west-3",
        "replicationHost": "k8s-paris-replicat-0123456789.elb.eu-west-3.amazonaws.com",
    }
    config["residency:peer"]["accountId"] = "210987654321"
    run = run_stack("frankfurt", write_stack(tmp_path, config))
    assert run.of_type("aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter") == []
    (connection,) = run.of_type("aws:ec2/vpcPeeringConnection:VpcPeeringConnection")
    assert connection.inputs["peerVpcId"] == "vpc-0123456789abcdef0"
    assert connection.inputs["peerRegion"] == "eu-west-3"
    assert connection.inputs["peerOwnerId"] == "210987654321"
    assert "autoAccept" not in connection.inputs


def test_a_third_region_holds_its_peers_ca_certificate_in_plain_and_no_peer_password(
    frankfurt: StackRun,
) -> None:
    """The link authenticates by certificate: the peer's public CA reaches both servers, no secret does."""
    tls_secrets = {
        secret.name.removeprefix("frankfurt-telemetry-"): unwrap(secret.inputs["stringData"])
        for secret in frankfurt.of_type("kubernetes:core/v1:Secret")
        if secret.name.endswith("-tls") and "-writer-" not in secret.name
    }
    assert sorted(tls_secrets) == ["exchange-tls", "store-tls"]
    assert [files["peer-ca.crt"] for files in tls_secrets.values()] == [CONNECTED_PEER_CA] * 2
    assert [
        s.name
        for s in frankfurt.of_type("kubernetes:core/v1:Secret")
        if "peer" in s.name or "replication" in s.name
    ] == []
    assert not is_secret(frankfurt.outputs["telemetryCaCertificate"])


def test_a_third_region_outside_its_jurisdiction_fails_before_any_resource(tmp_path: Path) -> None:
    config = copy.deepcopy(FRANKFURT)
    config["aws:region"] = "us-east-1"
    run = run_stack("frankfurt", write_stack(tmp_path, config), allow_error=True)
    assert isinstance(run.error, ConfigError)
    (problem,) = run.error.problems
    assert problem.startswith("aws:region in Pulumi.frankfurt.yaml: got 'us-east-1'")
    assert (
        f"allowed: a region of jurisdiction EU: {', '.join(sorted(JURISDICTIONS['EU'].regions))}" in problem
    )
    assert run.registrations == []
    assert run.invocations == []


def test_a_third_jurisdiction_is_not_configuration(tmp_path: Path) -> None:
    config = copy.deepcopy(FRANKFURT)
    config["residency:jurisdiction"] = "CH"
    config["aws:region"] = "eu-central-2"
    run = run_stack("frankfurt", write_stack(tmp_path, config), allow_error=True)
    assert isinstance(run.error, ConfigError)
    messages = "\n".join(run.error.problems)
    assert "residency:jurisdiction in Pulumi.frankfurt.yaml: got 'CH'" in messages
    assert "a reviewed edit of policies/residency_facts" in messages
    assert run.registrations == []


def test_a_third_region_pushes_to_its_configured_peer_verified_by_the_peers_ca(frankfurt: StackRun) -> None:
    (job,) = [j for j in frankfurt.of_type("kubernetes:batch/v1:Job") if j.name.endswith("-peer-link-job")]
    (container,) = job.inputs["spec"]["template"]["spec"]["containers"]
    assert "peer_region=eu" in container["args"]
    assert "peer_host=k8s-eu-replicat-0123456789.elb.eu-west-1.amazonaws.com" in container["args"]
    assert [j for j in frankfurt.of_type("kubernetes:batch/v1:Job") if "subscription" in j.name] == []
    (exchange_job,) = [
        j for j in frankfurt.of_type("kubernetes:batch/v1:Job") if j.name.endswith("-exchange-schema-job")
    ]
    (exchange,) = exchange_job.inputs["spec"]["template"]["spec"]["containers"]
    assert [a for a in exchange["args"] if a.startswith(("region=", "peer_"))] == [
        "region=frankfurt",
        "peer_regions=eu",
    ]
