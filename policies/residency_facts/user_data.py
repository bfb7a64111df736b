"""User data and lifecycle scripts: the scripts an instance runs at boot, and what of them the pack reads.

Where each type takes it, and whether as text or base64 (the SDK inputs, checked 2026-12-03 against the
pinned pulumi-aws: an Instance's, a SpotInstanceRequest's and a LaunchConfiguration's `userData` is text and
`userDataBase64` base64, gzip allowed; a LaunchTemplate's `userData` is base64; a Lightsail instance's
`userData` is text). cloud-init reads it as a shell script (`#!`), a cloud-config (`#cloud-config`), a
MIME multi-part message of those, or an include list (`#include`, `#include-once`, a `text/x-include-url`
part: user data kept at URLs, which the stack does not show).

A SageMaker lifecycle configuration is the same kind of script, kept in a resource of its own (reviewer
blind-data15 a10): a notebook instance lifecycle configuration's `onCreate` and `onStart` (base64 shell
scripts the instance that names it by `lifecycleConfigName` runs as root when it is created and every time it
starts, with the instance's role) and a Studio lifecycle configuration's `studioLifecycleConfigContent`
(base64, run by the JupyterLab, Code Editor, JupyterServer or KernelGateway apps of the domain, user
profile or space whose settings name it, with their execution role). Each is code itself: it reads what
the instance or app that runs it holds (`mechanisms.CODE_ASSOCIATIONS`), and its commands are read as user
data's are. Scripts kept outside the stack's inputs (an EMR cluster's bootstrap action `path`, an Airflow
environment's `startupScriptS3Path`, a Studio app's image) are code the stack does not show, judged on what
the code is configured with, as a program a script downloads and runs is.

Its commands are read by what they do with the pack's one reader of command lines (the transfer tools and
the tools that only fetch code are in `commands.py`): an upload's target is a destination, a package
manager's or a download's source is not (it names where code comes from, not where data goes).
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
        "aws:sagemaker/notebookInstanceLifecycleConfiguration:NotebookInstanceLifecycleConfiguration": (
            ("onCreate", BASE64),
            ("onStart", BASE64),
        ),
        "aws:sagemaker/studioLifecycleConfig:StudioLifecycleConfig": (
            ("studioLifecycleConfigContent", BASE64),
        ),
    }
)
"""The inputs each type takes its user data (or lifecycle scripts) in, and their encoding."""

INCLUDE_MARKERS = ("#include", "#include-once", "text/x-include-url", "text/x-include-once-url")
"""cloud-init forms that fetch the user data itself from URLs: what the instance runs is not in the stack."""

CLOUD_CONFIG_DOWNLOAD_KEYS = frozenset(
    {"baseurl", "mirrorlist", "metalink", "gpgkey", "keyserver", "source", "uri", "key"}
)
"""cloud-config keys whose value is where a package repository, its key or a file comes from (`yum_repos`,
`apt.sources`, `write_files[].source`)."""
