"""The single registry of the pack's rules (metadata, config schema, check) and the policies built from them.

Every rule is mandatory by default; a policy config file can turn any of them to advisory or disabled by
name. The pulumi-policy objects are a thin shell: they parse the policy's config, build the resource model
and report what the plain check function finds.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyComplianceFramework,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

from residency_facts import JURISDICTIONS

from . import classification, durability, encryption, exposure, jurisdiction, replication, triaged
from .model import Resource, Stack, from_policy_resource, from_resource_args
from .settings import (
    ACCOUNT_IDS,
    ADDITIONAL_DATA_HOLDING_TYPES,
    ALLOWED_REGIONS,
    JURISDICTION,
    MINIMUM_BACKUP_RETENTION_DAYS,
    PROTECTED_CLASSIFICATIONS,
    REQUIRE_PROTECT,
    RESIDENT,
    Settings,
    SettingsError,
    schema_properties,
)
from .violations import Violation

_Args = TypeVar("_Args", ResourceValidationArgs, StackValidationArgs)
_Model = TypeVar("_Model", Resource, Stack)

PACK_NAME = "residency"
FRAMEWORK = PolicyComplianceFramework(
    name="data-residency",
    version="1",
    specification=", ".join(sorted({j.law for j in JURISDICTIONS.values()})),
)


@dataclass(frozen=True)
class Rule:
    """One rule of the pack: what it forbids, what it reads from config, and the function that checks it."""

    name: str
    description: str
    config: tuple[str, ...]
    severity: Severity
    remediation: str
    check_resource: Callable[[Resource, Settings], list[Violation]] | None = None
    check_stack: Callable[[Stack, Settings], list[Violation]] | None = None

    @property
    def properties(self) -> dict[str, dict[str, Any]]:
        """The JSON-schema properties of the rule's config."""
        return schema_properties(JURISDICTION, *self.config)


RULES: tuple[Rule, ...] = (
    Rule(
        classification.NAME,
        classification.DESCRIPTION,
        (ACCOUNT_IDS, ADDITIONAL_DATA_HOLDING_TYPES),
        Severity.HIGH,
        "Tag (or label) every data-holding resource with data-classification: pii, telemetry, anonymised, "
        "internal or public.",
        check_stack=classification.check,
    ),
    Rule(
        jurisdiction.NAME,
        jurisdiction.DESCRIPTION,
        (ALLOWED_REGIONS, RESIDENT, ACCOUNT_IDS),
        Severity.CRITICAL,
        "Deploy PII and telemetry only through the stack's region-pinned provider, in a region of the "
        "stack's jurisdiction.",
        check_stack=jurisdiction.check,
    ),
    Rule(
        replication.NO_PII_REPLICATION,
        replication.NO_PII_REPLICATION_DESCRIPTION,
        (ACCOUNT_IDS, ADDITIONAL_DATA_HOLDING_TYPES),
        Severity.CRITICAL,
        "Remove the cross-region or cross-account copy; replicate only anonymised derivatives.",
        check_stack=replication.check_no_pii_replication,
    ),
    Rule(
        replication.ANONYMISED_ONLY_REPLICATION,
        replication.ANONYMISED_ONLY_REPLICATION_DESCRIPTION,
        (ACCOUNT_IDS, ADDITIONAL_DATA_HOLDING_TYPES),
        Severity.CRITICAL,
        "Copy across regions or accounts only resources classified anonymised, referenced from this stack.",
        check_stack=replication.check_anonymised_only_replication,
    ),
    Rule(
        encryption.NAME,
        encryption.DESCRIPTION,
        (ACCOUNT_IDS, ADDITIONAL_DATA_HOLDING_TYPES, PROTECTED_CLASSIFICATIONS),
        Severity.HIGH,
        "Encrypt with an aws.kms.Key declared in the same stack and region, multi-region off.",
        check_stack=encryption.check,
    ),
    Rule(
        exposure.NAME,
        exposure.DESCRIPTION,
        (ACCOUNT_IDS, ADDITIONAL_DATA_HOLDING_TYPES, PROTECTED_CLASSIFICATIONS),
        Severity.CRITICAL,
        "Keep PII stores private and admit only the security groups of this region's services.",
        check_stack=exposure.check,
    ),
    Rule(
        durability.NAME,
        durability.DESCRIPTION,
        (
            ACCOUNT_IDS,
            ADDITIONAL_DATA_HOLDING_TYPES,
            MINIMUM_BACKUP_RETENTION_DAYS,
            PROTECTED_CLASSIFICATIONS,
            REQUIRE_PROTECT,
        ),
        Severity.HIGH,
        "Turn on deletion protection, keep a final snapshot and enough backups, and declare protect=True.",
        check_stack=durability.check,
    ),
    Rule(
        triaged.NAME,
        triaged.DESCRIPTION,
        (RESIDENT, ACCOUNT_IDS),
        Severity.CRITICAL,
        "Review the type into policies/residency_facts/triage.py (and its mechanism), or keep personal data "
        "and telemetry out of it.",
        check_stack=triaged.check,
    ),
)
"""Every rule of the pack: the seven residency rules in the order of the issue that defines them, then the
rule that fails closed on a type the triage has not placed."""


def config_errors(config: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """What is wrong with a Configure request's policy config, one message per policy, naming the key.

    Every policy of the pack is checked, named in the request or not: the CLI sends all of them, and one it
    did not send would run with no config at all.
    """
    errors = []
    for rule in RULES:
        try:
            Settings.parse(rule.name, rule.properties, dict(config.get(rule.name) or {}))
        except SettingsError as error:
            errors.append(
                f"{error}. Fix it in the policy config file given to --policy-pack-config "
                "(policies/config/<stack>.json); policies/README.md lists every key."
            )
    return errors


def _settings(rule: Rule, config: Mapping[str, Any]) -> Settings:
    """The rule's settings. A config the analyzer's Configure refused never gets here; one that still does
    (a pack driven without Configure) fails the analysis with the same error, never a violation."""
    return _parsed(rule, json.dumps(config, sort_keys=True))


@functools.lru_cache(maxsize=256)
def _parsed(rule: Rule, config: str) -> Settings:
    # Parsed once per rule and config (every analysis of a configured pack hands each rule the same one);
    # an error is raised again on every call, as lru_cache keeps no exception.
    return Settings.parse(rule.name, rule.properties, json.loads(config))


def _validate(
    rule: Rule, model: Callable[[_Args], _Model], check: Callable[[_Model, Settings], list[Violation]]
) -> Callable[[_Args, ReportViolation], None]:
    """The callback pulumi-policy runs: parse the rule's config, build the model, report what check finds."""

    def validate(args: _Args, report_violation: ReportViolation) -> None:
        settings = _settings(rule, args.get_config())
        try:
            for found in check(model(args), settings):
                report_violation(found.message, found.urn)
        except UnknownValueError as error:
            # The SDK would turn this into an advisory note; an unchecked residency rule fails closed.
            report_violation(f"{rule.name} could not be evaluated at preview: {error.message}", None)

    return validate


_ANALYSED: ContextVar[Stack | None] = ContextVar("analysed_stack", default=None)
"""The model of the stack the current AnalyzeStack request carries, when the pack's analyzer built it."""


@contextmanager
def analysing(stack: Stack) -> Iterator[None]:
    """Every stack policy run inside reads this model of the stack (built once per AnalyzeStack request)."""
    token = _ANALYSED.set(stack)
    try:
        yield
    finally:
        _ANALYSED.reset(token)


_LAST_STACK: list[tuple[str, Stack]] = []
"""The model of the last stack analysed without the pack's analyzer: every stack policy of one request gets
the same one."""


def _stack(args: StackValidationArgs) -> Stack:
    """The stack's model: the one the pack's analyzer built from the request, which every policy shares.

    Under pulumi-policy's own analyzer (which hands each stack policy a fresh copy of the same resources),
    the model the previous policy built when the stack is the same, so that the rules share one lineage.
    """
    analysed = _ANALYSED.get()
    if analysed is not None:
        return analysed
    if not args.resources:
        # The engine always sends the stack itself: no resources means the pack's analyzer stripped them
        # (it hands the policies its model instead) and this policy runs outside `analysing`, where it would
        # judge an empty stack and pass everything.
        raise RuntimeError(
            "a stack policy of the residency pack got a request without resources and no model of the stack "
            "(residency_policies.registry.analysing was not in effect): it cannot judge the stack. Run the "
            "pack through its own analyzer (residency_policies.analyzer.install, which policies/__main__.py "
            "calls before it builds the PolicyPack)."
        )
    stack = Stack(from_policy_resource(resource) for resource in args.resources)
    fingerprint = stack.fingerprint()
    if _LAST_STACK and _LAST_STACK[0][0] == fingerprint:
        return _LAST_STACK[0][1]
    _LAST_STACK[:] = [(fingerprint, stack)]
    return stack


def _policy(rule: Rule) -> Policy:
    metadata: dict[str, Any] = {
        "name": rule.name,
        "description": rule.description,
        "enforcement_level": EnforcementLevel.MANDATORY,
        "config_schema": PolicyConfigSchema(properties=rule.properties, required=[JURISDICTION]),
        "severity": rule.severity,
        "framework": FRAMEWORK,
        "tags": ["residency"],
        "remediation_steps": rule.remediation,
    }
    if rule.check_resource is not None:
        return ResourceValidationPolicy(
            validate=_validate(rule, from_resource_args, rule.check_resource), **metadata
        )
    assert rule.check_stack is not None
    return StackValidationPolicy(validate=_validate(rule, _stack, rule.check_stack), **metadata)


def policies() -> list[Policy]:
    """The pack's policies, ready for `PolicyPack` (building them starts nothing)."""
    return [_policy(rule) for rule in RULES]
