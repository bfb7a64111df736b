"""Where code writes when it takes the credentials of a database an operator keeps in another company's cloud.

A CrunchyBridgeCluster's operator fills a Secret per role (`spec.roles[].secretName`) with the credentials of
a database in Crunchy Bridge (`residency_facts.operators.HOSTED_HOLDERS`): a workload of the same namespace
and cluster that mounts that Secret, or takes its environment from it, connects there, so what it reads may
be written in Crunchy Data's account of the provider the cluster's spec names (outside AWS unless it is aws).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from residency_facts.operators import HOSTED_HOLDERS
from residency_facts.workloads import CONFIGURATION_REFERENCES, POD_SPEC_PATHS

from .lineage_names import of_kinds
from .locations import Location
from .model import Resource
from .values import known_strings, value_at, values_at

if TYPE_CHECKING:
    from .lineage import Lineage


def hosted_credentials(lineage: Lineage, workload: Resource) -> list[Location]:
    """The hosted databases whose role Secrets a workload's pods take, as places it writes to."""
    holders = [h for kind in HOSTED_HOLDERS for h in of_kinds(lineage, kind)]
    if not holders:
        return []
    names = {
        name
        for base in POD_SPEC_PATHS
        for path in CONFIGURATION_REFERENCES
        if "secret" in path.lower()
        for name in known_strings(values_at(workload.props, f"{base}.{path}"))
    }
    if not names:
        return []
    namespace = value_at(workload.props, "metadata.namespace")
    found: list[Location] = []
    for kind, hosted in HOSTED_HOLDERS.items():
        for holder in of_kinds(lineage, kind):
            if holder.provider_urn != workload.provider_urn:
                continue
            if value_at(holder.props, "metadata.namespace") != namespace:
                continue
            taken = sorted(names & set(known_strings(values_at(holder.props, hosted.credentials))))
            if not taken:
                continue
            provider = value_at(holder.props, hosted.provider)
            region = value_at(holder.props, hosted.region)
            aws = provider == "aws"
            found.append(
                Location(
                    f"{holder.label}, a database in {hosted.service} in {hosted.owner}, whose role Secret "
                    f"{taken[0]!r} it takes",
                    region if aws and isinstance(region, str) else None,
                    None,
                    outside=not aws,
                    review=aws,  # Named in the copy's route, as a place to review.
                )
            )
    return found
