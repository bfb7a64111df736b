"""How the pack reads an instance's user data: the script it runs at boot, decoded, by what its commands do.

Decision (blind spot 3 of issue #8). User data is code's configuration, as a function's environment is: it
is decoded (base64, gzip) and read as text by every rule, with what cannot be a destination taken out. A
package manager's or a download's source (`yum install https://s3.amazonaws.com/...`, `curl -o x https://...`,
a cloud-config `baseurl`) is where software comes from, so a bootstrap script that installs packages or an
agent names no place the instance's data goes; everything else stays in the text and is judged as code's
configuration is (a region, an ARN, a host of the stack or a public host it names). What the script provably
sends is a destination besides (`upload_places`): the URL of a `curl` or `wget` that sends a body (`-T`,
`--data*`, `-F`, `--json`, `--post-file`, a `POST`/`PUT`/`PATCH` method) or whose URL carries data
substituted into it (`$(...)`, `$VAR`), a `git push` remote, and the `s3://` target of `aws s3 cp`, `mv` or
`sync` (a bucket the stack does not declare may be in any region and account: untraceable). What cannot be
read fails closed on an instance that reaches resident data (`unreadable_places`): user data that does not
decode to text, user data fetched from URLs (`#include`), and user data unknown at preview computed from a
resident store (its commands sit beside the store's address). A program the script downloads and runs
(`curl ... | sh`) is code the stack does not show, as an image's is: judged on what the instance is
configured with.
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

from residency_facts.user_data import (
    BASE64,
    CLOUD_CONFIG_DOWNLOAD_KEYS,
    DOWNLOAD_COMMANDS,
    FETCH_COMMANDS,
    INCLUDE_MARKERS,
    POWERSHELL_BODY_OPTIONS,
    POWERSHELL_WEB,
    S3_WRITES,
    S3API_WRITES,
    S3CMD_WRITES,
    SENDING_METHODS,
    UPLOAD_OPTIONS,
    USER_DATA,
)

from .values import Unknown, value_at

if TYPE_CHECKING:
    from .lineage import Lineage
    from .locations import Location
    from .model import Resource

MEMO = "user data"
"""Where a resource keeps what its user data read as (`Resource.memo`)."""
EKS_CLUSTER = "aws:eks/cluster:Cluster"


class Upload(NamedTuple):
    """A place a script's command provably sends to: the command, and the URL or `s3://` URI (and the
    S3-compatible endpoint it is sent to, `--endpoint-url`, when one is named)."""

    command: str
    target: str
    endpoint: str = ""


class Script(NamedTuple):
    """User data as the pack reads it."""

    text: str
    """The text with the commands that only fetch code taken out."""
    uploads: tuple[Upload, ...]
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


_SEPARATORS = re.compile(r"\|\||&&|[|;&]")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_SUBSTITUTION = re.compile(r"\$\(|`|\$\{?[A-Za-z_]")
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_PREFIXES = frozenset({"sudo", "env", "nohup", "exec", "time", "command", "-"})
_S3_FLAGS = frozenset(
    {
        "--recursive",
        "--quiet",
        "--dryrun",
        "--no-progress",
        "--delete",
        "--only-show-errors",
        "--follow-symlinks",
        "--no-follow-symlinks",
        "--exact-timestamps",
        "--size-only",
        "--no-guess-mime-type",
        "--force-glacier-transfer",
        "--ignore-glacier-warnings",
        "--no-sign-request",
        "--debug",
    }
)
"""`aws s3` options that take no value (the others take one, which is no positional argument)."""
_KEY_LINE = re.compile(r"^\s*-?\s*([A-Za-z_]+)\s*:\s*\S")


@functools.lru_cache(maxsize=256)
def read_script(text: str) -> Script:
    """A script (shell, cloud-config, MIME parts) read by what its commands do (see the module)."""
    uploads: list[Upload] = []
    kept: list[str] = []
    stripped = text.lstrip()
    includes = stripped.startswith("#include") or any(m in text for m in INCLUDE_MARKERS[2:])
    for line in text.splitlines():
        key = _KEY_LINE.match(line)
        if key is not None and key.group(1).lower() in CLOUD_CONFIG_DOWNLOAD_KEYS:
            continue  # A repository's, a key's or a file's source.
        commands = []
        for command in _SEPARATORS.split(_unlisted(line)):
            fetches, found = _command(command)
            uploads.extend(found)
            if not fetches:
                commands.append(command)
        kept.append(" ; ".join(c.strip() for c in commands if c.strip()) if len(commands) != 1 else line)
    return Script("\n".join(kept), tuple(dict.fromkeys(uploads)), includes)


def _unlisted(line: str) -> str:
    """A cloud-config list item's command (`  - curl ...`, `- [ curl, ... ]`) as a command line."""
    item = line.strip()
    if item.startswith("- "):
        item = item[2:].strip().strip("'\"")
        if item.startswith("[") and item.endswith("]"):
            item = " ".join(p.strip().strip("'\"") for p in item[1:-1].split(","))
    return item


def _words(command: str) -> list[str]:
    try:
        words = shlex.split(command, comments=False, posix=True)
    except ValueError:
        words = command.split()
    while words and (words[0] in _PREFIXES or _ASSIGNMENT.match(words[0])):
        words = words[1:]
    return words


def _command(command: str) -> tuple[bool, list[Upload]]:
    """Whether a command only fetches code, and the places it sends to."""
    words = _words(command)
    if not words:
        return False, []
    name = words[0].replace("\\", "/").rsplit("/", 1)[-1].lower().removesuffix(".exe")
    if name == "git":
        if "push" in words[1:3]:
            return False, [Upload("git push", w) for w in words if _URL.match(w) or ("@" in w and ":" in w)]
        return True, []
    if name in DOWNLOAD_COMMANDS:
        return True, []
    if name in FETCH_COMMANDS or name in POWERSHELL_WEB:
        urls = [w for w in words[1:] if _URL.match(w)]
        if _sends(words) or any(_SUBSTITUTION.search(u) for u in urls):
            return False, [Upload(name, u) for u in urls]
        return bool(urls), []
    if name == "start-bitstransfer":
        if (_option(words, "-transfertype") or "").lower() != "upload":
            return True, []
        return False, [Upload(name, t) for t in [_option(words, "-destination")] if t]
    if name == "write-s3object":
        return False, [Upload(name, f"s3://{b}") for b in [_option(words, "-bucketname")] if b]
    return False, _s3_writes(name, words)


def _s3_writes(name: str, words: list[str]) -> list[Upload]:
    """The bucket (or the S3-compatible endpoint outside AWS, `--endpoint-url`) a command writes to: `aws s3
    cp`, `mv`, `sync` and `s3cmd put`, `cp`, `mv`, `sync` to an `s3://` URI, `aws s3api put-object` and its
    kin to `--bucket`."""
    sub = " ".join(words[1:3]) if name == "aws" else words[1] if name == "s3cmd" and len(words) > 1 else ""
    endpoint = _option(words, "--endpoint-url") or ""
    if (name == "aws" and len(words) > 2 and words[1] == "s3" and words[2] in S3_WRITES) or (
        name == "s3cmd" and sub in S3CMD_WRITES
    ):
        positional = _positional(words[3 if name == "aws" else 2 :])
        if len(positional) >= 2 and positional[-1].startswith("s3://"):
            return [Upload(f"{name} {sub}", positional[-1], endpoint)]
    if name == "aws" and len(words) > 2 and words[1] == "s3api" and words[2] in S3API_WRITES:
        bucket = _option(words, "--bucket")
        if bucket:
            return [Upload(f"aws {sub}", f"s3://{bucket}", endpoint)]
    return []


def _option(words: list[str], name: str) -> str | None:
    """An option's value (`--name value`, `--name=value`; PowerShell's `-Name value`, in any case)."""
    for index, word in enumerate(words):
        option, equals, inline = word.partition("=")
        if option.lower() == name:
            if equals:
                return inline
            return words[index + 1] if index + 1 < len(words) else None
    return None


def _sends(words: list[str]) -> bool:
    """Whether a curl, wget or PowerShell web command sends a body or uses a sending method."""
    for index, word in enumerate(words):
        option, _, inline = word.partition("=")
        if option in UPLOAD_OPTIONS or word.startswith(("--data", "--form", "--post-", "--body-")):
            return True
        if option.lower() in POWERSHELL_BODY_OPTIONS:
            return True
        if option in ("-X", "--request", "--method") or option.lower() == "-method":
            method = inline or (words[index + 1] if index + 1 < len(words) else "")
            if method.upper() in SENDING_METHODS:
                return True
        if word.startswith("-X") and word[2:].upper() in SENDING_METHODS:
            return True
    return False


def _positional(words: list[str]) -> list[str]:
    found: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
            continue
        if word.startswith("--"):
            skip = "=" not in word and word not in _S3_FLAGS
            continue
        found.append(word)
    return found


def upload_places(lineage: Lineage, resource: Resource) -> list[Location]:
    """Where the resource's user data provably sends what the instance reads (see the module)."""
    from .lineage_literals import endpoint_outside_aws, literal_locations  # lineage_literals imports model
    from .locations import Location

    own = lineage.own_region(resource)
    found: list[Location] = []
    for path, script in resource.memo.get(MEMO, ()):
        if not isinstance(script, Script):
            continue
        for upload in script.uploads:
            if upload.endpoint and endpoint_outside_aws(upload.endpoint):
                found.append(
                    Location(
                        f"{upload.target} at {upload.endpoint} (an S3-compatible store outside AWS that "
                        f"`{upload.command}` in the {path} of {resource.label} writes to)",
                        None,
                        None,
                        outside=True,
                    )
                )
            elif upload.target.startswith("s3://"):
                bucket = upload.target[5:].split("/")[0]
                named = [r for r in lineage.stack.named(bucket) if r.type.startswith("aws:s3/bucket")]
                found.extend(lineage.locate(r) for r in named)
                if not named:
                    found.append(
                        Location(
                            f"{upload.target} (a bucket the stack does not declare, which `{upload.command}` "
                            f"in the {path} of {resource.label} writes to: it may be in any region and "
                            "account)",
                            None,
                            None,
                            host=True,
                        )
                    )
            elif endpoint_outside_aws(upload.target):
                found.append(
                    Location(
                        f"{upload.target} (where `{upload.command}` in the {path} of {resource.label} sends, "
                        "outside AWS)",
                        None,
                        None,
                        outside=True,
                    )
                )
            else:
                found.extend(
                    literal_locations(lineage, resource, upload.target, path, False, own, True, True)
                )
    return found


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
