"""A pointer is used where it is: the region a pointer is declared in is where the data it names is read.

QuickSight queries and imports what a data source points at in the data source's region; Athena queries a
Glue table, and a Glue job or crawler reads through a connection, in their region; AppSync serves a data
source's table from the API's region; Lake Formation vends a registered location from its own
(`mechanisms.READ_WHERE_DECLARED`). So such a pointer whose own region (its `region` input, pulumi-aws 7's
per-resource region, else its provider's) differs from the region of the data it points at moves that data
into its own region: a copy there, judged by rules 3 and 4 as any copy (decision, round 9). A pointer in the
data's own region moves nothing, and one whose target cannot be placed is judged by what reads through it, as
before. A pointer whose own region is unknown at preview may be anywhere: it is a copy into a region that
cannot be traced. The other pointers (a DataSync location, a DMS endpoint, an EventBridge connection) are read
only by the copies that name them, which are judged themselves; Kubernetes and Velero pointers are placed by
their cluster, and the pods and backups that read through them are judged themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from residency_facts import Category, CopyMechanism
from residency_facts.mechanisms import READ_WHERE_DECLARED

from .attributes import STACK_ACCOUNT
from .locations import Location, Movement
from .model import Resource
from .values import Unknown

if TYPE_CHECKING:
    from .lineage import Lineage

POINTER_USE = CopyMechanism(
    "a pointer used in another region than the data it points at (the services of its region read the data "
    "through it and keep what they read there)",
    lands_in_own_region=False,
)
"""What carries a pointer's data into the pointer's own region: not a copy mechanism of the type's own."""

POINTER_IN_ACCOUNT = CopyMechanism(
    "a pointer declared in another account than the data it points at (a Glue table in another account's "
    "Data Catalog, whose engines read the data through it and keep what they read)",
    lands_in_own_region=False,
)
"""What carries a pointer's data into the account it is declared in (`mechanisms.DECLARED_IN_ACCOUNT`, or
its provider's), decision blind-data15 a04."""


def pointer_movements(lineage: Lineage) -> list[Movement]:
    """The stack's AWS pointers declared in another region or account than the data they point at, as copies
    there."""
    found: list[Movement] = []
    for resource in lineage.stack.resources:
        found.extend(_pointer_movements(lineage, resource))
    return found


def _pointer_movements(lineage: Lineage, resource: Resource) -> list[Movement]:
    if resource.type not in READ_WHERE_DECLARED or resource.is_a(Category.HOLDS):
        return []
    own = lineage.region(resource)
    if own is None:
        return []
    account = lineage.account(resource)
    targets = lineage.follow(resource, set())
    elsewhere = [
        t for t in targets if isinstance(t.region, str) and (isinstance(own, Unknown) or t.region != own)
    ]
    # A target whose account cannot be traced is judged where it is; the pointer's own account, even one
    # that cannot be traced, is where its engines keep what they read.
    foreign = [t for t in targets if t not in elsewhere and t.account is not None and t.account != account]
    region = own if isinstance(own, str) else None
    where = region or "a region unknown at preview"
    found = []
    if elsewhere:
        here = Location(f"{resource.label} itself, in {where}", region, account, resource=resource)
        found.append(Movement(resource, POINTER_USE, elsewhere, [here]))
    if foreign:
        whose = "an account that cannot be traced" if account is None else f"account {account}"
        if account == STACK_ACCOUNT:
            whose = "this stack's account"
        there = Location(f"{resource.label} itself, in {whose}", region, account, resource=resource)
        found.append(Movement(resource, POINTER_IN_ACCOUNT, foreign, [there]))
    return found
