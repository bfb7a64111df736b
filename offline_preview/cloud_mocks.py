"""Plausible cloud answers for Pulumi's mock runtime, shared by the offline preview and the unit tests.

In preview mode a new resource gets back only its inputs, so every provider-computed output (ids, ARNs, DNS
names) stays unknown, as in a real `pulumi preview`, and a new provider gets the unknown id the engine gives
it. Outside preview mode computed outputs get deterministic, plausible values so that unit tests can follow
them through the program. Invokes are answered for the region of the provider they name (its `region` input),
else `default_region`; failures come back as an empty list, which the SDK's mock monitor iterates.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import pulumi
import yaml
from pulumi.runtime import rpc

ACCOUNT_ID = "123456789012"
"""The AWS account every mocked ARN and caller identity names."""

DEFAULT_REGION = "us-east-1"
"""The region of a resource whose provider names none, as the AWS SDK would fall back to."""

AWS_MANAGED_POLICY_PATHS: dict[str, str] = {
    **dict.fromkeys(
        (
            "AdministratorAccess",
            "PowerUserAccess",
            "ReadOnlyAccess",
            "SecurityAudit",
            "AmazonDynamoDBReadOnlyAccess",
            "AmazonDynamoDBFullAccess",
            "AmazonS3ReadOnlyAccess",
            "AmazonS3FullAccess",
            "AmazonKinesisReadOnlyAccess",
            "AmazonRDSReadOnlyAccess",
            "CloudWatchReadOnlyAccess",
            "CloudWatchLogsReadOnlyAccess",
            "AmazonSQSReadOnlyAccess",
            "AmazonSNSReadOnlyAccess",
            "AmazonSSMReadOnlyAccess",
            "AmazonSSMManagedInstanceCore",
            "AmazonEC2ContainerRegistryReadOnly",
            "AmazonEC2ContainerRegistryPullOnly",
            "AWSXRayDaemonWriteAccess",
            "AmazonEKSClusterPolicy",
            "AmazonEKSWorkerNodePolicy",
            "AmazonEKS_CNI_Policy",
        ),
        "/",
    ),
    **dict.fromkeys(("ViewOnlyAccess", "DataScientist", "DatabaseAdministrator"), "/job-function/"),
    **dict.fromkeys(
        ("AWSLambdaBasicExecutionRole", "AWSLambdaVPCAccessExecutionRole", "AmazonEBSCSIDriverPolicy"),
        "/service-role/",
    ),
}
"""AWS managed policies by name, with the path AWS publishes each under (its ARN is
`arn:aws:iam::aws:policy<path><name>`): a lookup by name finds these as AWS's (every policy the pack's
`AWS_MANAGED_POLICIES` judges, and a few a program commonly attaches)."""

UNKNOWN = rpc.UNKNOWN
"""The wire sentinel for a value that is unknown during a preview."""


def _provider_key(reference: str) -> tuple[str, str]:
    """`urn:pulumi:s::p::pulumi:providers:aws::eu::<id>` -> (`pulumi:providers:aws`, `eu`)."""
    urn = reference.rsplit("::", 1)[0]
    parts = urn.split("::")
    return parts[-2].split("$")[-1], parts[-1]


def _suffix(name: str) -> str:
    """A stable seven-character suffix, like the one Pulumi's autonaming appends."""
    return hashlib.sha256(name.encode()).hexdigest()[:7]


def _service_of(type_token: str) -> str:
    """`aws:rds/instance:Instance` -> `rds`."""
    module = type_token.split(":")[1]
    return module.split("/")[0]


def _policy_document(args: dict[str, Any]) -> str:
    """Render `aws.iam.get_policy_document` arguments as the IAM JSON the provider would return."""
    statements = []
    for statement in args.get("statements") or []:
        rendered: dict[str, Any] = {"Effect": statement.get("effect", "Allow")}
        if statement.get("sid"):
            rendered["Sid"] = statement["sid"]
        if statement.get("actions"):
            rendered["Action"] = statement["actions"]
        if statement.get("notActions"):
            rendered["NotAction"] = statement["notActions"]
        if statement.get("resources"):
            rendered["Resource"] = statement["resources"]
        principals: dict[str, list[str]] = {}
        for principal in statement.get("principals") or []:
            principals.setdefault(principal["type"], []).extend(principal["identifiers"])
        if principals:
            rendered["Principal"] = principals
        conditions: dict[str, dict[str, list[str]]] = {}
        for condition in statement.get("conditions") or []:
            conditions.setdefault(condition["test"], {})[condition["variable"]] = condition["values"]
        if conditions:
            rendered["Condition"] = conditions
        statements.append(rendered)
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)


def _pem(label: str, name: str) -> str:
    """A PEM-shaped placeholder (not a usable key or certificate), stable per resource."""
    body = base64.b64encode(hashlib.sha256(f"{label}:{name}".encode()).digest() * 2).decode()
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----\n"


def _tls_outputs(type_token: str, name: str) -> dict[str, Any]:
    """What pulumi-tls computes: keys, requests and certificates as PEM, in their wire names."""
    if type_token == "tls:index/privateKey:PrivateKey":
        return {
            "privateKeyPem": _pem("EC PRIVATE KEY", name),
            "privateKeyPemPkcs8": _pem("PRIVATE KEY", name),
            "publicKeyPem": _pem("PUBLIC KEY", name),
        }
    if type_token == "tls:index/certRequest:CertRequest":
        return {"certRequestPem": _pem("CERTIFICATE REQUEST", name)}
    if type_token in (
        "tls:index/selfSignedCert:SelfSignedCert",
        "tls:index/locallySignedCert:LocallySignedCert",
    ):
        return {"certPem": _pem("CERTIFICATE", name), "readyForRenewal": False}
    return {}


class PlausibleCloudMocks(pulumi.runtime.Mocks):
    """Mocks that answer AWS invokes plausibly and, outside preview, give resources plausible outputs."""

    def __init__(
        self,
        preview: bool = False,
        hosted_zone_id: str = "Z0123456789EXAMPLE",
        default_region: str = DEFAULT_REGION,
    ) -> None:
        self.preview = preview
        self.hosted_zone_id = hosted_zone_id
        self.default_region = default_region
        self._provider_regions: dict[tuple[str, str], str] = {}

    def _region_of(self, inputs: dict[str, Any], provider: str | None) -> str:
        """A resource's effective region: its own `region` input, else its provider's."""
        if isinstance(inputs.get("region"), str) and inputs["region"] != UNKNOWN:
            return str(inputs["region"])
        if provider:
            return self._provider_regions.get(_provider_key(provider), self.default_region)
        return self.default_region

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        """Return the resource's physical id and state."""
        inputs = dict(args.inputs)
        if args.typ.startswith("pulumi:providers:"):
            if isinstance(inputs.get("region"), str) and inputs["region"] != UNKNOWN:
                self._provider_regions[(args.typ, args.name)] = str(inputs["region"])
            # A provider created by a preview has no id yet: the engine gives it the unknown id.
            return (None if self.preview else f"{args.name}-provider-id"), inputs
        if self.preview:
            return None, inputs
        return self._physical_id(args, inputs), {**inputs, **self._computed_outputs(args, inputs)}

    @staticmethod
    def _physical_id(args: pulumi.runtime.MockResourceArgs, inputs: dict[str, Any]) -> str:
        """The id the provider gives a new resource; `<name>-id` where the program does not read its form."""
        if args.typ == "aws:ec2/vpcPeeringConnection:VpcPeeringConnection":
            return f"pcx-{hashlib.sha256(args.name.encode()).hexdigest()[:17]}"
        if args.typ == "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter":
            # The accepter's id is the connection's.
            return str(inputs.get("vpcPeeringConnectionId") or f"{args.name}-id")
        return f"{args.name}-id"

    def _computed_outputs(
        self, args: pulumi.runtime.MockResourceArgs, inputs: dict[str, Any]
    ) -> dict[str, Any]:
        """Outputs a provider computes on create, for the types the program reads them from."""
        region = self._region_of(inputs, args.provider)
        physical_name = inputs.get("name") or f"{args.name}-{_suffix(args.name)}"
        outputs: dict[str, Any] = {"name": physical_name}
        if args.typ.startswith("aws:"):
            service = _service_of(args.typ)
            outputs["arn"] = f"arn:aws:{service}:{region}:{ACCOUNT_ID}:{args.name}"
        if args.typ == "aws:kms/key:Key":
            outputs["keyId"] = f"{args.name}-key-id"
            outputs["arn"] = f"arn:aws:kms:{region}:{ACCOUNT_ID}:key/{args.name}-key-id"
        elif args.typ == "aws:lb/loadBalancer:LoadBalancer":
            outputs["dnsName"] = f"{physical_name}-1234567890.{region}.elb.amazonaws.com"
            outputs["zoneId"] = "Z32O12XQLNTSW2"
        elif args.typ == "aws:eks/cluster:Cluster":
            outputs["endpoint"] = f"https://{_suffix(args.name).upper()}.gr7.{region}.eks.amazonaws.com"
            outputs["certificateAuthority"] = {"data": "LS0tLS1CRUdJTi1NT0NLLUNBLS0tLS0="}
            outputs["identities"] = [
                {
                    "oidcs": [
                        {"issuer": f"https://oidc.eks.{region}.amazonaws.com/id/{_suffix(args.name).upper()}"}
                    ]
                }
            ]
        elif args.typ in ("aws:rds/instance:Instance", "aws:rds/cluster:Cluster"):
            address = f"{physical_name}.{_suffix(args.name)}.{region}.rds.amazonaws.com"
            outputs["address"] = address
            outputs["endpoint"] = f"{address}:5432"
            outputs["masterUserSecrets"] = [
                {
                    "secretArn": f"arn:aws:secretsmanager:{region}:{ACCOUNT_ID}:secret:rds!{args.name}",
                    "kmsKeyId": inputs.get("masterUserSecretKmsKeyId", ""),
                    "secretStatus": "active",
                }
            ]
        elif args.typ == "aws:ec2/launchTemplate:LaunchTemplate":
            # A new template is version 1; a node group names the version it launches from.
            outputs["latestVersion"] = 1
            outputs["defaultVersion"] = 1
        elif args.typ == "aws:acm/certificate:Certificate":
            # ACM's DNS validation record per name: a CNAME under the name, pointing into acm-validations.aws.
            names = [inputs.get("domainName", ""), *(inputs.get("subjectAlternativeNames") or [])]
            outputs["arn"] = (
                f"arn:aws:acm:{region}:{ACCOUNT_ID}:certificate/{_suffix(args.name)}-0000-4000-8000-000000000000"
            )
            outputs["domainValidationOptions"] = [
                {
                    "domainName": name,
                    "resourceRecordName": f"_{_suffix(name)}{_suffix(name)}.{name}.",
                    "resourceRecordType": "CNAME",
                    "resourceRecordValue": f"_{_suffix(name + 'value')}.acm-validations.aws.",
                }
                for name in names
            ]
        elif args.typ == "aws:acm/certificateValidation:CertificateValidation":
            outputs["certificateArn"] = inputs.get("certificateArn", "")
        elif args.typ == "aws:route53/healthCheck:HealthCheck":
            outputs["id"] = f"{_suffix(args.name)}-health-check"
        elif args.typ == "aws:route53/record:Record":
            outputs["fqdn"] = inputs.get("name", physical_name)
        elif args.typ.startswith("tls:index/"):
            outputs.update(_tls_outputs(args.typ, args.name))
        elif args.typ == "random:index/randomPassword:RandomPassword":
            outputs["result"] = hashlib.sha256(args.name.encode()).hexdigest()[
                : int(inputs.get("length", 32))
            ]
        return outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """Answer the provider functions the program invokes."""
        region = self._region_of(args.args, args.provider)
        token = args.token
        if token == "aws:index/getAvailabilityZones:getAvailabilityZones":
            names = [f"{region}{letter}" for letter in "abc"]
            return {"id": region, "names": names, "zoneIds": [f"{region[:3]}-az{n}" for n in (1, 2, 3)]}, []
        if token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                "id": ACCOUNT_ID,
                "accountId": ACCOUNT_ID,
                "arn": f"arn:aws:iam::{ACCOUNT_ID}:role/deployer",
                "userId": "AROAEXAMPLE",
            }, []
        if token == "aws:index/getRegion:getRegion":
            return {
                "id": region,
                "name": region,
                "region": region,
                "endpoint": f"ec2.{region}.amazonaws.com",
            }, []
        if token == "aws:index/getPartition:getPartition":
            return {"id": "aws", "partition": "aws", "dnsSuffix": "amazonaws.com"}, []
        if token == "aws:route53/getZone:getZone":
            zone_name = str(args.args.get("name", "example.com")).rstrip(".")
            return {"id": self.hosted_zone_id, "zoneId": self.hosted_zone_id, "name": zone_name}, []
        if token == "aws:ec2/getVpcPeeringConnections:getVpcPeeringConnections":
            # The connection the peer requested: one id, derived from the filters (the two VPCs).
            filters = sorted(json.dumps(f, sort_keys=True) for f in args.args.get("filters") or [])
            return {
                "id": region,
                "ids": [f"pcx-{hashlib.sha256(''.join(filters).encode()).hexdigest()[:17]}"],
            }, []
        if token == "kubernetes:yaml:decode":
            return {"result": _decoded_manifests(str(args.args.get("text", "")))}, []
        if token == "aws:iam/getPolicyDocument:getPolicyDocument":
            document = _policy_document(args.args)
            return {"id": _suffix(document), "json": document, "minifiedJson": document}, []
        if token == "aws:iam/getPolicy:getPolicy":
            return _managed_policy(args.args), []
        return {}, []


def _managed_policy(args: dict[str, Any]) -> dict[str, Any]:
    """What `aws.iam.get_policy` returns of a policy it finds by ARN, or by name among the account's and AWS's
    policies (pulumi-aws's data source lists both): the ARN given, else an AWS managed policy of that name
    (`AWS_MANAGED_POLICY_PATHS`) under `pathPrefix`, else the account's own policy of that name under
    `pathPrefix`. Its document is not invented: `policy` is absent, as an answer that cannot be known
    offline."""
    arn = args.get("arn")
    if not isinstance(arn, str) or not arn or arn == UNKNOWN:
        name = str(args.get("name") or "")
        prefix = args.get("pathPrefix") if isinstance(args.get("pathPrefix"), str) else ""
        published = AWS_MANAGED_POLICY_PATHS.get(name)
        if published is not None and published.startswith(prefix or "/"):
            arn = f"arn:aws:iam::aws:policy{published}{name}"
        else:
            arn = f"arn:aws:iam::{ACCOUNT_ID}:policy{prefix or '/'}{name}"
    resource = arn.split(":", 5)[-1].removeprefix("policy")
    path, _, name = resource.rpartition("/")
    return {
        "id": arn,
        "arn": arn,
        "name": name,
        "path": f"{path}/",
        "policyId": f"ANPA{hashlib.sha256(arn.encode()).hexdigest()[:17].upper()}",
        "description": "",
        "attachmentCount": 1,
        "tags": {},
    }


def _decoded_manifests(text: str) -> list[Any]:
    """The objects of a YAML (or JSON) text of Kubernetes manifests, as the provider function
    `kubernetes:yaml:decode` returns them to `kubernetes.yaml.ConfigGroup` and `ConfigFile`: one per document,
    empty documents left out
    (pulumi-kubernetes `provider/pkg/provider/invoke_decode_yaml.go`). A text that is not YAML fails the
    program as the provider's decode does."""
    try:
        documents = list(yaml.safe_load_all(text))
    except yaml.YAMLError as error:
        raise ValueError(f"kubernetes:yaml:decode: the manifest text is not valid YAML: {error}") from error
    return [document for document in documents if document]
