"""Where EMR itself writes a job's logs: an EMR on EKS job template's and an EMR Serverless application's
monitoring configuration (`s3MonitoringConfiguration.logUri`, a CloudWatch log group) and an EMR cluster's
`logUri`. The driver's and executors' output holds what the job prints of what it reads; a bucket the stack
does not declare may be in any account or region.

Reviewer blind-aws14 a12 (decision): an EMR on EKS job template over the PII bucket whose logs went to
`s3://acme-central-logging-archive/` passed, as its monitoring configuration was read only as the job's
code's configuration, where a bucket outside the stack says nothing. A template runs only when a job run
names it, as a Batch job definition does; both are judged as what they will run. The compliant baselines
keep the logs in the stack's PII bucket or in a log group of the job's region.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import store
from tests.policies.policy_harness import Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
OWN = "s3://acme-eu-customer-exports"
ELSEWHERE = "s3://acme-central-logging-archive/emr-containers/"


def _bucket(region: Region) -> Res:
    return store(region, "aws:s3/bucket:Bucket", "customer-exports", {"bucket": "acme-eu-customer-exports"})


def _template(region: Region, monitoring: Mapping[str, object]) -> Res:
    return Res(
        "aws:emrcontainers/jobTemplate:JobTemplate",
        "churn-scoring",
        {
            "name": "churn-scoring",
            "jobTemplateData": {
                "executionRoleArn": "arn:aws:iam::123456789012:role/acme-eu-emr-job",
                "releaseLabel": "emr-7.2.0-latest",
                "jobDriver": {
                    "sparkSubmitJobDriver": {
                        "entryPoint": f"{OWN}/jobs/churn.py",
                        "entryPointArguments": ["--input", f"{OWN}/daily/", "--output", f"{OWN}/scores/"],
                    }
                },
                "configurationOverrides": {"monitoringConfiguration": monitoring},
            },
        },
        region.provider,
    )


def _cluster(region: Region, log_uri: str) -> Res:
    return Res(
        "aws:emr/cluster:Cluster",
        "churn",
        {
            "name": "churn",
            "releaseLabel": "emr-7.2.0",
            "serviceRole": "arn:aws:iam::123456789012:role/emr-service",
            "logUri": log_uri,
            "steps": [
                {
                    "name": "score",
                    "actionOnFailure": "CONTINUE",
                    "hadoopJarStep": {
                        "jar": "command-runner.jar",
                        "args": ["spark-submit", f"{OWN}/jobs/churn.py"],
                    },
                }
            ],
        },
        region.provider,
    )


def _on(resources: list[Res], policy: str, resource: Res) -> str:
    return messages([d for d in violations(resources, policy) if d.urn == resource.urn])


IN_REGION = {
    "the stack's bucket": {"s3MonitoringConfiguration": {"logUri": f"{OWN}/emr-logs/"}},
    "a log group": {"cloudWatchMonitoringConfiguration": {"logGroupName": "/emr-containers/churn"}},
}


@pytest.mark.parametrize("policy", [NO_PII, ANONYMISED_ONLY])
@pytest.mark.parametrize("case", IN_REGION)
def test_a_pii_job_template_logging_in_its_region_copies_nothing_out(case: str, policy: str) -> None:
    region = eu_region()
    template = _template(region, IN_REGION[case])
    assert _on([*region.resources, _bucket(region), template], policy, template) == ""


def test_a_pii_job_template_logging_to_a_bucket_the_stack_does_not_declare_is_untraceable() -> None:
    region = eu_region()
    template = _template(region, {"s3MonitoringConfiguration": {"logUri": ELSEWHERE}})
    found = _on([*region.resources, _bucket(region), template], NO_PII, template)
    assert "EMR's log upload" in found and "cannot be traced" in found, found


def test_a_pii_clusters_log_uri_in_a_bucket_the_stack_does_not_declare_is_untraceable() -> None:
    region = eu_region()
    cluster = _cluster(region, ELSEWHERE)
    found = _on([*region.resources, _bucket(region), cluster], NO_PII, cluster)
    assert "EMR's log upload" in found, found


def test_a_pii_clusters_log_uri_in_the_stacks_bucket_copies_nothing_out() -> None:
    region = eu_region()
    cluster = _cluster(region, f"{OWN}/emr-logs/")
    assert _on([*region.resources, _bucket(region), cluster], NO_PII, cluster) == ""
