"""The typed, validated settings of one bootstrap stack (one per region), built before any resource.

Data flows one way, as in the region program: `Pulumi.<stack>.yaml` (over the defaults in `Pulumi.yaml`) ->
`load_settings` (a pure function over namespaced keys, so tests call it directly) -> one frozen
`BootstrapSettings` -> components. Every bad value is reported with its key, the stack file and what is
allowed, all problems in one error; unknown keys (typos) are refused.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi

from residency_facts import JURISDICTION_TAG, JURISDICTIONS, MANAGED_BY, MANAGED_BY_TAG, Jurisdiction

PROJECT = "residency-bootstrap"
"""The Pulumi project name; also the namespace of every key this program reads."""

REGION_KEY = "aws:region"
GITHUB_TOKEN_KEY = f"{PROJECT}:githubToken"
"""Optional secret: the GitHub token CodeBuild registers its runners with (`pulumi config set --secret`)."""

OIDC_HOST = "token.actions.githubusercontent.com"
"""GitHub Actions' OIDC issuer host; IAM names the account's provider after it."""

_STACK_NAME = re.compile(r"^[a-z][a-z0-9]{0,19}$")
_REPOSITORY = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
# S3 general purpose bucket names: 3-63 characters, lower-case letters, digits, dots and hyphens, starting and
# ending with a letter or digit; no IP-address form, no reserved prefixes or suffixes.
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_BUCKET_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_BUCKET_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
_ENVIRONMENT = re.compile(r"^[A-Za-z0-9_.-]{1,255}$")
_ACCOUNT_ID = re.compile(r"^\d{12}$")
COMPUTE_TYPES = ("BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE")
"""CodeBuild Linux container sizes a runner may use (the Lambda and GPU types cannot host a runner)."""


class ConfigError(pulumi.RunError):
    """Bootstrap configuration that cannot be deployed; the message lists every problem and its remedy."""

    def __init__(self, stack: str, problems: list[str]) -> None:
        self.stack = stack
        self.problems = list(problems)
        count = f"{len(problems)} problem" + ("" if len(problems) == 1 else "s")
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"Bootstrap stack '{stack}' cannot be deployed: {count}:\n{lines}")


@dataclass(frozen=True)
class GitHubSettings:
    """Which repository the roles trust, and whether this stack owns the account's OIDC provider."""

    repository: str
    """`owner/name`: the only repository whose tokens the roles accept."""
    deploy_environment: str
    """The GitHub environment whose deployment jobs may assume the deploy role."""
    create_oidc_provider: bool
    """True in exactly one bootstrap stack per AWS account: IAM holds one provider per issuer URL."""


@dataclass(frozen=True)
class RunnerSettings:
    """The in-region CodeBuild-hosted GitHub Actions runner whose NAT address alone may reach the EKS API."""

    vpc_cidr: str
    compute_type: str
    build_timeout_minutes: int


@dataclass(frozen=True)
class BootstrapSettings:
    """Everything one bootstrap stack is built from, validated before any resource is declared."""

    stack: str
    region: str
    jurisdiction: Jurisdiction
    region_stack: str
    """The region stack (root project) this bootstrap serves: its roles, state and runner are for it."""
    state_bucket_name: str
    github: GitHubSettings
    runner: RunnerSettings
    github_token: str | None
    peer_account_ids: tuple[str, ...] = ()
    """Accounts besides this one whose VPCs the region stack may peer with (its deploy role's Deny)."""

    @property
    def default_tags(self) -> dict[str, str]:
        """Tags the bootstrap's AWS provider puts on every resource it manages."""
        return {JURISDICTION_TAG: self.jurisdiction.code, MANAGED_BY_TAG: MANAGED_BY}

    @property
    def name_prefix(self) -> str:
        """Prefix of the bootstrap's physical names: never the region stack's own `<stack>-` prefix."""
        return f"residency-{self.region_stack}"


_TOP_LEVEL = (
    "jurisdiction",
    "regionStack",
    "stateBucketName",
    "github",
    "runner",
    "githubToken",
    "peerAccountIds",
)
_GITHUB_KEYS = ("repository", "deployEnvironment", "createOidcProvider")
_RUNNER_KEYS = ("vpcCidr", "computeType", "buildTimeoutMinutes")


def _decoded(value: Any) -> Any:
    """A config value as data: the engine hands structured values over as JSON strings."""
    if isinstance(value, str) and value[:1] in ("{", "[", "t", "f"):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _shown(value: Any) -> str:
    return repr(value) if isinstance(value, str) else json.dumps(value)


def _bucket_problem(name: str) -> str | None:
    if not _BUCKET.match(name) or ".." in name:
        return "not a valid S3 bucket name"
    if name.startswith(_BUCKET_RESERVED_PREFIXES) or name.endswith(_BUCKET_RESERVED_SUFFIXES):
        return "uses a prefix or suffix S3 reserves"
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        return None
    return "is formatted as an IP address"


def _vpc_cidr_problem(value: Any) -> str | None:
    try:
        network = ipaddress.IPv4Network(str(value), strict=True)
    except ValueError:
        return "not an IPv4 CIDR"
    if not network.is_private or not 16 <= network.prefixlen <= 24:
        return "not a private (RFC 1918) range from /16 to /24"
    return None


def load_settings(raw: Mapping[str, Any], stack: str, file: str | None = None) -> BootstrapSettings:
    """Validate a bootstrap stack's namespaced config; raise ConfigError naming every problem."""
    where = file or f"Pulumi.{stack}.yaml"
    problems: list[str] = []

    def problem(key: str, value: Any, reason: str, allowed: str) -> None:
        problems.append(f"{key} in {where}: {_shown(value)} {reason}; allowed: {allowed}")

    known = {REGION_KEY} | {f"{PROJECT}:{key}" for key in _TOP_LEVEL}
    for key in sorted(raw):
        if key.startswith(("aws:", f"{PROJECT}:")) and key not in known:
            why = " (the explicit provider would ignore it)" if key.startswith("aws:") else ""
            problems.append(
                f"{key} in {where} is not a setting of this program{why}; allowed: {', '.join(sorted(known))}"
            )

    if not _STACK_NAME.match(stack):
        problems.append(f"stack name {stack!r} must match [a-z][a-z0-9]{{0,19}} (it names roles and keys)")

    jurisdiction_code = raw.get(f"{PROJECT}:jurisdiction")
    jurisdiction = JURISDICTIONS.get(str(jurisdiction_code))
    if jurisdiction is None:
        known_codes = ", ".join(JURISDICTIONS)
        problem(f"{PROJECT}:jurisdiction", jurisdiction_code, "is not a known jurisdiction", known_codes)

    region = raw.get(REGION_KEY)
    if not isinstance(region, str) or (jurisdiction is not None and region not in jurisdiction.regions):
        allowed = ", ".join(sorted(jurisdiction.regions)) if jurisdiction else "a region of the jurisdiction"
        problem(REGION_KEY, region, "is not a region of the stack's jurisdiction", allowed)

    region_stack = raw.get(f"{PROJECT}:regionStack", stack)
    if not isinstance(region_stack, str) or not _STACK_NAME.match(region_stack):
        problem(f"{PROJECT}:regionStack", region_stack, "is not a region stack name", "[a-z][a-z0-9]{0,19}")

    bucket = raw.get(f"{PROJECT}:stateBucketName")
    bucket_problem = _bucket_problem(bucket) if isinstance(bucket, str) else "is required"
    if bucket_problem:
        problem(
            f"{PROJECT}:stateBucketName",
            bucket,
            bucket_problem,
            "a globally unique S3 name, 3-63 lower-case letters, digits, '.' and '-'",
        )

    github = _decoded(raw.get(f"{PROJECT}:github"))
    if not isinstance(github, Mapping):
        problem(f"{PROJECT}:github", github, "is required", "an object with " + ", ".join(_GITHUB_KEYS))
        github = {}
    for key in sorted(set(github) - set(_GITHUB_KEYS)):
        problems.append(
            f"{PROJECT}:github.{key} in {where} is not a setting; allowed: {', '.join(_GITHUB_KEYS)}"
        )
    repository = github.get("repository")
    if not isinstance(repository, str) or not _REPOSITORY.match(repository):
        problem(f"{PROJECT}:github.repository", repository, "is not a GitHub repository", "owner/name")
    environment = github.get("deployEnvironment", region_stack)
    if not isinstance(environment, str) or not _ENVIRONMENT.match(environment):
        problem(
            f"{PROJECT}:github.deployEnvironment",
            environment,
            "is not a GitHub environment name",
            "1 to 255 of [A-Za-z0-9_.-]",
        )
    create_provider = github.get("createOidcProvider")
    if not isinstance(create_provider, bool):
        problem(
            f"{PROJECT}:github.createOidcProvider",
            create_provider,
            "must be true or false",
            "true in exactly one bootstrap stack per AWS account, false in the others",
        )

    runner = _decoded(raw.get(f"{PROJECT}:runner"))
    if not isinstance(runner, Mapping):
        problem(f"{PROJECT}:runner", runner, "is required", "an object with " + ", ".join(_RUNNER_KEYS))
        runner = {}
    for key in sorted(set(runner) - set(_RUNNER_KEYS)):
        problems.append(
            f"{PROJECT}:runner.{key} in {where} is not a setting; allowed: {', '.join(_RUNNER_KEYS)}"
        )
    vpc_cidr = runner.get("vpcCidr")
    cidr_problem = _vpc_cidr_problem(vpc_cidr)
    if cidr_problem:
        problem(f"{PROJECT}:runner.vpcCidr", vpc_cidr, cidr_problem, "e.g. 10.250.0.0/24")
    compute_type = runner.get("computeType", "BUILD_GENERAL1_MEDIUM")
    if compute_type not in COMPUTE_TYPES:
        sizes = ", ".join(COMPUTE_TYPES)
        problem(f"{PROJECT}:runner.computeType", compute_type, "is not a runner size", sizes)
    timeout = runner.get("buildTimeoutMinutes", 120)
    if isinstance(timeout, bool) or not isinstance(timeout, int) or not 5 <= timeout <= 2160:
        limits = "5 to 2160 (CodeBuild's limits)"
        problem(f"{PROJECT}:runner.buildTimeoutMinutes", timeout, "is out of range", limits)

    peer_accounts = _decoded(raw.get(f"{PROJECT}:peerAccountIds", []))
    if not isinstance(peer_accounts, list) or not all(
        isinstance(a, str) and _ACCOUNT_ID.match(a) for a in peer_accounts
    ):
        problem(
            f"{PROJECT}:peerAccountIds",
            peer_accounts,
            "is not a list of 12-digit AWS account ids",
            "the accounts of peer region stacks outside this account ([] when both share it)",
        )
        peer_accounts = []

    token = raw.get(GITHUB_TOKEN_KEY)
    if token is not None and (not isinstance(token, str) or not token.strip()):
        how = "a GitHub token, set with `pulumi config set --secret githubToken`"
        problem(GITHUB_TOKEN_KEY, "[secret]", "is empty", how)

    if problems:
        raise ConfigError(stack, problems)
    assert jurisdiction is not None and isinstance(region, str) and isinstance(bucket, str)
    return BootstrapSettings(
        stack=stack,
        region=region,
        jurisdiction=jurisdiction,
        region_stack=str(region_stack),
        state_bucket_name=bucket,
        github=GitHubSettings(
            repository=str(repository),
            deploy_environment=str(environment),
            create_oidc_provider=bool(create_provider),
        ),
        runner=RunnerSettings(
            vpc_cidr=str(vpc_cidr), compute_type=str(compute_type), build_timeout_minutes=int(timeout)
        ),
        github_token=token if isinstance(token, str) else None,
        peer_account_ids=tuple(peer_accounts),
    )


def _running_config() -> dict[str, Any]:
    """The running program's `residency-bootstrap:*` and `aws:*` config, from the engine or the mocks."""
    keys = set(pulumi.runtime.get_config_env()) | set(pulumi.runtime.config.CONFIG.get())
    raw: dict[str, Any] = {}
    for key in sorted(k for k in keys if k.startswith((f"{PROJECT}:", "aws:"))):
        namespace, name = key.split(":", 1)
        raw[key] = pulumi.Config(namespace).get(name)
    return raw


def load_stack_settings() -> BootstrapSettings:
    """The settings of the bootstrap stack the Pulumi program is running for."""
    return load_settings(_running_config(), pulumi.get_stack())
