"""Rules 3 and 4: no copy of PII leaves its region or account; only anonymised data crosses at all.

Both rules look at every copy mechanism that policies/residency_facts lists (replicas, snapshot copies and
shares, restores, exports, global databases and tables, backup copies, lifecycle copies, DMS and DataSync,
S3 replication, secret replicas, multi-region keys, Firehose, log subscriptions, pipes, subscriptions, edge
caches, code configured with data, ...), traced by `lineage`, and at every grant that shares data with
another account (`grants`). A source holds what lineage says it holds, whatever its own label: the
violation names the chain the data came through. Same-region, same-account copies (an in-region snapshot,
an in-region replica for availability) stay inside the jurisdiction and break neither rule.

Decision (README, "Inbound copies of what is not personal data"): an inbound copy whose mechanism names
where it declares what it creates (`CopyMechanism.pulled_classification`: an ExternalSecret) and that lands
only in the jurisdiction and this deployment's accounts is judged, for what it pulls from places the stack
does not declare (Vault, another account's secret), by that declaration: internal, public or anonymised
passes anonymised-only-replication; pii, telemetry or nothing stays blocked. Sources the stack declares keep
their own classification, and every other mechanism keeps the general rule.
"""

from __future__ import annotations

from residency_facts import RESIDENT_CLASSIFICATIONS, Classification

from . import cluster_access, routing, sdk_calls
from .attributes import STACK_ACCOUNT
from .grants import ROLE, Share, granted_classes, shareable, shares
from .grants_fixes import unreadable_fix
from .lineage import Lineage, anonymised_only
from .lineage_secrets import pulled_classifications
from .locations import Location, Movement
from .model import Stack
from .settings import Settings
from .untraced_regions import placed_fix
from .violations import Violation, violation

NO_PII_REPLICATION = "no-pii-replication"
NO_PII_REPLICATION_DESCRIPTION = (
    "Nothing copies, replicates, shares or exports PII out of its region or account: no cross-region "
    "replicas, backup replication, snapshot copies or shares, restores elsewhere, exports, global databases "
    "or tables, backup or lifecycle copies, DMS or DataSync tasks, S3 or secret replication, multi-region "
    "keys, Firehose, pipes, subscriptions, edge caches, or grants to other accounts; PII inherited through "
    "lineage counts."
)
ANONYMISED_ONLY_REPLICATION = "anonymised-only-replication"
ANONYMISED_ONLY_REPLICATION_DESCRIPTION = (
    "A cross-region or cross-account copy, replication or share is allowed only when every source holds "
    "anonymised data and nothing else (lineage included); an unclassified or untraceable source is a "
    "violation. What an ExternalSecret pulls into the jurisdiction and this deployment's accounts from a "
    "place the stack does not declare is judged by the classification it declares for what it creates "
    "(internal, public or anonymised pass)."
)

PII = Classification.PII.value


def _describe(lineage: Lineage, locations: list[Location], classification: str) -> str:
    return "; ".join(
        f"{lineage.chain(location, classification)} in {location.where}" for location in locations
    )


def _not_judged_as_api_calls(lineage: Lineage, api_calls: list[Violation]) -> list[Movement]:
    """The movements a rule judges itself: all but those of a resource whose AWS API calls made on your
    behalf `sdk_calls` already blocks under the rule.

    An API Gateway service integration or a Scheduler universal target is an API call (`sdk_calls`) and,
    to lineage, a copy mechanism of what it names (which carries classification into what it writes); the
    one call is judged once, by `sdk_calls`, which owns them. A movement `sdk_calls` does not block (an
    input unknown at preview, a sharing action whose payload names no other place) is still judged here.
    """
    judged = {v.urn for v in api_calls}
    return [m for m in lineage.movements if m.resource.urn not in judged]


def check_no_pii_replication(stack: Stack, settings: Settings) -> list[Violation]:
    """Violations of no-pii-replication in a stack."""
    lineage = Lineage.of(stack, settings)
    api_calls = sdk_calls.copy_violations(stack, settings, NO_PII_REPLICATION)
    found = []
    for movement in _not_judged_as_api_calls(lineage, api_calls):
        personal = [s for s in movement.sources if PII in lineage.classes(s)]
        if personal and (movement.leaves_region or movement.leaves_account(settings)):
            found.append(_pii_violation(lineage, movement, personal, settings))
    for share in shares(stack, lineage, settings):
        # A grant to everyone is pii-not-public's concern; a grant to another account is a copy.
        if not share.public and PII in granted_classes(lineage, share):
            found.append(_pii_share_violation(lineage, share, settings))
    found.extend(api_calls)
    found.extend(cluster_access.violations(stack, settings, NO_PII_REPLICATION))
    found.extend(routing.request_routing(stack, lineage, settings))
    return found


def _pii_violation(
    lineage: Lineage, movement: Movement, personal: list[Location], settings: Settings
) -> Violation:
    home = sorted({location.where for location in personal})
    code = (
        " (code configured with personal data and with a place elsewhere)"
        if movement.mechanism.runs_code
        else ""
    )
    return violation(
        movement.resource,
        f"{movement.mechanism.moves}{code} copies personal data ({_describe(lineage, personal, PII)}) "
        f"{movement.route(settings)}",
        f"personal data protected by {settings.law} must never leave its region ({', '.join(home)}) or this "
        f"deployment's accounts, and a copy elsewhere cannot be recalled or kept under that law.",
        _ROLE_FIX
        if movement.mechanism.roles
        else placed_fix(movement, settings)
        or f"remove {movement.mechanism.moves}; keep copies of personal data in its own region and account "
        "(same-region snapshots and replicas are allowed) and send other regions only an anonymised "
        "derivative classified anonymised.",
    )


_ROLE_FIX = (
    "let the role write only this stack's stores in the database's region, named by reference (bucket.arn) "
    "in a policy of the stack (a role that only reads, Get* and List*, copies nothing out), or remove the "
    "role from the database; a role the stack does not declare, or a managed policy the pack cannot read, "
    "cannot be shown to keep the data in."
)


def _pii_share_violation(lineage: Lineage, share: Share, settings: Settings) -> Violation:
    fix = (
        "grant access only to principals of this deployment's accounts (list them in accountIds), or share "
        "only an anonymised derivative."
    )
    if share.unreadable:
        return violation(
            share.resource,
            f"{share.grant} on personal data ({lineage.chain(share.target, PII)}) cannot be judged at "
            f"preview: {share.principal}, so it may grant another account",
            f"personal data protected by {settings.law} must stay in this deployment's accounts; a grant "
            "whose principals cannot be read cannot be shown to keep it there, and a preview is the last "
            "check before the grant takes effect.",
            unreadable_fix(share.resource, share.unreadable, lineage.stack),
        )
    return violation(
        share.resource,
        f"{share.grant} shares personal data ({lineage.chain(share.target, PII)}"
        f"{lineage.code_read(share.target, (PII,))}) with {share.principal}",
        f"personal data protected by {settings.law} must stay in this deployment's accounts; another account "
        "(or everyone) holding access to it is a copy this deployment cannot recall.",
        fix,
    )


def check_anonymised_only_replication(stack: Stack, settings: Settings) -> list[Violation]:
    """Violations of anonymised-only-replication in a stack."""
    lineage = Lineage.of(stack, settings)
    api_calls = sdk_calls.copy_violations(stack, settings, ANONYMISED_ONLY_REPLICATION)
    found = []
    for movement in _not_judged_as_api_calls(lineage, api_calls):
        if not (movement.leaves_region or movement.leaves_account(settings)):
            continue
        if movement.mechanism.runs_code:
            # Code is judged on the resident data it is configured with, not on every value it names.
            offending = [s for s in movement.sources if lineage.classes(s) & RESIDENT_CLASSIFICATIONS]
        elif movement.mechanism.publishes:
            # An edge cache publishes what it serves, as a grant to everyone does: public data may go too.
            offending = [source for source in movement.sources if not shareable(lineage.classes(source))]
        else:
            judged = pulled_into_deployment(lineage, movement, settings)
            offending = [
                source
                for source in movement.sources
                if not (
                    anonymised_only(lineage.classes(source))
                    or (judged is not None and _undeclared(source) and judged <= PULLED_MAY_CROSS)
                )
            ]
        if offending:
            found.append(_anonymised_violation(lineage, movement, offending, settings))
    for share in shares(stack, lineage, settings):
        if share.holds_data and not shareable(granted_classes(lineage, share)):
            found.append(_anonymised_share_violation(lineage, share, settings))
    found.extend(api_calls)
    found.extend(cluster_access.violations(stack, settings, ANONYMISED_ONLY_REPLICATION))
    return found


PULLED_MAY_CROSS = frozenset(
    {Classification.INTERNAL.value, Classification.PUBLIC.value, Classification.ANONYMISED.value}
)
"""What an inbound copy may declare it creates to pull it from a place the stack does not declare:
credentials and configuration (internal), public or anonymised data, none of it personal data."""


def pulled_into_deployment(lineage: Lineage, movement: Movement, settings: Settings) -> frozenset[str] | None:
    """What an inbound copy declares it creates, when it lands only in a region of the jurisdiction and
    in this deployment's accounts (an ExternalSecret's Secret in the stack's cluster); None when the
    mechanism declares nothing so (`CopyMechanism.pulled_classification`) or lands elsewhere. An empty
    set: it declares nothing, which cannot be shown to pass."""
    if not movement.mechanism.pulled_classification or movement.outside_aws or movement.shares:
        return None
    ours = {STACK_ACCOUNT, *settings.account_ids}
    if not movement.destinations or not all(
        d.region in settings.allowed_regions and d.account in ours for d in movement.destinations
    ):
        return None
    declared = pulled_classifications(lineage, movement.resource)
    return declared if declared else frozenset({UNDECLARED})


UNDECLARED = "undeclared"
"""Stands for no classification in what an inbound copy declares: never one that passes."""


def _undeclared(location: Location) -> bool:
    """A place the stack does not declare, of which nothing is known that it holds (a store outside AWS,
    another account's secret): not the stack's resource, no classification of its own."""
    return location.resource is None and not location.classifications


def _classified(lineage: Lineage, location: Location) -> str:
    classes = lineage.classes(location)
    if location.outside and not classes:
        return f"{location.description} (unclassified, outside AWS)"
    if location.region is None and location.account is None and not classes:
        return f"{location.description} (untraceable)"
    inherited = lineage.inherited(location.resource) if location.resource is not None else frozenset()
    kinds = ", ".join(sorted(classes)) or "unclassified"
    if inherited:
        resident = sorted(inherited)[0]
        return f"{lineage.chain(location, resident)} ({kinds}, in {location.where})"
    through = f", through {location.via}" if location.via else ""
    return f"{location.description} ({kinds}, in {location.where}){through}"


def _anonymised_violation(
    lineage: Lineage, movement: Movement, offending: list[Location], settings: Settings
) -> Violation:
    allowed = "anonymised or public" if movement.mechanism.publishes else "anonymised"
    pulled = pulled_into_deployment(lineage, movement, settings)
    declared = ", ".join(sorted((pulled or frozenset()) - {UNDECLARED})) or "nothing"
    if pulled is not None:
        fix = (
            f"{movement.resource.label} declares {declared} for what it creates: label it "
            "data-classification: internal (metadata.labels, or its target's template) when it pulls "
            "credentials or configuration, which are not personal data (public and anonymised pass too; pii, "
            "telemetry or no label cannot, since the pulling stack cannot show that another jurisdiction's "
            "personal data is not crossing), or use a store in the stack's region and account; a source the "
            "stack declares keeps its own classification, whatever the label."
        )
    elif movement.mechanism.roles:
        fix = _ROLE_FIX
    elif untraced := placed_fix(movement, settings):
        fix = untraced
    else:
        fix = (
            "copy only resources classified anonymised (data-classification=anonymised, identifiers "
            "removed), name the source so that it can be traced (a reference to the resource in this stack), "
            "or keep the copy in the source's region and account."
        )
    judged = f"{declared}, as the copy declares" if declared != "nothing" else "the copy declares nothing"
    described = [
        f"{location.description} ({judged}; {'outside AWS' if location.outside else 'in ' + location.where})"
        if pulled is not None and _undeclared(location)
        else _classified(lineage, location)
        for location in offending
    ]
    return violation(
        movement.resource,
        f"{movement.mechanism.moves} moves data {movement.route(settings)} from sources that are not all "
        f"{allowed}: {'; '.join(described)}",
        f"only anonymised data may cross regions or accounts; anything else may carry personal data that "
        f"{settings.law} keeps in its region, and an untraceable source cannot be shown to be anonymised.",
        fix,
    )


def _anonymised_share_violation(lineage: Lineage, share: Share, settings: Settings) -> Violation:
    fix = (
        "grant access only to principals of this deployment's accounts (list them in accountIds), or share "
        "only resources classified anonymised"
    )
    if share.unreadable:
        return violation(
            share.resource,
            f"{share.grant} on {_classified(lineage, share.target)} cannot be judged at preview: "
            f"{share.principal}, so it may grant another account",
            f"only anonymised data may leave this deployment's accounts; a grant whose principals cannot be "
            f"read cannot be shown to keep data that {settings.law} keeps in its region inside them.",
            unreadable_fix(share.resource, share.unreadable, lineage.stack),
        )
    if share.target.review and share.resource.type == ROLE:
        # What a policy of the role the pack cannot read grants: its description says what to review.
        fix += (
            "; or let the pack read what the role is given: a policy the stack declares, attached by "
            "reference (policy.arn), or an AWS managed policy of residency_facts/principal_policies.py"
        )
    elif share.target.resource is None:
        fix += (
            "; name what is granted by a reference to the stack's resource (key.key_id, table.arn), not a "
            "literal id or ARN a first preview cannot match, so its classification can be read"
        )
    return violation(
        share.resource,
        f"{share.grant} shares {_classified(lineage, share.target)}"
        f"{lineage.code_read(share.target, RESIDENT_CLASSIFICATIONS)} with {share.principal}",
        f"only anonymised data may leave this deployment's accounts; anything else may carry personal data "
        f"that {settings.law} keeps in its region, and what the stack cannot trace cannot be shown to be "
        "anonymised.",
        f"{fix}.",
    )
