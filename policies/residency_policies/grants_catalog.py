"""What a Glue Data Catalog resource policy's statements open: the catalog resources their ARNs name.

A Data Catalog has one resource policy per account and region (`aws.glue.ResourcePolicy`), with no target
input: each statement's `Resource` names what it grants, by Glue's ARNs (AWS Glue developer guide,
"Specifying AWS Glue resource ARNs"): `arn:aws:glue:<region>:<account>:catalog`, `database/<database>`,
`table/<database>/<table>`, `connection/<connection>`, `userDefinedFunction/<database>/<function>`, with `*`
and `?` wildcards. Decision (round 9): a grant of a table to another account is a grant of the data it points
at (its location, its partitions' locations; with the bucket's grant, or Lake Formation's hybrid mode, the
other account reads the data): the first half of a share, judged as one; a connection hands over the
database it connects to (its properties and credentials). The catalog itself, a database (its name,
description and location, metadata) and functions open no data. A table or connection the stack does not
declare, or a pattern that may match one (a crawler's tables, another stack's), cannot be traced.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

from .locations import Location, untraceable
from .model import Resource, parse_arn
from .values import Unknown, known_strings, value_at

if TYPE_CHECKING:
    from .lineage import Lineage

CATALOG_POLICY = "aws:glue/resourcePolicy:ResourcePolicy"
TABLE = "aws:glue/catalogTable:CatalogTable"
PARTITION = "aws:glue/partition:Partition"
DATABASE = "aws:glue/catalogDatabase:CatalogDatabase"
CONNECTION = "aws:glue/connection:Connection"
CRAWLER = "aws:glue/crawler:Crawler"
_METADATA_KINDS = frozenset({"catalog", "database", "userDefinedFunction"})


def statement_targets(lineage: Lineage, policy: Resource, entry: str) -> list[Location]:
    """What one `Resource` entry of a catalog policy's statement opens."""
    if entry == "*":
        return whole_catalog(lineage, policy)
    arn = parse_arn(entry)
    if arn is None or arn.service != "glue":
        return [untraceable(f"{entry} (a Resource of {policy.label} that is no Data Catalog ARN)")]
    kind, _, rest = arn.resource.partition("/")
    if kind in _METADATA_KINDS or (fnmatchcase("catalog", kind) and not rest):
        return []
    if kind == "table" and "/" in rest:
        database, table = rest.split("/", 1)
        return _tables(lineage, policy, arn.region, database, table)
    if kind == "connection" and rest:
        return _connections(lineage, policy, arn.region, rest)
    return [untraceable(f"{entry} (a Data Catalog resource of {policy.label} the pack does not read)")]


def whole_catalog(lineage: Lineage, policy: Resource) -> list[Location]:
    """Everything the catalog of the policy's region serves (a `*` statement, a policy unknown at preview)."""
    region = lineage.own_region(policy) or ""
    return [*every_table(lineage, policy), *_connections(lineage, policy, region, "*")]


def every_table(lineage: Lineage, settings: Resource) -> list[Location]:
    """What every table of the catalog of the resource's region points at, and the tables the stack does not
    declare (Lake Formation's data lake settings govern tables, not connections)."""
    return _tables(lineage, settings, lineage.own_region(settings) or "", "*", "*")


def _same_region(lineage: Lineage, resource: Resource, region: str) -> bool:
    own = lineage.own_region(resource)
    return not region or not isinstance(own, str) or fnmatchcase(own, region)


def _tables(lineage: Lineage, policy: Resource, region: str, database: str, table: str) -> list[Location]:
    stack = lineage.stack
    found: list[Location] = []
    for candidate in stack.of_type(TABLE, PARTITION):
        name_path = "name" if candidate.type == TABLE else "tableName"
        if not _same_region(lineage, candidate, region):
            continue
        if _matches(lineage, candidate, "databaseName", database) and _matches(
            lineage, candidate, name_path, table
        ):
            found.extend(lineage.follow(candidate, {policy.urn}))
    for crawler in stack.of_type(CRAWLER):
        # A crawler writes tables describing what it crawls into its database (tables the stack lacks).
        if _same_region(lineage, crawler, region) and _matches(lineage, crawler, "databaseName", database):
            found.extend(lineage.sources_of(crawler))
    exact = not any(c in database + table for c in "*?")
    if not found or not exact:
        found.append(
            untraceable(
                f"the tables {database}/{table} of the Data Catalog that this stack does not declare (a "
                f"crawler's, another stack's), which {policy.label} opens too"
            )
        )
    return found


def _connections(lineage: Lineage, policy: Resource, region: str, pattern: str) -> list[Location]:
    found: list[Location] = []
    for connection in lineage.stack.of_type(CONNECTION):
        if _same_region(lineage, connection, region) and _matches(lineage, connection, "name", pattern):
            found.extend(lineage.follow(connection, {policy.urn}))
    if not found or any(c in pattern for c in "*?"):
        found.append(
            untraceable(f"the connections {pattern} of the Data Catalog that this stack does not declare")
        )
    return found


def _matches(lineage: Lineage, resource: Resource, path: str, pattern: str) -> bool:
    """Whether a catalog resource's name at a path matches an ARN pattern (a name unknown at preview is the
    name of the database it was computed from, else may be any)."""
    value = value_at(resource.props, path)
    names = known_strings([value])
    if isinstance(value, Unknown) or value is None:
        for dependency in lineage.stack.dependencies(resource, path):
            names.extend(known_strings([value_at(dependency.props, "name")]))
        if not names:
            return True
    return any(fnmatchcase(name, pattern) for name in names)
