"""The log groups an EKS add-on ships a cluster's pod logs to, judged as a store's exported logs.

The Amazon CloudWatch Observability add-on tails every container's standard output and error on every node
and writes them to `/aws/containerinsights/<cluster>/application` (`mechanisms.ADDON_LOG_GROUPS`), creating
the group with CloudWatch's default key and no expiry when the stack declares none. Decision (reviewer
blind-k8s13 k13, arguable): the pack reads node log shippers as readers of what the cluster's PII pods write
(`lineage_nodes`), so in a cluster that holds PII or whose pods read it, an add-on with container logs on
(`containerLogs.enabled` not false, or its configuration unknown at preview) puts personal data at rest in
those groups: unless the stack declares each of them with its customer-managed key (judged as any PII
holder) and a retention (`retentionInDays` set), pii-encryption fails, as for RDS's undeclared exported log
groups (`encryption._implicit_log_groups`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from residency_facts.mechanisms import ADDON_LOG_GROUPS

from .cluster_access import cluster_holds, clusters_of
from .lineage import Lineage
from .model import Resource, Stack
from .settings import Settings
from .values import Unknown, as_bool, child, known_strings, value_at

ADDON = "aws:eks/addon:Addon"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


def addon_log_problems(
    stack: Stack, lineage: Lineage, settings: Settings
) -> Iterator[tuple[Resource, str | None, frozenset[str]]]:
    """(resource, problem, protected classifications) for each log group an add-on ships PII pods' logs to:
    the add-on with the problem when the group is not declared or has no retention; a declared group with
    None, to be judged as a PII holder (its key)."""
    for addon in stack.of_type(ADDON):
        name = value_at(addon.props, "addonName")
        if not isinstance(name, str) or name not in ADDON_LOG_GROUPS:
            continue
        switch, patterns = ADDON_LOG_GROUPS[name]
        if _switched_off(addon, switch):
            continue
        held, readers = cluster_holds(addon, stack, lineage, settings)
        protected = (held | frozenset(readers)) & settings.protected_classifications
        if not protected:
            continue
        clusters = clusters_of(addon, stack)
        cluster_names = [child(c.props, "name") for c in clusters] or [value_at(addon.props, "clusterName")]
        for cluster_name in cluster_names:
            if not isinstance(cluster_name, str) or not cluster_name:
                yield (
                    addon,
                    f"the {name} add-on ships every pod's logs, its cluster's PII pods' included, to log "
                    "groups named after the cluster, whose name cannot be known at preview: name the cluster "
                    "and declare those log groups (kmsKeyId the stack's key, retentionInDays set)",
                    protected,
                )
                continue
            for pattern in patterns:
                group_name = pattern.format(cluster=cluster_name)
                groups = [
                    g
                    for g in stack.of_type(LOG_GROUP)
                    if group_name in known_strings([value_at(g.props, "name")])
                ]
                if not groups:
                    yield (
                        addon,
                        f"the {name} add-on ships every pod's logs (its cluster's PII pods' included) to "
                        f"{group_name}, a log group this stack does not declare, which its agent creates "
                        "with CloudWatch's default key and no expiry: declare it (aws.cloudwatch.LogGroup "
                        f"named {group_name}, kmsKeyId the stack's key, retentionInDays set, "
                        f"data-classification pii), or set {switch} false in its configurationValues",
                        protected,
                    )
                for group in groups:
                    yield group, None, protected
                    retention = value_at(group.props, "retentionInDays")
                    if not isinstance(retention, Unknown) and not retention:
                        yield (
                            group,
                            f"the {name} add-on ships its cluster's PII pods' logs here and retentionInDays "
                            "is not set: they are kept for ever; set a retention",
                            protected,
                        )


def _switched_off(addon: Resource, switch: str) -> bool:
    """Whether an add-on's configuration turns its container logs off (unknown or unreadable: on)."""
    text = value_at(addon.props, "configurationValues")
    if not isinstance(text, str) or not text.strip():
        return False
    try:
        configuration = json.loads(text)
    except ValueError:
        import yaml

        try:
            configuration = yaml.safe_load(text)
        except yaml.YAMLError:
            return False
    return as_bool(value_at(configuration, switch)) is False
