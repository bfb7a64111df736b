"""Runs the residency pack on hand-built resources exactly as the Pulumi engine drives it, in process.

The engine sends protobuf requests to the pack's Analyzer service; this harness builds the same requests
(properties as a protobuf Struct, preview unknowns as the engine's sentinel strings, the provider's inputs,
resource options, parents and property dependencies) and hands them to pulumi-policy's own servicer, so the
policies see what the SDK's server builds from a real request: props through `deserialize_properties` and the
unknown-checking proxy, the provider as a PolicyProviderResource, options as PolicyResourceOptions. Config
reaches the pack as the CLI sends it: the schema defaults overlaid with the policy config file.

Two modes, as the engine has two situations. PREVIEW: a stack that does not exist yet, so every value
computed from another resource is unknown. DEPLOYED: a preview of a stack that already exists, where the
engine knows every unchanged resource's id and outputs: each resource gets the outputs a provider would
give it (id, ARN, name, endpoints), every unknown input is replaced by the identity of the dependency it was
computed from, and AnalyzeStack sees outputs (inputs plus computed outputs), as the engine sends them. The
property dependencies stay as they were. `tests/policies/conftest.py` runs every test in both modes.
"""

from __future__ import annotations

import copy
import hashlib
import json
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi.runtime import proto
from pulumi_policy import EnforcementLevel
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from residency_policies.analyzer import ResidencyAnalyzer
from residency_policies.registry import PACK_NAME, policies

UNKNOWN = UNKNOWN_STRING_VALUE
"""What the engine sends for a value that is unknown at preview."""

POLICIES_DIR = Path(__file__).resolve().parents[2] / "policies"
EU_CONFIG: dict[str, Any] = json.loads((POLICIES_DIR / "config" / "eu.json").read_text())
INDIA_CONFIG: dict[str, Any] = json.loads((POLICIES_DIR / "config" / "india.json").read_text())

RULES = (
    "data-classification-required",
    "pii-in-jurisdiction",
    "no-pii-replication",
    "anonymised-only-replication",
    "pii-encryption",
    "pii-not-public",
    "pii-no-data-loss",
    "resource-type-triaged",
)
"""The pack's rules by name: the seven residency rules in the order of the issue that defines them, then the
rule that fails closed on untriaged types."""

PREVIEW = "preview"
DEPLOYED = "deployed"
MODES = (PREVIEW, DEPLOYED)
MODE: ContextVar[str] = ContextVar("mode", default=PREVIEW)
"""Which of the two situations `run_pack` builds requests for (set per test by the conftest fixture)."""

ACCOUNT = "123456789012"
"""The account of the deployment (as the mocks' caller identity, and policies/config/*.json, say)."""

_LEVELS = {
    "advisory": proto.ADVISORY,
    "mandatory": proto.MANDATORY,
    "remediate": proto.REMEDIATE,
    "disabled": proto.DISABLED,
}
_LEVEL_NAMES = {value: name for name, value in _LEVELS.items()}


@dataclass(eq=False)
class Res:
    """A resource as the engine registers it: type, name, inputs, provider, options and lineage."""

    type: str
    name: str
    props: dict[str, Any] = field(default_factory=dict)
    provider: Res | None = None
    protect: bool = False
    parent: Res | None = None
    deps: dict[str, list[Res]] = field(default_factory=dict)
    """Top-level input name -> the resources its value was computed from."""

    @property
    def urn(self) -> str:
        """The URN the engine would give it in the eu stack of the residency project."""
        return f"urn:pulumi:eu::residency::{self.type}::{self.name}"


def aws_provider(
    name: str = "eu", region: str | None = "eu-west-1", tags: dict[str, str] | None = None
) -> Res:
    """An explicit AWS provider with its inputs as the Python SDK sends them (default tags as JSON text)."""
    props: dict[str, Any] = {
        "defaultTags": json.dumps({"tags": tags or {"jurisdiction": "EU", "managed-by": "pulumi"}})
    }
    if region is not None:
        props["region"] = region
    return Res("pulumi:providers:aws", name, props)


def kubernetes_provider(cluster: Res, name: str = "eu-cluster") -> Res:
    """A Kubernetes provider built from an EKS cluster's kubeconfig, unknown at preview."""
    return Res("pulumi:providers:kubernetes", name, {"kubeconfig": UNKNOWN}, deps={"kubeconfig": [cluster]})


def _struct(values: dict[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(values)
    return struct


def _provider_message(provider: Res | None) -> proto.AnalyzerProviderResource | None:
    if provider is None:
        return None
    return proto.AnalyzerProviderResource(
        type=provider.type, properties=_struct(provider.props), urn=provider.urn, name=provider.name
    )


def _resource_fields(resource: Res) -> dict[str, Any]:
    """What an Analyze request and a stack's AnalyzerResource both say about a resource."""
    return {
        "type": resource.type,
        "properties": _struct(resource.props),
        "urn": resource.urn,
        "name": resource.name,
        "options": _options(resource),
        "provider": _provider_message(resource.provider),
    }


def _options(resource: Res) -> proto.AnalyzerResourceOptions:
    return proto.AnalyzerResourceOptions(
        protect=resource.protect, parent=resource.parent.urn if resource.parent else ""
    )


@dataclass(frozen=True)
class Diagnostic:
    """One violation the pack reported."""

    policy: str
    level: str
    urn: str
    message: str


def configure_request(
    info: proto.AnalyzerInfo, config: dict[str, Any] | None
) -> proto.ConfigureAnalyzerRequest:
    """The Configure request the CLI sends: each policy's schema defaults overlaid with the config file."""
    request = proto.ConfigureAnalyzerRequest()
    for policy in info.policies:
        properties = {
            name: spec["default"]
            for name, spec in json_format.MessageToDict(policy.configSchema.properties).items()
            if "default" in spec
        }
        level = policy.enforcementLevel
        given = (config or {}).get(policy.name)
        if isinstance(given, str):
            level = _LEVELS[given]
        elif isinstance(given, dict):
            given = dict(given)
            if "enforcementLevel" in given:
                level = _LEVELS[given.pop("enforcementLevel")]
            properties.update(given)
        request.policyConfig[policy.name].CopyFrom(
            proto.PolicyConfig(enforcementLevel=level, properties=_struct(properties))
        )
    return request


def analyzer_servicer() -> ResidencyAnalyzer:
    """The analyzer servicer the pack serves, not yet configured."""
    return ResidencyAnalyzer(PACK_NAME, "0.1.0", policies(), EnforcementLevel.MANDATORY)


def configured_servicer(config: dict[str, Any] | None) -> ResidencyAnalyzer:
    """The pack's analyzer servicer, configured as the CLI configures it from a config file."""
    servicer = analyzer_servicer()
    servicer.Configure(configure_request(servicer.GetAnalyzerInfo(None, None), config), None)
    return servicer


def stack_of(resources: list[Res]) -> list[Res]:
    """The resources with their providers, parents and dependencies, as the engine's stack holds them."""
    found: dict[int, Res] = {}

    def visit(resource: Res) -> None:
        if id(resource) in found:
            return
        found[id(resource)] = resource
        for other in [
            resource.provider,
            resource.parent,
            *(d for deps in resource.deps.values() for d in deps),
        ]:
            if other is not None:
                visit(other)

    for resource in resources:
        visit(resource)
    return list(found.values())


def analyze_request(resource: Res) -> proto.AnalyzeRequest:
    """The Analyze request the engine sends when a resource is registered."""
    return proto.AnalyzeRequest(**_resource_fields(resource))


def analyze_stack_request(stack: list[Res]) -> proto.AnalyzeStackRequest:
    """The AnalyzeStack request the engine sends once every resource is registered."""
    return proto.AnalyzeStackRequest(
        resources=[
            proto.AnalyzerResource(
                **_resource_fields(resource),
                parent=resource.parent.urn if resource.parent else "",
                propertyDependencies={
                    prop: proto.AnalyzerPropertyDependencies(urns=[d.urn for d in deps])
                    for prop, deps in resource.deps.items()
                },
            )
            for resource in stack
        ]
    )


def diagnostics(responses: list[proto.AnalyzeResponse]) -> list[Diagnostic]:
    """The diagnostics of Analyze and AnalyzeStack responses."""
    return [
        Diagnostic(d.policyName, _LEVEL_NAMES[d.enforcementLevel], d.urn, d.message)
        for response in responses
        for d in response.diagnostics
    ]


_SERVICERS: dict[str, ResidencyAnalyzer] = {}
"""Configured servicers by their config's JSON text (see `_servicer_for`)."""


def _servicer_for(config: dict[str, Any] | None) -> ResidencyAnalyzer:
    """The servicer configured with this config, configured once per process and content of the config.

    Building the pack's policies and configuring them cost about as much as the rules' own work on a small
    stack, and thousands of tests configure the same few configs. Analyze and AnalyzeStack change nothing a
    servicer holds (only Configure and ConfigureStack do, and neither is called again here), so a servicer
    serves every later stack with the config it was configured with. The key is the config's content, not its
    identity: a test that builds or changes a config gets the servicer of what it holds at this call. A config
    that Configure refuses is never stored, so it raises again for every test that passes it.
    """
    key = json.dumps(config, sort_keys=True)
    servicer = _SERVICERS.get(key)
    if servicer is None:
        servicer = _SERVICERS[key] = configured_servicer(config)
    return servicer


def run_pack(resources: list[Res], config: dict[str, Any] | None = EU_CONFIG) -> list[Diagnostic]:
    """Analyze every resource, then the whole stack, and return every diagnostic the pack reported."""
    servicer = _servicer_for(config)
    stack = stack_of(resources)
    if MODE.get() == DEPLOYED:
        existing = deployed(stack)
        inputs = [r.inputs_view() for r in existing]
        responses = [servicer.Analyze(analyze_request(resource), None) for resource in inputs]
        responses.append(servicer.AnalyzeStack(analyze_stack_request(list(existing)), None))
        return diagnostics(responses)
    responses = [servicer.Analyze(analyze_request(resource), None) for resource in stack]
    responses.append(servicer.AnalyzeStack(analyze_stack_request(stack), None))
    return diagnostics(responses)


# The deployed mode: outputs a provider would give, unknowns replaced by what they were computed from ------

_ID_PREFIXES = {
    "aws:ec2/securityGroup:SecurityGroup": "sg-",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg-",
    "aws:ec2/vpc:Vpc": "vpc-",
    "aws:ec2/subnet:Subnet": "subnet-",
    "aws:ec2/instance:Instance": "i-",
    "aws:ebs/volume:Volume": "vol-",
    "aws:ebs/snapshot:Snapshot": "snap-",
    "aws:ebs/snapshotCopy:SnapshotCopy": "snap-",
    "aws:efs/fileSystem:FileSystem": "fs-",
    "aws:ec2/launchTemplate:LaunchTemplate": "lt-",
    "aws:ec2/ami:Ami": "ami-",
    "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": "pcx-",
    "aws:ec2/networkInterface:NetworkInterface": "eni-",
}

_NAME_INPUTS = (
    "identifier",
    "bucket",
    "name",
    "clusterIdentifier",
    "replicationGroupId",
    "dbSnapshotIdentifier",
    "dbClusterSnapshotIdentifier",
    "domainName",
    "tableName",
    "functionName",
)


def _digest(text: str, length: int = 17) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def _region_of(resource: Res) -> str:
    own = resource.props.get("region")
    if isinstance(own, str) and own != UNKNOWN:
        return own
    provider = resource.provider
    if provider is not None and provider.type == "pulumi:providers:kubernetes":
        clusters = provider.deps.get("kubeconfig") or []
        return _region_of(clusters[0]) if clusters else "eu-west-1"
    if provider is not None and isinstance(provider.props.get("region"), str):
        return str(provider.props["region"])
    return "eu-west-1"


def _account_of(resource: Res) -> str:
    provider = resource.provider
    roles = provider.props.get("assumeRoles") if provider is not None else None
    if isinstance(roles, str):
        roles = json.loads(roles)
    web_identity = provider.props.get("assumeRoleWithWebIdentity") if provider is not None else None
    if not roles and isinstance(web_identity, str):
        roles = [json.loads(web_identity)]
    role = roles[-1].get("roleArn", "") if roles else ""
    return role.split(":")[4] if role.startswith("arn:") else ACCOUNT


def rds_resource_id(name: str, prefix: str = "db-") -> str:
    """The resource id RDS gives an instance (`db-...`) or cluster (`cluster-...`) of this name, as the
    deployed mode's outputs hold it (what IAM database authentication's ARNs name)."""
    return prefix + _digest(name, 26).upper()


def computed_outputs(resource: Res) -> dict[str, Any]:
    """The outputs a provider computes for a resource, plausibly: its id, ARN, name and endpoints."""
    if resource.type.startswith("pulumi:") or resource.provider is None:
        return {}
    region, account = _region_of(resource), _account_of(resource)
    name = next(
        (
            str(resource.props[key])
            for key in _NAME_INPUTS
            if isinstance(resource.props.get(key), str) and resource.props[key] != UNKNOWN
        ),
        f"{resource.name}-{_digest(resource.name, 7)}",
    )
    service = resource.type.split(":")[1].split("/")[0]
    kind = resource.type.split(":")[-1][:1].lower() + resource.type.split(":")[-1][1:]
    prefix = _ID_PREFIXES.get(resource.type)
    if prefix is not None:
        resource_id = prefix + _digest(resource.name)
    elif resource.type == "aws:kms/key:Key":
        key = _digest(resource.name, 32)
        resource_id = f"{key[:8]}-{key[8:12]}-{key[12:16]}-{key[16:20]}-{key[20:]}"
    else:
        resource_id = name
    outputs: dict[str, Any] = {"id": resource_id}
    if resource.type.startswith("kubernetes:"):
        return outputs
    if resource.type in (
        "aws:s3/bucket:Bucket",
        "aws:s3/bucketV2:BucketV2",
        "aws:s3/directoryBucket:DirectoryBucket",
    ):
        outputs["arn"] = f"arn:aws:s3:::{name}"
        outputs["bucket"] = name
        outputs["bucketRegionalDomainName"] = f"{name}.s3.{region}.amazonaws.com"
    elif resource.type == "aws:kms/key:Key":
        outputs["arn"] = f"arn:aws:kms:{region}:{account}:key/{resource_id}"
        outputs["keyId"] = resource_id
    elif service == "rds" and kind in ("instance", "cluster"):
        outputs["arn"] = f"arn:aws:rds:{region}:{account}:{'db' if kind == 'instance' else 'cluster'}:{name}"
        outputs["address"] = f"{name}.{_digest(name, 12)}.{region}.rds.amazonaws.com"
        outputs["endpoint"] = outputs["address"] + ":5432"
        if kind == "instance":
            outputs["resourceId"] = rds_resource_id(name)
        else:
            outputs["clusterResourceId"] = rds_resource_id(name, "cluster-")
    elif service == "rds" and kind == "snapshot":
        outputs["dbSnapshotArn"] = f"arn:aws:rds:{region}:{account}:snapshot:{name}"
    else:
        outputs["arn"] = f"arn:aws:{service}:{region}:{account}:{kind.lower()}/{resource_id}"
    if resource.type == "aws:eks/cluster:Cluster":
        outputs["endpoint"] = f"https://{_digest(name, 32).upper()}.gr7.{region}.eks.amazonaws.com"
    if resource.type == "aws:ec2/vpc:Vpc" and resource.props.get("assignGeneratedIpv6CidrBlock") is True:
        # The /56 Amazon gives a dual-stack VPC, from its range for the region.
        outputs["ipv6CidrBlock"] = f"2a05:d018:{int(_digest(name, 4), 16):x}:ff00::/56"
    return {
        key: value
        for key, value in outputs.items()
        if key not in resource.props or resource.props[key] == UNKNOWN
    }


_KEY_HINTS = (
    ("kms", "aws:kms/"),
    ("key", "aws:kms/"),
    ("securitygroup", "securityGroup"),
    ("vpc", ":Vpc"),
    ("subnet", "subnet"),
    ("bucket", "aws:s3/"),
    ("role", "aws:iam/role"),
    ("snapshot", "napshot"),
    ("stream", "Stream"),
    ("filesystem", "fileSystem"),
    ("topic", "topic"),
    ("queue", "queue"),
    ("cluster", "luster"),
)


def _identity_for(key: str, dependency: Res, outputs: dict[str, dict[str, Any]]) -> Any:
    """The output of a dependency that an input called `key` takes: an ARN, an id, a name, a kubeconfig."""
    known = {**dependency.props, **outputs.get(dependency.urn, {})}
    lowered = key.lower()
    if dependency.type == "aws:eks/cluster:Cluster" and lowered == "kubeconfig":
        return json.dumps({"clusters": [{"cluster": {"server": known.get("endpoint", "")}}]})
    if "cidr" in lowered and dependency.type == "aws:ec2/vpc:Vpc":
        return known.get("ipv6CidrBlock" if "ipv6" in lowered else "cidrBlock") or known.get("id")
    if lowered == "catalogid":
        # A Glue entry's `catalogId` output is the account of its catalog.
        return known.get("catalogId") or "123456789012"
    if lowered.endswith("arn") or lowered.endswith("arns") or lowered in ("source", "target", "resourcearn"):
        return known.get("arn") or known.get("dbSnapshotArn") or known.get("id")
    if lowered.endswith("name") or lowered.endswith("names"):
        return known.get("name") or known.get("bucket") or known.get("identifier") or known.get("id")
    if "bucket" in lowered:
        return known.get("bucket") or known.get("id")
    if lowered.endswith("identifier"):
        return known.get("identifier") or known.get("clusterIdentifier") or known.get("id")
    return known.get("id")


def _choose(key: str, dependencies: list[Res], position: int) -> Res:
    lowered = key.lower()
    for hint, token_part in _KEY_HINTS:
        if hint in lowered:
            matching = [d for d in dependencies if token_part in d.type]
            if matching:
                return matching[position % len(matching)]
    return dependencies[position % len(dependencies)]


def _known(
    value: Any, key: str, dependencies: list[Res], outputs: dict[str, dict[str, Any]], counter: list[int]
) -> Any:
    """A value with every unknown replaced by the identity of a dependency it was computed from."""
    if value == UNKNOWN:
        dependency = _choose(key, dependencies, counter[0])
        counter[0] += 1
        found = _identity_for(key, dependency, outputs)
        return found if found is not None else UNKNOWN
    if isinstance(value, dict):
        return {k: _known(v, k, dependencies, outputs, counter) for k, v in value.items()}
    if isinstance(value, list):
        return [_known(v, key, dependencies, outputs, counter) for v in value]
    return value


@dataclass(eq=False)
class Deployed(Res):
    """A resource of an existing stack: known inputs, and outputs that add what the provider computed."""

    inputs: dict[str, Any] = field(default_factory=dict)

    def inputs_view(self) -> Res:
        """The resource as an Analyze request describes it: its (known) inputs."""
        return Res(self.type, self.name, self.inputs, self.provider, self.protect, self.parent, self.deps)


def deployed(stack: list[Res]) -> list[Deployed]:
    """The stack as the engine sees it when every resource already exists (see the module docstring)."""
    outputs = {resource.urn: computed_outputs(resource) for resource in stack}
    converted: dict[int, Deployed] = {}

    def convert(resource: Res | None) -> Res | None:
        if resource is None:
            return None
        if id(resource) in converted:
            return converted[id(resource)]
        known: dict[str, Any] = {}
        for prop, value in resource.props.items():
            dependencies = resource.deps.get(prop, [])
            known[prop] = (
                _known(copy.deepcopy(value), prop, dependencies, outputs, [0]) if dependencies else value
            )
        result = Deployed(resource.type, resource.name, {}, None, resource.protect, None, {}, inputs=known)
        converted[id(resource)] = result
        result.provider = convert(resource.provider)
        result.parent = convert(resource.parent)
        result.deps = {p: [convert(d) for d in ds if d is not None] for p, ds in resource.deps.items()}  # type: ignore[misc]
        result.props = dict(known)
        for key, value in outputs.get(resource.urn, {}).items():
            if result.props.get(key, UNKNOWN) == UNKNOWN:
                result.props[key] = value
        if resource.type.startswith("pulumi:providers:"):
            result.props = dict(known)
        return result

    return [converted[id(resource)] for resource in stack if convert(resource) is not None]


def violations(
    resources: list[Res], policy: str, config: dict[str, Any] | None = EU_CONFIG
) -> list[Diagnostic]:
    """The mandatory violations of one policy."""
    return [d for d in run_pack(resources, config) if d.policy == policy and d.level == "mandatory"]


def violations_of_every_rule(resources: list[Res]) -> list[Diagnostic]:
    """The mandatory violations of every rule of the pack."""
    return [d for d in run_pack(resources) if d.level == "mandatory" and d.policy in RULES]


def messages(found: list[Diagnostic]) -> str:
    """All messages, for assertion output."""
    return "\n".join(d.message for d in found)
