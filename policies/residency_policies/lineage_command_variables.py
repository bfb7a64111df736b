"""What a variable a command line names stands for while its value is unknown at preview: the stack's
resources the object that defines it is computed from (reviewer blind-k8s16 f08).

`aws s3 cp - s3://$DUMP_BUCKET/...` with `DUMP_BUCKET` from a ConfigMap whose data is the stack's bucket
(`dumps.bucket`) writes into that bucket: once deployed its name is known and names it, and at a first
preview the ConfigMap's property dependencies say which it is. A variable is looked for where the container
reads it: the data of the ConfigMaps and Secrets its pods read (`envFrom`, a volume, a `valueFrom` key), and
its own `env` values, whose input (the pod template) names what they are computed from. A variable whose
object depends on several such resources stands for any of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from residency_facts.workloads import POD_SPEC_PATHS

from .environment import configuration_texts, referenced_value, value_reference
from .model import Resource
from .values import Unknown, child, top_level, values_at

if TYPE_CHECKING:
    from .lineage import Lineage


def computed_from(lineage: Lineage, resource: Resource, name: str, types: tuple[str, ...]) -> list[Resource]:
    """The stack's resources of `types` a variable of a workload, unknown at preview, is computed from."""
    from .lineage_code import (
        mounted_configuration,
    )  # lineage_code imports lineage_commands, which imports this

    mounted = mounted_configuration(lineage, resource)
    sources: list[tuple[Resource, tuple[str, ...]]] = []
    for config in mounted:
        if any(key == name and isinstance(value, Unknown) for key, value in configuration_texts(config)):
            sources.append((config, ("data", "stringData", "binaryData")))
    for base in POD_SPEC_PATHS:
        for containers in ("containers", "initContainers"):
            for variable in values_at(resource.props, f"{base}.{containers}[].env[]"):
                if child(variable, "name") != name:
                    continue
                reference = value_reference(child(variable, "valueFrom"))
                if reference is not None and reference[0]:
                    value, referenced = referenced_value(mounted, *reference)
                    if referenced is not None and isinstance(value, Unknown):
                        sources.append((referenced, ("data", "stringData", "binaryData")))
                elif isinstance(child(variable, "value"), Unknown):
                    sources.append((resource, (top_level(base) or base,)))
    found: list[Resource] = []
    for owner, paths in sources:
        for path in paths:
            found.extend(
                r for r in lineage.stack.dependencies(owner, path) if r.type in types and r not in found
            )
    return found
