"""Rule 5, pii-encryption, on AWS Backup restore tests: a restore testing selection restores recovery points
of PII stores into temporary copies, kept up to its `validationWindowHours`, encrypted as its
`restoreMetadataOverrides` say (`encryption_types.RESTORED_ENCRYPTION`)."""

from __future__ import annotations

from collections.abc import Mapping

from .attributes import effective_region
from .encryption_keys import key_problems
from .encryption_types import RESTORED_ENCRYPTION
from .lineage import Lineage
from .model import Resource, Stack
from .values import Unknown, known_strings, value_at, values_at

RESTORE_TESTING_SELECTION = "aws:backup/restoreTestingSelection:RestoreTestingSelection"
OVERRIDES = "restoreMetadataOverrides"


def restored_classifications(selection: Resource, stack: Stack, lineage: Lineage) -> frozenset[str]:
    """What the copies a selection restores hold: its protected resources' classifications (by lineage), and
    with the wildcard `protectedResourceArns` `*` and no conditions, every holder of its type under its
    provider (AWS Backup then restores recovery points of all of them)."""
    held = frozenset().union(*(lineage.classes(source) for source in lineage.sources_of(selection)))
    kind = value_at(selection.props, "protectedResourceType")
    spec = RESTORED_ENCRYPTION.get(kind) if isinstance(kind, str) else None
    wildcard = "*" in known_strings(values_at(selection.props, "protectedResourceArns"))
    if spec is not None and wildcard and value_at(selection.props, "protectedResourceConditions") is None:
        for holder in stack.of_type(*spec.holders):
            if holder.provider_urn == selection.provider_urn:
                held |= lineage.effective(holder)
    return held


def restore_test_problems(selection: Resource, stack: Stack) -> list[str]:
    """Why the copies a restore testing selection restores are not under the stack's key in their region."""
    kind = value_at(selection.props, "protectedResourceType")
    if isinstance(kind, Unknown):
        return [
            "protectedResourceType is unknown at preview, so the encryption of the copies it restores cannot "
            "be read: set it to a literal"
        ]
    spec = RESTORED_ENCRYPTION.get(kind) if isinstance(kind, str) else None
    if spec is None:
        return []  # Overrides not confirmed for this type: the copy is judged as a copy in the region.
    overrides = value_at(selection.props, OVERRIDES)
    if isinstance(overrides, Unknown):
        return [
            f"{OVERRIDES} is unknown at preview, and chooses the encryption of the {kind} copies it restores"
        ]
    keys = _keys(overrides if isinstance(overrides, Mapping) else {})
    found: list[str] = []
    if spec.algorithm is not None:
        algorithm = overrides[keys[spec.algorithm.lower()]] if spec.algorithm.lower() in keys else None
        shown = f"{spec.default} (what AWS Backup infers)" if algorithm is None else repr(algorithm)
        if algorithm is None:
            algorithm = spec.default
        if isinstance(algorithm, Unknown):
            return [
                f"{OVERRIDES}.{spec.algorithm} is unknown at preview, and chooses the restored copies' key"
            ]
        if isinstance(algorithm, str) and algorithm.lower() in spec.aws_owned:
            return [
                f"its {kind} copies are restored with {spec.algorithm} {shown}, a key AWS owns: override "
                f"{spec.algorithm} to KMS and {spec.key} to the stack's key"
            ]
        if spec.key.lower() not in keys:
            found.append(f"{OVERRIDES}.{spec.key} is not set: name the stack's key for the restored copies")
    if spec.key.lower() in keys:
        path = f"{OVERRIDES}.{keys[spec.key.lower()]}"
        region = effective_region(selection, stack)
        found.extend(f"{path}: {problem}" for problem in key_problems(stack, selection, path, region))
    return found


def _keys(overrides: Mapping) -> dict[str, str]:
    """The overrides' keys by their lower-case spelling (AWS Backup reads them case-insensitively)."""
    return {key.lower(): key for key in overrides if isinstance(key, str)}
