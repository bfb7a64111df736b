"""The residency map: a Mermaid flowchart of one stack's preview that a reviewer reads first in a PR.

One box per region (titled with its jurisdiction and law) and per place outside every region; in each, the
data stores coloured by classification (PII the strongest), every flow as an arrow the way data moves,
labelled with what crosses, every mandatory policy violation on the resource it names, a legend, and, with
a deployed state, what the change adds. Below the map, a table of the flows and one of the violations.

- `copies`: every copy, replication, share or export the policy pack knows (residency_facts), traced from
  its sources through the copying resource to where the copy lands;
- `network`: network paths that let another region (or the internet) reach a data store, and paths between
  the stack's own data stores (the telemetry store pushing to its exchange);
- `mermaid`: the drawing, in syntax every Mermaid since version 10 renders (tests/mermaid checks it).
"""

from offline_preview.diagram.graph import Flow, Node
from offline_preview.diagram.network import peer_networks
from offline_preview.diagram.residency_map import ReportedViolation, ResidencyMap

__all__ = ["Flow", "Node", "ReportedViolation", "ResidencyMap", "peer_networks"]
