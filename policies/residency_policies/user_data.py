"""How the pack reads an instance's user data: the script it runs at boot, decoded, by what its commands do.

Decision (blind spot 3 of issue #8). User data is code's configuration, as a function's environment is: it
is decoded (base64, gzip) and read as text by every rule, with what cannot be a destination taken out. A
package manager's or a download's source (`yum install https://s3.amazonaws.com/...`, `curl -o x https://...`,
a cloud-config `baseurl`) is where software comes from, so a bootstrap script that installs packages or an
agent names no place the instance's data goes (`lineage_commands.fetches_only`); everything else stays in
the text and is judged as code's configuration is (a region, an ARN, a host of the stack or a public host it
names). What the script provably sends is read by the pack's one reader of command lines
(`lineage_commands`, as a container's command line and Systems Manager's commands are), from its commands
(`Script.commands`: a cloud-config list item as the command line it runs): an uploading curl, wget or
PowerShell web command, data substituted into a URL, `git push`, an `s3://` target of `aws s3`, `s3cmd`,
`s3api` or `Write-S3Object` (a bucket the stack does not declare, in a region the command does not name, is
untraceable; an `--endpoint-url` outside AWS is outside AWS). What cannot be read fails closed on an
instance that reaches resident data (`unreadable_places`): user data that does not decode to text, user
data fetched from URLs (`#include`), and user data unknown at preview computed from a resident store (its
commands sit beside the store's address). A program the script downloads and runs (`curl ... | sh`) is
code the stack does not show, as an image's is: judged on what the instance is configured with.
"""

from __future__ import annotations

import base64
import binascii
import functools
import gzip
import re
import shlex
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

import yaml

from residency_facts.user_data import BASE64, CLOUD_CONFIG_DOWNLOAD_KEYS, INCLUDE_MARKERS, USER_DATA

from .values import Unknown, value_at

if TYPE_CHECKING:
    from .lineage import Lineage
    from .locations import Location
    from .model import Resource

MEMO = "user data"
"""Where a resource keeps what its user data read as (`Resource.memo`)."""
EKS_CLUSTER = "aws:eks/cluster:Cluster"


class Script(NamedTuple):
    """User data as the pack reads it."""

    text: str
    """The text with the commands that only fetch code taken out."""
    commands: str
    """Its command lines, one a line, a cloud-config list item as the command it runs (what
    `lineage_commands` reads for the places it sends to)."""
    includes: bool
    """Whether it fetches the user data itself from URLs (cloud-init `#include`)."""


class Unreadable(NamedTuple):
    """User data that does not decode to text."""

    why: str


def readable_props(resource_type: str, props: Mapping[str, Any]) -> tuple[Mapping[str, Any], list[Any]]:
    """The inputs with their user data decoded and read (`Script.text`), and what each input read as."""
    spec = USER_DATA.get(resource_type)
    if spec is None:
        return props, []
    changed = dict(props)
    read: list[Any] = []
    for path, encoding in spec:
        value = value_at(changed, path)  # A value unknown at preview is read as unknown, not as text.
        if not isinstance(value, str) or not value:
            continue
        text = _decoded(value) if encoding == BASE64 else value
        if isinstance(text, Unreadable):
            read.append((path, text))
            continue
        script = read_script(text)
        changed[path] = script.text
        read.append((path, script))
    return changed, read


def _decoded(value: str) -> str | Unreadable:
    """Base64 user data as text (gzip is decompressed, as cloud-init does)."""
    try:
        data = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        return Unreadable("does not decode from base64")
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError):
            return Unreadable("is gzip data that does not decompress")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return Unreadable("does not decode to text")


_KEY_LINE = re.compile(r"^\s*-?\s*([A-Za-z_]+)\s*:\s*\S")


@functools.lru_cache(maxsize=256)
def read_script(text: str) -> Script:
    """A script (shell, cloud-config, MIME parts) read by what its commands do (see the module)."""
    from .lineage_commands import (  # lineage_commands imports model, which reads this
        fetches_only,
        line_commands,
    )

    kept: list[str] = []
    commands: list[str] = []
    stripped = text.lstrip()
    includes = stripped.startswith("#include") or any(m in text for m in INCLUDE_MARKERS[2:])
    for line in text.splitlines():
        key = _KEY_LINE.match(line)
        if key is not None and key.group(1).lower() in CLOUD_CONFIG_DOWNLOAD_KEYS:
            continue  # A repository's, a key's or a file's source.
        command_line = _unlisted(line)
        simple = [words for words, _ in line_commands(command_line)] if command_line else []
        fetching = [fetches_only(words) for words in simple]
        if not any(fetching):
            kept.append(line)
            commands.append(command_line)
            continue
        # The commands that only fetch code are taken out of what is read as configuration.
        rest = " ; ".join(
            shlex.join(words) for words, fetches in zip(simple, fetching, strict=True) if not fetches
        )
        kept.append(rest)
        commands.append(rest)
    return Script("\n".join(kept), "\n".join(commands), includes)


def _unlisted(line: str) -> str:
    """A cloud-config list item's command (`  - curl ...`, `- [ sh, -c, "curl ... | sh" ]`) as a command
    line (a list's words quoted, so that `sh -c`'s script stays one word)."""
    item = line.strip()
    if item.startswith("- "):
        item = item[2:].strip()
        if item.startswith("[") and item.endswith("]"):
            try:
                words = yaml.safe_load(item)
            except yaml.YAMLError:
                words = [p.strip().strip("'\"") for p in item[1:-1].split(",")]
            return shlex.join(str(w) for w in words) if isinstance(words, list) else item
        item = item.strip("'\"")
    return item


def command_lines(resource: Resource) -> list[str]:
    """The command lines of a resource's user data, as `lineage_commands` reads them."""
    return [script.commands for _, script in resource.memo.get(MEMO, ()) if isinstance(script, Script)]


def unreadable_places(lineage: Lineage, resource: Resource) -> list[Location]:
    """User data the pack cannot read, where the instance reaches resident data (see the module)."""
    spec = USER_DATA.get(resource.type)
    if spec is None:
        return []
    found = []
    fix = (
        "give the script itself, as text or base64 of text (or gzip of it), so that where it sends can be "
        "judged"
    )
    for path, script in resource.memo.get(MEMO, ()):
        if isinstance(script, Unreadable):
            found.append(_closed(f"the {path} of {resource.label}, which {script.why}: {fix}"))
        elif script.includes:
            found.append(
                _closed(
                    f"the user data {resource.label} fetches from URLs ({path}: #include), which the stack "
                    f"does not show: {fix}"
                )
            )
    resident = lineage.settings.resident_classifications
    for path, _ in spec:
        if not any(isinstance(v, Unknown) for v in resource.values_at(path)):
            continue
        stores = [
            d.label
            for d in lineage.stack.dependencies(resource, path)
            # A node's bootstrap names its cluster's endpoint and certificate: its API, not its data.
            if d.type != EKS_CLUSTER
            and any(lineage.effective(r) & resident for r in [d, *lineage.stack.descendants(d)])
        ]
        if stores:
            found.append(
                _closed(
                    f"the commands of the {path} of {resource.label} (unknown at preview: computed from "
                    f"{', '.join(dict.fromkeys(stores))}, the script names them beside the store's address; "
                    "build the script from literal values and read the address at boot, from a parameter or "
                    "secret named by its literal ARN, so that where it sends can be judged)"
                )
            )
    return found


def _closed(description: str) -> Location:
    from .locations import Location

    return Location(description, None, None, host=True)
