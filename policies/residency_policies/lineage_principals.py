"""How lineage reads reach and copies through principals: IAM roles and resource shares.

What an IAM role's policies reach is what code, a database feature or a Transfer Family user running as it
reads (and, for roles that write, where it may deliver); a role named by a literal the stack does not
declare is untraceable. A copy mechanism's shared-with paths and a RAM resource share's principal
associations name the accounts outside the deployment the data is shared with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from residency_facts import ANY, CopyMechanism

from .lineage_literals import account_named, organisation_named
from .locations import Location, untraceable
from .model import Resource, parse_arn
from .values import Unknown, child, known_strings

if TYPE_CHECKING:
    from .lineage import Lineage

ROLE = "aws:iam/role:Role"
"""An IAM role: what its policies reach is what code, a database feature or a Transfer user running as it
reaches (`role_reach`), and what another account that may assume it is granted (`grants`)."""
INSTANCE_PROFILE = "aws:iam/instanceProfile:InstanceProfile"
PROFILE_PATHS = ("iamInstanceProfile", "iamInstanceProfile.name", "iamInstanceProfile.arn")
"""Where an instance, a spot request, a launch configuration or a launch template names its profile."""
RESOURCE_ASSOCIATION = "aws:ram/resourceAssociation:ResourceAssociation"
PRINCIPAL_ASSOCIATION = "aws:ram/principalAssociation:PrincipalAssociation"
RESOURCE_SHARE = "aws:ram/resourceShare:ResourceShare"


def role_reads(lineage: Lineage, resource: Resource) -> list[Location]:
    """What code may read through the IAM roles it runs as (a state machine's, a task's, a function's
    execution role): the stack's stores their policies name, every store for `*`."""
    return [t for t in role_reach(lineage, resource, ANY) if t.resource is not None]


def role_reach(lineage: Lineage, resource: Resource, path: str, writes: bool = False) -> list[Location]:
    """What the IAM roles a path of a resource names may reach (with `writes`, where they may write), by
    their policies; a role named by a literal the stack does not declare is untraceable."""
    from .grants import role_targets  # grants builds on lineage

    dependencies = lineage.stack.dependencies(resource, path)
    roles = [d for d in dependencies if d.type == ROLE]
    roles.extend(profile_roles(lineage, resource, path))
    unseen: list[str] = []
    for value in known_strings(resource.values_at(path)):
        if not (value.startswith("arn:") and ":role/" in value) and path == ANY:
            continue
        named = [r for r in lineage.stack.arn_match(value, lineage.region) if r.type == ROLE]
        roles.extend(named)
        if not named and not dependencies:
            unseen.append(value)
    found = [untraceable(f"what the role {value!r} of {resource.label} may reach") for value in unseen]
    if any(isinstance(v, Unknown) for v in resource.values_at(path)) and not dependencies:
        found.append(untraceable(f"what the role {path} of {resource.label} names may reach"))
    for role in dict.fromkeys(roles):
        found.extend(role_targets(lineage, role, writes))
    return found


def profile_roles(lineage: Lineage, resource: Resource, path: str) -> list[Resource]:
    """The roles of the stack's instance profiles a path names (an instance's or a launch template's
    `iamInstanceProfile`, by lineage or by the profile's name or ARN): code on the instance runs as them."""
    stack = lineage.stack
    profiles = [d for d in stack.dependencies(resource, path) if d.type == INSTANCE_PROFILE]
    if path in (ANY, *PROFILE_PATHS):
        for key in PROFILE_PATHS if path == ANY else (path,):
            for value in known_strings(resource.values_at(key)):
                name = value.rsplit("/", 1)[-1] if value.startswith("arn:") else value
                profiles.extend(r for r in stack.named(name) if r.type == INSTANCE_PROFILE)
    roles: list[Resource] = []
    for profile in dict.fromkeys(profiles):
        roles.extend(d for d in stack.dependencies(profile, "role") if d.type == ROLE)
        for value in known_strings(profile.values_at("role")):
            roles.extend(r for r in stack.named(value.rsplit("/", 1)[-1]) if r.type == ROLE)
    return list(dict.fromkeys(roles))


def credential_write_places(lineage: Lineage, resource: Resource) -> list[Location]:
    """Places the stack does not declare that the IAM roles code runs as may write to, named by literal ARNs
    in their policies: in the region and account the ARN names, or, for a bucket (an S3 ARN names neither),
    a place whose region and account cannot be traced. A wildcard over every place names none (code is
    judged on what it is definitely configured with)."""
    from .grants import role_targets  # grants builds on lineage
    from .workload_credentials import workload_roles

    if resource.type.startswith("kubernetes:"):
        roles = workload_roles(lineage, resource)
    else:
        roles = [d for d in lineage.stack.dependencies(resource, ANY) if d.type == ROLE]
        roles.extend(profile_roles(lineage, resource, ANY))
    found: list[Location] = []
    for role in dict.fromkeys(roles):
        for place in role_targets(lineage, role, writes=True):
            arn = parse_arn(place.description) if place.resource is None else None
            if arn is None:
                continue
            region = arn.region if arn.region and "*" not in arn.region else None
            account = arn.account if arn.account and "*" not in arn.account else None
            named = arn.service == "s3" and "*" not in arn.resource.split("/")[0] and bool(arn.resource)
            if region is None and account is None and not named:
                continue
            found.append(
                Location(
                    f"{place.description}, which {role.label} (a role {resource.label} runs as) may write "
                    "to and the stack does not declare",
                    region,
                    account,
                    host=region is None,
                )
            )
    return found


def share_principals(lineage: Lineage, resource: Resource, mechanism: CopyMechanism) -> list[str]:
    """The accounts, organisations or groups outside the deployment a copy mechanism shares the data with."""
    if resource.type == RESOURCE_ASSOCIATION:
        return _resource_share_principals(lineage, resource)
    shares = []
    for path in mechanism.shared_with:
        for value in resource.values_at(path):
            if isinstance(value, Unknown):
                shares.append(f"{path} (unknown at preview)")
            elif isinstance(value, str | int | float) and not isinstance(value, bool) and str(value):
                text = str(value)
                if organisation_named(text):
                    # Every account of it, whatever management account its ARN names.
                    shares.append(f"the organisation {text}")
                    continue
                account = account_named(text)
                if account is None or account not in lineage.settings.account_ids:
                    shares.append(text)
    return shares


def _resource_share_principals(lineage: Lineage, association: Resource) -> list[str]:
    """The principals outside the deployment a resource share reaches (untraceable: say so)."""
    shares = [
        s
        for s in lineage.stack.of_type(RESOURCE_SHARE)
        if lineage.stack.refers_to(association, "resourceShareArn", s)
    ]
    if not shares:
        return ["a resource share that is not declared in this stack (its principals cannot be seen)"]
    found = []
    for share in shares:
        principals = [
            p
            for p in lineage.stack.of_type(PRINCIPAL_ASSOCIATION)
            if lineage.stack.refers_to(p, "resourceShareArn", share)
        ]
        if not principals:
            found.append(f"the principals of {share.label}, added outside this stack")
        for principal in principals:
            value = child(principal.props, "principal")
            if isinstance(value, str) and organisation_named(value):
                found.append(f"the organisation {value}")
                continue
            account = account_named(value) if isinstance(value, str) else None
            if account is None or account not in lineage.settings.account_ids:
                found.append(
                    str(value) if isinstance(value, str) else f"{principal.label} (unknown at preview)"
                )
    return found
