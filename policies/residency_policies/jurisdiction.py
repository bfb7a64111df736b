"""Rule 2, pii-in-jurisdiction: personal data and raw telemetry live only in the jurisdiction's regions."""

from __future__ import annotations

from residency_facts import GLOBAL_HOLDERS, JURISDICTION_TAG, Category, categories_of
from residency_facts.mechanisms import HOLDER_REGIONS
from residency_facts.operators import HOSTED_HOLDERS

from .attributes import (
    STACK_ACCOUNT,
    account_of,
    classifications,
    effective_region,
    is_aws,
    is_global,
    is_kubernetes,
    jurisdiction_tag,
    region_named_in,
)
from .lineage import Lineage
from .locations import mechanism_key
from .model import Resource, Stack
from .provider_endpoints import Override, endpoint_overrides
from .settings import Settings
from .untraced_regions import traceable_fix, untraced_region
from .values import Unknown, value_at, values_at
from .violations import Violation, violation
from .volumes import Place, is_volume, volume_places

NAME = "pii-in-jurisdiction"
DESCRIPTION = (
    "Every PII and telemetry resource (declared, or holding such data through lineage) lives in one of the "
    "jurisdiction's allowed regions: its own region input, else its provider's region (Kubernetes objects: "
    "their EKS cluster's region); a region unknown at preview is a violation. It is kept in one of the "
    "deployment's accounts (`accountIds`): a provider that assumes a role elsewhere, or whose account cannot "
    "be traced, places it with another owner."
)


def check(stack: Stack, settings: Settings) -> list[Violation]:
    """Violations of pii-in-jurisdiction in a stack."""
    found: list[Violation] = []
    lineage = Lineage.of(stack, settings)
    for resource in stack.resources:
        if not (is_aws(resource) or is_kubernetes(resource)):
            continue
        global_holder = is_global(resource) and Category.HOLDS in (categories_of(resource.type) or ())
        if is_global(resource) and not global_holder:
            continue
        declared = classifications(resource)
        if isinstance(declared, Unknown):
            continue
        # What a resource received through lineage is resident data too, whatever its own label says.
        resident = (declared | lineage.inherited(resource)) & settings.resident_classifications
        if not resident:
            continue
        if global_holder:
            found.append(_kept_worldwide(resource, resident, settings))
            continue
        found.extend(_check_resource(resource, stack, resident, settings))
    return found


def _kept_worldwide(resource: Resource, resident: frozenset[str], settings: Settings) -> Violation:
    """A holder of a global service with resident data: no region input or provider keeps it anywhere."""
    kind = ", ".join(sorted(resident))
    where = GLOBAL_HOLDERS.get(resource.type, "a global AWS service keeps its data outside every region")
    return violation(
        resource,
        f"{kind} resource belongs to a global service, so its data is kept outside "
        f"{settings.jurisdiction.name}, whichever region its provider names: {where}",
        f"{kind} data must stay in {settings.jurisdiction.name} under {settings.jurisdiction.law}.",
        "keep the data in a regional store of the stack (a DynamoDB table or the PII database in the "
        "jurisdiction's region) and put only non-personal data, such as routing or feature flags, in the "
        "global service.",
    )


def _check_resource(
    resource: Resource, stack: Stack, resident: frozenset[str], settings: Settings
) -> list[Violation]:
    kind = ", ".join(sorted(resident))
    allowed = ", ".join(sorted(settings.allowed_regions))
    why = (
        f"{kind} data must stay in {settings.jurisdiction.name} under {settings.jurisdiction.law}; "
        f"this stack's policy allows only {allowed}."
    )
    found: list[Violation] = []
    region = effective_region(resource, stack)
    if isinstance(region, str):
        if region not in settings.allowed_regions:
            found.append(
                violation(
                    resource,
                    f"{kind} resource is placed in {region}, {settings.outside(region)}",
                    why,
                    f"deploy it with the stack's region-pinned provider (or a `region` input) in one of "
                    f"{allowed}.",
                )
            )
    else:
        # An unknown region is a violation for resident data: the SDK would otherwise only note it.
        state = "unknown at preview" if isinstance(region, Unknown) else "not set"
        reason = untraced_region(resource, stack)
        found.append(
            violation(
                resource,
                f"{kind} resource's region is {state} ({resource.label}, {reason}), so it cannot be shown "
                f"to stay in {settings.jurisdiction.name}",
                why,
                f"{traceable_fix(resource, settings)}.",
            )
        )
    for override in endpoint_overrides(resource, settings):
        found.append(_endpoint_violation(resource, override, kind, why, allowed))
    account = account_of(resource, stack)
    if account != STACK_ACCOUNT and account not in settings.account_ids:
        where = "an account that cannot be traced" if account is None else f"account {account}"
        found.append(
            violation(
                resource,
                f"{kind} resource is placed in {where}, outside this deployment's accounts "
                f"({', '.join(sorted(settings.account_ids)) or 'none listed'})",
                f"{why} Data kept in another account has another owner, who can copy or share it beyond "
                "this stack's rules.",
                "deploy it through a provider in one of the deployment's accounts, or add that account to "
                "`accountIds` in the policy config if the deployment owns it.",
            )
        )
    hosted = _hosted_place(resource)
    if hosted is not None:
        found.append(
            violation(
                resource,
                f"{kind} resource is kept in {hosted}, outside this deployment's accounts",
                f"{why} Data kept in another company's account has another owner, who can copy or share it "
                "beyond this stack's rules.",
                f"keep {kind} data in a database of the cluster or of this deployment's accounts (a "
                "PostgresCluster on the stack's StorageClass, an RDS instance) in one of "
                f"{allowed}.",
            )
        )
    for path, does, where in _nested_regions(resource, stack, settings):
        found.append(
            violation(
                resource,
                f"{kind} resource {does} {where} ({path}), {settings.outside(where)}",
                why,
                f"set {path} to a region, or to a resource, in one of {allowed} (a literal value, or a "
                "reference to a resource declared with the region's provider).",
            )
        )
    if is_volume(resource):
        own = (region, account)
        for place in volume_places(resource, stack):
            problem = _place_problem(place, settings, own)
            if problem:
                found.append(
                    violation(
                        resource,
                        f"{kind} resource keeps its volume's bytes in {place.what}: {problem}",
                        why,
                        f"keep the volume on a reviewed AWS driver whose place is in one of {allowed} and "
                        "the "
                        "deployment's accounts: the stack's EBS CSI StorageClass, or a bucket or file system "
                        "the stack declares there (a driver not reviewed yet: review it in "
                        "policies/residency_facts/volumes.py).",
                    )
                )
    tag = jurisdiction_tag(resource)
    if isinstance(tag, str) and tag != settings.jurisdiction.code:
        found.append(
            violation(
                resource,
                f"{kind} resource is tagged {JURISDICTION_TAG}={tag}, but this stack is in "
                f"{settings.jurisdiction.name} ({settings.jurisdiction.code})",
                why,
                f"deploy it from the stack of its own jurisdiction, or correct the tag to "
                f"{settings.jurisdiction.code}.",
            )
        )
    return found


def _endpoint_violation(
    resource: Resource, override: Override, kind: str, why: str, allowed: str
) -> Violation:
    unreviewed = (
        ""
        if override.reviewed
        else f" under `{override.key}`, a key residency_facts/endpoints.py has not reviewed (it may be "
        "this resource's service)"
    )
    review = "." if override.reviewed else "; review the key in policies/residency_facts/endpoints.py."
    return violation(
        resource,
        f"{kind} resource is created through a provider whose `endpoints` send its service's API calls, and "
        f"so its data, to {override.endpoint} ({override.where}){unreviewed}, whatever the provider's region "
        "says",
        why,
        f"remove the `{override.key}` endpoint override from the provider, or point it at the AWS endpoint "
        f"of the region (https://<service>.<region>.amazonaws.com, or a VPC endpoint there) in one of "
        f"{allowed}{review}",
    )


def _hosted_place(resource: Resource) -> str | None:
    """Where a Kubernetes object that an operator creates in another company's cloud keeps its data
    (`operators.HOSTED_HOLDERS`: a CrunchyBridgeCluster), in words; None for any other object."""
    hosted = HOSTED_HOLDERS.get(mechanism_key(resource.type))
    if hosted is None:
        return None
    provider = value_at(resource.props, hosted.provider)
    region = value_at(resource.props, hosted.region)
    shown = region if isinstance(region, str) else "a region unknown at preview"
    if provider == "aws":
        return f"{hosted.service}, in {hosted.owner} of AWS in {shown}"
    named = provider if isinstance(provider, str) else "a provider unknown at preview"
    return f"{hosted.service}, in {hosted.owner} of {named} ({shown}), outside AWS"


def _nested_regions(resource: Resource, stack: Stack, settings: Settings) -> list[tuple[str, str, str]]:
    """The region-bearing fields of a data holder's own configuration (`HOLDER_REGIONS`) that lead outside
    the allowed regions: (path, what the holder does there, where). A value computed from a resource is in
    that resource's region; one unknown at preview with nothing to trace it to leads nowhere that can be
    shown."""
    found: list[tuple[str, str, str]] = []
    for entry in HOLDER_REGIONS.get(resource.type, ()):
        values = values_at(resource.props, entry.path)
        places: set[str] = set()
        # A property dependency wins over the value computed from it (known once the stack is deployed).
        dependencies = [d for d in stack.dependencies(resource, entry.path) if not is_global(d)]
        if any(isinstance(v, Unknown) for v in values) and not dependencies:
            places.add("somewhere unknown at preview")
        for dependency in dependencies:
            region = effective_region(dependency, stack)
            if not isinstance(region, str):
                places.add(f"in the region of {dependency.label}, unknown at preview")
            elif region not in settings.allowed_regions:
                places.add(f"in {region} ({dependency.label})")
        for value in values:
            region = region_named_in(value) if isinstance(value, str) else None
            if region is not None and region not in settings.allowed_regions:
                places.add(f"in {region} ({value})" if value != region else f"in {region}")
        found.extend((entry.path, entry.does, where) for where in sorted(places))
    return found


def _place_problem(place: Place, settings: Settings, own: tuple[object, object]) -> str:
    """Why a volume's place is outside the allowed regions and accounts, or cannot be shown inside them; its
    object's own region and account (`own`, the cluster's) are judged as the object's, not again here."""
    if place.unreviewed:
        return (
            f"the storage driver {place.unreviewed} is not one the pack has reviewed, so where it keeps the "
            "bytes cannot be shown"
        )
    if place.outside:
        return f"outside AWS ({place.outside})"
    problems = []
    if place.on_premises:
        problems.append(f"possibly on premises: {place.on_premises}")
    region, account = own
    if place.region == region:
        pass  # The cluster's own region, judged as the object's.
    elif isinstance(place.region, str):
        if place.region not in settings.allowed_regions:
            problems.append(f"in {place.region}, {settings.outside(place.region)}")
    elif isinstance(place.region, Unknown):
        problems.append("in a region unknown at preview")
    else:
        problems.append("in a region that cannot be traced")
    if place.account == account:
        pass  # The cluster's own account, judged as the object's.
    elif place.account is None:
        problems.append("in an account that cannot be traced")
    elif place.account != STACK_ACCOUNT and place.account not in settings.account_ids:
        problems.append(f"in account {place.account}, outside this deployment's accounts")
    return "; ".join(problems)
