"""The shapes of the mechanism tables: a copy mechanism, and the object stores and Kubernetes names it reads.

`mechanisms` holds the tables; this module only the types they are written in, so that the operators' tables
(`operators`) can be written in them without importing the tables.
"""

from __future__ import annotations

from typing import NamedTuple

SELF = "."
"""In a property path: the resource itself (its own data, or its own region)."""

ANY = "**"
"""In a property path: every value the resource is configured with, at any depth."""


class NamedObject(NamedTuple):
    """A Kubernetes object that a custom resource names by its Kubernetes name, in its cluster."""

    path: str
    kind: str
    """The object's `group:Kind` key (`postgresql.cnpg.io:Cluster`)."""
    role: str
    """`source`: the object's data is copied; `destination`: the copy lands in it (or where it points);
    `destinations_of` / `sources_of`: the destinations or sources of the object's own copy mechanisms (a
    scheduled backup writes where its cluster's backups go)."""
    any_namespace: bool = False
    """The object may be in another namespace of the cluster (a cluster-scoped kind, a profile in the
    operator's namespace); otherwise it is looked for in the referrer's namespace."""


class ObjectStore(NamedTuple):
    """Where an operator keeps its copies in an object store: the paths of the bucket (a name or a URI such
    as `s3://bucket/prefix`), of the S3 endpoint and of the region, relative to each element of `each` (or
    to the resource's inputs), or the names of environment variables of the list at `env`."""

    bucket: str = ""
    endpoint: str = ""
    region: str = ""
    outside_aws: tuple[str, ...] = ()
    """Paths that, when set, keep the copies in another cloud's storage (Azure, Google credentials)."""
    outside_aws_unless: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(path, values): any other value at the path is another cloud's storage (a store type other than S3)."""
    each: str = ""
    """A list path: every element is one store, its fields relative to it (a cluster's repositories)."""
    env: str = ""
    """A list of `{name, value}` environment variables: the fields name variables (Spilo's WAL_S3_BUCKET)."""
    env_from: tuple[NamedObject, ...] = ()
    """ConfigMaps and Secrets whose data are more variables, which `env` overrides (a container's `envFrom`,
    an operator's pod environment); one the stack does not declare cannot be read, and fails closed."""
    unplaced: tuple[str, ...] = ()
    """Paths (or variables) that, when set, keep the copies where the pack cannot place them (an SSH server):
    untraceable."""
    unplaced_unless: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(path, values): any other value at the path keeps the copies where the pack cannot place them (a
    location profile that is a file store rather than an object store): untraceable."""
    fallback: bool = False
    """Read only when the resource's other stores name none, alongside the operator-wide configuration
    (`CopyMechanism.defaults_from`), whose own variables override these (a container's `envFrom`)."""


class CopyMechanism(NamedTuple):
    """How a resource type copies, replicates, shares or exports data, in wire (camelCase) names."""

    moves: str
    """What it does, in words for a violation message ("a read replica")."""

    sources: tuple[str, ...] = ()
    """Paths naming the data that is copied: an ARN, identifier or name, followed back by lineage."""

    source_regions: tuple[str, ...] = ()
    """Paths holding the source's region, for APIs that take it apart from the source identifier."""

    destinations: tuple[str, ...] = ()
    """Paths naming where the copy lands: an ARN or name of a bucket, vault, stream, endpoint, ..."""

    destination_regions: tuple[str, ...] = ()
    """Paths holding the regions (or availability zones) the copy lands in."""

    destinations_of: tuple[str, ...] = ()
    """Paths naming another copy whose destinations this one's are (an OpenSearch inbound connection
    accepter delivers where the outbound connection it accepts does: to the searching domain); a copy the
    stack does not declare delivers where cannot be traced."""

    shared_with: tuple[str, ...] = ()
    """Paths holding the accounts, organisations or groups the data is shared with."""

    outside_aws: tuple[str, ...] = ()
    """Paths that, when set, deliver the data outside AWS (an HTTP endpoint, Splunk, Snowflake)."""

    outside_aws_unless: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(path, values): any other value at the path delivers outside AWS (a SaaS connector, e-mail)."""

    outside_aws_when: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(path, values): one of these values at the path delivers outside AWS (a workflow's HTTP task)."""

    outside_aws_unless_from: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(path, types): a value set at the path is a host outside AWS unless it is computed from, or is an
    address of, a stack resource of one of these types (a gateway activated at an address that is not one of
    the stack's EC2 instances runs on premises)."""

    documents: tuple[str, ...] = ()
    """Paths holding a whole configuration document that names the sinks among literals (a pipeline body):
    unknown at preview, its dependencies are only what it was computed from, and where it delivers cannot be
    read (an untraceable destination)."""

    global_names: tuple[str, ...] = ()
    """Paths whose plain values are globally unique names (S3 buckets) that do not pin a region."""

    active_when: tuple[str, ...] = ()
    """Paths of which one must be set for the resource to copy anything; empty means any source path."""

    active_values: tuple[tuple[str, tuple[str | bool, ...]], ...] = ()
    """(path, values): the resource copies only when the path holds one of these values (or is unknown)."""

    active_calls: tuple[str, ...] = ()
    """AWS API actions (`service:action`) of which one of the calls its known definition makes must be one
    for the resource to copy (a state machine task that shares, copies or exports:
    `residency_policies/sdk_payloads.py`); a definition unknown at preview makes none, and is judged by
    what it was computed from as code is."""

    members: tuple[tuple[str, str], ...] = ()
    """(type, path): the stack's resources of that type whose path names this resource are copied too."""

    account_members: tuple[str, ...] = ()
    """Types whose every resource of the stack in this resource's region and account it may copy, each
    followed to the data it points at and named in the message (a Clean Rooms collaboration's members query
    the configured tables its account's membership associates, which no pulumi-aws resource declares). A
    mechanism with no other source copies nothing while the stack declares none."""

    lands_in_own_region: bool = True
    """The copy lands in the resource itself, in its own region, unless a destination region is given."""

    may_target_source: bool = False
    """Its destination may be its own source (server access logs, an inventory or analytics export written
    into the bucket they describe): a destination unknown at preview that is computed from the source alone
    is that source. Otherwise such a destination is a name derived from the source's (a replica bucket
    named after it), a place the stack does not declare: untraceable until deployed."""

    pulled_classification: tuple[str, ...] = ()
    """Label maps whose `data-classification` says what an inbound copy creates (SELF: the resource's own
    labels; an ExternalSecret's target template): what it pulls into its own region and account, in the
    jurisdiction and the deployment, from a place the stack does not declare is judged by that label by
    anonymised-only-replication (credentials from Vault labelled internal); a source the stack declares
    keeps its own classification. Empty: judged as any copy."""

    spans_regions: bool = False
    """The resource exists to spread data over several regions (a global database, an edge cache)."""

    every_resource_of_type: str | None = None
    """The resource copies every resource of this type in the account (account-wide log subscriptions)."""

    runs_code: bool = False
    """The resource runs code with what it is configured with: only references to personal data or telemetry
    and to places in another region or account are judged (what the code does is out of reach)."""

    serves_applications: bool = False
    """Its sources may be applications (a load balancer, an API, a custom domain): what an application serves
    is application code, out of reach; only sources that hold data (a bucket, a container) are judged."""

    publishes: bool = False
    """The copy publishes its sources to everyone (an edge cache in front of an origin): like a grant to
    everyone, it may carry data classified public as well as anonymised (lineage included), nothing else."""

    source_roles: tuple[str, ...] = ()
    """Paths naming IAM roles through which the resource reads what it moves (a Transfer Family connector
    sends any file its access role may read): what those roles reach is the source."""

    logins: tuple[str, ...] = ()
    """Paths naming the secret the resource logs in with (a Transfer Family SFTP connector's
    `sftpConfig.userSecretId`, the SSH key it authenticates to its partner with): its `source_roles` must
    read it to log in, and it is never sent, so it is no source; a role that may read other secrets or
    stores still sends those (reviewer blind-full14 c09)."""

    source_roles_in_stack: bool = False
    """Only the stack's resources the source roles reach are sources: the resource is handed what it moves
    (a server's upload workflow is fed the uploaded file, which its role reads), so what a wildcard of the
    role's policy reaches beyond them is no more than it is fed."""

    roles: tuple[str, ...] = ()
    """Paths naming IAM roles a data holder's SQL and features run as (Redshift's UNLOAD, RDS's s3Export,
    Aurora's SELECT INTO OUTFILE S3): wherever those roles may write is where the data may be copied, and a
    role the pack cannot read may write anywhere."""

    object_stores: tuple[ObjectStore, ...] = ()
    """The object stores the copy lands in (a PostgreSQL operator's backup repository), each placed by its
    endpoint, region or bucket (`lineage_operators`)."""

    source_stores: tuple[ObjectStore, ...] = ()
    """The object stores the data is restored, cloned or streamed from into the resource."""

    named: tuple[NamedObject, ...] = ()
    """The Kubernetes objects it names by their Kubernetes names, and what each is to the copy."""

    cluster_hosts: tuple[str, ...] = ()
    """Paths of hosts it reads from: a cluster-local host of an operator's database cluster Service
    (`customers-rw.app.svc`, `mechanisms.OPERATOR_SERVICES`) is that cluster; any other host is a literal."""

    namespaces: tuple[str, ...] = ()
    """Paths naming namespaces of its cluster by their names (a Kasten action's subject): it copies what the
    stack places there, the Namespace object declared or not."""

    object_selectors: tuple[tuple[str, str], ...] = ()
    """(path of a label selector, `group:Kind`): it reads the objects of that kind in its namespace whose
    labels the selector matches (an empty selector: every one; pgAdmin's server groups)."""

    namespace_selector: str = ""
    """The path of a label selector over the cluster's namespaces (Kasten's policies): it copies what the
    selected namespaces hold, or the whole cluster when the selector is empty."""

    default_store: str = ""
    """Where the copy lands when no object store of the resource's own is set (an operator-wide bucket the
    stack does not declare): untraceable, in these words."""

    unread_destinations: tuple[tuple[str, str], ...] = ()
    """(path, what): a value set at the path sends the copy somewhere the pack does not read (a preset's
    location profiles, an object store configured in a Secret): untraceable, in these words."""

    unreviewed_values: tuple[tuple[str, tuple[str, ...], str], ...] = ()
    """(path, reviewed values, what): a value at the path other than a reviewed one (a plugin the pack has
    not reviewed) sends the copy somewhere the pack does not read: untraceable, naming the value."""

    defaults_from: str = ""
    """The kind (`group:Kind`) of the operator-wide configuration whose stores take the copy when the
    resource sets none: the stack's objects of that kind in its cluster; none declared, `default_store`."""


class ServiceTemplate(NamedTuple):
    """A Service an operator creates from a template in a custom resource, which publishes a database cluster
    as a Service the stack declared would."""

    path: str
    """The template: a `{metadata, spec}` Service template (each element, for a list)."""
    flat: bool = False
    """The template is a ServiceSpec with its own `metadata` (PGO's `spec.service`), not {metadata, spec}."""
    cluster: str = ""
    """A path naming the cluster the Service fronts (a Pooler's `spec.cluster.name`); empty: the resource."""
    cluster_kind: str = ""
    """The `group:Kind` of the cluster `cluster` names, in the resource's namespace."""


class ServiceSwitch(NamedTuple):
    """A Service an operator makes a NodePort or a LoadBalancer when a switch of the custom resource, else of
    the operator's configuration, says so (Zalando's), with annotations merged from both."""

    what: str
    node_port: str
    load_balancer: str
    """The switches' paths in the custom resource; a NodePort wins."""
    default_node_port: str
    default_load_balancer: str
    """The switches' paths in the operator's configuration, read when the resource's are unset."""
    annotations: tuple[str, ...]
    """Paths of annotation maps in the resource, merged in order after `default_annotations`."""
    default_annotations: str
    only_when: str = ""
    """A path that must be true for the Service to exist (a connection pooler's switch)."""
