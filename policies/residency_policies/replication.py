"""Rules 3 and 4: no copy of PII leaves its region or account; only anonymised data crosses at all.

Both rules look at every copy mechanism that policies/residency_facts lists (replicas, snapshot copies and
shares, restores, exports, global databases and tables, backup copies, lifecycle copies, DMS and DataSync,
S3 replication, secret replicas, multi-region keys, Firehose, log subscriptions, ...), traced by `lineage`.
Same-region, same-account copies (an in-region snapshot, an in-region replica for availability) stay inside
the jurisdiction and break neither rule.
"""

from __future__ import annotations

from residency_facts import Classification

from .lineage import Lineage, Location, Movement, anonymised_only
from .model import Stack
from .settings import Settings
from .violations import Violation, violation

NO_PII_REPLICATION = "no-pii-replication"
NO_PII_REPLICATION_DESCRIPTION = (
    "Nothing copies, replicates, shares or exports PII out of its region or account: no cross-region "
    "replicas, backup replication, snapshot copies or shares, restores elsewhere, exports, global databases "
    "or tables, backup or lifecycle copies, DMS or DataSync tasks, S3 or secret replication, multi-region "
    "keys, Firehose or log subscriptions."
)
ANONYMISED_ONLY_REPLICATION = "anonymised-only-replication"
ANONYMISED_ONLY_REPLICATION_DESCRIPTION = (
    "A cross-region or cross-account copy or replication is allowed only when every source is classified "
    "anonymised; an unclassified or untraceable source is a violation."
)


def _describe(locations: list[Location]) -> str:
    return "; ".join(f"{location.description} in {location.where}" for location in locations)


def check_no_pii_replication(stack: Stack, settings: Settings) -> list[Violation]:
    """Violations of no-pii-replication in a stack."""
    found = []
    for movement in Lineage(stack, settings).movements():
        personal = [s for s in movement.sources if Classification.PII.value in s.classifications]
        if personal and (movement.leaves_region or movement.leaves_account(settings)):
            found.append(_pii_violation(movement, personal, settings))
    return found


def _pii_violation(movement: Movement, personal: list[Location], settings: Settings) -> Violation:
    home = sorted({location.where for location in personal})
    return violation(
        movement.resource,
        f"{movement.mechanism.moves} copies personal data ({_describe(personal)}) {movement.route(settings)}",
        f"personal data protected by {settings.law} must never leave its region ({', '.join(home)}) or this "
        f"deployment's accounts, and a copy elsewhere cannot be recalled or kept under that law.",
        f"remove {movement.mechanism.moves}; keep copies of personal data in its own region and account "
        "(same-region snapshots and replicas are allowed) and send other regions only an anonymised "
        "derivative classified anonymised.",
    )


def check_anonymised_only_replication(stack: Stack, settings: Settings) -> list[Violation]:
    """Violations of anonymised-only-replication in a stack."""
    found = []
    for movement in Lineage(stack, settings).movements():
        if not (movement.leaves_region or movement.leaves_account(settings)):
            continue
        offending = [source for source in movement.sources if not anonymised_only(source)]
        if offending:
            found.append(_anonymised_violation(movement, offending, settings))
    return found


def _classified(location: Location) -> str:
    if location.region is None and location.account is None and not location.classifications:
        return f"{location.description} (untraceable)"
    kinds = ", ".join(sorted(location.classifications)) or "unclassified"
    return f"{location.description} ({kinds}, in {location.where})"


def _anonymised_violation(movement: Movement, offending: list[Location], settings: Settings) -> Violation:
    return violation(
        movement.resource,
        f"{movement.mechanism.moves} moves data {movement.route(settings)} from sources that are not all "
        f"anonymised: {'; '.join(_classified(location) for location in offending)}",
        f"only anonymised data may cross regions or accounts; anything else may carry personal data that "
        f"{settings.law} keeps in its region, and an untraceable source cannot be shown to be anonymised.",
        "copy only resources classified anonymised (data-classification=anonymised, identifiers removed), "
        "name the source so that it can be traced (a reference to the resource in this stack), or keep the "
        "copy in the source's region and account.",
    )
