"""A SageMaker lifecycle configuration is a boot script: read decoded, by what its commands do.

Reviewer blind-data15 a10: a PII notebook instance (the stack's key, VPC only) ran a notebook instance
lifecycle configuration whose base64 `onStart` script copied extracts of the PII bucket into the home
directory and ran `aws s3 sync` of it to a bucket the stack does not declare, in us-east-1. The pack decoded
EC2 user data but took a lifecycle configuration for a neutral resource: its scripts were never read. A
lifecycle script (a notebook instance's `onCreate` / `onStart`, a Studio `studioLifecycleConfigContent`) is
now code, read as user data is: it reads what the notebook instance or the Studio domain, user profile, space
or app that runs it holds, its transfer commands send where they name, and what cannot be read (not base64,
computed from a PII store at preview) fails closed. Each test is the compliant notebook (or domain) with one
script, changed in one place.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII
from tests.policies.policy_harness import UNKNOWN, Diagnostic, Res, messages, violations

RULES = ("no-pii-replication", "anonymised-only-replication")
LAKE = "crm-lake-eu"
NOTEBOOK_CONFIG = (
    "aws:sagemaker/notebookInstanceLifecycleConfiguration:NotebookInstanceLifecycleConfiguration"
)
STUDIO_CONFIG = "aws:sagemaker/studioLifecycleConfig:StudioLifecycleConfig"
COMPLIANT = (
    "#!/bin/bash\nset -e\npip install --quiet pandas pyarrow\n"
    f"aws s3 cp --recursive s3://{LAKE}/extracts/ /home/ec2-user/SageMaker/extracts/\n"
    f"aws s3 sync /home/ec2-user/SageMaker/results s3://{LAKE}/results/\n"
)
"""Installs packages, downloads extracts of the lake and writes results back into it: nothing leaves."""
BACKUP = (
    "nohup aws s3 sync /home/ec2-user/SageMaker s3://acme-ds-team-backup/notebooks/ --region us-east-1 &\n"
)
"""The reviewer's line: the home directory, extracts included, synced to us-east-1."""


def _on(found: list[Diagnostic], resource: Res) -> str:
    return messages([d for d in found if d.urn == resource.urn])


def _b64(script: str) -> str:
    return base64.b64encode(script.encode()).decode()


def _lake(region: Region) -> Res:
    return Res("aws:s3/bucket:Bucket", "crm-lake", {"bucket": LAKE, "tags": dict(PII)}, region.provider)


def _notebook(
    region: Region, scripts: dict[str, Any], deps: list[Res] | None = None
) -> tuple[list[Res], Res]:
    """A PII notebook instance under the stack's key that runs the lifecycle configuration `ds-sync`."""
    config = Res(
        NOTEBOOK_CONFIG,
        "ds-sync",
        {"name": "ds-sync", **scripts},
        region.provider,
        deps={path: list(deps) for path in scripts} if deps else {},
    )
    notebook = Res(
        "aws:sagemaker/notebookInstance:NotebookInstance",
        "ds-notebook",
        {
            "instanceType": "ml.t3.medium",
            "roleArn": "arn:aws:iam::123456789012:role/ds-notebook",
            "kmsKeyId": UNKNOWN,
            "directInternetAccess": "Disabled",
            "rootAccess": "Disabled",
            "lifecycleConfigName": UNKNOWN,
            "tags": dict(PII),
        },
        region.provider,
        deps={"kmsKeyId": [region.key], "lifecycleConfigName": [config]},
    )
    return [*region.resources, _lake(region), config, notebook], config


@pytest.mark.parametrize("policy", RULES)
@pytest.mark.parametrize("path", ["onStart", "onCreate"])
def test_a_lifecycle_script_that_keeps_the_notebooks_data_in_the_lake_copies_nothing_out(
    policy: str, path: str
) -> None:
    stack, config = _notebook(eu_region(), {path: _b64(COMPLIANT)})
    assert _on(violations(stack, policy), config) == ""


@pytest.mark.parametrize("policy", RULES)
@pytest.mark.parametrize("path", ["onStart", "onCreate"])
def test_a_lifecycle_script_that_syncs_the_notebook_to_another_region_copies_it_there(
    policy: str, path: str
) -> None:
    stack, config = _notebook(eu_region(), {path: _b64(COMPLIANT + BACKUP)})
    found = _on(violations(stack, policy), config)
    assert "us-east-1" in found and "acme-ds-team-backup" in found, found
    assert "aws:sagemaker/notebookInstanceLifecycleConfiguration" in found, found


def test_a_lifecycle_script_that_names_no_store_still_copies_what_the_notebook_holds() -> None:
    # The home directory is on the PII notebook's volume: the script reads it without naming the lake.
    stack, config = _notebook(eu_region(), {"onStart": _b64("#!/bin/bash\n" + BACKUP)})
    found = _on(violations(stack, "no-pii-replication"), config)
    assert (
        "us-east-1" in found and "aws:sagemaker/notebookInstance:NotebookInstance 'ds-notebook'" in found
    ), found


def test_a_lifecycle_script_that_is_not_base64_fails_closed() -> None:
    stack, config = _notebook(eu_region(), {"onStart": "#!/bin/bash\n" + BACKUP})
    found = _on(violations(stack, "no-pii-replication"), config)
    assert "the onStart of" in found and "does not decode from base64" in found, found


@pytest.mark.preview_only("once deployed the engine sends the script's text, which is then read")
def test_a_lifecycle_script_computed_from_the_pii_bucket_fails_closed_until_it_can_be_read() -> None:
    region = eu_region()
    lake = _lake(region)
    stack, config = _notebook(region, {"onStart": UNKNOWN}, deps=[lake])
    stack = [r for r in stack if r.name != "crm-lake"] + [lake]
    found = _on(violations(stack, "no-pii-replication"), config)
    assert "the commands of the onStart of" in found and "crm-lake" in found, found


def _studio(region: Region, script: str) -> tuple[list[Res], Res]:
    """A PII Studio domain whose JupyterLab apps run the Studio lifecycle configuration `ds-lab`."""
    config = Res(
        STUDIO_CONFIG,
        "ds-lab",
        {
            "studioLifecycleConfigName": "ds-lab",
            "studioLifecycleConfigAppType": "JupyterLab",
            "studioLifecycleConfigContent": _b64(script),
        },
        region.provider,
    )
    domain = Res(
        "aws:sagemaker/domain:Domain",
        "ds",
        {
            "domainName": "ds",
            "authMode": "IAM",
            "vpcId": UNKNOWN,
            "subnetIds": ["subnet-0123456789abcdef0"],
            "kmsKeyId": UNKNOWN,
            "appNetworkAccessType": "VpcOnly",
            "defaultUserSettings": {
                "executionRole": "arn:aws:iam::123456789012:role/ds-studio",
                "jupyterLabAppSettings": {"lifecycleConfigArns": [UNKNOWN]},
            },
            "tags": dict(PII),
        },
        region.provider,
        deps={"vpcId": [region.vpc], "kmsKeyId": [region.key], "defaultUserSettings": [config]},
    )
    return [*region.resources, _lake(region), config, domain], config


@pytest.mark.parametrize("policy", RULES)
def test_a_studio_lifecycle_script_that_keeps_the_domains_data_in_the_lake_copies_nothing_out(
    policy: str,
) -> None:
    stack, config = _studio(eu_region(), COMPLIANT)
    assert _on(violations(stack, policy), config) == ""


@pytest.mark.parametrize("policy", RULES)
def test_a_studio_lifecycle_script_that_syncs_the_domains_data_to_another_region_copies_it_there(
    policy: str,
) -> None:
    stack, config = _studio(eu_region(), "#!/bin/bash\n" + BACKUP)
    found = _on(violations(stack, policy), config)
    assert "us-east-1" in found and "aws:sagemaker/domain:Domain 'ds'" in found, found


def test_a_lifecycle_script_of_a_notebook_that_holds_nothing_resident_may_sync_anywhere() -> None:
    region = eu_region()
    stack, config = _notebook(region, {"onStart": _b64("#!/bin/bash\n" + BACKUP)})
    stack = [r for r in stack if r.name != "crm-lake"]
    for resource in stack:
        if resource.name == "ds-notebook":
            resource.props["tags"] = {"data-classification": "internal"}
            resource.props["kmsKeyId"] = "alias/aws/sagemaker"
            resource.deps = {"lifecycleConfigName": [config]}
    assert _on(violations(stack, "no-pii-replication"), config) == ""
