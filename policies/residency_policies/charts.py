"""Which reviewed chart a Helm v3 release installs, and whether the review covers what the release runs.

A release is recognised by its chart's name (`residency_facts/charts.py`), wherever it comes from: what its
role makes the rules check (a log shipper's destinations, a tunnel's routes, a UI's publication) applies to
any chart of that name. The review relieves the release of the opaque rule only when it covers the release:
the chart comes from one of its reviewed repositories, its values can be read (known at preview, no value
files, no post-renderer, no reuse of a previous release's values) and run nothing the review has not seen (an
image that is not one of the chart's, objects of their own).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from residency_facts.charts import CHARTS_BY_NAME, READING_ROLES, ReviewedChart

from .environment import configuration_names_in
from .model import Resource, Stack
from .release_values import HELM_RELEASE, UNREADABLE_VALUES_FIX, unreadable_value_files
from .values import UNKNOWN, Unknown, as_bool, child, elements, value_at, values_at

_EXTRA_OBJECTS = frozenset(
    {"extraobjects", "extramanifests", "extradeploy", "extraresources", "extratemplates", "extrak8smanifests"}
)
"""Values keys (any case) by which charts render whatever objects they are given (`extraObjects`,
`extraManifests`, ...), and `extras.manifests` (the Kubernetes Dashboard's)."""
_REUSE = "it reuses the values of the release it replaces, which the pack cannot read (reuseValues)"
_UNREADABLE_INPUTS = {
    "postrender": "a post-renderer rewrites what the chart renders (postrender)",
}


def chart_name(resource: Resource) -> str | None:
    """The name of the chart a release installs: the last path segment of its `chart` (an OCI reference's
    too), or None when it is not a known string."""
    chart = child(resource.props, "chart")
    if not isinstance(chart, str) or not chart.strip():
        return None
    return chart.strip().rstrip("/").rsplit("/", 1)[-1]


def chart_repository(resource: Resource) -> str | None:
    """Where a release's chart comes from, as the table writes repositories: an OCI reference's path without
    its last segment, else `repositoryOpts.repo` without its scheme and trailing slash; None when neither
    names one (a local path, a `repo/name` of the deployer's local Helm configuration)."""
    chart = child(resource.props, "chart")
    if isinstance(chart, str) and chart.strip().lower().startswith("oci://"):
        return chart.strip().rstrip("/").rsplit("/", 1)[0].lower()
    repository = value_at(resource.props, "repositoryOpts.repo")
    if not isinstance(repository, str) or not repository.strip():
        return None
    text = repository.strip().rstrip("/").lower()
    for scheme in ("https://", "http://"):
        text = text.removeprefix(scheme)
    return text


def reviewed_chart(resource: Resource) -> ReviewedChart | None:
    """The reviewed chart a Helm v3 release installs, by its name (the entry of its repository when several
    charts share the name); None for any other resource or chart."""
    if resource.type != HELM_RELEASE:
        return None
    if "reviewed chart" not in resource.memo:
        entries = CHARTS_BY_NAME.get(chart_name(resource) or "", ())
        repository = chart_repository(resource)
        found = next((e for e in entries if repository in e.repositories), entries[0] if entries else None)
        resource.memo["reviewed chart"] = found
    chart: ReviewedChart | None = resource.memo["reviewed chart"]
    return chart


def reading_chart_releases(stack: Stack) -> list[Resource]:
    """The stack's releases of reviewed charts whose code reads their cluster's data (shippers, backups)."""
    return [
        r
        for r in stack.of_type(HELM_RELEASE)
        if (chart := reviewed_chart(r)) is not None and chart.role in READING_ROLES
    ]


def review_gaps(resource: Resource, chart: ReviewedChart) -> list[str]:
    """Why the review of its chart does not cover a release (empty: it does)."""
    gaps: list[str] = []
    repository = chart_repository(resource)
    if repository not in chart.repositories:
        gaps.append(
            f"it is installed from {repository or 'a repository its inputs do not name'}, not from "
            f"{' or '.join(chart.repositories)}"
        )
    values = child(resource.props, "values")
    if isinstance(values, Unknown):
        gaps.append("its values are unknown at preview")
    files = unreadable_value_files(resource.props)
    if files:
        gaps.append(unreadable_values(files, fix=False))
    for key, why in _UNREADABLE_INPUTS.items():
        if any(v not in (None, "", [], {}) for v in values_at(resource.props, key)):
            gaps.append(why)
    reuse = as_bool(child(resource.props, "reuseValues"))
    if reuse is True or isinstance(reuse, Unknown):
        gaps.append(_REUSE)
    for image in chart_images(values):
        if isinstance(image, Unknown):
            gaps.append("its values name an image unknown at preview")
        elif image_name(image) not in chart.images:
            gaps.append(f"its values run the image {image}, which is not one of the chart's")
    extras = extra_objects(values)
    if extras:
        gaps.append(f"its values add objects of their own ({', '.join(extras)})")
    return list(dict.fromkeys(gaps))


def unreadable_values(files: list[str], fix: bool = True) -> str:
    """Why a release's values cannot be read from its files (and how to make them readable), for a message."""
    how = f"; {UNREADABLE_VALUES_FIX}" if fix else ""
    return f"its values are read from files the pack cannot read (valueYamlFiles: {', '.join(files)}{how})"


def image_name(image: str) -> str:
    """The last path segment of an image reference, without its tag or digest (`cr.fluentbit.io/fluent/
    fluent-bit:3.1` -> `fluent-bit`)."""
    name = image.strip().split("@", 1)[0].rsplit("/", 1)[-1]
    return name.split(":", 1)[0].lower()


def chart_images(values: Any) -> list[Any]:
    """The images a chart's values name: a string under a key that ends in `image` (any case: `image`,
    `enterpriseImage`, an extra container's `image`), or the `repository` and `name` of a map under such a key
    (`image: {repository: ..., tag: ...}`, cert-manager's `image.name`); UNKNOWN for one unknown at
    preview."""
    found: list[Any] = []
    pending = [values]
    while pending:
        item = pending.pop()
        if isinstance(item, Mapping):
            for key in item:
                inner = child(item, key)
                if str(key).lower().endswith("image"):
                    if isinstance(inner, Unknown):
                        found.append(UNKNOWN)
                    elif isinstance(inner, str) and inner.strip():
                        found.append(inner.strip())
                    elif isinstance(inner, Mapping):
                        for part in ("repository", "name"):
                            value = child(inner, part)
                            if isinstance(value, Unknown):
                                found.append(UNKNOWN)
                            elif isinstance(value, str) and value.strip():
                                found.append(value.strip())
                    continue
                pending.append(inner)
        elif isinstance(item, list):
            pending.extend(elements(item))
    return found


def extra_objects(values: Any) -> list[str]:
    """The values keys by which a chart is given objects of its own to render, when they hold any."""
    found: list[str] = []
    pending: list[tuple[str, Any]] = [("", values)]
    while pending:
        parent, item = pending.pop()
        if isinstance(item, Mapping):
            for key in item:
                inner = child(item, key)
                extra = str(key).lower() in _EXTRA_OBJECTS or (parent == "extras" and key == "manifests")
                if extra and inner not in (None, "", [], {}):
                    found.append(f"{parent}.{key}" if parent == "extras" else str(key))
                else:
                    pending.append((str(key), inner))
        elif isinstance(item, list):
            pending.extend((parent, e) for e in elements(item))
    return sorted(found)


def release_namespace(resource: Resource) -> Any:
    """The namespace a release installs its chart's objects into (`default` when it names none)."""
    namespace = child(resource.props, "namespace")
    return "default" if namespace in (None, "") else namespace


def configuration_names(resource: Resource) -> set[str]:
    """The ConfigMaps and Secrets of its namespace a chart's values make its pods read: a name under a key
    that starts with `existing` (`existingConfigMap`, `existingConfigMaps`, `existingSecret`, the
    collector's `configMap.existingName`), `extraSecretRef`, and every reference a pod spec makes
    (`environment.configuration_names_in`: the `name` of any `configMapRef`, `secretRef`, `configMapKeyRef`
    or `secretKeyRef` of `envFrom`, `extraEnvsFrom`, an environment entry's `valueFrom`), also inside a
    value given as YAML text (the Airflow chart's `extraEnvFrom`; reviewer blind-k8s14 a10)."""
    values = child(resource.props, "values")
    found = configuration_names_in(values, texts=True)
    pending = [values]
    while pending:
        item = pending.pop()
        if isinstance(item, Mapping):
            for key in item:
                inner = child(item, key)
                lowered = str(key).lower()
                if lowered.startswith("existing") or lowered == "extrasecretref":
                    for name in elements(inner):
                        name = child(name, "name") if isinstance(name, Mapping) else name
                        if isinstance(name, str) and name:
                            found.add(name)
                pending.append(inner)
        elif isinstance(item, list):
            pending.extend(elements(item))
    return found
