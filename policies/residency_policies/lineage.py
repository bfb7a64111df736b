"""Where data comes from and where it lands: lineage through a stack, and the classification it carries.

A copy names its source and destination by ARN, identifier or name, and at preview those values are often
unknown. The engine still records which resources each input was computed from (property dependencies), so
a source is followed back to the resource that holds the data, through pointers (DMS endpoints, DataSync
locations, Glue connections, whatever their own tags say), relays (a global cluster's source, a key
replica's primary) and components. In a preview of a deployed stack the same inputs hold known ids and
ARNs: a property dependency always wins over the literal value computed from it, and a literal that names a
resource of the stack is matched by any of its identities (an ARN only by the whole ARN, or by its name in
its own service and region). What cannot be followed is "untraceable": the rules treat it as possibly
anywhere, in any account, and possibly anything.

Classification comes from lineage as well as from labels: whatever receives data from a resource holds what
that resource holds, through any number of hops (a replica of a replica, a snapshot of a store and a copy of
that snapshot, an export into a staging bucket and that bucket's replication), whatever its own tag says.

This module is the graph: the movements of the stack's copy mechanisms, the classification they carry,
and the tracing of an input to the data it names. What it is built of is in `locations`; how it reads a
literal value in `lineage_literals`, what code is configured with in `lineage_code`, what IAM roles reach
and resource shares admit in `lineage_principals`, what backups and Kubernetes Services select in
`lineage_selections`, and what operators' custom resources copy in `lineage_operators`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from fnmatch import fnmatchcase
from typing import Any

from residency_facts import ANY, SELF, Category, Classification, CopyMechanism
from residency_facts.mechanisms import CONFIGURATION_PARENTS, CONFIGURATION_VALUES, PUBLIC_ENDPOINT_POINTERS
from residency_facts.reviewed_code import ReviewedSql

from .attributes import (
    STACK_ACCOUNT,
    account_of,
    classifications,
    effective_region,
    is_aws,
    is_kubernetes,
    region_named_in,
    region_of_zone_or_region,
)
from .classification import declared_classifications
from .lineage_charts import chart_destinations, chart_mechanisms, chart_sources
from .lineage_cluster_reads import cluster_readers
from .lineage_code import associated_reads, configuration_places, declared_reads
from .lineage_documents import delivered_in_documents, document_places, named_in_documents, picks_from_input
from .lineage_edges import labelled_edge_cache
from .lineage_event_selectors import EVENT_SELECTING, selected_holders
from .lineage_events import EVENT_RULE, rule_places, timers_only
from .lineage_gateway_logs import execution_log_movements
from .lineage_links import link_clients
from .lineage_literals import computed_id, literal_locations, places_in_text, regions_besides
from .lineage_log_exports import log_export_movements
from .lineage_nodes import node_output_mount, node_output_sources
from .lineage_operators import USES_OPERATOR_READERS, operator_destinations, operator_places, operator_sources
from .lineage_pointers import pointer_movements
from .lineage_principals import credential_write_places, role_reach, role_reads, share_principals
from .lineage_relays import feed_relays
from .lineage_requests import request_movements
from .lineage_reviewed import reviewed_sql
from .lineage_selections import (
    AI_OPT_OUT_POLICY,
    NAMESPACE_KINDS,
    SERVICE_ENTRY_KIND,
    SERVICE_KIND,
    SNAPSHOT_TARGET_TYPES,
    VELERO_BACKUPS,
    VELERO_LOCATIONS,
    NamespaceIndex,
    ai_opt_in_sources,
    backup_plan_sources,
    external_name_places,
    in_namespace,
    network_space_sources,
    organization_backup_sources,
    service_backends,
    service_entry_places,
    tagged,
    velero_destinations,
    velero_location_places,
    velero_sources,
)
from .lineage_ssm import command_reads, output_places
from .locations import (
    Location,
    Movement,
    holds_data,
    mechanism_key,
    mechanisms_of,
    pointer_paths,
    runs_code,
    untraceable,
)
from .model import Resource, Stack
from .provider_endpoints import endpoint_elsewhere
from .proxy_debug_logs import debug_log_movements
from .sdk_payloads import payload_calls
from .settings import Settings
from .untraced_regions import cluster_account_note, untraced_region
from .values import Unknown, is_set, known_strings, top_level, value_at
from .volumes import is_volume, volume_places

__all__ = [
    "KMS_KEY_TYPES",
    "Lineage",
    "anonymised_only",
]

KMS_KEY_TYPES = frozenset(
    {
        "aws:kms/key:Key",
        "aws:kms/externalKey:ExternalKey",
        "aws:kms/replicaKey:ReplicaKey",
        "aws:kms/replicaExternalKey:ReplicaExternalKey",
    }
)
KEY_SETTINGS: dict[str, str] = {
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": "bucket",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": "bucket",
}
"""Resources that set the key of a holder they name (by this input): a key they name is that holder's key."""
KEY_PARENTS = frozenset(
    {
        "aws:timestreamwrite/database:Database",
        "aws:emr/securityConfiguration:SecurityConfiguration",
    }
)
"""Resources that hold the key of the holders that name them (`encryption.AT_REST` parent_keys): a key they
name is the key of each data holder computed from them."""
BACKUP_PLAN = "aws:backup/plan:Plan"
LIFECYCLE_POLICY = "aws:dlm/lifecyclePolicy:LifecyclePolicy"
ORGANIZATION_POLICY = "aws:organizations/policy:Policy"
ATHENA_WORKGROUP = "aws:athena/workgroup:Workgroup"
VOLUME_BYTES = CopyMechanism(
    "a Kubernetes volume whose bytes it keeps", sources=(SELF,), lands_in_own_region=False
)
"""What carries a Kubernetes volume's classification into the stack's holder that keeps its bytes (a bucket
behind Mountpoint, a file system behind an EFS or FSx volume): not a copy, the same bytes."""
CATALOG_TABLES = ("aws:glue/catalogTable:CatalogTable", "aws:glue/partition:Partition")
"""What an Athena workgroup's queries may read: every table of the catalog in its account and region."""


class Lineage:
    """Traces every copy mechanism of a stack and the classification data carries through them."""

    @classmethod
    def of(cls, stack: Stack, settings: Settings) -> Lineage:
        """The stack's lineage under these settings, built once and shared by the rules that need it."""
        key = ("lineage", settings.account_ids, settings.additional_data_holding_types)
        if key not in stack.memo:
            stack.memo[key] = cls(stack, settings)
        lineage: Lineage = stack.memo[key]
        return lineage

    def __init__(self, stack: Stack, settings: Settings) -> None:
        self.stack = stack
        self.settings = settings
        self._regions: dict[str, str | Unknown | None] = {}
        # What the movements are traced with reads declared classifications only (a role's reach).
        self._effective: dict[str, frozenset[str]] = {}
        self._origin: dict[tuple[str, str], tuple[str, Movement]] = {}
        self._users: dict[str, list[Resource]] = {}
        # Built on first use by lineage_selections and lineage_code, once per lineage.
        self.kubernetes_index: tuple[NamespaceIndex, NamespaceIndex] | None = None
        self.workloads_of: dict[str, list[Resource]] = {}
        self.configurations: dict[tuple[Any, Any, Any], list[tuple[int, Resource]]] | None = None
        self.configuration_positions: dict[str, int] = {}
        self._mentioned: dict[tuple[str, str], list[Resource]] = {}
        self._holding: dict[frozenset[str], bool] = {}
        self._tracing: set[str] = set()
        self._code_reads: dict[str, frozenset[str]] | None = None
        self.reviewed: dict[str, ReviewedSql] = {}
        """The workloads that run only reviewed SQL (`lineage_reviewed`), by URN, with the review."""
        self.movements: list[Movement] = []
        node_readers: list[Movement] = []
        unread: list[Movement] = []
        for resource in stack.resources:
            for mechanism in (*mechanisms_of(resource.type), *chart_mechanisms(resource)):
                if self._active(resource, mechanism):
                    movement = self._movement(resource, mechanism)
                    if mechanism.runs_code and node_output_mount(resource) is not None:
                        node_readers.append(movement)
                    elif movement.sources:
                        self.movements.append(movement)
                    elif mechanism.runs_code:
                        unread.append(movement)
        # A pointer declared in another region than its data is used there (`lineage_pointers`).
        self.movements.extend(pointer_movements(self))
        # A database's exported logs land in the log group named after it (`lineage_log_exports`).
        self.movements.extend(log_export_movements(self))
        # A debug-logging RDS Proxy's statements land in the log group named after it (`proxy_debug_logs`).
        self.movements.extend(debug_log_movements(self))
        self._propagate()
        self._read_what_is_fed(unread)
        if node_readers:
            # Code passes on no classification, so what the other pods read is final here.
            node_output_sources(self, node_readers, self.movements)
            self.movements.extend(m for m in node_readers if m.sources)
        # Kubernetes code that may read the Secrets or pods of a namespace holding or reading resident data
        # reads it (`lineage_cluster_reads`); final, as code passes on no classification, but for the
        # stores it copies verbatim (carried again).
        readers = cluster_readers(self, [*self.movements, *unread])
        if readers:
            waiting = {id(m) for m in unread}
            self.movements.extend(m for m in readers if id(m) in waiting)
            self._code_reads = None
            if any(d.verbatim for m in readers for d in m.destinations):
                self._propagate()
        # Code that sends to other code of its cluster (a collector, an aggregator) hands it what it reads.
        feed_relays(self, self.movements, [m for m in unread if not m.sources])
        # Copies of the requests the applications answer (mirrors, access logs) carry what their code reads.
        requests = request_movements(self)
        # What code reads is cached on first use, which tracing a movement may ask for while the graph is
        # half built (a role's reach): built again from the whole graph from here on.
        self._code_reads = None
        # What API Gateway logs of its stages' requests and responses, in the groups the stack declares
        # (`lineage_gateway_logs`): what the APIs serve, known once the rest has propagated.
        requests.extend(execution_log_movements(self))
        if requests:
            self.movements.extend(requests)
            self._propagate()
        # What code reads may have been asked while the movements were still being traced (a role that may
        # decrypt `*` reaches every holder, code included): that answer saw only the movements traced so far.
        self._code_reads = None
        # SQL run on a server that reviewed SQL linked elsewhere may send through the link
        # (`lineage_links`, reviewer blind-whole15 w01, w02).
        link_clients(self)

    def _read_what_is_fed(self, unread: list[Movement]) -> None:
        """AWS code that a service feeds (a pipe's, a rule's or a mapping's target) reads what it is fed: its
        execution input, its events. Propagation has placed that in the code (`_propagate`), and code passes
        on no classification, so adding it as a source of the code's own movements changes nothing upstream.
        Kubernetes workloads are fed by no AWS delivery (they pull what they read). A sharing call of the same
        code whose payload takes a member from its input (a state machine's `CopySource.$`) copies what the
        input picks: what it is fed, carried on into what it copies to."""
        carried = False
        for movement in [*self.movements, *unread]:
            resource = movement.resource
            aws_code = resource.type.startswith("aws:") and runs_code(resource)
            if not aws_code or not self.inherited(resource):
                continue
            if not movement.mechanism.runs_code and not picks_from_input(resource):
                continue
            fed = replace(self.locate(resource), description=f"what {resource.label} is fed")
            movement.sources.append(fed)
            carried = carried or not movement.mechanism.runs_code
            if movement in unread:
                self.movements.append(movement)
        if carried:
            self._propagate()

    # Regions and classification ------------------------------------------------------------------------

    def region(self, resource: Resource) -> str | Unknown | None:
        """The resource's effective region (cached: lineage asks often)."""
        if resource.urn not in self._regions:
            self._regions[resource.urn] = effective_region(resource, self.stack)
        return self._regions[resource.urn]

    def own_region(self, resource: Resource) -> str | None:
        """The resource's region when it is known."""
        region = self.region(resource)
        return region if isinstance(region, str) else None

    def declared(self, resource: Resource) -> frozenset[str]:
        """What a resource says it holds: its classification, and for a key that of the data it encrypts."""
        if "declared" not in resource.memo:
            resource.memo["declared"] = self._declared(resource)
        declared: frozenset[str] = resource.memo["declared"]
        return declared

    def _declared(self, resource: Resource) -> frozenset[str]:
        found = declared_classifications(resource, self.stack)
        own = found if isinstance(found, frozenset) else frozenset()
        if resource.type in KMS_KEY_TYPES:
            for user in self._key_users(resource):
                used = classifications(user)
                if isinstance(used, frozenset):
                    own |= used
        return own

    def effective(self, resource: Resource) -> frozenset[str]:
        """What a resource holds: what it declares and what it received from every resource upstream."""
        return self._effective.get(resource.urn, self.declared(resource))

    def classes(self, location: Location) -> frozenset[str]:
        """What the data at a location is classified as."""
        if location.resource is not None:
            return self.effective(location.resource)
        return location.classifications

    def code_reads(self, resource: Resource) -> frozenset[str]:
        """What code a resource runs is configured to read: the classifications of its code's sources."""
        if self._code_reads is None:
            # Built once per lineage: cluster access asks for every workload of a cluster.
            found: dict[str, set[str]] = {}
            for movement in self.movements:
                if movement.mechanism.runs_code:
                    read = found.setdefault(movement.resource.urn, set())
                    for source in movement.sources:
                        read |= self.classes(source)
            self._code_reads = {urn: frozenset(read) for urn, read in found.items()}
        return self._code_reads.get(resource.urn, frozenset())

    def code_read(self, location: Location, classifications: Iterable[str]) -> str:
        """`, whose code reads A (pii)`: the sources of these classifications that the code at a location is
        configured to read (a grant on code is a grant of them), or empty for what reads none of them."""
        resource = location.resource
        wanted = frozenset(classifications)
        if resource is None or not self.code_reads(resource) & wanted:
            return ""
        chains: dict[str, None] = {}
        for movement in self.movements:
            if movement.resource is resource and movement.mechanism.runs_code:
                for source in movement.sources:
                    for classification in sorted(self.classes(source) & wanted):
                        chains[self.chain(source, classification)] = None
        return f", whose code reads {', '.join(list(chains)[:3])}" if chains else ""

    def holds_any(self, classifications: Iterable[str]) -> bool:
        """Whether any resource of the stack holds data of one of these classifications (declared or through
        lineage); cached on this lineage, which is the stack's under one settings."""
        wanted = frozenset(classifications)
        if wanted not in self._holding:
            self._holding[wanted] = any(self.effective(r) & wanted for r in self.stack.resources)
        return self._holding[wanted]

    def inherited(self, resource: Resource) -> frozenset[str]:
        """The classifications a resource holds only through lineage, not by its own label."""
        return self.effective(resource) - self.declared(resource)

    def chain(self, location: Location, classification: str) -> str:
        """How data of a classification reached a location: `A (pii) -> B (labelled anonymised) -> C`."""
        if location.resource is None:
            return f"{location.description} ({classification})"
        hops: list[str] = []
        urn: str | None = location.resource.urn
        seen: set[str] = set()
        while urn is not None and urn not in seen:
            seen.add(urn)
            resource = self.stack.get(urn)
            if resource is None:
                break
            declared = self.declared(resource)
            if classification in declared:
                hops.append(f"{resource.label} ({classification})")
                break
            label = ", ".join(sorted(declared)) if declared else ""
            hops.append(f"{resource.label} ({'labelled ' + label if label else 'unlabelled'})")
            origin = self._origin.get((urn, classification))
            if origin is None:
                break
            urn = origin[0]
        text = " -> ".join(reversed(hops))
        return f"{text}, through {location.via}" if location.via else text

    def _propagate(self) -> None:
        """Carry classifications along every movement into what receives the data, until nothing changes."""
        edges: dict[str, list[tuple[Location, Movement]]] = {}
        for movement in self.movements:
            if movement.mechanism.runs_code:
                # What code writes is out of reach: it may transform what it reads, or not write it at all;
                # but a command that copies a store as it is (a dump into a bucket) makes a copy of what the
                # code reads (decision, reviewer blind-k8s13 k18).
                # What it copies is the store its dump reads, when the command says which (decision, reviewer
                # blind-whole15 c07): not its script, the credentials it logs in with or its namespace.
                copies = {
                    d.resource.urn: (d.resource, d.carries)
                    for d in movement.destinations
                    if d.verbatim and d.resource
                }
                for target, dumped in copies.values():
                    for source in movement.sources if dumped is None else dumped:
                        if source.resource is not target:
                            edges.setdefault(target.urn, []).append((source, movement))
                continue
            targets = [d.resource for d in movement.destinations if d.resource is not None]
            if movement.mechanism.lands_in_own_region:
                targets.append(movement.resource)
            # Code a service feeds (a mapping's function, a rule's target) holds what it is fed while it runs
            # and sends it on in its invocation records (an on-failure destination): a target too.
            receivers = (t for t in targets if holds_data(t, self.settings) or runs_code(t))
            for target in dict.fromkeys(receivers):
                for source in movement.sources:
                    if source.resource is not target:
                        edges.setdefault(target.urn, []).append((source, movement))
        for resource in self.stack.resources:
            if not is_volume(resource):
                continue
            for place in volume_places(resource, self.stack):
                if place.holder is not None and holds_data(place.holder, self.settings):
                    here, there = self.locate(resource), self.locate(place.holder)
                    movement = Movement(resource, VOLUME_BYTES, [here], [there])
                    edges.setdefault(place.holder.urn, []).append((here, movement))
        effective = {r.urn: self.declared(r) for r in self.stack.resources}
        # A key holds what the holders it encrypts hold, lineage included (an anonymised replica of PII under
        # it makes it a key of PII): the key's policy and grants share that data.
        key_users = {
            key.urn: [u.urn for u in self._key_users(key)] for key in self.stack.of_type(*KMS_KEY_TYPES)
        }
        changed = True
        while changed:
            changed = False
            for key_urn, users in key_users.items():
                for user_urn in users:
                    new = effective.get(user_urn, frozenset()) - effective[key_urn]
                    if new:
                        effective[key_urn] = effective[key_urn] | new
                        changed = True
            for target_urn, incoming in edges.items():
                for source, movement in incoming:
                    carried = (
                        effective.get(source.resource.urn, frozenset())
                        if source.resource
                        else (source.classifications)
                    )
                    new = carried - effective[target_urn]
                    if new:
                        effective[target_urn] = effective[target_urn] | new
                        for classification in new:
                            if source.resource is None:
                                continue
                            origin = source.resource.urn
                            if movement.mechanism.runs_code and movement.resource is not source.resource:
                                # The chain names the code that copied it: `db (pii) -> Job -> bucket`.
                                origin = movement.resource.urn
                                self._origin.setdefault(
                                    (origin, classification), (source.resource.urn, movement)
                                )
                            self._origin.setdefault((target_urn, classification), (origin, movement))
                        changed = True
        self._effective = effective

    # Movements -----------------------------------------------------------------------------------------

    def movements_of(self, resource: Resource) -> list[Movement]:
        """The active movements of one resource (a cluster whose backups a scheduled backup takes), traced
        again for the resource that names it; none while they are being traced (a cycle of names)."""
        if resource.urn in self._tracing:
            return []
        self._tracing.add(resource.urn)
        try:
            return [
                self._movement(resource, mechanism)
                for mechanism in (*mechanisms_of(resource.type), *chart_mechanisms(resource))
                if self._active(resource, mechanism)
            ]
        finally:
            self._tracing.discard(resource.urn)

    def sources_of(self, resource: Resource) -> list[Location]:
        """The sources of a resource's active copy mechanisms (what an ExternalSecret pulls into a Secret)."""
        return [source for movement in self.movements_of(resource) for source in movement.sources]

    def _active(self, resource: Resource, mechanism: CopyMechanism) -> bool:
        if mechanism.active_calls:
            calls = frozenset(a.lower() for a in mechanism.active_calls)
            if not any(call.is_one_of(calls) for call in payload_calls(resource)):
                return False
        for path, wanted in mechanism.active_values:
            found = resource.values_at(path)
            if not any(isinstance(v, Unknown) or v in wanted for v in found):
                return False
        paths = mechanism.active_when or (*mechanism.sources, *mechanism.source_roles)
        if not paths and mechanism.account_members:
            # Copying only the account's members (a membership's configured tables): active when there are.
            own, account = self.own_region(resource), self.account(resource)
            return any(
                self.own_region(m) == own and self.account(m) == account
                for m in self.stack.of_type(*mechanism.account_members)
            )
        if not paths:
            return True
        return any(path == SELF or any(is_set(v) for v in resource.values_at(path)) for path in paths)

    def _movement(self, resource: Resource, mechanism: CopyMechanism) -> Movement:
        own = self.own_region(resource)
        code = mechanism.runs_code
        reviewed = reviewed_sql(self, resource) if code and resource.type.startswith("kubernetes:") else None
        if reviewed is not None:
            # Code a reviewer has read sends what the review says (`lineage_reviewed`), whatever it reads.
            movement = self._traced(resource, mechanism, own, code)
            digest, review = reviewed
            self.reviewed[resource.urn] = review
            sent = Location(
                f"what {resource.label} sends: reviewed SQL (sha256 {digest[:12]}) that {review.does}",
                own if isinstance(own, str) else None,
                self.account(resource),
                frozenset({review.sends}),
            )
            return replace(movement, sources=[sent])
        return self._traced(resource, mechanism, own, code)

    def _traced(self, resource: Resource, mechanism: CopyMechanism, own: Any, code: bool) -> Movement:
        sources = self._sources(resource, mechanism, own)
        if mechanism.serves_applications:
            # An origin that holds no data is an application; only data stores' and AWS hosts' content counts.
            sources = [s for s in sources if s.resource is not None or "amazonaws.com" in s.description]
            if mechanism.publishes:
                # An edge cache the program labels says what the application's responses are (w14).
                sources.extend(labelled_edge_cache(self, resource))
            if not sources:
                return Movement(resource, mechanism, [], [])
        if not sources and not code:
            if resource.type in EVENT_SELECTING or (
                resource.type == ORGANIZATION_POLICY and value_at(resource.props, "type") == AI_OPT_OUT_POLICY
            ):
                # Selectors of management events only, an AI services policy that opts nothing of the stack's
                # in, or what the stack does not hold: no data.
                return Movement(resource, mechanism, [], [])
            if mechanism.sources and all(
                network_space_sources(self, resource, path) is not None for path in mechanism.sources
            ):
                # Network space of the stack that hosts no data holder (a subnet shared with a participant).
                return Movement(resource, mechanism, [], [])
            if any(timers_only(self, resource, path) for path in mechanism.sources):
                # A target of scheduled rules receives a fixed event: no data.
                return Movement(resource, mechanism, [], [])
            sources = [untraceable(f"the data {mechanism.moves} reads (no source can be traced)")]
        outside = self._outside_aws(resource, mechanism)
        destinations: list[Location] = []
        literal_region = False
        for path in mechanism.destination_regions:
            for value in resource.values_at(path):
                if isinstance(value, Unknown):
                    destinations.append(untraceable(f"{path} (unknown at preview)"))
                    literal_region = True
                elif isinstance(value, str) and value:
                    region = region_named_in(value) if value.startswith("arn:") else value
                    region = region_of_zone_or_region(region) if region else None
                    destinations.append(Location(f"{path}={value}", region, self.account(resource)))
                    literal_region = True
        for path in mechanism.destinations_of:
            destinations.extend(self._destinations_of(resource, path))
        destinations.extend(operator_destinations(self, resource, mechanism))
        if mechanism_key(resource.type) in VELERO_BACKUPS:
            destinations.extend(velero_destinations(self, resource, mechanism))
        elif mechanism_key(resource.type) not in USES_OPERATOR_READERS:
            for path in mechanism.destinations:
                derived = self._derived_from_source(resource, mechanism, path)
                destinations.extend(
                    [derived]
                    if derived is not None
                    else self.trace(
                        resource, path, path in mechanism.global_names, own, code, destination=True
                    )
                )
        for path in mechanism.documents:
            if any(isinstance(v, Unknown) for v in resource.values_at(path)):
                destinations.append(
                    untraceable(
                        f"the sinks {path} names (unknown at preview: computed from other resources, it "
                        "names them among literals a preview cannot read; build it from literal names, such "
                        "as the source's ARN from its name, so that its sinks can be judged)"
                    )
                )
        if code:
            sources.extend(declared_reads(self, resource))
            sources.extend(associated_reads(self, resource))
            # What its structured documents name by their fields (a task's `Bucket: crm`), however short.
            sources.extend(named_in_documents(self, resource))
            # Where its delivering calls send what it holds (a task's `QueueUrl`), by their fields.
            destinations.extend(delivered_in_documents(self, resource))
            # What Systems Manager's commands read on the instances they target, and where its Run Command
            # output goes (where its command lines send is read with the configuration, below).
            sources.extend(command_reads(self, resource))
            destinations.extend(output_places(self, resource))
            sources.extend(role_reads(self, resource))
            places = configuration_places(self, resource, own)
            destinations.extend(places)
            destinations.extend(chart_destinations(self, resource))
            # Where the roles it runs as may write, named outside the stack, it may write what it reads.
            destinations.extend(credential_write_places(self, resource))
            # What the configuration names is read as well as written: a Secret's database host, a
            # connector's source table.
            sources.extend(p for p in places if p.resource is not None)
        for path in mechanism.roles:
            destinations.extend(role_reach(self, resource, path, writes=True))
        if mechanism.roles and not destinations:
            # Roles that may write nothing (an import's, which only reads) deliver nothing.
            return Movement(resource, mechanism, [], [])
        if mechanism.lands_in_own_region and not literal_region:
            destinations.append(self._itself(resource, own, code))
        scans = ANY in mechanism.destinations or (
            bool(mechanism.destinations) and all(p.endswith(f".{ANY}") for p in mechanism.destinations)
        )
        if scans and not destinations and not mechanism.spans_regions and not outside:
            # A service configured with no place to deliver to (every value it is configured with, or every
            # value of the documents it is defined by, such as an OpenAPI body, names none) delivers nothing;
            # a named destination that cannot be followed (a function's name) is still untraceable.
            return Movement(resource, mechanism, [], [])
        if mechanism.spans_regions:
            destinations.append(untraceable(f"every region {mechanism.moves} spans"))
        if not destinations and not code and not outside:
            destinations.append(untraceable(f"where {mechanism.moves} delivers"))
        if code:
            # Code is judged on what it is definitely configured with: an untraceable value may be anything,
            # an endpoint outside AWS (a connection to an HTTP API) is a place elsewhere.
            # Its own place is definite, traced or not: code whose region cannot be traced runs anywhere.
            sources = [s for s in sources if s.region is not None]
            destinations = [
                d
                for d in destinations
                if d.region is not None or d.outside or d.host or (d.review and d.resource is resource)
            ]
        shares = share_principals(self, resource, mechanism)
        outside = outside or any(d.outside for d in destinations)
        return Movement(resource, mechanism, sources, destinations, shares, outside)

    def _itself(self, resource: Resource, own: str | None, code: bool) -> Location:
        """Where a copy lands in the resource itself; for AWS or Kubernetes code whose provider's `endpoints`
        send its service elsewhere, whose region cannot be traced, or that its kubeconfig's credentials place
        in another account, a place to review that says why (`untraced_regions`)."""
        account = self.account(resource)
        itself = Location(f"{resource.label} itself", own, account, resource=resource)
        if not code or not (is_aws(resource) or is_kubernetes(resource)):
            return itself
        override = endpoint_elsewhere(resource, own)
        if override is not None:
            # Its provider creates it, and it runs, where its service's endpoint override leads.
            return replace(
                itself,
                description=f"{resource.label} itself, created through its provider's `{override.key}` "
                f"endpoint {override.endpoint} ({override.where})",
                region=override.region,
                outside=override.outside_aws,
                review=own is not None or override.region is None,
            )
        if own is None:
            why = untraced_region(resource, self.stack)
        elif account in (STACK_ACCOUNT, *self.settings.account_ids):
            return itself
        else:
            why = cluster_account_note(resource, self.stack)
        return replace(itself, description=f"{resource.label} itself, {why}", review=True) if why else itself

    def _destinations_of(self, resource: Resource, path: str) -> list[Location]:
        """Where the copies a path names deliver (`destinations_of`): the stack's, by lineage or by a literal
        identity; a value that names none is a copy the stack does not declare, delivering who knows where."""
        copies = [d for d in self.stack.dependencies(resource, path) if mechanisms_of(d.type)]
        for value in known_strings(resource.values_at(path)):
            copies.extend(r for r in self.stack.named(value) if mechanisms_of(r.type) and r is not resource)
        if not copies and any(is_set(v) for v in resource.values_at(path)):
            return [
                untraceable(f"where the copy {path} of {resource.label} names delivers (not in this stack)")
            ]
        return [d for copy in dict.fromkeys(copies) for m in self.movements_of(copy) for d in m.destinations]

    def _derived_from_source(
        self, resource: Resource, mechanism: CopyMechanism, path: str
    ) -> Location | None:
        """An untraceable place when a destination unknown at preview is computed from the copy's source alone
        (every data holder it depends on is a source): a name derived from the source's, such as a replica
        bucket named after it, which the stack does not declare. Lineage would read it as the source itself,
        in the same region. None when the mechanism may deliver into its own source (`may_target_source`)."""
        if mechanism.may_target_source or mechanism.runs_code or path == SELF or path in mechanism.sources:
            return None
        if any(ANY in p for p in mechanism.sources):
            # Every input is a source (a query engine reads what it is configured with): none to tell apart.
            return None
        if not any(isinstance(v, Unknown) for v in resource.values_at(path)):
            return None
        sources = {d.urn for p in mechanism.sources for d in self.stack.dependencies(resource, p)}
        held = [d for d in self.stack.dependencies(resource, path) if holds_data(d, self.settings)]
        if not held or any(d.urn not in sources for d in held):
            return None
        return replace(
            untraceable(
                f"{path} is unknown at preview and computed from the source itself: a name derived from the "
                "source's, such as a replica named after it, is a place the stack does not declare; pass the "
                "destination resource's own output, or declare the destination in the stack"
            ),
            review=True,
        )

    def _outside_aws(self, resource: Resource, mechanism: CopyMechanism) -> bool:
        if mechanism.outside_aws and any(
            is_set(v) for path in mechanism.outside_aws for v in resource.values_at(path)
        ):
            return True
        for path, inside in mechanism.outside_aws_unless:
            for value in resource.values_at(path):
                if isinstance(value, Unknown) or (isinstance(value, str) and value not in inside):
                    return True
        for path, outside in mechanism.outside_aws_when:
            # Unknown at preview says nothing: what the value is computed from (a connection) is followed.
            if any(isinstance(v, str) and v in outside for v in resource.values_at(path)):
                return True
        for path, types in mechanism.outside_aws_unless_from:
            values = [v for v in resource.values_at(path) if is_set(v)]
            if not values or any(d.type in types for d in self.stack.dependencies(resource, path)):
                continue
            if not all(isinstance(v, str) and self._address_of(v, types) for v in values):
                return True
        return False

    def _address_of(self, value: str, types: tuple[str, ...]) -> bool:
        """Whether a literal is an identity or address of a stack resource of one of the types (an EC2
        instance's private or public IP, known once the stack is deployed)."""
        for candidate in self.stack.of_type(*types):
            if value in candidate.identities or value in known_strings(
                [*candidate.values_at("privateIp"), *candidate.values_at("publicIp")]
            ):
                return True
        return False

    def _sources(self, resource: Resource, mechanism: CopyMechanism, own: str | None) -> list[Location]:
        if resource.type == BACKUP_PLAN:
            return backup_plan_sources(self, resource)
        if resource.type == LIFECYCLE_POLICY:
            return tagged(
                self, value_at(resource.props, "policyDetails.targetTags"), SNAPSHOT_TARGET_TYPES, own
            )
        if resource.type == ORGANIZATION_POLICY and value_at(resource.props, "type") == AI_OPT_OUT_POLICY:
            return ai_opt_in_sources(self, resource)
        if resource.type == ORGANIZATION_POLICY:
            return organization_backup_sources(self, resource, own)
        key = mechanism_key(resource.type)
        if key in VELERO_BACKUPS:
            return velero_sources(self, resource, mechanism)
        if key in USES_OPERATOR_READERS:
            return operator_sources(self, resource, mechanism)
        found: list[Location] = operator_sources(self, resource, mechanism)
        found.extend(chart_sources(self, resource))
        if resource.type == ATHENA_WORKGROUP:
            for table in self.stack.of_type(*CATALOG_TABLES):
                if self.own_region(table) == own and self.account(table) == self.account(resource):
                    found.extend(self.follow(table, {resource.urn}))
        if resource.type in EVENT_SELECTING:
            # What a trail's or event data store's selectors select by type (`lineage_event_selectors`).
            found.extend(selected_holders(self, resource))
        if mechanism.every_resource_of_type:
            found.extend(self.locate(r) for r in self.stack.of_type(mechanism.every_resource_of_type))
            found.append(untraceable(f"every {mechanism.every_resource_of_type} outside this stack"))
        found.extend(self._account_members(resource, mechanism, own))
        for member_type, member_path in mechanism.members:
            found.extend(
                self.locate(member)
                for member in self.stack.of_type(member_type)
                if self.stack.refers_to(member, member_path, resource)
            )
        literal_regions = [
            v for path in mechanism.source_regions for v in known_strings(resource.values_at(path))
        ]
        logins = self._logins(resource, mechanism, own)
        for path in mechanism.source_roles:
            reach = role_reach(self, resource, path)
            found.extend(
                r
                for r in reach
                if not logins(r) and (r.resource is not None or not mechanism.source_roles_in_stack)
            )
        for path in mechanism.sources:
            spaces = network_space_sources(self, resource, path)
            if spaces is not None:
                found.extend(spaces)
                continue
            for location in self.trace(
                resource, path, path in mechanism.global_names, own, mechanism.runs_code
            ):
                if location.local and literal_regions:
                    location = replace(location, region=literal_regions[0])
                found.append(location)
        return found

    def _account_members(
        self, resource: Resource, mechanism: CopyMechanism, own: str | None
    ) -> list[Location]:
        """The data behind the stack's resources of `account_members` types in the resource's region and
        account, each named as what the copy reaches it through."""
        found: list[Location] = []
        account = self.account(resource)
        for member in self.stack.of_type(*mechanism.account_members):
            if self.own_region(member) != own or self.account(member) != account:
                continue
            seen = {resource.urn, member.urn}
            steps = [d for p in pointer_paths(member.type) for d in self.stack.dependencies(member, p)]
            # Each pointer it names (a Glue table) is a step of the chain the message names.
            followed: list[tuple[Location, Resource | None]] = [
                (location, step) for step in dict.fromkeys(steps) for location in self.follow(step, seen)
            ]
            if not followed:
                followed = [(location, None) for location in self.follow(member, {resource.urn})] or [
                    (untraceable(f"the data {member.label} points at (nothing the stack declares)"), None)
                ]
            for location, step in followed:
                via = (
                    member.label
                    if step is None or step is location.resource
                    else f"{step.label} and {member.label}"
                )
                found.append(replace(location, via=via))
        return found

    def _logins(
        self, resource: Resource, mechanism: CopyMechanism, own: str | None
    ) -> Callable[[Location], bool]:
        """Whether what a source role reaches is the secret the resource logs in with (`logins`): the stack's
        secret its login path names, or the literal ARN it names (a policy's wildcard that covers it)."""
        urns: set[str] = set()
        literals: list[str] = []
        for path in mechanism.logins:
            literals.extend(known_strings(resource.values_at(path)))
            urns.update(
                t.resource.urn for t in self.trace(resource, path, False, own) if t.resource is not None
            )

        def named(location: Location) -> bool:
            if location.resource is not None:
                return location.resource.urn in urns
            return any(location.description == v or fnmatchcase(v, location.description) for v in literals)

        return named

    # Tracing -------------------------------------------------------------------------------------------

    def trace(
        self,
        resource: Resource,
        path: str,
        global_names: bool,
        own_region: str | None,
        code: bool = False,
        destination: bool = False,
    ) -> list[Location]:
        """The data a property path of a resource names: by lineage, else by its literal value.

        A property dependency wins over the literal value computed from it: a known value that names one of
        the input's dependencies (any of its identities) is that dependency, and only a value that names
        none of them is read as a literal on its own.
        """
        if path == SELF:
            return [self.locate(resource)]
        if not code:
            # A payload or a pipeline body is read by its fields (`lineage_documents`), not as one text.
            structured = document_places(self, resource, path, own_region, destination)
            if structured is not None:
                # What the document was computed from, it names (the engine says so), whatever its fields.
                for dependency in self.stack.dependencies(resource, path):
                    structured.extend(self.follow(dependency, {resource.urn}))
                return structured
        dependencies = self.stack.dependencies(resource, path)
        # A key the same input is computed from (a storage config's encryption beside its bucket's name) is
        # no place a copy lands in: a bare destination name beside it is read as itself (reviewer
        # blind-aws13 a06).
        producers = (
            [d for d in dependencies if d.type not in KMS_KEY_TYPES]
            if global_names and destination
            else dependencies
        )
        used: dict[str, Resource] = {}
        # Once every dependency is used, using them again changes nothing (a workload's `**` holds
        # thousands of values computed from the same few dependencies).
        all_used = False
        literals: list[str] = []
        elsewhere: list[Location] = []
        unknown = False
        for value in resource.values_at(path):
            if isinstance(value, Unknown):
                unknown = True
            elif isinstance(value, str) and value:
                named = self._dependencies_named(dependencies, value)
                if named:
                    if not all_used:
                        used.update((d.urn, d) for d in named)
                    elsewhere.extend(regions_besides(self, value, named))
                    if code or ANY in path:
                        elsewhere.extend(places_in_text(self, value, own_region))
                elif producers and not self._others_named(resource, value):
                    # A value the state does not list among the dependency's outputs (a bare id kept beside
                    # them, an ARN of an output no identity names, such as a Redshift namespace's): computed
                    # from the dependency, which wins. A place the literal names besides is judged too. The
                    # resource itself may echo the value among its own outputs (a key grant's keyId): that
                    # names no other.
                    if not all_used:
                        used.update((d.urn, d) for d in dependencies)
                        all_used = True
                    # A globally unique name (a bucket's) that names no resource of the stack is a name of its
                    # own, beside what its input's other members were computed from (an S3 action's key).
                    if not computed_id(value) or (global_names and not self.stack.named(value)):
                        literals.append(value)
                else:
                    literals.append(value)
        if unknown and not all_used:
            used.update((d.urn, d) for d in dependencies)
        found: list[Location] = []
        for dependency in used.values():
            followed = self.follow(dependency, {resource.urn})
            if not followed and runs_code(dependency):
                # Code holds no data of its own, yet what is delivered to it lands where it runs, and what it
                # emits (invocation records) is what it holds by lineage: the code itself is the place.
                followed = [self.locate(dependency)]
            found.extend(followed)
        if unknown and not dependencies and not code and path != ANY:
            found.append(untraceable(f"{path} of {resource.label} (unknown at preview, no lineage)"))
        for value in literals:
            found.extend(
                literal_locations(self, resource, value, path, global_names, own_region, code, destination)
            )
        if code:
            found.extend(self._configured(found, own_region, {resource.urn}))
        return found + elsewhere

    def _configured(self, read: list[Location], own_region: str | None, seen: set[str]) -> list[Location]:
        """What code reads through the configuration it reads: the data a parameter's or a secret's value
        names (`mechanisms.CONFIGURATION_VALUES`), through any number of such indirections."""
        found: list[Location] = []
        for location in read:
            holder = location.resource
            if holder is None or holder.urn in seen:
                continue
            seen.add(holder.urn)
            holders = [holder]
            parent = CONFIGURATION_PARENTS.get(holder.type)
            if parent is not None:
                child_type, child_path = parent
                holders.extend(
                    c for c in self.stack.of_type(child_type) if self.stack.refers_to(c, child_path, holder)
                )
            for configuration in holders:
                seen.add(configuration.urn)
                for path in CONFIGURATION_VALUES.get(configuration.type, ()):
                    values = self.trace(configuration, path, False, own_region, code=False)
                    found.extend(values)
                    found.extend(self._configured(values, own_region, seen))
        return found

    def mentioned(self, value: str, excluding: Resource | None = None) -> list[Resource]:
        """The stack's resources a text names, in this lineage's regions and accounts, never `excluding` (the
        resource whose input holds it); cached per text and referrer: a value is looked up by each step that
        traces it."""
        return list(self._mentioned_by(value, excluding))

    def _mentioned_by(self, value: str, excluding: Resource | None = None) -> list[Resource]:
        """`mentioned`, the cached list itself: for the callers here, which only read it (a trace asks for
        every value of a workload, thousands of times a stack)."""
        key = (value, excluding.urn if excluding is not None else "")
        if key not in self._mentioned:
            self._mentioned[key] = self.stack.mentioned_in(
                value, self.region, self.settings.account_ids, excluding
            )
        return self._mentioned[key]

    def _others_named(self, resource: Resource, value: str) -> list[Resource]:
        """The stack's resources other than this one that a value names."""
        mentioned = self._mentioned_by(value, resource)
        return [r for r in mentioned if r is not resource]

    def _dependencies_named(self, dependencies: list[Resource], value: str) -> list[Resource]:
        """The dependencies a known value was computed from: those it names by one of their identities."""
        if not dependencies:
            return []
        mentioned = self._mentioned_by(value)
        found = []
        for dependency in dependencies:
            inside = dependency.is_component and any(
                m in mentioned for m in self.stack.descendants(dependency)
            )
            if dependency in mentioned or inside:
                found.append(dependency)
        return found

    def account(self, resource: Resource) -> str | None:
        """The account a resource is in (`account_of`), a Kubernetes object's by its cluster: code on a
        cluster created in another account runs, and keeps what it reads, there."""
        return account_of(resource, self.stack)

    def locate(self, resource: Resource) -> Location:
        """The stack's own resource as a location of data."""
        return Location(
            resource.label,
            self.own_region(resource),
            self.account(resource),
            self.declared(resource),
            resource=resource,
        )

    def key_users(self, key: Resource) -> list[Resource]:
        """The resources that use a key, directly or through one of its aliases."""
        return self._key_users(key)

    def _key_users(self, key: Resource) -> list[Resource]:
        if key.urn in self._users:
            return self._users[key.urn]
        users = self.stack.dependents(key)
        for alias in [u for u in users if u.type == "aws:kms/alias:Alias"]:
            users.extend(self.stack.dependents(alias))
        for user in list(users):
            # A key named by a separate encryption setting, or by a parent, is the key of the holder behind.
            path = KEY_SETTINGS.get(user.type)
            if path is not None:
                users.extend(self.stack.dependencies(user, path))
                users.extend(r for v in known_strings(user.values_at(path)) for r in self.stack.named(v))
            if user.type in KEY_PARENTS:
                users.extend(d for d in self.stack.dependents(user) if holds_data(d, self.settings))
        found = list({u.urn: u for u in users if u.type not in KMS_KEY_TYPES}.values())
        self._users[key.urn] = found
        return found

    def follow(self, resource: Resource, seen: set[str]) -> list[Location]:
        """The data behind a resource an input was computed from; nothing when it holds or points at none."""
        if resource.urn in seen:
            return []
        seen = seen | {resource.urn}
        paths = pointer_paths(resource.type)
        private = PUBLIC_ENDPOINT_POINTERS.get(resource.type)
        if private is not None and not any(is_set(v) for v in resource.values_at(private)):
            # A connection to a public HTTP endpoint: whatever is sent through it leaves AWS.
            return [Location(f"the HTTP endpoints {resource.label} connects to", None, None, outside=True)]
        if mechanism_key(resource.type) in VELERO_LOCATIONS:
            return velero_location_places(self, resource, seen)
        places = operator_places(self, resource, seen)
        if places is not None:
            return places
        if mechanism_key(resource.type) == SERVICE_ENTRY_KIND:
            return service_entry_places(self, resource, seen)
        if resource.type == EVENT_RULE:
            return rule_places(self, resource, seen)
        if paths and not resource.is_a(Category.HOLDS):
            # A pointer is followed to what it points at, whatever its own tags say.
            found: list[Location] = []
            for path in paths:
                found.extend(self._follow_path(resource, path, seen))
            return found
        if mechanism_key(resource.type) == SERVICE_KIND:
            return [
                self.locate(resource),
                *service_backends(self, resource, seen),
                *external_name_places(self, resource, seen),
            ]
        if mechanism_key(resource.type) in NAMESPACE_KINDS:
            return [self.locate(resource), *(self.locate(r) for r in in_namespace(self, resource))]
        declared = classifications(resource)
        if is_volume(resource):
            # What is written to a Kubernetes volume lands where the volume keeps its bytes, too.
            return [self.locate(resource), *self._volume_locations(resource, seen)]
        if (
            holds_data(resource, self.settings)
            or resource.type in KMS_KEY_TYPES
            or (isinstance(declared, frozenset) and declared)
        ):
            return [self.locate(resource)]
        found = []
        if resource.is_component:
            for member in self.stack.children(resource):
                found.extend(self.follow(member, seen))
            return found
        if mechanism_key(resource.type) in USES_OPERATOR_READERS or any(
            mechanism.named for mechanism in mechanisms_of(resource.type)
        ):
            # What an ExternalSecret's Secret holds is read in its store's region; a CNPG Backup holds its
            # cluster's data (`lineage_operators`).
            return self.sources_of(resource)
        if resource.type.startswith("aws:") and runs_code(resource):
            # AWS code holds no data: what is delivered to it lands where it runs (the caller locates it) and
            # is fed to it, not into what its documents name (a state machine's tasks, a schedule's input).
            return found
        for mechanism in mechanisms_of(resource.type):
            if mechanism.runs_code:
                continue
            for path in mechanism.sources:
                if path != SELF:
                    found.extend(self._follow_path(resource, path, seen))
        return found

    def _volume_locations(self, resource: Resource, seen: set[str]) -> list[Location]:
        """Where a Kubernetes volume's bytes are, other than in the cluster: its places (`volumes`)."""
        found: list[Location] = []
        for place in volume_places(resource, self.stack):
            if place.holder is not None:
                if place.holder.urn not in seen:
                    found.append(self.locate(place.holder))
                continue
            region = place.region if isinstance(place.region, str) else None
            found.append(Location(place.what, region, place.account, outside=bool(place.outside)))
        return found

    def _follow_path(self, resource: Resource, path: str, seen: set[str]) -> list[Location]:
        if path == SELF:
            return [self.locate(resource)]
        if path != top_level(path) and not resource.values_at(path):
            # Nothing is set there: the dependencies of the input it lies in are another field's (an
            # environment variable computed from the database is no volume restored from a snapshot).
            return []
        dependencies = self.stack.dependencies(resource, path)
        if dependencies:
            return [location for d in dependencies for location in self.follow(d, seen)]
        return self.trace(resource, path, True, self.own_region(resource))


def anonymised_only(classes: frozenset[str]) -> bool:
    """Whether data classified so is classified anonymised and nothing else."""
    return classes == frozenset({Classification.ANONYMISED.value})
