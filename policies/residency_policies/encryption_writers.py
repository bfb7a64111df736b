"""Rule 5, pii-encryption, on writers that choose the encryption of the objects they put into a bucket
(`encryption_types.WRITER_ENCRYPTION`): their choice overrides the bucket's default encryption, as an
object's own `serverSideEncryption` does."""

from __future__ import annotations

import re
from typing import Any

from .attributes import effective_region
from .encryption_keys import key_problems, literal_key_problems
from .encryption_types import WriterEncryption
from .model import Resource, Stack
from .values import ANY_DEPTH, Unknown, is_set, known_strings, value_at, values_at

S3_LOCATION = re.compile(r"s3a?n?://([a-z0-9][a-z0-9.-]*)")
"""A bucket's name in an S3 location (`s3://`, Hadoop's `s3a://` and `s3n://`) inside any text."""
S3_BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:s3/directoryBucket:DirectoryBucket")


def written_buckets(writer: Resource, spec: WriterEncryption, stack: Stack) -> list[Resource]:
    """The stack's buckets a writer puts objects into, by lineage or by name (`s3://bucket/prefix`)."""
    if spec.writes_when is not None and value_at(writer.props, spec.writes_when[0]) != spec.writes_when[1]:
        return []
    found = [d for d in stack.dependencies(writer, spec.bucket) if d.type in S3_BUCKETS]
    for text in known_strings(values_at(writer.props, spec.bucket)):
        if spec.bucket == ANY_DEPTH:
            # Any input of code (an argument `--dest=s3://bucket/`): only an S3 location names a bucket.
            names = S3_LOCATION.findall(text)
        else:
            names = [text.removeprefix("s3://").removeprefix("arn:aws:s3:::").split("/")[0]]
        found.extend(b for name in names for b in stack.named(name) if b.type in S3_BUCKETS)
    return list({b.urn: b for b in found}.values())


def writer_problems(
    writer: Resource, spec: WriterEncryption, stack: Stack, buckets: list[Resource]
) -> list[str]:
    """Why the objects a writer puts into PII buckets are not under the stack's key."""
    names = ", ".join(b.label for b in buckets)
    if spec.configuration is None:
        return _choice_problems(writer, writer, spec, stack, names, _regions(writer, spec, stack, buckets))
    path, kind = spec.configuration
    named = value_at(writer.props, path)
    if named is None:
        return []  # No configuration: the writer sets no encryption of its own; the bucket's default applies.
    configurations = [d for d in stack.dependencies(writer, path) if d.type == kind] or [
        c for name in known_strings([named]) for c in stack.named(name) if c.type == kind
    ]
    if not configurations:
        return [
            f"{path} names a configuration this stack does not declare ({named!r}), whose S3 encryption of "
            f"what it writes into {names} cannot be read: declare it in the stack"
        ]
    regions = _regions(writer, spec, stack, buckets)
    return [p for c in configurations for p in _choice_problems(writer, c, spec, stack, names, regions)]


def _regions(writer: Resource, spec: WriterEncryption, stack: Stack, buckets: list[Resource]) -> list[Any]:
    """The regions the writer's key must be in: the named buckets' own (S3 encrypts an object with a key of
    its bucket's region); code that may write into any bucket it is configured with, its own."""
    if spec.bucket == ANY_DEPTH or not buckets:
        return [effective_region(writer, stack)]
    return list(dict.fromkeys(effective_region(b, stack) for b in buckets))


def _choice_problems(
    writer: Resource, holder: Resource, spec: WriterEncryption, stack: Stack, names: str, regions: list[Any]
) -> list[str]:
    """Why the encryption `holder` (the writer, or its configuration) chooses is not the stack's key."""
    where = "" if holder is writer else f" of {holder.label}"
    if spec.s3_managed_when is not None and value_at(holder.props, spec.s3_managed_when) is not None:
        # Present, even empty (`sse_s3 {}` has no fields), it is the choice.
        return [
            f"it writes into {names} with {spec.s3_managed_when}{where}, S3-managed keys that override the "
            f"bucket's default encryption: use {spec.key} with the stack's key instead"
        ]
    if spec.algorithm is None:
        if not is_set(value_at(holder.props, spec.key)):
            if spec.unset_key is None:
                return []  # No key of its own: it writes unencrypted and the bucket's default applies.
            return [
                f"it writes into {names} with no {spec.key}{where}, so under {spec.unset_key}, which "
                f"overrides the bucket's default encryption: set {spec.key} to the stack's key"
            ]
        algorithm = None
    else:
        algorithm = value_at(holder.props, spec.algorithm)
        unset = algorithm is None
        if unset:
            algorithm = spec.default
        if algorithm is None or algorithm in spec.unencrypted:
            return []  # The bucket's default encryption applies, judged on the bucket.
        if isinstance(algorithm, Unknown):
            return [
                f"{spec.algorithm}{where} is unknown at preview, and chooses the encryption of what it "
                f"writes into {names}"
            ]
        kms = "a KMS option" if spec.kms is None else " or ".join(str(k) for k in spec.kms)
        if algorithm in spec.s3_managed:
            shown = f"{algorithm} (its default)" if unset else algorithm
            return [
                f"it writes into {names} with {spec.algorithm}{where} {shown}, S3-managed keys that override "
                f"the bucket's default encryption: set {spec.algorithm} to {kms} with {spec.key} the "
                "stack's key"
            ]
        if spec.kms is not None and algorithm not in spec.kms:
            return [
                f"it writes into {names} with {spec.algorithm}{where} {algorithm!r}, whose keys are not a "
                f"KMS key this stack declares: set {spec.algorithm} to {kms} with {spec.key} the stack's key"
            ]
    found = [
        f"it writes into {names} under {spec.key}{where}: {problem}"
        for region in regions
        for problem in key_problems(stack, holder, spec.key, region)
    ]
    return list(dict.fromkeys(found))


REDSHIFT_STATEMENT = "aws:redshiftdata/statement:Statement"
_UNLOAD = re.compile(
    r"\bUNLOAD\s*\(\s*'(?:[^']|'')*'\s*\)\s*TO\s*'s3://([a-z0-9][a-z0-9.-]*)[^']*'(.*?)(?=;|\Z)",
    re.IGNORECASE | re.DOTALL,
)
"""A Redshift `UNLOAD ('select ...') TO 's3://bucket/prefix' <options>`: the bucket and its options."""
_UNLOAD_KMS_KEY = re.compile(r"\bKMS_KEY_ID\s+'([^']+)'", re.IGNORECASE)
_UNLOAD_BUCKET_DEFAULT = re.compile(r"\bENCRYPTED\s+AUTO\b", re.IGNORECASE)
_UNLOAD_CLIENT_SIDE = re.compile(r"\bMASTER_SYMMETRIC_KEY\b", re.IGNORECASE)
_UNLOAD_CLIENT_SIDE_PROBLEM = (
    "encrypts client-side with MASTER_SYMMETRIC_KEY, a key that is not a KMS key this stack declares: use "
    "KMS_KEY_ID with the stack's key"
)
_UNLOAD_SSE_S3_PROBLEM = (
    "names neither ENCRYPTED AUTO nor KMS_KEY_ID, so Redshift writes the files with SSE-S3, S3-managed keys "
    "that override the bucket's default encryption: add ENCRYPTED AUTO (the bucket's default key) or "
    "KMS_KEY_ID with the stack's key"
)


def unload_problems(statement: Resource, stack: Stack) -> list[tuple[list[Resource], str]]:
    """Why what a Redshift Data API statement's UNLOADs write into the stack's buckets is not under the
    stack's key, with the buckets each writes into: UNLOAD writes SSE-S3 unless `ENCRYPTED AUTO` (the bucket's
    default) or `KMS_KEY_ID` says otherwise (Redshift's UNLOAD reference). SQL unknown at preview is judged as
    code, by what it may reach."""
    found: list[tuple[list[Resource], str]] = []
    for sql in known_strings(values_at(statement.props, "sql")):
        for name, options in _UNLOAD.findall(sql):
            buckets = [b for b in stack.named(name) if b.type in S3_BUCKETS]
            if not buckets:
                continue
            into = f"its UNLOAD into {', '.join(b.label for b in buckets)}"
            key = _UNLOAD_KMS_KEY.search(options)
            if key is not None:
                regions = list(dict.fromkeys(effective_region(b, stack) for b in buckets))
                problems = [p for r in regions for p in literal_key_problems(stack, key.group(1), r)]
                found.extend((buckets, f"{into} names KMS_KEY_ID: {p}") for p in problems)
            elif _UNLOAD_CLIENT_SIDE.search(options):
                found.append((buckets, f"{into} {_UNLOAD_CLIENT_SIDE_PROBLEM}"))
            elif not _UNLOAD_BUCKET_DEFAULT.search(options):
                found.append((buckets, f"{into} {_UNLOAD_SSE_S3_PROBLEM}"))
    return found
