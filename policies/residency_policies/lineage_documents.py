"""How lineage reads a structured document: an AWS API call's payload and an ingestion pipeline's body.

A Scheduler universal target's `target.input`, a state machine's `definition`, an Automation document's
`content` and an OpenSearch Ingestion pipeline's `pipelineConfigurationBody` are documents whose fields say
what they read and where they write (`sdk_payloads`, `data_prepper`). Read as plain text, a name shorter
than a word lineage looks for inside text (`crm`) would be missed; read by its field, it is matched exactly,
among the resources of the field's service:

- a name of one of the stack's resources of that service is that resource (followed as lineage follows it);
- an ARN is judged as an ARN (`lineage_literals`), a role's or a key's only for its account;
- an S3 bucket the stack does not declare may be in any region and account (S3's namespace is global): an
  untraceable place, as a bucket named by a copy's global-name path is;
- `all` in a sharing call shares with every AWS account: a place in no account;
- any other name is resolved by AWS in the caller's own region and account: no place elsewhere.

A copy's sources are what every call (every plugin of a pipeline's sources and processors) names; its
destinations what its sharing calls (a pipeline's sinks and processors) name, with the regions and the
accounts of the roles they write as. Code that makes the calls (a state machine, a schedule) delivers what it
holds where its delivering calls (`SdkCall.delivers`: a message sent, an object put, an event put, a
function invoked) name: a queue URL in its region and account, a function or a bus by ARN or by the name of
the stack's, a bucket's owner (`ExpectedBucketOwner`) as an account, and a bucket the stack does not
declare as a place whose region cannot be told (`delivered_in_documents`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from residency_facts import NON_DATA_ARN_SERVICES
from residency_facts.mechanisms import SHARING_SDK_ACTIONS

from .attributes import REGION_PATTERN, STACK_ACCOUNT, region_named_in, region_of_zone_or_region
from .data_prepper import Plugin, plugins, read
from .lineage_literals import account_named, literal_locations
from .locations import Location, runs_code, untraceable
from .model import Resource, parse_arn
from .pipeline_steps import PIPELINE as ML_PIPELINE
from .pipeline_steps import read_pipeline
from .sdk_payloads import (
    SCHEDULE,
    SSM_DOCUMENT,
    STATE_MACHINE,
    Named,
    SdkCall,
    of_service,
    payload_calls,
    payload_names,
)
from .values import known_strings, values_at

if TYPE_CHECKING:
    from .lineage import Lineage

PIPELINE = "aws:opensearchingest/pipeline:Pipeline"
STRUCTURED_DOCUMENTS: dict[str, str] = {
    SCHEDULE: "target.input",
    STATE_MACHINE: "definition",
    SSM_DOCUMENT: "content",
    PIPELINE: "pipelineConfigurationBody",
    ML_PIPELINE: "pipelineDefinition",
}
"""The input of each type that holds a structured document, read by its fields."""
_SHARING = frozenset(a.lower() for a in SHARING_SDK_ACTIONS)


def document_places(
    lineage: Lineage, resource: Resource, path: str, own: str | None, destination: bool
) -> list[Location] | None:
    """The places a known structured document at `path` names as sources (or, with `destination`, as
    destinations); None when the path holds no such document or it is unknown at preview (lineage then
    follows what it was computed from)."""
    if STRUCTURED_DOCUMENTS.get(resource.type) != path:
        return None
    values = values_at(resource.props, path)
    texts = known_strings(values)
    if not texts or len(texts) != len(values):
        return None
    if resource.type == PIPELINE:
        return _pipeline_places(lineage, resource, texts, own, destination)
    if resource.type == ML_PIPELINE:
        return _step_places(lineage, resource, texts, own, destination)
    calls = payload_calls(resource)
    if destination:
        calls = [c for c in calls if c.is_one_of(_SHARING)]
    found: list[Location] = []
    for call in calls:
        found.extend(_call_places(lineage, resource, call, own, destination))
    return found


def named_in_documents(lineage: Lineage, resource: Resource) -> list[Location]:
    """The stack's resources a resource's structured documents name by their fields (what code configured
    with them reads: a state machine's task on a bucket named `crm`)."""
    if resource.type not in STRUCTURED_DOCUMENTS:
        return []
    found: list[Location] = []
    for place in document_places(lineage, resource, STRUCTURED_DOCUMENTS[resource.type], None, False) or []:
        if place.resource is not None:
            found.append(place)
    return found


def delivered_in_documents(lineage: Lineage, resource: Resource) -> list[Location]:
    """Where code's structured documents deliver what it holds: what its delivering calls' payloads name,
    by their fields; a place whose region cannot be told is one the data is definitely sent to (`host`)."""
    if resource.type not in STRUCTURED_DOCUMENTS or resource.type in (PIPELINE, ML_PIPELINE):
        return []
    values = values_at(resource.props, STRUCTURED_DOCUMENTS[resource.type])
    if not known_strings(values):
        return []
    own = lineage.own_region(resource)
    found: list[Location] = []
    for call in payload_calls(resource):
        if not call.delivers:
            continue
        for place in _call_places(lineage, resource, call, own, True):
            unplaced = place.resource is None and place.region is None and not place.outside
            found.append(replace(place, host=True) if unplaced else place)
    return found


def picks_from_input(resource: Resource) -> bool:
    """Whether a sharing call of the resource takes a member of its payload from its input (`takes_input`)."""
    return any(c.is_one_of(_SHARING) and c.takes_input for c in payload_calls(resource))


def _call_places(
    lineage: Lineage, resource: Resource, call: SdkCall, own: str | None, destination: bool
) -> list[Location]:
    found: list[Location] = []
    for named in payload_names(call):
        found.extend(_resolved(lineage, resource, named, call.name, own, destination))
    return found


def _resolved(
    lineage: Lineage,
    resource: Resource,
    named: Named,
    by: str,
    own: str | None,
    destination: bool,
    region: str | None = None,
) -> list[Location]:
    """The places one named value is (see the module's docstring); `region` is the region the field's
    plugin names for it, which pins a bucket the stack does not declare to that region."""
    value = named.value
    arn = parse_arn(value)
    if arn is not None:
        if arn.service in NON_DATA_ARN_SERVICES:
            # A role or a key says only whose account the call acts in.
            return _account_place(lineage, value, arn.account, own) if destination else []
        return literal_locations(
            lineage, resource, value, STRUCTURED_DOCUMENTS[resource.type], True, own, False, destination
        )
    if named.everyone:
        everyone = Location(f"every AWS account ({named.member} {value!r} of {by})", None, None, review=True)
        return [everyone] if destination else []
    held = [
        r
        for r in lineage.stack.named(value)
        if r is not resource and (not named.services or of_service(r, named.services))
    ]
    if held:
        found: list[Location] = []
        for r in held:
            followed = lineage.follow(r, {resource.urn})
            if not followed and destination and runs_code(r):
                # Code holds no data of its own: what is handed to it is where it runs.
                followed = [lineage.locate(r)]
            found.extend(followed)
        return found
    if value.isdigit() and len(value) == 12:
        return _account_place(lineage, value, value, own) if destination else []
    if destination and "://" in value and (region := region_named_in(value)) is not None:
        # An AWS endpoint's URL (a queue's): the service of that region, in the account it names.
        account = account_named(value) or lineage.account(resource)
        return [Location(f"{value} ({named.member} of {by})", region, account)]
    if REGION_PATTERN.fullmatch(value) and destination:
        region = region_of_zone_or_region(value)
        return [Location(f"{named.member}={value} ({by})", region, lineage.account(resource))]
    if named.global_name and destination and region is not None:
        # A pipeline's sink names the region it writes to: the bucket is there, in the account it writes as.
        return [Location(f"{value} ({named.member} of {by}, in {region})", region, lineage.account(resource))]
    if named.global_name and destination:
        place = untraceable(
            f"{value} ({named.member} of {by}: an S3 bucket this stack does not declare, which may be in any "
            "region and account; declare the bucket in the stack and name it by its output)"
        )
        return [replace(place, review=True)]
    # A source the stack does not declare is no source it can trace: the copy's sources say so.
    return []


def _account_place(lineage: Lineage, text: str, account: str, own: str | None) -> list[Location]:
    """An account a call or a plugin acts in, when it is not the deployment's."""
    accounts = lineage.settings.account_ids
    if not account or not accounts or account in accounts:
        return []
    return [Location(f"account {account} (named by {text})", own, account)]


def _pipeline_places(
    lineage: Lineage, resource: Resource, texts: list[str], own: str | None, destination: bool
) -> list[Location]:
    found: list[Location] = []
    for text in texts:
        found_plugins = plugins(text)
        if found_plugins is None:
            if destination:
                found.append(
                    untraceable(
                        f"the sinks of {resource.label}'s pipelineConfigurationBody, which does not parse as "
                        "Data Prepper YAML (OpenSearch Ingestion would reject it too): fix the YAML so "
                        "that its sources and sinks can be judged"
                    )
                )
            continue
        for plugin in found_plugins:
            reads = plugin.section in ("source", "processor")
            writes = plugin.section in ("sink", "processor")
            if (destination and writes) or (not destination and reads):
                found.extend(_plugin_places(lineage, resource, plugin, own, destination))
    return found


def _step_places(
    lineage: Lineage, resource: Resource, texts: list[str], own: str | None, destination: bool
) -> list[Location]:
    """What a SageMaker pipeline definition's steps read (or, with `destination`, where they write:
    `pipeline_steps`); what cannot be read is an untraceable destination that says what to review."""
    found: list[Location] = []
    path = STRUCTURED_DOCUMENTS[ML_PIPELINE]
    for text in texts:
        reading = read_pipeline(text)
        if reading is None:
            if destination:
                unparsed = untraceable(
                    f"where the steps of {resource.label}'s {path} write, which does not parse as a "
                    "pipeline definition (JSON with Steps; SageMaker would reject it too): fix it so that "
                    "its steps can be judged"
                )
                found.append(replace(unparsed, review=True))
            else:
                # What it reads is then what the text names, as code's configuration does.
                found.extend(literal_locations(lineage, resource, text, path, True, own, True))
            continue
        for named in reading.writes if destination else reading.reads:
            found.extend(_resolved(lineage, resource, named, f"the {path}", own, destination))
        if destination:
            for what in reading.unread:
                found.append(replace(untraceable(f"{what} (the {path} of {resource.label})"), review=True))
    return found


def _plugin_places(
    lineage: Lineage, resource: Resource, plugin: Plugin, own: str | None, destination: bool
) -> list[Location]:
    reading = read(plugin)
    path = STRUCTURED_DOCUMENTS[PIPELINE]
    found: list[Location] = []
    pinned = region_of_zone_or_region(reading.regions[0]) if len(set(reading.regions)) == 1 else None
    for named in reading.names:
        found.extend(_resolved(lineage, resource, named, plugin.label, own, destination, pinned))
    accounts = [a for role in reading.roles if (arn := parse_arn(role)) and (a := arn.account)]
    account = accounts[0] if accounts else STACK_ACCOUNT
    for host in reading.hosts:
        for place in literal_locations(lineage, resource, host, path, True, own, False, destination):
            # An AWS host names its region, not its account: the plugin reaches it as the role it acts as.
            aws_host = place.resource is None and place.region is not None and place.account is None
            found.append(replace(place, account=account) if aws_host else place)
    if destination:
        for region in reading.regions:
            found.append(Location(f"{plugin.label} in {region}", region, account))
        for role in reading.roles:
            arn = parse_arn(role)
            if arn is not None:
                found.extend(_account_place(lineage, role, arn.account, own))
    return found
