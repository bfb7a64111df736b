"""What a Kubernetes provider's kubeconfig text says about the cluster it reaches and the credentials it uses.

The provider reaches one entry of its kubeconfig: the context its `context` input names, else the text's
`current-context`, with the cluster its `cluster` input names, else that context's cluster (a text with no
context and one cluster: that cluster). A text that lists an EKS cluster and an on-premises one is judged by
the entry the provider picks, not by the regions named anywhere in it. The picked context's user says whose
credentials reach the cluster: an exec plugin that gets an EKS token as a role (`--role-arn`) is that role's
account's principal, one that uses a profile or credentials of its own is in an account that cannot be traced.

A text that is no YAML or JSON mapping is what the provider reads as a file path: nothing in the program says
what that file holds. `attributes` judges the region and account from what this module reads.
"""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from residency_facts.credentials import (
    KUBECONFIG_AWS_COMMANDS,
    KUBECONFIG_OWN_CREDENTIAL_FIELDS,
    KUBECONFIG_OWN_CREDENTIAL_VARIABLES,
    KUBECONFIG_PROFILE_FLAGS,
    KUBECONFIG_ROLE_FLAGS,
    ROLE_VARIABLE,
)


@dataclass(frozen=True)
class Kubeconfig:
    """The entry of a kubeconfig text a provider reaches, as far as the text says."""

    readable: bool
    """A kubeconfig's text; False for anything else, which the provider reads as a file path."""
    picked: bool = False
    """An entry is picked (by the provider's inputs, `current-context`, or the only cluster)."""
    missing: str = ""
    """The context or cluster picked that the text does not hold, in words."""
    server: str = ""
    """The picked cluster's API server, when it names one."""
    texts: tuple[str, ...] = ()
    """What names the picked entry (its cluster's, context's and user's names, the user's exec arguments),
    where a cluster ARN or a region may be read; the whole text when nothing is picked."""
    roles: tuple[str, ...] = ()
    """The roles the picked user's exec plugin gets its token as (`--role-arn`, `AWS_ROLE_ARN`)."""
    own_credentials: str = ""
    """What gives the picked user credentials other than the deployment's, in words (empty: none)."""


def _named(entries: Any, name: Any) -> Mapping[str, Any] | None:
    """The entry of a kubeconfig list (`clusters`, `contexts`, `users`) with this name."""
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, Mapping) and entry.get("name") == name:
            return entry
    return None


def _inner(entry: Mapping[str, Any] | None, key: str) -> Mapping[str, Any]:
    found = entry.get(key) if entry is not None else None
    return found if isinstance(found, Mapping) else {}


@functools.lru_cache(maxsize=64)
def read_kubeconfig(text: str, context: str | None, cluster: str | None) -> Kubeconfig:
    """The entry of a kubeconfig text that a provider with these `context` and `cluster` inputs reaches."""
    try:
        parsed = yaml.safe_load(text)
    except yaml.YAMLError:
        parsed = None
    if not isinstance(parsed, Mapping):
        return Kubeconfig(readable=False)
    clusters, contexts, users = (parsed.get(key) for key in ("clusters", "contexts", "users"))
    chosen = context or parsed.get("current-context") or None
    picked_context = _named(contexts, chosen) if chosen else None
    if chosen and picked_context is None:
        return Kubeconfig(readable=True, picked=True, missing=f"context {chosen}")
    cluster_name = cluster or _inner(picked_context, "context").get("cluster")
    if cluster_name:
        entry = _named(clusters, cluster_name)
        if entry is None:
            return Kubeconfig(readable=True, picked=True, missing=f"cluster {cluster_name}")
    elif picked_context is None and isinstance(clusters, list) and len(clusters) == 1:
        entry = clusters[0] if isinstance(clusters[0], Mapping) else None
    else:
        entry = None
    if picked_context is not None:
        user = _named(users, _inner(picked_context, "context").get("user"))
        picked_users = [user] if user is not None else []
    else:
        picked_users = [u for u in users if isinstance(u, Mapping)] if isinstance(users, list) else []
    roles, own = _credentials(picked_users)
    if entry is None and picked_context is None:
        return Kubeconfig(readable=True, texts=(text,), roles=roles, own_credentials=own)
    names = [str(e.get("name")) for e in (entry, picked_context, *picked_users) if e and e.get("name")]
    arguments = [str(a) for u in picked_users for a in _exec_arguments(u)]
    server = _inner(entry, "cluster").get("server")
    return Kubeconfig(
        readable=True,
        picked=entry is not None,
        server=server if isinstance(server, str) else "",
        texts=tuple(names + arguments),
        roles=roles,
        own_credentials=own,
    )


def _exec_arguments(user: Mapping[str, Any]) -> list[Any]:
    arguments = _inner(_inner(user, "user"), "exec").get("args")
    return arguments if isinstance(arguments, list) else []


def _flag_values(arguments: list[str], flags: tuple[str, ...]) -> list[str]:
    """The values command-line flags are given (`--role-arn X`, `--role-arn=X`)."""
    found = []
    for index, argument in enumerate(arguments):
        for flag in flags:
            if argument == flag and index + 1 < len(arguments):
                found.append(arguments[index + 1])
            elif argument.startswith(f"{flag}="):
                found.append(argument.split("=", 1)[1])
    return found


def _credentials(users: list[Mapping[str, Any]]) -> tuple[tuple[str, ...], str]:
    """The roles the users' exec plugins get tokens as, and what gives them credentials of their own."""
    roles: list[str] = []
    own: list[str] = []
    for user in users:
        settings = _inner(user, "user")
        plugin = _inner(settings, "exec")
        fields = [f for f in KUBECONFIG_OWN_CREDENTIAL_FIELDS if settings.get(f)]
        if fields:
            own.append(f"its user's `{fields[0]}`")
        if not plugin:
            continue
        command = posixpath.basename(str(plugin.get("command") or ""))
        if command and command not in KUBECONFIG_AWS_COMMANDS:
            own.append(f"the exec plugin `{command}`, which gets no AWS token")
            continue
        arguments = [str(a) for a in _exec_arguments(user)]
        roles.extend(_flag_values(arguments, KUBECONFIG_ROLE_FLAGS))
        for profile in _flag_values(arguments, KUBECONFIG_PROFILE_FLAGS):
            own.append(f"the profile {profile} (`--profile`)")
        environment = plugin.get("env")
        for variable in environment if isinstance(environment, list) else []:
            name = variable.get("name") if isinstance(variable, Mapping) else None
            if name == ROLE_VARIABLE:
                roles.append(str(variable.get("value")))
            elif name in KUBECONFIG_OWN_CREDENTIAL_VARIABLES:
                own.append(f"`{name}` in its exec plugin's environment")
    return tuple(roles), "; ".join(dict.fromkeys(own))
