"""What a SageMaker pipeline's definition names, step by step, by its fields (`residency_facts`).

Decision (reviewer blind-data15 a11): a Processing step that reads the PII bucket (`ProcessingInputs`) and
writes its output to a bucket the stack does not declare (`ProcessingOutputConfig.Outputs[].S3Output.S3Uri`)
was no copy: the definition was read as one text, where an `s3://` URI of an undeclared bucket names no place.
It is now read as a state machine's definition is (`lineage_documents`): each step's reads are the pipeline's
sources, each step's writes its destinations, resolved among the stack's resources (an undeclared bucket may
be in any region and account: untraceable). A parameter names its default value (an execution that
overrides it is an operator's choice outside the stack, as a state machine's input is); a property of
another step (`Steps.X....`) is where that step wrote, judged there. What cannot be read fails closed as a
destination: a step of a type the table does not list, an output location the pack cannot resolve (a
parameter without a default, a run-time value in its bucket), a definition that does not parse (SageMaker
rejects it too). A definition unknown at preview, computed from a resident store, fails closed in
`lineage_code` as other programs do. The table of step types is `residency_facts/pipeline_steps.py`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from residency_facts.pipeline_steps import NAME_SERVICES, STEP_FIELDS

from .model import parse_arn
from .sdk_payloads import Named
from .values import values_at

PIPELINE = "aws:sagemaker/pipeline:Pipeline"
_PLACEHOLDER = "{}"
"""What an unreadable piece of a `Std:Join` reads as: a bucket named by one names nothing."""


@dataclass
class PipelineReading:
    """What a pipeline definition's steps name."""

    reads: list[Named] = field(default_factory=list)
    writes: list[Named] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)
    """What of its writes cannot be read, each saying what to review."""


def read_pipeline(text: str) -> PipelineReading | None:
    """The names a pipeline definition's steps read and write (None when the text is no definition)."""
    try:
        definition = json.loads(text)
    except ValueError:
        return None
    if not isinstance(definition, Mapping) or not isinstance(definition.get("Steps"), list):
        return None
    defaults: dict[str, str] = {}
    for parameter in definition.get("Parameters") or []:
        if isinstance(parameter, Mapping) and isinstance(parameter.get("Name"), str):
            default = parameter.get("DefaultValue")
            if isinstance(default, str):
                defaults[parameter["Name"]] = default
    reading = PipelineReading()
    pending = list(definition["Steps"])
    while pending:
        step = pending.pop(0)
        if not isinstance(step, Mapping):
            continue
        kind, name = step.get("Type"), step.get("Name", "?")
        fields = STEP_FIELDS.get(kind) if isinstance(kind, str) else None
        if fields is None:
            reading.unread.append(
                f"step {name!r} of type {kind!r}, a kind the pack does not read (residency_facts/"
                "pipeline_steps.py): review what it reads and writes and add it there"
            )
            continue
        for path in fields.steps:
            pending.extend(values_at(step, path))
        for path in fields.reads:
            for value in values_at(step, path):
                for text_value in _texts(value, defaults):
                    if text_value is not None:
                        reading.reads.extend(_named(text_value, path, name))
        for path in fields.writes:
            for value in values_at(step, path):
                for text_value in _texts(value, defaults):
                    named = _named(text_value, path, name) if text_value is not None else []
                    if text_value is None or (_PLACEHOLDER in text_value and not named):
                        reading.unread.append(
                            f"{path.rsplit('.', 1)[-1]} of step {name!r} ({kind}), named by a value the "
                            "pack cannot read (a parameter without a default, a run-time value): write the "
                            "location as a literal, or as a parameter's default"
                        )
                    reading.writes.extend(named)
    return reading


def _texts(value: Any, defaults: Mapping[str, str]) -> list[str | None]:
    """The texts a definition's value reads as (None for one the pack cannot read; none for another step's
    property, judged at that step)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v, defaults)]
    if not isinstance(value, Mapping):
        return []
    got = value.get("Get")
    if isinstance(got, str):
        if got.startswith("Parameters."):
            return [defaults.get(got.removeprefix("Parameters."))]
        if got.startswith("Steps."):
            return []
        return [None]
    join = value.get("Std:Join")
    if isinstance(join, Mapping) and isinstance(join.get("Values"), list):
        separator = join.get("On") if isinstance(join.get("On"), str) else ""
        pieces = []
        for piece in join["Values"]:
            texts = _texts(piece, defaults)
            pieces.append(texts[0] if len(texts) == 1 and texts[0] is not None else _PLACEHOLDER)
        return [str(separator).join(pieces)]
    return [None]


def _named(text: str, path: str, step: object) -> list[Named]:
    """The names one text of a step's field holds: an `s3://` URI's bucket, an ARN, a bare name (among the
    services of its member, `residency_facts/pipeline_steps.NAME_SERVICES`), `s3://` URIs inside a job's
    arguments."""
    member = path.rsplit(".", 1)[-1].removesuffix("[]")
    where = f"{path} of step {step!r}"
    found: list[Named] = []
    for word in text.replace("=", " ").split() if member == "Args" else [text]:
        if word.startswith(("s3://", "s3a://", "s3n://")):
            bucket = word.split("://", 1)[1].split("/", 1)[0]
            if bucket and _PLACEHOLDER not in bucket:
                found.append(Named(bucket, ("s3",), where, global_name=True))
        elif member != "Args" and parse_arn(word) is not None:
            found.append(Named(word, (), where))
        elif member != "Args" and word and _PLACEHOLDER not in word:
            found.append(Named(word, NAME_SERVICES.get(member, ("sagemaker",)), where))
    return found
