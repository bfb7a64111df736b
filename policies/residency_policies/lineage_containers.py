"""How lineage reads the containers of an ECS task definition or a Batch job definition.

Their containers are one JSON text (`residency_facts.containers`), read by its fields: what code's
configuration is read for (environment, command lines, options) is read from the parsed structure, so an
image reference (`registry.gitlab.com/acme/worker`) is no host the task sends to, as it is not in a
Kubernetes pod. Each container's log driver sends everything the container writes to its output where
its options say (decision, blind spot 2 of issue #8's review): an address under a driver's address option
(`splunk-url`, `gelf-address`, `syslog-address`, `fluentd-address`, `awslogs-endpoint`) or any URL among a
FireLens output's options is a destination, whatever the key's name; a driver whose vendor's service it is
(`logentries`) is outside AWS; a driver the pack has not reviewed, and a FireLens router that loads a
configuration file the pack cannot read (from S3, or a file of its image other than AWS for Fluent Bit's
own), send to places that cannot be read, and fail closed on code that reads resident data. Regions and
hosts the options name are read as any configuration's text is (`awslogs-region`, a FireLens output's
`region` or `Host`). A container text unknown at preview computed from a store that holds resident data names
its log destinations beside the store's address, among literals no preview can read: it fails closed until
it is known, as a configuration file computed from such a store does (`lineage_code._unreadable_files`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from residency_facts.containers import (
    CONTAINER_DOCUMENTS,
    FIRELENS_BUILT_IN_CONFIGS,
    FIRELENS_DRIVER,
    FIRELENS_PLACE_OPTIONS,
    LOCAL_LOG_DRIVERS,
    LOG_DRIVER_ADDRESSES,
    OUTSIDE_LOG_DRIVERS,
)
from residency_facts.destinations import saas_vendor

from .lineage_literals import endpoint_outside_aws, literal_locations
from .locations import Location
from .model import Resource
from .values import Unknown, child, elements, is_set, known_strings, value_at, values_at

if TYPE_CHECKING:
    from .lineage import Lineage


def has_containers(resource: Resource) -> bool:
    """Whether the type carries its containers as JSON text (`residency_facts.containers`)."""
    return resource.type in CONTAINER_DOCUMENTS


def readable_configuration(resource: Resource) -> Any:
    """The resource's inputs with its container texts parsed, as code's configuration is read (the text
    itself when it does not parse: ECS and Batch reject it too)."""
    props = dict(resource.props)
    for path in CONTAINER_DOCUMENTS.get(resource.type, ()):
        top = path.split(".")[0]
        text = props.get(top)
        if isinstance(text, str):
            try:
                props[top] = json.loads(text)
            except ValueError:
                continue
    return props


def containers(resource: Resource) -> list[Mapping[str, Any]]:
    """The container definitions of a task or job definition, from every document its type carries."""
    found: list[Mapping[str, Any]] = []
    for path in CONTAINER_DOCUMENTS.get(resource.type, ()):
        for container in values_at(resource.props, path):
            found.extend(c for c in elements(container) if isinstance(c, Mapping))
    return found


def container_places(lineage: Lineage, resource: Resource) -> list[Location]:
    """Where the containers' log drivers send their output that the configuration's text does not say by
    itself, and what cannot be read of it (see the module's docstring)."""
    if resource.type not in CONTAINER_DOCUMENTS:
        return []
    found = _unreadable_documents(lineage, resource)
    for container in containers(resource):
        name = child(container, "name")
        shown = f"container {name!r} of {resource.label}" if isinstance(name, str) else resource.label
        configuration = child(container, "logConfiguration")
        found.extend(_log_places(configuration, shown))
        found.extend(_secret_option_places(lineage, resource, configuration, shown))
        found.extend(_router_places(child(container, "firelensConfiguration"), shown))
    found.extend(_exec_session_places(lineage, resource))
    return found


TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"
CLUSTER = "aws:ecs/cluster:Cluster"
EXEC_LOGS = "configuration.executeCommandConfiguration"
EXEC_LOG_HOLDERS = ("aws:s3/", "aws:cloudwatch/logGroup:")
"""The types a cluster's session logs are computed from (a bucket's name, a log group's), not its key."""


def _exec_session_places(lineage: Lineage, resource: Resource) -> list[Location]:
    """Where ECS Exec logs the sessions into a task's containers (reviewer blind-aws14 a15): what operators
    run in them and what it prints, the data the task reads included. A service of the stack that runs the
    task definition with `enableExecuteCommand` on a cluster whose `executeCommandConfiguration` logs
    `OVERRIDE`s the task's own log configuration sends the transcripts to its `logConfiguration`'s bucket
    (the stack's, else untraceable) and log group."""
    if resource.type != TASK_DEFINITION:
        return []
    from .lineage_ssm import bucket_place  # lineage_ssm reads lineage, as this module does

    stack = lineage.stack
    found: list[Location] = []
    for service in stack.dependents(resource, ["taskDefinition"]):
        if service.type != SERVICE or not is_set(value_at(service.props, "enableExecuteCommand")):
            continue
        clusters = stack.dependencies(service, "cluster") or [
            r for v in known_strings([value_at(service.props, "cluster")]) for r in stack.named(v)
        ]
        for cluster in (c for c in clusters if c.type == CLUSTER):
            logging = value_at(cluster.props, f"{EXEC_LOGS}.logging")
            if not isinstance(logging, Unknown) and logging != "OVERRIDE":
                continue  # DEFAULT logs as the task's awslogs configuration says; NONE logs nothing.
            for path in ("s3BucketName", "cloudWatchLogGroupName"):
                value = value_at(cluster.props, f"{EXEC_LOGS}.logConfiguration.{path}")
                if isinstance(value, Unknown):
                    for dependency in stack.dependencies(cluster, "configuration"):
                        if dependency.type.startswith(EXEC_LOG_HOLDERS):
                            found.extend(lineage.follow(dependency, {resource.urn}))
                elif isinstance(value, str) and value and path == "s3BucketName":
                    what = f"ECS Exec session logs of {service.label}"
                    found.extend(bucket_place(lineage, cluster, value, None, what))
    return found


def _log_places(configuration: Any, shown: str) -> list[Location]:
    """Where one container's log driver sends (only what the text scan of code's configuration misses)."""
    if not isinstance(configuration, Mapping):
        return []
    driver = child(configuration, "logDriver")
    options = child(configuration, "options")
    options = options if isinstance(options, Mapping) else {}
    if driver is None or driver in LOCAL_LOG_DRIVERS:
        return []
    if driver in OUTSIDE_LOG_DRIVERS:
        return [
            Location(
                f"{OUTSIDE_LOG_DRIVERS[driver]}, where the {driver} log driver of {shown} sends its output",
                None,
                None,
                outside=True,
            )
        ]
    if driver == FIRELENS_DRIVER:
        keys = [str(k) for k in options]
    elif driver in LOG_DRIVER_ADDRESSES:
        keys = list(LOG_DRIVER_ADDRESSES[driver])
    else:
        return [
            Location(
                f"where the log driver {driver!r} of {shown} sends the container's output (a driver the pack "
                "has not reviewed: use awslogs to a log group of the stack's region, or FireLens with an "
                "output the configuration names)",
                None,
                None,
                host=True,
            )
        ]
    from .lineage_code import public_place  # lineage_code reads this module's places

    found = []
    for key in keys:
        value = options.get(key)
        if not isinstance(value, str) or not value.strip():
            continue
        url = value.strip()
        if "://" not in url:
            if driver == FIRELENS_DRIVER:
                continue  # A FireLens option's bare host (`Host`) is read as the configuration's text.
            url = f"tcp://{url}"  # An address as `host:port`.
        scheme, rest = url.split("://", 1)
        host = rest.split("/")[0].split("@")[-1].rsplit(":", 1)[0]
        if scheme.lower() == "unix" or saas_vendor(host) is not None:
            continue  # The host's own daemon; an ingestion service's host is read under any key.
        if "://" not in value and public_place(host):
            continue  # A public host written alone is read as the configuration's text.
        if endpoint_outside_aws(url):
            found.append(
                Location(
                    f"{value} (where the {driver} log driver of {shown} sends its output, {key}, "
                    "outside AWS)",
                    None,
                    None,
                    outside=True,
                )
            )
    return found


PARAMETER = "aws:ssm/parameter:Parameter"
SECRET = "aws:secretsmanager/secret:Secret"
SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion"


def _secret_option_places(
    lineage: Lineage, resource: Resource, configuration: Any, shown: str
) -> list[Location]:
    """Where a log driver sends when its address (a FireLens output's host, URL, region, bucket or stream)
    is given through `secretOptions` (reviewer blind-aws14 a01): the value of the stack's Systems Manager
    parameter or Secrets Manager secret its `valueFrom` names, read as the option's own value would be; a
    parameter or secret the stack does not declare, or whose value is unknown at preview, may name any
    place, which cannot be read."""
    if not isinstance(configuration, Mapping):
        return []
    driver = child(configuration, "logDriver")
    if driver == FIRELENS_DRIVER:
        wanted: frozenset[str] = FIRELENS_PLACE_OPTIONS
    elif driver in LOG_DRIVER_ADDRESSES:
        wanted = frozenset(LOG_DRIVER_ADDRESSES[driver])
    else:
        return []  # A local driver keeps its output; an unreviewed one fails closed in `_log_places`.
    found: list[Location] = []
    for option in elements(child(configuration, "secretOptions")):
        name, source = child(option, "name"), child(option, "valueFrom")
        if not isinstance(name, str) or name.lower() not in wanted:
            continue
        what = f"the {name} of the {driver} log driver of {shown} (secretOptions)"
        if not isinstance(source, str) or not source:
            found.append(_unread(f"{what}, unknown at preview"))
            continue
        holders = _configuration_holders(lineage, resource, source)
        if not holders:
            found.append(
                _unread(
                    f"{what}, from {source}: a parameter or secret this stack does not declare, whose value "
                    "may name any place (declare it in the stack with a literal value, or set the option "
                    "in options)"
                )
            )
            continue
        for holder, value in holders:
            if not isinstance(value, str) or not value.strip():
                found.append(
                    _unread(
                        f"{what}, from {holder.label}, whose value cannot be read (unknown at preview, or "
                        "not set): give the parameter a literal value"
                    )
                )
                continue
            found.extend(
                _secret_value_places(lineage, resource, value.strip(), f"{what}, from {holder.label}")
            )
    return found


def _unread(description: str) -> Location:
    """A place a container's output is definitely sent to whose address cannot be read."""
    return Location(description, None, None, host=True, review=True)


def _secret_value_places(lineage: Lineage, resource: Resource, value: str, what: str) -> list[Location]:
    """Where a log driver option's value, read from a parameter or secret, sends: a URL or host outside AWS
    (an ingestion service's host included: the text scan of code's configuration never sees this value), or
    the regions, AWS hosts and stack resources it names."""
    from .lineage_code import public_place  # lineage_code reads this module's places

    url = value if "://" in value else f"tcp://{value}"
    host = url.split("://", 1)[1].split("/")[0].split("@")[-1].rsplit(":", 1)[0]
    if url.split("://", 1)[0].lower() == "unix":
        return []
    if endpoint_outside_aws(url) or saas_vendor(host) is not None or public_place(host):
        return [Location(f"{value} ({what}, outside AWS)", None, None, outside=True)]
    own = lineage.own_region(resource)
    return literal_locations(lineage, resource, value, "secretOptions", False, own, True)


def _configuration_holders(lineage: Lineage, resource: Resource, source: str) -> list[tuple[Resource, Any]]:
    """The stack's Systems Manager parameters or Secrets Manager secrets a `valueFrom` names (an ARN, or a
    parameter's name in the task's region), each with its value: a parameter's `value`, a secret's version's
    `secretString` (the JSON key an ARN's suffix selects, `...:secret:name-AbCdEf:key::`)."""
    stack = lineage.stack
    arn, _, selector = source.partition(":secret:")
    if selector:
        name, _, rest = selector.partition(":")
        key = rest.split(":")[0] if rest else ""
        source = f"{arn}:secret:{name}"
    else:
        key = ""
    named = stack.arn_match(source, lineage.region, lineage.settings.account_ids)
    if not source.startswith("arn:"):
        named = [r for r in stack.named(source) if lineage.own_region(r) == lineage.own_region(resource)]
    found: list[tuple[Resource, Any]] = []
    for holder in dict.fromkeys(named):
        if holder.type == PARAMETER:
            value = value_at(holder.props, "value")
            found.append((holder, value if value is not None else value_at(holder.props, "insecureValue")))
        elif holder.type == SECRET:
            versions = [v for v in stack.of_type(SECRET_VERSION) if stack.refers_to(v, "secretId", holder)]
            if not versions:
                found.append((holder, None))
            for version in versions:
                found.append((version, _selected(value_at(version.props, "secretString"), key)))
    return found


def _selected(text: Any, key: str) -> Any:
    """A secret's value, or the value of the JSON key an ECS `valueFrom` selects in it."""
    if not key or not isinstance(text, str):
        return text
    try:
        document = json.loads(text)
    except ValueError:
        return None
    return document.get(key) if isinstance(document, Mapping) else None


def _router_places(configuration: Any, shown: str) -> list[Location]:
    """A FireLens log router's own configuration file, whose outputs the pack cannot read."""
    if not isinstance(configuration, Mapping):
        return []
    options = child(configuration, "options")
    if not isinstance(options, Mapping):
        return []
    kind, where = options.get("config-file-type"), options.get("config-file-value")
    if kind is None and where is None:
        return []
    if kind == "file" and isinstance(where, str) and where.startswith(FIRELENS_BUILT_IN_CONFIGS):
        return []
    return [
        Location(
            f"the outputs of the configuration file {where!r} ({kind}) the log router {shown} loads, "
            "which the pack cannot read: name the outputs in the containers' awsfirelens options instead, or "
            f"load only the image's own files under {FIRELENS_BUILT_IN_CONFIGS}",
            None,
            None,
            host=True,
        )
    ]


UNREADABLE_DOCUMENT_FIX = (
    "however the text is built from an output (`Output.all(...).apply(json.dumps)`, "
    "`pulumi.Output.json_dumps`, `Output.format`), it is wholly unknown while any value in it is unknown, "
    "as at a first preview, and no part of it reaches the pack; write it with `json.dumps` of literal values "
    "only and give the container each store's address through `secrets`: an `aws.ssm.Parameter` (or Secrets "
    "Manager secret) holding the address, named in `valueFrom` by its literal ARN "
    '(f"arn:aws:ssm:<region>:<account>:parameter/<name>", not `parameter.arn`, which is unknown at a first '
    "preview too), so that its log drivers can be judged (decision: policies/README.md, reviewer "
    "blind-compliant16 c02)"
)
"""How to write a container text that the first preview can read (`pulumi.Output.json_dumps` discards its
result when it meets an unknown value, and a string input is either known or unknown as a whole)."""


def _unreadable_documents(lineage: Lineage, resource: Resource) -> list[Location]:
    """Container texts unknown at preview computed from a store that holds resident data (see above)."""
    resident = lineage.settings.resident_classifications
    found = []
    for path in dict.fromkeys(p.split(".")[0] for p in CONTAINER_DOCUMENTS[resource.type]):
        if not isinstance(value_at(resource.props, path), Unknown):
            continue
        stores = [
            d.label
            for d in lineage.stack.dependencies(resource, path)
            if any(lineage.effective(r) & resident for r in [d, *lineage.stack.descendants(d)])
        ]
        if stores:
            found.append(
                Location(
                    f"where the containers {path} of {resource.label} defines send their output (unknown "
                    f"at preview: computed from {', '.join(dict.fromkeys(stores))}, its log configuration "
                    f"cannot be read; {UNREADABLE_DOCUMENT_FIX})",
                    None,
                    None,
                    host=True,
                )
            )
    return found
