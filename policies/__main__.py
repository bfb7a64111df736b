"""The residency policy pack: builds the PolicyPack and nothing else.

The Pulumi CLI starts this file as `python -u -m pulumi.policy <engine address> <this directory>` with the
working directory set here; constructing PolicyPack starts the analyzer's gRPC server, prints its port and
serves until the CLI stops it. The rules live in residency_policies, importable without a server. The
analyzer it serves is pulumi-policy's, whose Configure also refuses a config the rules cannot run with.
"""

from pulumi_policy import EnforcementLevel, PolicyPack

from residency_policies import analyzer
from residency_policies.registry import PACK_NAME, policies

analyzer.install()
analyzer.freeze_loaded()
PolicyPack(
    name=PACK_NAME,
    display_name="Data residency",
    description="PII stays in its jurisdiction and only anonymised data replicates, enforced at preview.",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=policies(),
    tags=["residency", "gdpr", "dpdp"],
)
