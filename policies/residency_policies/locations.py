"""What lineage is made of: a location of data, a movement of data, and the tables' keys for a type.

A `Location` is some data as far as lineage can tell (where, in whose account, what it is, whether it is a
resource of the stack); a `Movement` is one active copy mechanism on one resource, with its traced sources
and destinations. `mechanism_key` gives a type's key in the mechanism and pointer tables (`group:Kind` for
a Kubernetes object, in every version). `Lineage` (in `lineage`) builds them; the rules read them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from residency_facts import COPY_MECHANISMS, POINTERS, Category, CopyMechanism

from .attributes import STACK_ACCOUNT
from .classification import holds_ephemeral_volumes
from .model import Resource
from .node_volumes import node_data_volumes
from .settings import Settings


@dataclass(frozen=True)
class Location:
    """Some data as far as lineage can tell: what it is, where it is and whose account it is in."""

    description: str
    region: str | None
    """None when the region cannot be traced."""
    account: str | None
    """STACK_ACCOUNT for the stack's own resources, an account id from an ARN, None when untraceable."""
    classifications: frozenset[str] = frozenset()
    """What lies there when it is not a resource of the stack (whose classification lineage computes)."""
    local: bool = False
    """Named by a bare identifier, which AWS APIs resolve in the caller's own region and account."""
    resource: Resource | None = None
    """The stack's resource, when the data is in one."""
    outside: bool = False
    """An endpoint outside AWS (an HTTPS URL on the internet, a connection to one): no region holds it."""
    host: bool = False
    """An AWS host that configuration names without naming the stack's region (S3's global endpoint): a
    place the data is definitely sent to, whose region is another one or cannot be told."""
    review: bool = False
    """An untraceable place whose description says what to review (an object the stack does not declare):
    a violation's route names it."""
    verbatim: bool = False
    """A stack resource code copies a store into as it is (a dump, a bucket-to-bucket copy): it holds what
    the code reads, whatever its label (`lineage_commands`, decision k18)."""
    via: str = ""
    """What the copy reaches the data through, when that is not a step of lineage (a collaboration's
    configured table over a Glue table over it): messages name it after the data."""
    carries: tuple[Location, ...] | None = None
    """For a `verbatim` destination: the data the copy writes into it, when that is known (the store a dump
    connects to, `lineage_commands.dump_sources`); None: everything the code reads."""

    @property
    def where(self) -> str:
        """The region, or a note that it is unknown."""
        return self.region or "an untraceable region"


GENERATED_ID_NOTE = "an id AWS generates"
"""Marks an untraceable destination named by a literal id AWS generates (`lineage_literals`)."""


def untraceable(description: str) -> Location:
    """Data whose region, account and classification cannot be traced."""
    return Location(description=description, region=None, account=None)


_KEYS = frozenset(COPY_MECHANISMS) | frozenset(POINTERS)


@functools.lru_cache(maxsize=4096)
def mechanism_key(token: str) -> str:
    """The key of a type in the mechanism tables: its token, or `group:Kind` for a Kubernetes object."""
    if not token.startswith("kubernetes:"):
        return token
    _, group_version, kind = [*token.split(":"), "", ""][:3]
    group = group_version.split("/")[0]
    for suffix in ("List", "Patch"):
        if kind.endswith(suffix) and f"{group}:{kind.removesuffix(suffix)}" in _KEYS:
            kind = kind.removesuffix(suffix)
    return f"{group}:{kind}"


def mechanisms_of(token: str) -> tuple[CopyMechanism, ...]:
    """How a type copies data (empty when it does not)."""
    return COPY_MECHANISMS.get(mechanism_key(token), ())


def runs_code(resource: Resource) -> bool:
    """Whether a resource runs code (a function, a task, a workload): it may be fed data and emit it."""
    return any(mechanism.runs_code for mechanism in mechanisms_of(resource.type))


def pointer_paths(token: str) -> tuple[str, ...]:
    """Where a pointer type names the data it points at (empty when it is no pointer)."""
    return POINTERS.get(mechanism_key(token), ())


@dataclass
class Movement:
    """One active copy mechanism on one resource: its traced sources and destinations."""

    resource: Resource
    mechanism: CopyMechanism
    sources: list[Location]
    destinations: list[Location]
    shares: list[str] = field(default_factory=list)
    """Accounts, organisations or groups outside the deployment that the data is shared with."""
    outside_aws: bool = False

    @property
    def leaves_region(self) -> bool:
        """Whether the data may end up in a region other than the one it is in."""
        regions = [location.region for location in [*self.sources, *self.destinations]]
        return self.outside_aws or None in regions or len(set(regions)) > 1

    def leaves_account(self, settings: Settings) -> bool:
        """Whether the data may end up in an account other than the deployment's."""
        accounts = [location.account for location in [*self.sources, *self.destinations]]
        explicit = {a for a in accounts if a not in (None, STACK_ACCOUNT)}
        return (
            bool(self.shares)
            or self.outside_aws
            or None in accounts
            or any(a not in settings.account_ids for a in explicit)
            or len(explicit) > 1
        )

    def route(self, settings: Settings) -> str:
        """Where the data goes, in words."""
        parts = []
        regions = sorted({d.region for d in self.destinations if d.region is not None})
        untraced = any(d.region is None and not d.outside for d in self.destinations)
        documents = sorted(
            {
                d.description
                for d in self.destinations
                if d.description.startswith("the sinks")
                or d.host
                # Where a database's roles may write, when it cannot be traced, is what to review.
                or (self.mechanism.roles and d.region is None and not d.outside)
                # So is a literal id AWS generates, which a reference to the resource would resolve.
                or GENERATED_ID_NOTE in d.description
                or d.review
            }
        )
        which = f" ({'; '.join(documents)})" if documents else ""
        if regions:
            parts.append(
                "to "
                + ", ".join(regions)
                + (f" and regions that cannot be traced{which}" if untraced else which if documents else "")
            )
        elif untraced:
            parts.append(f"to regions that cannot be traced{which}")
        if self.outside_aws:
            outside = sorted({d.description for d in self.destinations if d.outside})
            shown = "; ".join(outside[:3]) + ("; ..." if len(outside) > 3 else "")
            parts.append(f"outside AWS ({shown})" if outside else "outside AWS")
        if self.shares:
            parts.append("shared with " + ", ".join(sorted(self.shares)))
        into = _foreign({d.account for d in self.destinations}, settings)
        untraced_into = None in {d.account for d in self.destinations} and not self.outside_aws
        if into:
            parts.append("into account " + ", ".join(into))
        elif untraced_into and not self.shares:
            parts.append("into an account that cannot be traced")
        # Where the data comes from is no destination: an inbound copy (an ExternalSecret's pull from
        # Vault, a restore from another account's snapshot) lands in the resource's own account.
        places = [s for s in self.sources if not s.outside]
        origins = [f"account {a}" for a in _foreign({s.account for s in places}, settings) if a not in into]
        if None in {s.account for s in places} and not untraced_into:
            origins.append("an account that cannot be traced")
        if any(s.outside for s in self.sources):
            origins.insert(0, "a place outside AWS")
        route = " and ".join(parts)
        return f"{route} (from {' and '.join(origins)})" if origins else route


def _foreign(accounts: set[str | None], settings: Settings) -> list[str]:
    """The accounts, by id, that are not this deployment's."""
    return sorted(a for a in accounts if a not in (None, STACK_ACCOUNT) and a not in settings.account_ids)


def holds_data(resource: Resource, settings: Settings) -> bool:
    """Whether a resource holds data, at rest or in transit: triaged so, configured so, or a workload whose
    pods get generic ephemeral volumes or keep their data in hostPath volumes (`node_volumes`)."""
    return (
        resource.is_a(Category.HOLDS)
        or resource.is_a(Category.IN_TRANSIT)
        or resource.type in settings.additional_data_holding_types
        or holds_ephemeral_volumes(resource)
        or bool(node_data_volumes(resource))
    )
