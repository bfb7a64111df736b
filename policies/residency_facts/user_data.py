"""User data: the script an EC2 or Lightsail instance runs at boot, and what of it the pack reads.

Where each type takes it, and whether as text or base64 (the SDK inputs, checked 2026-12-03 against the
pinned pulumi-aws: an Instance's, a SpotInstanceRequest's and a LaunchConfiguration's `userData` is text and
`userDataBase64` base64, gzip allowed; a LaunchTemplate's `userData` is base64; a Lightsail instance's
`userData` is text). cloud-init reads it as a shell script (`#!`), a cloud-config (`#cloud-config`), a
MIME multi-part message of those, or an include list (`#include`, `#include-once`, a `text/x-include-url`
part: user data kept at URLs, which the stack does not show).

The commands below are read by what they do (`residency_policies/user_data.py`): an upload's target is a
destination, a package manager's or a download's source is not (it names where code comes from, not where
data goes).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

TEXT = "text"
BASE64 = "base64"

USER_DATA: Mapping[str, tuple[tuple[str, str], ...]] = MappingProxyType(
    {
        "aws:ec2/instance:Instance": (("userData", TEXT), ("userDataBase64", BASE64)),
        "aws:ec2/spotInstanceRequest:SpotInstanceRequest": (("userData", TEXT), ("userDataBase64", BASE64)),
        "aws:ec2/launchConfiguration:LaunchConfiguration": (("userData", TEXT), ("userDataBase64", BASE64)),
        "aws:ec2/launchTemplate:LaunchTemplate": (("userData", BASE64),),
        "aws:lightsail/instance:Instance": (("userData", TEXT),),
    }
)
"""The inputs each type takes its user data in, and their encoding."""

INCLUDE_MARKERS = ("#include", "#include-once", "text/x-include-url", "text/x-include-once-url")
"""cloud-init forms that fetch the user data itself from URLs: what the instance runs is not in the stack."""

DOWNLOAD_COMMANDS = frozenset(
    {
        "yum",
        "dnf",
        "apt",
        "apt-get",
        "zypper",
        "rpm",
        "amazon-linux-extras",
        "snap",
        "pip",
        "pip3",
        "npm",
        "gem",
        "git",
        "yum-config-manager",
        "dnf-config-manager",
        "add-apt-repository",
        "docker",
        "helm",
        "gpg",
        "rpm-import",
        "msiexec",
        "choco",
        "winget",
        "install-package",
        "install-module",
    }
)
"""Commands that fetch code (packages, repositories, images, keys) from the places they name: a host or URL
they name is where software comes from, not where the instance's data goes."""

FETCH_COMMANDS = frozenset({"curl", "wget"})
"""Commands that fetch from a URL unless told to send (an upload option below, data substituted into the
URL): then the URL is a destination."""

UPLOAD_OPTIONS = frozenset(
    {
        "-T",
        "--upload-file",
        "-d",
        "--data",
        "--data-binary",
        "--data-raw",
        "--data-urlencode",
        "--data-ascii",
        "-F",
        "--form",
        "--form-string",
        "--json",
        "--post-file",
        "--post-data",
        "--body-file",
        "--body-data",
    }
)
"""curl's and wget's options that send a body (a file, standard input, data) to the URL."""

SENDING_METHODS = frozenset({"POST", "PUT", "PATCH"})
"""HTTP methods that send what the request carries (`-X`, `--request`, `--method`)."""

S3_WRITES = frozenset({"cp", "mv", "sync"})
"""`aws s3` subcommands whose last argument is where they write (an `s3://` URI there is a destination)."""
S3CMD_WRITES = frozenset({"put", "cp", "mv", "sync"})
"""s3cmd's subcommands whose last argument is where they write."""
S3API_WRITES = frozenset({"put-object", "upload-part", "copy-object", "create-multipart-upload"})
"""`aws s3api` operations that write into the bucket their `--bucket` names."""

POWERSHELL_WEB = frozenset({"invoke-webrequest", "iwr", "invoke-restmethod", "irm"})
"""PowerShell's web commands (a Windows instance's `<powershell>` user data): they fetch from their `-Uri`
unless they send a body or use a sending method; `Start-BitsTransfer` fetches unless `-TransferType
Upload`, and `Write-S3Object` writes into its `-BucketName`."""
POWERSHELL_BODY_OPTIONS = frozenset({"-infile", "-body", "-form"})
"""PowerShell web options that send a body (a file, an object, a form)."""

CLOUD_CONFIG_DOWNLOAD_KEYS = frozenset(
    {"baseurl", "mirrorlist", "metalink", "gpgkey", "keyserver", "source", "uri", "key"}
)
"""cloud-config keys whose value is where a package repository, its key or a file comes from (`yum_repos`,
`apt.sources`, `write_files[].source`)."""
