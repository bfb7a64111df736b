"""What the providers and their cloud APIs refuse, checked offline over recorded registrations.

Pulumi's mocks accept any value; the real providers do not. A value that fails here fails a real deployment
in one of two places, and each rule says which:

- **preview**: the provider's `Check` refuses it, so `pulumi preview` already fails (pulumi-aws runs
  terraform-provider-aws's schema validators there, and builds autonames there);
- **update**: only the cloud API refuses it, during `pulumi up`, after the resources created before it
  exist and with the resources that depend on it failing behind it (half an environment to clean up).

`RULES` is the table: which property of which resource types, what is accepted, the error code and message
the provider or API answers with, and where the rule is written down (the AWS API reference, the
terraform-provider-aws validator, the Pulumi provider source or the Kubernetes documentation). Values are
read as they travel on the wire: camelCase input names, secrets unwrapped (and never printed), unknowns
(computed at apply time) skipped. A value the program leaves out is checked as the provider would build
it: pulumi-aws and pulumi-kubernetes autoname `<logical name><separator><random suffix>` within a
per-type maximum length, so a too-long or ill-formed logical name fails just as a literal would.

Not covered, because only AWS knows: whether an instance class, engine version, EKS version, AMI type or
add-on is offered in the region, quotas, names that must be unique in the account or region, and IAM policy
grammar. Resource types and properties outside the table are not checked; a rule is added with a case in
tests/preview/test_provider_constraints.py that breaks it.
"""

from __future__ import annotations

import difflib
import functools
import ipaddress
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from offline_preview import wire

Stage = Literal["preview", "update"]

CHECK_FAILURE = "CheckFailure"
"""What pulumi calls a value the provider's Check refuses (`<type> resource '<name>' has a problem: ...`)."""

_SECRET_VALUES = frozenset({wire.SECRET_SIGNATURE})
_OUTPUT_VALUE = wire.OUTPUT_VALUE_SIGNATURE
_SIGNATURE = wire.SIGNATURE_KEY
_RANDOM_SUFFIX = "0a1b2c3d4e5f"
"""Stands in for the random part of an autoname (lower-case hex, as the providers generate it)."""


# Checks -----------------------------------------------------------------------------------------------------


class Check(Protocol):
    """One requirement on a value; `problem` says what is wrong with it, or None when it is accepted."""

    def problem(self, value: Any) -> str | None: ...


def _text(value: Any) -> str | None:
    """The value as a string property, or None when it is not one (then the check reports the type)."""
    return value if isinstance(value, str) else None


def _not_text(value: Any) -> str:
    return f"is a {type(value).__name__}, not a string"


@dataclass(frozen=True)
class Length:
    """Between `minimum` and `maximum` characters (bytes for `unit='bytes'`)."""

    minimum: int = 0
    maximum: int | None = None
    unit: Literal["characters", "bytes"] = "characters"

    def problem(self, value: Any) -> str | None:
        text = _text(value)
        if text is None:
            return _not_text(value)
        size = len(text.encode()) if self.unit == "bytes" else len(text)
        if size < self.minimum:
            return f"is {size} {self.unit} long; at least {self.minimum}"
        if self.maximum is not None and size > self.maximum:
            return f"is {size} {self.unit} long; at most {self.maximum}"
        return None


@dataclass(frozen=True)
class Characters:
    """Only characters of a regular-expression character class (`allowed` is the class body)."""

    allowed: str
    described: str

    def problem(self, value: Any) -> str | None:
        text = _text(value)
        if text is None:
            return _not_text(value)
        outside = sorted({char for char in text if not re.fullmatch(f"[{self.allowed}]", char)})
        if outside:
            shown = ", ".join(json.dumps(char) for char in outside)
            return f"contains {shown}; allowed: {self.described}"
        return None


def _tag_character(char: str) -> bool:
    """AWS's common tag character set: Unicode letters, numbers and spaces, and _ . : / = + - @."""
    return unicodedata.category(char)[0] in "LNZ" or char in "_.:/=+-@"


@dataclass(frozen=True)
class TagCharacters:
    """AWS's common tag character set, `[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]` (Python's `re` has no `\\p{...}`)."""

    def problem(self, value: Any) -> str | None:
        text = _text(value)
        if text is None:
            return _not_text(value)
        outside = sorted({char for char in text if not _tag_character(char)})
        if outside:
            shown = ", ".join(json.dumps(char) for char in outside)
            return f"contains {shown}; allowed: letters, numbers, spaces and _ . : / = + - @"
        return None


@dataclass(frozen=True)
class Matches:
    """The whole value matches `pattern`; `described` says what that means."""

    pattern: str
    described: str

    def problem(self, value: Any) -> str | None:
        text = _text(value)
        if text is None:
            return _not_text(value)
        return None if re.fullmatch(self.pattern, text) else f"does not {self.described}"


@dataclass(frozen=True)
class Avoids:
    """No part of the value matches `pattern` (searched; anchor it for prefixes and suffixes)."""

    pattern: str
    described: str
    ignore_case: bool = False

    def problem(self, value: Any) -> str | None:
        text = _text(value)
        if text is None:
            return _not_text(value)
        found = re.search(self.pattern, text, re.IGNORECASE if self.ignore_case else 0)
        return f"{self.described} ({found.group(0)!r})" if found else None


@dataclass(frozen=True)
class NotAnIpAddress:
    """Not formatted as an IPv4 address (S3 bucket names)."""

    def problem(self, value: Any) -> str | None:
        text = _text(value)
        if text is None:
            return _not_text(value)
        try:
            ipaddress.IPv4Address(text)
        except ValueError:
            return None
        return "is formatted as an IP address"


@dataclass(frozen=True)
class OneOf:
    """One of a fixed set of values (numbers compare by value: the wire sends 90 as 90.0)."""

    values: frozenset[int]

    def problem(self, value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float) or value not in self.values:
            return f"is {value!r}; allowed: {', '.join(str(v) for v in sorted(self.values))}"
        return None


@dataclass(frozen=True)
class AtMostEntries:
    """A map with at most `maximum` entries."""

    maximum: int

    def problem(self, value: Any) -> str | None:
        if isinstance(value, Mapping) and len(value) > self.maximum:
            return f"has {len(value)} entries; at most {self.maximum}"
        return None


@dataclass(frozen=True)
class DomainName:
    """A DNS name as Route 53 takes it: labels of 1-63 bytes, 255 bytes in all, printable ASCII, no spaces."""

    def problem(self, value: Any) -> str | None:
        text = _text(value)
        if text is None:
            return _not_text(value)
        name = text[:-1] if text.endswith(".") else text
        if not name:
            return "is empty"
        if len(name.encode()) > 255:
            return f"is {len(name.encode())} bytes long; at most 255 including the dots"
        outside = sorted({char for char in name if not "!" <= char <= "~"})
        if outside:
            return f"contains {', '.join(json.dumps(char) for char in outside)}; allowed: printable ASCII"
        for label in name.split("."):
            if not label:
                return "has an empty label (two dots in a row)"
            if len(label.encode()) > 63:
                return f"has the label {label!r} of {len(label.encode())} bytes; at most 63"
        return None


_QUALIFIED_NAME = r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_DNS_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS_SUBDOMAIN = rf"{_DNS_LABEL}(\.{_DNS_LABEL})*"


@dataclass(frozen=True)
class QualifiedName:
    """A Kubernetes label or annotation key: an optional DNS-subdomain prefix and `/`, then a name."""

    def problem(self, value: Any) -> str | None:
        text = _text(value)
        if text is None:
            return _not_text(value)
        prefix, slash, name = text.rpartition("/")
        if slash and (not prefix or len(prefix) > 253 or not re.fullmatch(_DNS_SUBDOMAIN, prefix)):
            return f"has the prefix {prefix!r}, which is not a lower-case DNS subdomain of at most 253"
        if not name or len(name) > 63:
            return f"has the name part {name!r} of {len(name)} characters; 1 to 63"
        if not re.fullmatch(_QUALIFIED_NAME, name):
            return (
                f"has the name part {name!r}; it must consist of alphanumeric characters, '-', '_' or '.', "
                "and start and end with an alphanumeric character"
            )
        return None


# Rules ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Autoname:
    """How a provider names a resource whose program leaves the property out (from the provider's source)."""

    maximum: int
    """The provider's maximum length for the generated name; 0 for none."""
    separator: str = "-"
    random_length: int = 7
    lower_case: bool = False
    prefix: str = ""
    """Added in front after generation (pulumi-aws's KMS alias gets `alias/`)."""
    unless: tuple[str, ...] = ()
    """Inputs that, when given, make the provider build the name from them instead (`namePrefix`)."""

    def candidate(self, logical_name: str) -> tuple[str, str | None]:
        """The name the provider would build, and the provider's error when it cannot build one."""
        base = (logical_name.lower() if self.lower_case else logical_name) + self.separator
        if self.maximum and len(base) + self.random_length > self.maximum:
            return base, (
                f"name '{base}' plus {self.random_length} random chars is longer than maximum length "
                f"{self.maximum}"
            )
        generated = base + _RANDOM_SUFFIX[: self.random_length]
        # pulumi-aws adds the prefix only when the resource name does not already start with it.
        return (generated if generated.startswith(self.prefix) else self.prefix + generated), None


@dataclass(frozen=True)
class Rule:
    """One constraint a provider or cloud API applies to one or more properties of some resource types."""

    name: str
    types: frozenset[str]
    """Type tokens; an entry ending in `*` matches every token with that prefix."""
    paths: tuple[str, ...]
    """Wire property paths: `a.b`, `list[].field`, `map{}` (each value), `map{key}` (each key), `**.x` (at any
    depth)."""
    checks: tuple[Check, ...]
    stage: Stage
    code: str
    message: str
    """What the provider or API answers, in its own words where known."""
    source: str
    autonames: Mapping[str, Autoname] = field(default_factory=dict)
    """By type token: how the provider names the resource when the first path is left out."""

    def applies_to(self, type_token: str) -> bool:
        """Whether the rule covers this resource type."""
        return any(
            type_token.startswith(entry[:-1]) if entry.endswith("*") else type_token == entry
            for entry in self.types
        )


EC2_TEXT = r"a-zA-Z0-9 ._\-:/()#,@\[\]+=&;{}!$*"
EC2_TEXT_DESCRIBED = "a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*"

_SECURITY_GROUPS = frozenset({"aws:ec2/securityGroup:SecurityGroup"})
_LOAD_BALANCERS = frozenset({"aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"})
_TARGET_GROUPS = frozenset({"aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"})
_DEFAULT_AUTONAME = Autoname(maximum=255, unless=("namePrefix",))
"""pulumi-aws names a resource with a `name` input `<name>-<7 hex>`, at most 255 (provider/autonaming.go)."""
_K8S_AUTONAME = Autoname(maximum=0, random_length=8, unless=("metadata.generateName",))
"""pulumi-kubernetes: `<name>-<8 hex>` without name and generateName (provider/pkg/metadata/naming.go)."""
_K8S_SUBDOMAIN_TYPES = frozenset(
    {
        "kubernetes:core/v1:ConfigMap",
        "kubernetes:core/v1:Secret",
        "kubernetes:core/v1:ServiceAccount",
        "kubernetes:core/v1:PersistentVolumeClaim",
        "kubernetes:apps/v1:Deployment",
        "kubernetes:apps/v1:StatefulSet",
        "kubernetes:apps/v1:DaemonSet",
        "kubernetes:batch/v1:Job",
        "kubernetes:batch/v1:CronJob",
        "kubernetes:networking.k8s.io/v1:NetworkPolicy",
        "kubernetes:networking.k8s.io/v1:Ingress",
        "kubernetes:policy/v1:PodDisruptionBudget",
        "kubernetes:storage.k8s.io/v1:StorageClass",
    }
)
_K8S_NAMESPACE = "kubernetes:core/v1:Namespace"
_K8S_SERVICE = "kubernetes:core/v1:Service"
_K8S_JOB = "kubernetes:batch/v1:Job"
_K8S_CRON_JOB = "kubernetes:batch/v1:CronJob"
_K8S_INVALID = "Invalid"
"""The Kubernetes API's reason for a refused object (HTTP 422), as pulumi-kubernetes reports it."""
_K8S_NAMES_DOC = "Kubernetes documentation, Object Names and IDs (apimachinery pkg/util/validation)"
_K8S_LABELS_DOC = "Kubernetes documentation, Labels and Selectors: Syntax and character set"

_RULE_DESCRIPTION_MESSAGE = (
    "doesn't comply with restrictions "
    '("^[A-Za-z0-9 \\.\\_\\-\\:\\/\\(\\)\\#\\,\\@\\[\\]\\+\\=\\&\\;\\{\\}\\!\\$\\*]*$")'
)
"""terraform-provider-aws's message for a security group rule description outside EC2's character set."""

CLOUDWATCH_RETENTION_DAYS = frozenset(
    {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}
)
"""The retention periods the CloudWatch Logs API accepts (PutRetentionPolicy, retentionInDays)."""
LOG_RETENTION_DAYS = CLOUDWATCH_RETENTION_DAYS | {0}
"""What pulumi-aws accepts for retentionInDays: those periods and 0, its "never expire" (no policy set)."""

RULES: tuple[Rule, ...] = (
    # EC2 security groups ---------------------------------------------------------------------------------
    Rule(
        name="ec2-security-group-name",
        types=_SECURITY_GROUPS,
        paths=("name",),
        checks=(Length(0, 255), Avoids(r"^sg-", "begins with sg-")),
        stage="preview",
        code=CHECK_FAILURE,
        message='expected length of name to be in the range (0 - 255); "name" cannot begin with sg-',
        # terraform-provider-aws internal/service/ec2/vpc_security_group.go (name: StringLenBetween(0, 255),
        # StringDoesNotMatch ^sg-); EC2 API reference, CreateSecurityGroup, GroupName.
        source="terraform-provider-aws ec2/vpc_security_group.go; EC2 API CreateSecurityGroup",
        autonames={"aws:ec2/securityGroup:SecurityGroup": _DEFAULT_AUTONAME},
    ),
    Rule(
        name="ec2-security-group-name-characters",
        types=_SECURITY_GROUPS,
        paths=("name",),
        checks=(Characters(EC2_TEXT, EC2_TEXT_DESCRIBED),),
        stage="update",
        code="InvalidParameterValue",
        message=f"Invalid security group name. Valid characters are {EC2_TEXT_DESCRIBED}",
        # EC2 API reference, CreateSecurityGroup, GroupName: "Valid characters: a-z, A-Z, 0-9, spaces, and
        # ._-:/()#,@[]+=&;{}!$*" (VPC security groups).
        source="EC2 API reference, CreateSecurityGroup, GroupName",
        autonames={"aws:ec2/securityGroup:SecurityGroup": _DEFAULT_AUTONAME},
    ),
    Rule(
        name="ec2-security-group-name-prefix",
        types=_SECURITY_GROUPS,
        paths=("namePrefix",),
        checks=(Length(0, 229), Avoids(r"^sg-", "begins with sg-")),
        stage="preview",
        code=CHECK_FAILURE,
        message="expected length of name_prefix to be in the range (0 - 229); it cannot begin with sg-",
        # terraform-provider-aws internal/service/ec2/vpc_security_group.go (name_prefix:
        # StringLenBetween(0, 255-id.UniqueIDSuffixLength), the suffix being 26 characters).
        source="terraform-provider-aws internal/service/ec2/vpc_security_group.go",
    ),
    Rule(
        name="ec2-security-group-description-length",
        types=_SECURITY_GROUPS,
        paths=("description",),
        checks=(Length(0, 255),),
        stage="preview",
        code=CHECK_FAILURE,
        message="expected length of description to be in the range (0 - 255)",
        # terraform-provider-aws internal/service/ec2/vpc_security_group.go (description:
        # StringLenBetween(0, 255)); the provider's default, "Managed by Pulumi", is valid.
        source="terraform-provider-aws internal/service/ec2/vpc_security_group.go",
    ),
    Rule(
        name="ec2-security-group-description",
        types=_SECURITY_GROUPS,
        paths=("description",),
        checks=(Characters(EC2_TEXT, EC2_TEXT_DESCRIBED),),
        stage="update",
        code="InvalidParameterValue",
        message=(
            "Invalid security group description. Valid descriptions are strings less than 256 characters "
            "from the following set:  a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*"
        ),
        # EC2 API reference, CreateSecurityGroup, GroupDescription ("Valid characters: a-z, A-Z, 0-9, spaces,
        # and ._-:/()#,@[]+=&;{}!$*"); the message is the one EC2 returns (terraform-provider-aws #18874).
        source="EC2 API reference, CreateSecurityGroup, GroupDescription",
    ),
    Rule(
        name="ec2-security-group-inline-rule-description",
        types=frozenset(
            {"aws:ec2/securityGroup:SecurityGroup", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"}
        ),
        paths=("ingress[].description", "egress[].description"),
        checks=(Length(0, 255), Characters(EC2_TEXT, EC2_TEXT_DESCRIBED)),
        stage="preview",
        code=CHECK_FAILURE,
        message=_RULE_DESCRIPTION_MESSAGE,
        # terraform-provider-aws internal/service/ec2/validate.go validSecurityGroupRuleDescription (at most
        # 255, the character set of the EC2 API's IpRange.Description), on the ingress and egress blocks of
        # aws_security_group and aws_default_security_group.
        source="terraform-provider-aws internal/service/ec2/validate.go validSecurityGroupRuleDescription",
    ),
    Rule(
        name="ec2-security-group-rule-description",
        types=frozenset({"aws:ec2/securityGroupRule:SecurityGroupRule"}),
        paths=("description",),
        checks=(Length(0, 255), Characters(EC2_TEXT, EC2_TEXT_DESCRIBED)),
        stage="preview",
        code=CHECK_FAILURE,
        message=_RULE_DESCRIPTION_MESSAGE,
        # terraform-provider-aws internal/service/ec2/vpc_security_group_rule.go uses the same
        # validSecurityGroupRuleDescription (internal/service/ec2/validate.go) for aws_security_group_rule.
        source="terraform-provider-aws internal/service/ec2/validate.go validSecurityGroupRuleDescription",
    ),
    Rule(
        name="vpc-security-group-rule-description",
        types=frozenset(
            {
                "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
            }
        ),
        paths=("description",),
        checks=(Length(0, 255), Characters(EC2_TEXT, EC2_TEXT_DESCRIBED)),
        stage="update",
        code="InvalidParameterValue",
        message=(
            "Invalid rule description. Valid descriptions are strings less than 256 characters from the "
            "following set:  a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*"
        ),
        # EC2 API reference, AuthorizeSecurityGroupIngress / AuthorizeSecurityGroupEgress, IpRange and
        # UserIdGroupPair Description; the message is the one EC2 returns.
        source="EC2 API reference, AuthorizeSecurityGroupIngress/Egress, IpRange.Description",
    ),
    # Elastic Load Balancing ------------------------------------------------------------------------------
    Rule(
        name="elb-load-balancer-name",
        types=_LOAD_BALANCERS,
        paths=("name",),
        checks=(
            Length(1, 32),
            Characters("0-9A-Za-z-", "alphanumeric characters and hyphens"),
            Avoids(r"^-|-$", "begins or ends with a hyphen"),
            Avoids(r"^internal-", 'begins with "internal-"'),
        ),
        stage="preview",
        code=CHECK_FAILURE,
        message=(
            '"name" cannot be longer than 32 characters, allows only alphanumeric characters and hyphens, '
            'cannot begin or end with a hyphen and cannot begin with "internal-"'
        ),
        # terraform-provider-aws internal/service/elbv2/validate.go validName; ELB API reference,
        # CreateLoadBalancer, Name. pulumi-aws autonames with its 255-character default, so a logical name
        # longer than 24 characters gives an autoname this rule refuses.
        source="terraform-provider-aws elbv2/validate.go validName; ELB API CreateLoadBalancer",
        autonames={token: _DEFAULT_AUTONAME for token in _LOAD_BALANCERS},
    ),
    Rule(
        name="elb-load-balancer-name-prefix",
        types=_LOAD_BALANCERS,
        paths=("namePrefix",),
        checks=(
            Length(0, 6),
            Characters("0-9A-Za-z-", "alphanumeric characters and hyphens"),
            Avoids(r"^-", "begins with a hyphen"),
        ),
        stage="preview",
        code=CHECK_FAILURE,
        message='"name_prefix" cannot be longer than 6 characters and allows only alphanumerics and hyphens',
        # terraform-provider-aws internal/service/elbv2/validate.go validNamePrefix.
        source="terraform-provider-aws internal/service/elbv2/validate.go validNamePrefix",
    ),
    Rule(
        name="elb-target-group-name",
        types=_TARGET_GROUPS,
        paths=("name",),
        checks=(
            Length(1, 32),
            Characters("0-9A-Za-z-", "alphanumeric characters and hyphens"),
            Avoids(r"^-|-$", "begins or ends with a hyphen"),
        ),
        stage="preview",
        code=CHECK_FAILURE,
        message=(
            '"name" cannot be longer than 32 characters, allows only alphanumeric characters and hyphens '
            "and cannot begin or end with a hyphen"
        ),
        # terraform-provider-aws internal/service/elbv2/validate.go validTargetGroupName; ELB API reference,
        # CreateTargetGroup, Name. pulumi-aws autonames aws:lb's target group within 32 (provider/aliases.go,
        # AutoName("name", 32, "-")) and aws:alb's with the 255 default.
        source=(
            "terraform-provider-aws internal/service/elbv2/validate.go validTargetGroupName; "
            "pulumi-aws provider/aliases.go"
        ),
        autonames={
            "aws:lb/targetGroup:TargetGroup": Autoname(maximum=32, unless=("namePrefix",)),
            "aws:alb/targetGroup:TargetGroup": _DEFAULT_AUTONAME,
        },
    ),
    Rule(
        name="elb-target-group-name-prefix",
        types=_TARGET_GROUPS,
        paths=("namePrefix",),
        checks=(
            Length(0, 6),
            Characters("0-9A-Za-z-", "alphanumeric characters and hyphens"),
            Avoids(r"^-", "begins with a hyphen"),
        ),
        stage="preview",
        code=CHECK_FAILURE,
        message='"name_prefix" cannot be longer than 6 characters and allows only alphanumerics and hyphens',
        # terraform-provider-aws internal/service/elbv2/validate.go validTargetGroupNamePrefix (32 - 26).
        source="terraform-provider-aws internal/service/elbv2/validate.go validTargetGroupNamePrefix",
    ),
    # IAM -------------------------------------------------------------------------------------------------
    Rule(
        name="iam-role-name",
        types=frozenset({"aws:iam/role:Role"}),
        paths=("name",),
        checks=(Length(1, 64), Characters(r"0-9A-Za-z_+=,.@-", "alphanumerics and _+=,.@-")),
        stage="preview",
        code=CHECK_FAILURE,
        message='expected length of name to be in the range (1 - 64); "name" must match [\\w+=,.@-]',
        # terraform-provider-aws internal/service/iam/role.go (roleNameMaxLen 64) and validate.go
        # validResourceName; IAM API reference, CreateRole, RoleName. pulumi-aws: AutoName("name", 64, "-")
        # (provider/resource_overrides.go).
        source="terraform-provider-aws internal/service/iam/role.go, validate.go; IAM API CreateRole",
        autonames={"aws:iam/role:Role": Autoname(maximum=64, unless=("namePrefix",))},
    ),
    Rule(
        name="iam-role-name-prefix",
        types=frozenset({"aws:iam/role:Role"}),
        paths=("namePrefix",),
        checks=(Length(1, 38), Characters(r"0-9A-Za-z_+=,.@-", "alphanumerics and _+=,.@-")),
        stage="preview",
        code=CHECK_FAILURE,
        message="expected length of name_prefix to be in the range (1 - 38); it must match [\\w+=,.@-]",
        # terraform-provider-aws internal/service/iam/role.go (roleNamePrefixMaxLen = 64 - 26).
        source="terraform-provider-aws internal/service/iam/role.go",
    ),
    Rule(
        name="iam-policy-name",
        types=frozenset({"aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy"}),
        paths=("name",),
        checks=(Length(1, 128), Characters(r"0-9A-Za-z_+=,.@-", "alphanumerics and _+=,.@-")),
        stage="preview",
        code=CHECK_FAILURE,
        message='expected length of name to be in the range (1 - 128); "name" must match [\\w+=,.@-]',
        # IAM API reference, CreatePolicy and PutRolePolicy, PolicyName (1-128, [\w+=,.@-]+);
        # terraform-provider-aws internal/service/iam/validate.go validResourceName / validRolePolicyName.
        source="IAM API CreatePolicy, PutRolePolicy; terraform-provider-aws internal/service/iam/validate.go",
        autonames={
            "aws:iam/policy:Policy": _DEFAULT_AUTONAME,
            "aws:iam/rolePolicy:RolePolicy": _DEFAULT_AUTONAME,
        },
    ),
    Rule(
        name="iam-path",
        types=frozenset({"aws:iam/role:Role", "aws:iam/policy:Policy", "aws:iam/user:User"}),
        paths=("path",),
        checks=(
            Length(1, 512),
            Matches(r"/|/[\x21-\x7e]+/", "begin and end with / (printable ASCII between)"),
        ),
        stage="update",
        code="ValidationError",
        message="The specified value for path is invalid. It must begin and end with / and contain only "
        "alphanumeric characters and/or / characters.",
        # IAM API reference, CreateRole / CreatePolicy / CreateUser, Path: 1-512,
        # pattern (\u002F)|(\u002F[\u0021-\u007E]+\u002F). terraform-provider-aws checks only the length.
        source="IAM API reference, CreateRole, Path",
    ),
    # RDS -------------------------------------------------------------------------------------------------
    Rule(
        name="rds-instance-identifier",
        types=frozenset({"aws:rds/instance:Instance"}),
        paths=("identifier",),
        checks=(
            Matches(r"[0-9a-z-]+", "use only lower-case letters, digits and hyphens"),
            Matches(r"[a-z].*", "start with a letter"),
            Avoids(r"--", "contains two consecutive hyphens"),
            Avoids(r"-$", "ends with a hyphen"),
        ),
        stage="preview",
        code=CHECK_FAILURE,
        message=(
            'only lowercase alphanumeric characters and hyphens allowed in "identifier"; its first character '
            "must be a letter; it cannot contain two consecutive hyphens or end with a hyphen"
        ),
        # terraform-provider-aws internal/service/rds/validate.go validIdentifier. pulumi-aws autonames the
        # identifier `<name><7 hex>` (no separator), up to 255, not lower-cased
        # (provider/resource_overrides.go).
        source="terraform-provider-aws internal/service/rds/validate.go validIdentifier",
        autonames={
            "aws:rds/instance:Instance": Autoname(maximum=255, separator="", unless=("identifierPrefix",))
        },
    ),
    Rule(
        name="rds-instance-identifier-length",
        types=frozenset({"aws:rds/instance:Instance"}),
        paths=("identifier",),
        checks=(Length(1, 63),),
        stage="update",
        code="InvalidParameterValue",
        message="The parameter DBInstanceIdentifier is not a valid identifier: it must contain from 1 to 63 "
        "letters, numbers, or hyphens",
        # RDS API reference, CreateDBInstance, DBInstanceIdentifier ("From 1 to 63 letters, numbers, or
        # hyphens"); terraform-provider-aws does not check the length.
        source="RDS API reference, CreateDBInstance, DBInstanceIdentifier",
        autonames={
            "aws:rds/instance:Instance": Autoname(maximum=255, separator="", unless=("identifierPrefix",))
        },
    ),
    Rule(
        name="rds-final-snapshot-identifier",
        types=frozenset({"aws:rds/instance:Instance"}),
        paths=("finalSnapshotIdentifier",),
        checks=(
            Length(1, 255),
            Matches(r"[A-Za-z].*", "begin with an alphabetic character"),
            Characters("0-9A-Za-z-", "alphanumeric characters and hyphens"),
            Avoids(r"--", "contains two consecutive hyphens"),
            Avoids(r"-$", "ends in a hyphen"),
        ),
        stage="preview",
        code=CHECK_FAILURE,
        message=(
            "final_snapshot_identifier must begin with alphabetic character, must only contain alphanumeric "
            "characters and hyphens, cannot contain two consecutive hyphens and cannot end in a hyphen"
        ),
        # terraform-provider-aws internal/service/rds/instance.go (final_snapshot_identifier); RDS API
        # reference, DeleteDBInstance, FinalDBSnapshotIdentifier (1-255). It is only used at deletion, so a
        # bad value would otherwise surface when the database is deleted.
        source="terraform-provider-aws internal/service/rds/instance.go; RDS API DeleteDBInstance",
    ),
    Rule(
        name="rds-subnet-group-name",
        types=frozenset({"aws:rds/subnetGroup:SubnetGroup"}),
        paths=("name",),
        checks=(
            Length(1, 255),
            Characters("0-9a-z_ .-", "lower-case alphanumerics, hyphens, underscores, periods and spaces"),
            Avoids(r"^default$", 'is "default"', ignore_case=True),
        ),
        stage="preview",
        code=CHECK_FAILURE,
        message=(
            "only lowercase alphanumeric characters, hyphens, underscores, periods, and spaces allowed in "
            '"name"; "Default" is not allowed as "name"'
        ),
        # terraform-provider-aws internal/service/rds/validate.go validSubnetGroupName; RDS API reference,
        # CreateDBSubnetGroup, DBSubnetGroupName.
        source="terraform-provider-aws internal/service/rds/validate.go validSubnetGroupName",
        autonames={"aws:rds/subnetGroup:SubnetGroup": _DEFAULT_AUTONAME},
    ),
    Rule(
        name="rds-parameter-group-name",
        types=frozenset({"aws:rds/parameterGroup:ParameterGroup"}),
        paths=("name",),
        checks=(
            Length(1, 255),
            Characters("0-9a-z.-", "lower-case alphanumerics, periods and hyphens"),
            Matches(r"[a-z].*", "start with a letter"),
            Avoids(r"--", "contains two consecutive hyphens"),
            Avoids(r"-$", "ends with a hyphen"),
        ),
        stage="preview",
        code=CHECK_FAILURE,
        message=(
            'only lowercase alphanumeric characters, periods, and hyphens allowed in parameter group "name"; '
            "first character must be a letter; no two consecutive hyphens; cannot end with a hyphen"
        ),
        # terraform-provider-aws internal/service/rds/validate.go validParamGroupName; RDS API reference,
        # CreateDBParameterGroup, DBParameterGroupName.
        source="terraform-provider-aws internal/service/rds/validate.go validParamGroupName",
        autonames={"aws:rds/parameterGroup:ParameterGroup": _DEFAULT_AUTONAME},
    ),
    # S3 --------------------------------------------------------------------------------------------------
    Rule(
        name="s3-bucket-name",
        types=frozenset({"aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"}),
        paths=("bucket",),
        checks=(
            Length(3, 63),
            Characters("0-9a-z.-", "lower-case letters, numbers, periods and hyphens"),
            Matches(r"[a-z0-9](.*[a-z0-9])?", "begin and end with a letter or number"),
            Avoids(r"\.\.", "has two adjacent periods"),
            NotAnIpAddress(),
            Avoids(r"^(xn--|sthree-|amzn-s3-demo-)", "begins with a reserved prefix"),
            Avoids(r"(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$", "ends with a reserved suffix"),
        ),
        stage="update",
        code="InvalidBucketName",
        message="The specified bucket is not valid.",
        # Amazon S3 User Guide, General purpose bucket naming rules; terraform-provider-aws
        # internal/service/s3/bucket.go validBucketName runs only in Create. pulumi-aws autonames
        # AutoNameTransform("bucket", 63, strings.ToLower) (provider/resource_overrides.go).
        source="Amazon S3 User Guide, General purpose bucket naming rules",
        autonames={
            token: Autoname(maximum=63, lower_case=True, unless=("bucketPrefix",))
            for token in ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
        },
    ),
    # KMS -------------------------------------------------------------------------------------------------
    Rule(
        name="kms-alias-name",
        types=frozenset({"aws:kms/alias:Alias"}),
        paths=("name",),
        checks=(
            Length(1, 256),
            Matches(r"alias/[a-zA-Z0-9:/_-]+", "begin with 'alias/' and contain only [a-zA-Z0-9:/_-]"),
            Avoids(r"^alias/aws/", "begins with the reserved prefix alias/aws/"),
        ),
        stage="preview",
        code=CHECK_FAILURE,
        message=(
            "\"name\" must begin with 'alias/' and be comprised of only [a-zA-Z0-9:/_-]; it cannot begin "
            "with reserved AWS CMK prefix 'alias/aws'"
        ),
        # terraform-provider-aws internal/service/kms/validate.go validName; KMS API reference, CreateAlias,
        # AliasName. pulumi-aws autonames within 238 and prefixes alias/ (provider/resource_overrides.go).
        source="terraform-provider-aws internal/service/kms/validate.go validName; KMS API CreateAlias",
        autonames={
            "aws:kms/alias:Alias": Autoname(maximum=238, prefix="alias/", unless=("namePrefix",)),
        },
    ),
    # CloudWatch Logs -------------------------------------------------------------------------------------
    Rule(
        name="logs-log-group-name",
        types=frozenset({"aws:cloudwatch/logGroup:LogGroup"}),
        paths=("name",),
        checks=(Length(1, 512), Characters(r"0-9A-Za-z_./#-", "alphanumerics and _ . / # -")),
        stage="preview",
        code=CHECK_FAILURE,
        message=(
            '"name" isn\'t a valid log group name (alphanumeric characters, underscores, hyphens, slashes, '
            "hash signs and dots are allowed), at most 512 characters"
        ),
        # terraform-provider-aws internal/service/logs/validate.go validLogGroupName; CloudWatch Logs API
        # reference, CreateLogGroup, logGroupName.
        source="terraform-provider-aws internal/service/logs/validate.go validLogGroupName",
        autonames={"aws:cloudwatch/logGroup:LogGroup": _DEFAULT_AUTONAME},
    ),
    Rule(
        name="logs-retention-in-days",
        types=frozenset({"aws:cloudwatch/logGroup:LogGroup"}),
        paths=("retentionInDays",),
        checks=(OneOf(LOG_RETENTION_DAYS),),
        stage="preview",
        code=CHECK_FAILURE,
        message="expected retention_in_days to be one of the retention periods CloudWatch Logs accepts",
        # terraform-provider-aws internal/service/logs/group.go (retention_in_days: IntInSlice); CloudWatch
        # Logs API reference, PutRetentionPolicy, retentionInDays.
        source="terraform-provider-aws logs/group.go; CloudWatch Logs API PutRetentionPolicy",
    ),
    # Route 53 --------------------------------------------------------------------------------------------
    Rule(
        name="route53-record-name",
        types=frozenset({"aws:route53/record:Record"}),
        paths=("name",),
        checks=(DomainName(),),
        stage="update",
        code="InvalidChangeBatch",
        message="FATAL problem: the record name is not a valid DNS name",
        # Amazon Route 53 Developer Guide, DNS domain name format: labels up to 63 bytes, at most 255 bytes
        # with the dots, printable ASCII (others as escape codes). pulumi-aws does not autoname records.
        source="Route 53 Developer Guide, DNS domain name format",
    ),
    Rule(
        name="route53-set-identifier",
        types=frozenset({"aws:route53/record:Record"}),
        paths=("setIdentifier",),
        checks=(Length(1, 128),),
        stage="update",
        code="InvalidInput",
        message="SetIdentifier must be between 1 and 128 characters",
        # Route 53 API reference, ResourceRecordSet, SetIdentifier (length 1-128).
        source="Route 53 API reference, ResourceRecordSet, SetIdentifier",
    ),
    # EKS -------------------------------------------------------------------------------------------------
    Rule(
        name="eks-cluster-name",
        types=frozenset({"aws:eks/cluster:Cluster"}),
        paths=("name",),
        checks=(
            Length(1, 100),
            Matches(
                r"[0-9A-Za-z][0-9A-Za-z_-]*",
                "start with an alphanumeric and contain only alphanumerics, hyphens and underscores",
            ),
        ),
        stage="preview",
        code=CHECK_FAILURE,
        message='"name" length must be between 1-100 characters and match ^[0-9A-Za-z][0-9A-Za-z_-]*$',
        # terraform-provider-aws internal/service/eks/validate.go validClusterName; EKS API reference,
        # CreateCluster, name.
        source="terraform-provider-aws eks/validate.go validClusterName; EKS API CreateCluster",
        autonames={"aws:eks/cluster:Cluster": _DEFAULT_AUTONAME},
    ),
    Rule(
        name="eks-node-group-name",
        types=frozenset({"aws:eks/nodeGroup:NodeGroup"}),
        paths=("nodeGroupName",),
        checks=(Length(0, 63),),
        stage="preview",
        code=CHECK_FAILURE,
        message="expected length of node_group_name to be in the range (0 - 63)",
        # terraform-provider-aws internal/service/eks/node_group.go (node_group_name:
        # StringLenBetween(0, 63));
        # pulumi-aws autonames AutoName("nodeGroupName", 255, "-") (provider/resource_overrides.go).
        source="terraform-provider-aws internal/service/eks/node_group.go",
        autonames={"aws:eks/nodeGroup:NodeGroup": Autoname(maximum=255, unless=("nodeGroupNamePrefix",))},
    ),
    Rule(
        name="eks-node-group-name-prefix",
        types=frozenset({"aws:eks/nodeGroup:NodeGroup"}),
        paths=("nodeGroupNamePrefix",),
        checks=(Length(0, 37),),
        stage="preview",
        code=CHECK_FAILURE,
        message="expected length of node_group_name_prefix to be in the range (0 - 37)",
        # terraform-provider-aws internal/service/eks/node_group.go (StringLenBetween(0, 63-26)).
        source="terraform-provider-aws internal/service/eks/node_group.go",
    ),
    # EC2 launch templates --------------------------------------------------------------------------------
    Rule(
        name="ec2-launch-template-name",
        types=frozenset({"aws:ec2/launchTemplate:LaunchTemplate"}),
        paths=("name",),
        checks=(Length(3, 125), Characters(r"0-9A-Za-z()./_-", "alphanumerics and ()./_-")),
        stage="preview",
        code=CHECK_FAILURE,
        message='"name" must be 3 to 125 characters and can only alphanumeric characters and ()./_- symbols',
        # terraform-provider-aws internal/verify/validate.go ValidLaunchTemplateName; EC2 API reference,
        # CreateLaunchTemplate, LaunchTemplateName.
        source="terraform-provider-aws internal/verify/validate.go ValidLaunchTemplateName",
        autonames={"aws:ec2/launchTemplate:LaunchTemplate": _DEFAULT_AUTONAME},
    ),
    Rule(
        name="ec2-launch-template-name-prefix",
        types=frozenset({"aws:ec2/launchTemplate:LaunchTemplate"}),
        paths=("namePrefix",),
        checks=(Length(3, 99), Characters(r"0-9A-Za-z()./_-", "alphanumerics and ()./_-")),
        stage="preview",
        code=CHECK_FAILURE,
        message='"name_prefix" cannot be longer than 99 characters, name is limited to 125',
        # terraform-provider-aws internal/verify/validate.go ValidLaunchTemplateName (prefix branch).
        source="terraform-provider-aws internal/verify/validate.go ValidLaunchTemplateName",
    ),
    Rule(
        name="ec2-launch-template-description",
        types=frozenset({"aws:ec2/launchTemplate:LaunchTemplate"}),
        paths=("description",),
        checks=(Length(0, 255),),
        stage="update",
        code="InvalidParameterValue",
        message="VersionDescription: maximum 255 characters",
        # EC2 API reference, CreateLaunchTemplate, VersionDescription ("Constraints: Maximum 255 characters").
        source="EC2 API reference, CreateLaunchTemplate, VersionDescription",
    ),
    # Secrets Manager -------------------------------------------------------------------------------------
    Rule(
        name="secretsmanager-secret-name",
        types=frozenset({"aws:secretsmanager/secret:Secret"}),
        paths=("name",),
        checks=(Length(1, 512), Characters(r"0-9A-Za-z/_+=.@-", "ASCII letters, numbers and /_+=.@-")),
        stage="update",
        code="ValidationException",
        message="The secret name can contain ASCII letters, numbers, and the following characters: /_+=.@-",
        # Secrets Manager API reference, CreateSecret, Name (length 1-512, the characters above).
        source="Secrets Manager API reference, CreateSecret, Name",
        autonames={"aws:secretsmanager/secret:Secret": _DEFAULT_AUTONAME},
    ),
    # AWS tags, on every AWS resource and in the provider's default tags ----------------------------------
    Rule(
        name="aws-tag-key",
        types=frozenset({"aws:*", "pulumi:providers:aws"}),
        paths=("tags{key}", "tagSpecifications[].tags{key}", "defaultTags.tags{key}"),
        checks=(Length(1, 128), TagCharacters(), Avoids(r"^aws:", "begins with aws:", ignore_case=True)),
        stage="update",
        code="InvalidParameterValue",
        message=(
            "Tag keys are 1 to 128 characters of letters, numbers, spaces and _ . : / = + - @, "
            "and the aws: prefix is reserved for AWS use"
        ),
        # AWS General Reference / Tagging AWS Resources user guide, Tag naming limits and requirements; the
        # Resource Groups Tagging API pattern ^(?![aA]{1}[wW]{1}[sS]{1}:)([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$. The
        # error code varies by service (EC2: InvalidParameterValue, most others: ValidationException). EC2
        # alone accepts more characters; the common set is checked because the provider's default tags reach
        # every service, and RDS, EKS and others copy tags onto what they create.
        source="Tagging AWS Resources, Tag naming limits and requirements",
    ),
    Rule(
        name="aws-tag-value",
        types=frozenset({"aws:*", "pulumi:providers:aws"}),
        paths=("tags{}", "tagSpecifications[].tags{}", "defaultTags.tags{}"),
        checks=(Length(0, 256), TagCharacters(), Avoids(r"^aws:", "begins with aws:", ignore_case=True)),
        stage="update",
        code="InvalidParameterValue",
        message=(
            "Tag values are 0 to 256 characters of letters, numbers, spaces and _ . : / = + - @, "
            "and the aws: prefix is reserved for AWS use"
        ),
        # As aws-tag-key (value pattern ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$, at most 256).
        source="Tagging AWS Resources, Tag naming limits and requirements",
    ),
    Rule(
        name="aws-tag-count",
        types=frozenset({"aws:*"}),
        paths=("tags",),
        checks=(AtMostEntries(50),),
        stage="update",
        code="InvalidParameterValue",
        message="A resource can have at most 50 user tags",
        # Tagging AWS Resources, Tag naming limits and requirements ("Maximum number of tags per resource -
        # 50"). Only the resource's own tags are counted: the provider's default tags come on top.
        source="Tagging AWS Resources, Tag naming limits and requirements",
    ),
    # Kubernetes (pulumi-kubernetes sends the object to the API server, which refuses it) --------------------
    Rule(
        name="kubernetes-namespace-name",
        types=frozenset({_K8S_NAMESPACE}),
        paths=("metadata.name",),
        checks=(
            Length(1, 63),
            Matches(_DNS_LABEL, "match the RFC 1123 label [a-z0-9]([-a-z0-9]*[a-z0-9])?"),
        ),
        stage="update",
        code=_K8S_INVALID,
        message=(
            "metadata.name: Invalid value: a lowercase RFC 1123 label must consist of lower case "
            "alphanumeric characters or '-', and must start and end with an alphanumeric character "
            "(at most 63)"
        ),
        # Kubernetes documentation, Object Names and IDs (namespaces are RFC 1123 label names).
        source=_K8S_NAMES_DOC,
        autonames={_K8S_NAMESPACE: _K8S_AUTONAME},
    ),
    Rule(
        name="kubernetes-service-name",
        types=frozenset({_K8S_SERVICE}),
        paths=("metadata.name",),
        checks=(
            Length(1, 63),
            Matches(r"[a-z]([-a-z0-9]*[a-z0-9])?", "match the RFC 1035 label [a-z]([-a-z0-9]*[a-z0-9])?"),
        ),
        stage="update",
        code=_K8S_INVALID,
        message=(
            "metadata.name: Invalid value: a DNS-1035 label must consist of lower case alphanumeric "
            "characters or '-', start with an alphabetic character, and end with an alphanumeric character "
            "(at most 63)"
        ),
        # Kubernetes documentation, Object Names and IDs (Services are RFC 1035 label names).
        source=_K8S_NAMES_DOC,
        autonames={_K8S_SERVICE: _K8S_AUTONAME},
    ),
    Rule(
        name="kubernetes-object-name",
        types=_K8S_SUBDOMAIN_TYPES,
        paths=("metadata.name",),
        checks=(Length(1, 253), Matches(_DNS_SUBDOMAIN, "match the lower-case RFC 1123 subdomain form")),
        stage="update",
        code=_K8S_INVALID,
        message=(
            "metadata.name: Invalid value: a lowercase RFC 1123 subdomain must consist of lower case "
            "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
        ),
        # Kubernetes documentation, Object Names and IDs (DNS subdomain names, at most 253).
        source=_K8S_NAMES_DOC,
        autonames={token: _K8S_AUTONAME for token in _K8S_SUBDOMAIN_TYPES},
    ),
    Rule(
        name="kubernetes-job-name",
        types=frozenset({_K8S_JOB}),
        paths=("metadata.name",),
        checks=(Length(1, 63),),
        stage="update",
        code=_K8S_INVALID,
        message="metadata.name: Invalid value: must be no more than 63 characters (it labels the Job's pods)",
        # Kubernetes documentation, Jobs, Writing a Job spec: "the name must be no longer than 63 characters".
        source="Kubernetes documentation, Jobs: Writing a Job spec",
        autonames={_K8S_JOB: _K8S_AUTONAME},
    ),
    Rule(
        name="kubernetes-cron-job-name",
        types=frozenset({_K8S_CRON_JOB}),
        paths=("metadata.name",),
        checks=(Length(1, 52),),
        stage="update",
        code=_K8S_INVALID,
        message="metadata.name: Invalid value: must be no more than 52 characters",
        # Kubernetes documentation, CronJob, Writing a CronJob spec: at most 52, because the controller
        # appends 11 characters to name the Jobs.
        source="Kubernetes documentation, CronJob: Writing a CronJob spec",
        autonames={_K8S_CRON_JOB: _K8S_AUTONAME},
    ),
    Rule(
        name="kubernetes-label-key",
        types=frozenset({"kubernetes:*"}),
        paths=("**.labels{key}", "**.matchLabels{key}"),
        checks=(QualifiedName(),),
        stage="update",
        code=_K8S_INVALID,
        message=(
            "Invalid value: a valid label key is an optional DNS subdomain prefix and '/', and a name of at "
            "most 63 alphanumeric characters, '-', '_' or '.', starting and ending with an alphanumeric"
        ),
        # Kubernetes documentation, Labels and Selectors, Syntax and character set.
        source=_K8S_LABELS_DOC,
    ),
    Rule(
        name="kubernetes-label-value",
        types=frozenset({"kubernetes:*"}),
        paths=("**.labels{}", "**.matchLabels{}"),
        checks=(
            Length(0, 63),
            Matches(
                r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?",
                "consist of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric",
            ),
        ),
        stage="update",
        code=_K8S_INVALID,
        message=(
            "Invalid value: a valid label must be an empty string or consist of alphanumeric characters, "
            "'-', '_' or '.', and must start and end with an alphanumeric character (at most 63)"
        ),
        # Kubernetes documentation, Labels and Selectors, Syntax and character set.
        source=_K8S_LABELS_DOC,
    ),
    Rule(
        name="kubernetes-annotation-key",
        types=frozenset({"kubernetes:*"}),
        paths=("**.annotations{key}",),
        checks=(QualifiedName(),),
        stage="update",
        code=_K8S_INVALID,
        message="Invalid value: annotation keys follow the label key syntax",
        # Kubernetes documentation, Annotations, Syntax and character set.
        source="Kubernetes documentation, Annotations: Syntax and character set",
    ),
)


# Reading values off the wire --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Found:
    """A value at a concrete property path, whether it travelled as a secret."""

    path: str
    value: Any
    secret: bool = False


_UNKNOWN = object()


def _plain(value: Any) -> tuple[Any, bool]:
    """A wire value without its secret or output-value wrapper; `_UNKNOWN` for a preview unknown."""
    secret = False
    while True:
        if value is None or value == wire.UNKNOWN or wire.is_sdk_unknown(value):
            return _UNKNOWN, secret
        if isinstance(value, Mapping) and value.get(_SIGNATURE) in _SECRET_VALUES:
            value, secret = value.get("value"), True
            continue
        if isinstance(value, Mapping) and value.get(_SIGNATURE) == _OUTPUT_VALUE:
            if "value" not in value:
                return _UNKNOWN, secret
            value, secret = value["value"], secret or bool(value.get("secret"))
            continue
        return value, secret


def _as_object(value: Any) -> Any:
    """Provider inputs travel as JSON strings (`defaultTags`): read one back when a path descends into it."""
    if isinstance(value, str) and value.startswith("{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _walk(
    value: Any, steps: list[str], path: str, secret: bool, json_strings: bool = True
) -> Iterator[_Found]:
    """Every value the remaining path steps reach from `value`; unknowns and absent keys yield nothing.

    `json_strings`: a named step may descend into a JSON string (provider inputs); never below `**`, so JSON
    held in a ConfigMap is not mistaken for the object's own labels.
    """
    value, wrapped = _plain(value)
    secret = secret or wrapped
    if value is _UNKNOWN:
        return
    if not steps:
        yield _Found(path, value, secret)
        return
    step, rest = steps[0], steps[1:]
    if step == "**":
        # Any depth: this level, then every nested mapping and list item.
        yield from _walk(value, rest, path, secret, json_strings=False)
        children: Iterable[tuple[str, Any]] = ()
        if isinstance(value, Mapping):
            children = ((f"{path}.{key}" if path else str(key), inner) for key, inner in value.items())
        elif isinstance(value, list):
            children = ((f"{path}[{index}]", inner) for index, inner in enumerate(value))
        for child_path, child in children:
            yield from _walk(child, steps, child_path, secret, json_strings=False)
        return
    name, _, modifier = step.partition("[")
    name, _, map_part = name.partition("{")
    if json_strings:
        value = _as_object(value)
    if not isinstance(value, Mapping) or name not in value:
        return
    here = f"{path}.{name}" if path else name
    inner, inner_secret = _plain(value[name])
    inner_secret = inner_secret or secret
    if inner is _UNKNOWN:
        return
    if json_strings:
        inner = _as_object(inner)
    if modifier == "]":
        if isinstance(inner, list):
            for index, item in enumerate(inner):
                yield from _walk(item, rest, f"{here}[{index}]", inner_secret, json_strings)
        return
    if map_part in ("}", "key}"):
        if not isinstance(inner, Mapping):
            return
        for key, item in inner.items():
            if map_part == "key}":
                yield _Found(f"{here} key {json.dumps(key)}", key, inner_secret)
            else:
                yield from _walk(item, rest, f"{here}[{json.dumps(key)}]", inner_secret, json_strings)
        return
    yield from _walk(inner, rest, here, inner_secret, json_strings)


def values_at(inputs: Mapping[str, Any], path: str) -> list[tuple[str, Any, bool]]:
    """(concrete path, plain value, secret) for every known value at a rule path of a resource's inputs."""
    return [(found.path, found.value, found.secret) for found in _walk(inputs, path.split("."), "", False)]


def _absent(inputs: Mapping[str, Any], path: str) -> bool:
    """Whether a dotted path is left out (not merely unknown), so the provider would build the value."""
    current: Any = inputs
    for step in path.split("."):
        current, _ = _plain(current)
        if current is _UNKNOWN:
            return False
        if not isinstance(current, Mapping) or step not in current:
            return True
        current = current[step]
    return False


# Checking ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """A value the provider or cloud API would refuse, reported as the provider reports it."""

    rule: Rule
    urn: str
    type: str
    name: str
    property: str
    finding: str
    """What is wrong with the value, quoting it unless it travelled as a secret."""
    autonamed: bool = False

    def render(self) -> str:
        """`error: <type> '<name>': <property>: <code>: <message>`, then the value, when it fails, the fix."""
        when = (
            "the provider refuses it in `pulumi preview`"
            if self.rule.stage == "preview"
            else "the cloud API refuses it during `pulumi up`, after the resources created before it, and "
            "everything that depends on it fails behind it"
        )
        fix = (
            "set the property to a valid value, or give the resource a name the provider can build one from"
            if self.autonamed
            else "change the value in the program"
        )
        return "\n".join(
            [
                f"error: {self.type} '{self.name}': {self.property}: {self.rule.code}: {self.rule.message}",
                f"    {self.finding}",
                f"    {when}; {fix}",
                f"    rule {self.rule.name} ({self.rule.source}); resource {self.urn}",
            ]
        )


def _finding(value: Any, secret: bool, problem: str, autonamed: bool) -> str:
    """The value (never a secret one) and its problem, as one sentence fragment."""
    shown = "the value (a secret, not shown)" if secret else json.dumps(value)
    if autonamed:
        shown = f"the name the provider would build, {shown} (its suffix is random),"
    return f"{shown} {problem}"


@functools.cache
def _rules_for(type_token: str) -> tuple[Rule, ...]:
    """The rules that cover one type, found once per type (a stack repeats few types many times)."""
    return tuple(rule for rule in RULES if rule.applies_to(type_token))


def check_resource(type_token: str, name: str, inputs: Mapping[str, Any], urn: str = "") -> list[Refusal]:
    """Every refusal the table predicts for one custom resource's inputs (wire names and values)."""
    refusals: list[Refusal] = []
    for rule in _rules_for(type_token):
        for path in rule.paths:
            found = values_at(inputs, path)
            autonamed = False
            autoname = rule.autonames.get(type_token)
            if not found and autoname is not None and path == rule.paths[0] and _absent(inputs, path):
                if any(not _absent(inputs, other) for other in autoname.unless):
                    continue
                candidate, failure = autoname.candidate(name)
                if failure is not None:
                    finding = (
                        f"the resource name {json.dumps(name)} leaves no room for the autoname: {failure}"
                    )
                    refusals.append(Refusal(_AUTONAME_RULE, urn, type_token, name, path, finding, True))
                    continue
                found, autonamed = [(path, candidate, False)], True
            for concrete, value, secret in found:
                for check in rule.checks:
                    problem = check.problem(value)
                    if problem is not None:
                        finding = _finding(value, secret, problem, autonamed)
                        refusals.append(Refusal(rule, urn, type_token, name, concrete, finding, autonamed))
                        break
    unique: dict[tuple[str, str, str], Refusal] = {}
    for refusal in refusals:
        # Two rules sharing one autoname would report its length failure twice.
        unique.setdefault((refusal.rule.name, refusal.property, refusal.finding), refusal)
    return list(unique.values())


_AUTONAME_RULE = Rule(
    name="pulumi-autoname-length",
    types=frozenset(),
    paths=(),
    checks=(),
    stage="preview",
    code=CHECK_FAILURE,
    message="could not make an autoname: the resource name leaves no room for the random suffix",
    # pulumi/pulumi sdk/go/common/resource/names.go NewUniqueName, called by pulumi-terraform-bridge
    # ComputeAutoNameDefault with the provider's maximum length for the property.
    source="pulumi sdk/go/common/resource/names.go NewUniqueName (pulumi-terraform-bridge autonaming)",
)


_UNKNOWN_KEY_RULE = Rule(
    name="pulumi-aws-unknown-key",
    types=frozenset(),
    paths=(),
    checks=(),
    stage="preview",
    code=CHECK_FAILURE,
    message="Invalid or unknown key",
    # pulumi-terraform-bridge pkg/tfbridge formatCheckFailures: "Invalid or unknown key. Examine values at
    # '<name>.<path>'"; found by offline_preview.input_keys in the program's process.
    source="pulumi-terraform-bridge Check (the Terraform schema of every nested block)",
)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def unknown_key_refusals(keys: Iterable[Mapping[str, Any]]) -> list[Refusal]:
    """A refusal for each input key the program's SDK does not declare (offline_preview.input_keys)."""
    refusals: list[Refusal] = []
    for key in keys:
        written = str(key["path"]).rsplit(".", 1)[-1]
        known = [str(name) for name in key.get("known") or ()]
        by_python_name = {_snake(name): name for name in known}
        close = difflib.get_close_matches(_snake(written), list(by_python_name), n=1, cutoff=0.6)
        hint = f"; did you mean `{close[0]}` (`{by_python_name[close[0]]}` on the wire)?" if close else ""
        finding = (
            f"the key {json.dumps(written)} is not an input of this block (examine values at "
            f"'{key['name']}.{key['path']}'); it takes: {', '.join(_snake(name) for name in known)}{hint}"
        )
        refusals.append(
            Refusal(
                _UNKNOWN_KEY_RULE,
                str(key["urn"]),
                str(key["type"]),
                str(key["name"]),
                str(key["path"]),
                finding,
            )
        )
    return refusals


def check_registrations(registrations: Iterable[Mapping[str, Any]]) -> list[Refusal]:
    """The refusals for every custom resource a program registered (reads and components carry no inputs)."""
    refusals: list[Refusal] = []
    for registration in registrations:
        if not registration.get("custom", True) or registration.get("read"):
            continue
        refusals.extend(
            check_resource(
                str(registration["type"]),
                str(registration["name"]),
                registration.get("inputs") or {},
                str(registration.get("urn", "")),
            )
        )
    return refusals


def report(refusals: Iterable[Refusal]) -> str:
    """All refusals, each as the provider would report it, then a one-line summary."""
    rendered = [refusal.render() for refusal in refusals]
    summary = (
        f"error: {len(rendered)} value(s) that the providers or AWS would refuse; the mocks accept them, a "
        "real `pulumi up` does not (see the offline preview section of the README)"
    )
    return "\n".join([*rendered, summary])
