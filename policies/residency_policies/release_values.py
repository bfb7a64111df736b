"""A Helm release's values as Helm merges them: the files of `valueYamlFiles` in order, `values` over them.

pulumi-kubernetes' `helm.v3.Release` reads each asset of `valueYamlFiles` as a YAML values file (Helm's
`-f`) and merges `values` over them, `values` taking precedence (the SDK's docs of `valueYamlFiles`); Helm
merges maps key by key and replaces any other value. The SDK sends a StringAsset's text, so a values file
given as one is read here: its values join the release's `values` (`release_props`), and every rule reads
them as if they were written inline (reviewer blind-k8s15 k12).

A FileAsset is sent as its path only, relative to the program's directory, which the analyzer is never told
(an AnalyzeStack request holds the resources alone; the analyzer's handshake names the policy pack's own
directory): the pack cannot read it, nor a RemoteAsset, an archive, an asset unknown at preview or a text that
is no YAML map. Those stay in `valueYamlFiles`, named by `unreadable_value_files`: the rules that read a
release's values fail closed on them (`lineage_charts`, `triaged`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from .values import Unknown, child, elements

HELM_RELEASE = "kubernetes:helm.sh/v3:Release"
VALUE_FILES = "valueYamlFiles"

UNREADABLE_VALUES_FIX = (
    "pass the values inline (`values=`) or the file's text as a `pulumi.StringAsset` "
    "(`pulumi.StringAsset(Path('values.yaml').read_text())`): the analyzer is sent a FileAsset's path only, "
    "relative to a program directory it is not told"
)
"""How to make a release's values files readable, for a message."""


def release_props(
    props: Mapping[str, Any], dependencies: Mapping[str, tuple[str, ...]]
) -> tuple[Mapping[str, Any], Mapping[str, tuple[str, ...]]]:
    """A release's inputs with the values of its readable values files merged under its `values` (which win),
    and those files dropped from `valueYamlFiles`; the files' dependencies become the values' too."""
    files = props.get(VALUE_FILES) if isinstance(props, Mapping) else None
    if not isinstance(files, list) or not files:
        return props, dependencies
    merged: Any = {}
    unread: list[Any] = []
    for asset in elements(files):
        read = _read(asset)
        if read is None:
            unread.append(asset)
        else:
            merged = _merged(merged, read)
    if len(unread) == len(files):
        return props, dependencies
    values = child(props, "values")
    changed = dict(props)
    changed["values"] = values if isinstance(values, Unknown) else _merged(merged, values or {})
    changed[VALUE_FILES] = unread
    moved = dict(dependencies)
    urns = (*dependencies.get("values", ()), *dependencies.get(VALUE_FILES, ()))
    if urns:
        moved["values"] = tuple(dict.fromkeys(urns))
    return changed, moved


def unreadable_value_files(props: Mapping[str, Any]) -> list[str]:
    """The values files of a release the pack cannot read, in words (empty when it reads them all)."""
    return [_shown(asset) for asset in elements(child(props, VALUE_FILES)) if asset not in (None, "")]


def _read(asset: Any) -> Mapping[str, Any] | None:
    """The values a StringAsset's text holds (a YAML map; an empty file holds none), else None."""
    text = getattr(asset, "text", None)
    if not isinstance(text, str) or isinstance(asset, str | Mapping):
        return None
    try:
        parsed = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    if parsed is None:
        return {}
    return parsed if isinstance(parsed, Mapping) else None


def _merged(base: Any, over: Any) -> Any:
    """Helm's merge of two values maps: maps key by key, any other value replaced by `over`'s."""
    if not isinstance(base, Mapping) or not isinstance(over, Mapping):
        return over
    result = dict(base)
    for key, value in over.items():
        result[key] = _merged(result[key], value) if key in result else value
    return result


def _shown(asset: Any) -> str:
    if isinstance(asset, Unknown):
        return "a file unknown at preview"
    for attribute in ("path", "uri"):
        value = getattr(asset, attribute, None)
        if isinstance(value, str):
            return f"the {type(asset).__name__} {value!r}"
    if isinstance(getattr(asset, "text", None), str):
        return "a StringAsset whose text is not a YAML map of values"
    return f"{type(asset).__name__} (not a text the pack can read)"
