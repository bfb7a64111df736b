"""Short region codes that AWS host names carry in place of a region's name.

ElastiCache names its endpoints' region by a short code (`master.cdc.x1y2z3.use1.cache.amazonaws.com`,
`<name>.xxxxxx.ng.0001.euw1.cache.amazonaws.com`, `<name>-xxxxxx.serverless.aps1.cache.amazonaws.com`):
the geography, the initials of the direction words and the number (us-east-1 `use1`, ap-southeast-1 `apse1`,
eu-central-1 `euc1`), as the ElastiCache User Guide's endpoint examples show ("Finding connection
endpoints in ElastiCache": `.use1.cache.amazonaws.com`). Checked 2026-12-03 against endpoints published in
public configuration for use1, usw2, euw1, euc1, eun1, aps1, aps2, apse1, apne1, cac1, mes1 and sae1; the
other commercial regions follow the same rule. A code not listed (GovCloud, China, a region opened later)
leaves the host's region untold, as before: it fails closed.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

ELASTICACHE_REGION_CODES: Mapping[str, str] = MappingProxyType(
    {
        "use1": "us-east-1",
        "use2": "us-east-2",
        "usw1": "us-west-1",
        "usw2": "us-west-2",
        "afs1": "af-south-1",
        "ape1": "ap-east-1",
        "ape2": "ap-east-2",
        "aps1": "ap-south-1",
        "aps2": "ap-south-2",
        "apse1": "ap-southeast-1",
        "apse2": "ap-southeast-2",
        "apse3": "ap-southeast-3",
        "apse4": "ap-southeast-4",
        "apse5": "ap-southeast-5",
        "apse6": "ap-southeast-6",
        "apse7": "ap-southeast-7",
        "apne1": "ap-northeast-1",
        "apne2": "ap-northeast-2",
        "apne3": "ap-northeast-3",
        "cac1": "ca-central-1",
        "caw1": "ca-west-1",
        "euc1": "eu-central-1",
        "euc2": "eu-central-2",
        "euw1": "eu-west-1",
        "euw2": "eu-west-2",
        "euw3": "eu-west-3",
        "eus1": "eu-south-1",
        "eus2": "eu-south-2",
        "eun1": "eu-north-1",
        "ilc1": "il-central-1",
        "mec1": "me-central-1",
        "mes1": "me-south-1",
        "mxc1": "mx-central-1",
        "sae1": "sa-east-1",
    }
)
"""ElastiCache's short code of each region, as its endpoints carry it (`<code>.cache.amazonaws.com`)."""
