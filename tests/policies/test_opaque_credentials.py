"""What an opaque resource creates runs as the roles its inputs name (reviewer blind-k8s12, l22).

The EKS add-on amazon-cloudwatch-observability ships every pod's logs and metrics with the credentials of its
own `podIdentityAssociations` (a role of account 999999999999): what it collects is written into another
account. An opaque resource (an add-on, a Helm release, a template) whose inputs name an IAM role of an
account outside `accountIds` in a stack that holds resident data fails closed, as one naming a region
outside does. Each test is the baseline (a stack holding PII) and one add-on.
"""

from __future__ import annotations

from tests.policies.baseline import eu_region
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

TRIAGED = "resource-type-triaged"


def _addon(role: str) -> tuple[list[Res], Res]:
    region = eu_region()
    addon = Res(
        "aws:eks/addon:Addon",
        "cloudwatch-observability",
        {
            "clusterName": UNKNOWN,
            "addonName": "amazon-cloudwatch-observability",
            "podIdentityAssociations": [{"roleArn": role, "serviceAccount": "cloudwatch-agent"}],
        },
        region.provider,
        deps={"clusterName": [region.cluster]},
    )
    return [*region.resources, addon], addon


def test_an_add_on_running_as_a_role_of_the_deployments_account_is_not_blocked_for_it() -> None:
    resources, addon = _addon("arn:aws:iam::123456789012:role/cloudwatch-agent")
    found = [d for d in violations(resources, TRIAGED) if d.urn == addon.urn]
    assert "account" not in messages(found), messages(found)


def test_an_add_on_running_as_a_role_of_another_account_fails_closed() -> None:
    resources, addon = _addon("arn:aws:iam::999999999999:role/central-cloudwatch-agent")
    found = [d for d in violations(resources, TRIAGED) if d.urn == addon.urn]
    assert "999999999999" in messages(found), messages(violations(resources, TRIAGED))
