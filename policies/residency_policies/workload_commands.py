"""The simple commands a Kubernetes workload's containers run, as their command lines say.

A container runs its `command` with its `args`; with no `command`, its image's entrypoint runs the `args`
(the entrypoint named by the image's repository: `jpillora/chisel` runs `chisel`), unless the `args` begin
with a program the pack knows or a path (an image with no entrypoint, alpine or busybox, given a command
line). A shell's `-c` script (and
`su -c`, `kubectl exec -- ...`) is read as its own simple commands, line by line, to a depth of three; a
wrapper (`exec`, `timeout`, `env X=1`) is read as the command it runs. Read by `tunnel_commands` (reverse
tunnels) and `lineage_command_urls` (the URLs a command line connects to).
"""

from __future__ import annotations

from typing import Any

from residency_facts.commands import (
    ARCHIVERS,
    AWS_CLI,
    AZURE_STORAGE,
    BITS_TRANSFER,
    BORG,
    CURL,
    DUPLICITY,
    FETCHING_TOOLS,
    GIT,
    GOOGLE_STORAGE,
    HTTPIE,
    KOPIA,
    KUBECTL,
    PASS_THROUGH,
    POWERSHELL_WEB,
    POWERSHELLS,
    RCLONE,
    RESTIC,
    S3_CMDLETS,
    S3CMD,
    SCRIPT_OPTIONS,
    SHELLS,
    VERBATIM_DUMPS,
    WGET,
    WRAPPERS,
)
from residency_facts.tunnels import (
    NETCATS,
    OFFLINE_COMMANDS,
    RELAYS,
    REVERSE_SUBCOMMANDS,
    SSH_CLIENTS,
    TUNNEL_TOOLS,
)

from .lineage_commands import line_commands, nested_script, tool_name, unwrapped
from .model import Resource
from .values import child, elements, is_mapping

KNOWN_PROGRAMS = frozenset().union(
    CURL,
    WGET,
    HTTPIE,
    AWS_CLI,
    S3CMD,
    GOOGLE_STORAGE,
    AZURE_STORAGE,
    RCLONE,
    RESTIC,
    BORG,
    KOPIA,
    DUPLICITY,
    GIT,
    POWERSHELL_WEB,
    BITS_TRANSFER,
    S3_CMDLETS,
    KUBECTL,
    FETCHING_TOOLS,
    SHELLS,
    POWERSHELLS,
    WRAPPERS,
    SCRIPT_OPTIONS,
    VERBATIM_DUMPS,
    ARCHIVERS,
    PASS_THROUGH,
    {"psql", "mysql", "mongosh"},
    OFFLINE_COMMANDS,
    TUNNEL_TOOLS,
    SSH_CLIENTS,
    REVERSE_SUBCOMMANDS,
    {"gost"},
    RELAYS,
    NETCATS,
)
"""The programs the pack reads by what they do (`residency_facts/commands.py`, `tunnels.py`): the transfer,
fetching, dump and archiving tools, shells and wrappers, commands that connect nowhere, tunnel clients."""
_MEMO = "simple commands"
_SKIPPED = frozenset({"metadata", "labels", "annotations", "selector", "affinity", "tolerations"})


def simple_commands(resource: Resource) -> tuple[tuple[str, ...], ...]:
    """Every simple command a workload's containers run (each as its words, a wrapper unwrapped), once."""
    found: tuple[tuple[str, ...], ...] | None = resource.memo.get(_MEMO)
    if found is None:
        commands: list[tuple[str, ...]] = []
        for line in _command_lines(resource.props):
            commands.extend(_commands_of(line, 0))
        found = resource.memo[_MEMO] = tuple(dict.fromkeys(commands))
    return found


def _command_lines(props: Any) -> list[list[str]]:
    """The exec-form command lines of every container-like map of a workload's inputs (one with an image,
    or a command or arguments)."""
    found: list[list[str]] = []
    pending = [props]
    while pending:
        item = pending.pop()
        if isinstance(item, list):
            pending.extend(elements(item))
            continue
        if not is_mapping(item):
            continue
        command = _words(child(item, "command"))
        arguments = _words(child(item, "args")) or []
        image = child(item, "image")
        if command:
            found.append([*command, *arguments])
        elif arguments:
            # The image's entrypoint runs the arguments, unless they begin with a program (an image with
            # none: `alpine` given `[ssh, -R, ...]`).
            first = arguments[0]
            if known_program(tool_name(first)) or first.startswith(("/", "./")) or not isinstance(image, str):
                found.append(arguments)
            else:
                found.append([image_program(image), *arguments])
        pending.extend(child(item, str(k)) for k in item if str(k) not in _SKIPPED)
    return found


def _words(value: Any) -> list[str] | None:
    """A command line given as a list of strings (None when it is not one)."""
    if not isinstance(value, list):
        return None
    words = [w for w in elements(value) if isinstance(w, str)]
    return words or None


def known_program(tool: str) -> bool:
    """Whether the pack reads a program by what it does (`KNOWN_PROGRAMS`)."""
    return tool in KNOWN_PROGRAMS


def image_program(image: str) -> str:
    """The program an image's entrypoint runs, by its repository's last segment (`jpillora/chisel:1.10.1`
    runs `chisel`)."""
    return image.split("@", 1)[0].rsplit("/", 1)[-1].split(":", 1)[0].lower()


def _commands_of(words: list[str], depth: int) -> list[tuple[str, ...]]:
    words = unwrapped(words)
    if not words:
        return []
    script = nested_script(words)
    if script is None:
        return [tuple(words)]
    if depth >= 3 or not script:
        return []
    found: list[tuple[str, ...]] = []
    for line in script.replace("\\\n", " ").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        for inner, _ in line_commands(line):
            found.extend(_commands_of(inner, depth + 1))
    return found
