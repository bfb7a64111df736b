"""Where machine-learning services write what they serve: a SageMaker endpoint's data capture (every request
and response), its asynchronous results and failures, its variants' core dumps, a model monitor's reports, a
Bedrock batch invocation's or evaluation's answers. Each is an S3 location; a bucket the stack does not
declare may be in any account or region (S3's namespace is global), so the copy there cannot be traced.

Reviewer blind-aws12 (c38): a PII endpoint configuration capturing Input and Output to
`s3://acme-ml-monitoring-shared/...` passed, the URI being read only as free text. Each test is one output of
a PII resource; the compliant baseline writes into the stack's own PII bucket in the same region.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII, store
from tests.policies.policy_harness import Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
RULES = (NO_PII, ANONYMISED_ONLY)
OWN = "s3://acme-eu-ml-capture/churn"
SHARED = "s3://acme-ml-monitoring-shared/churn"


def _bucket(region: Region) -> Res:
    return store(region, "aws:s3/bucket:Bucket", "capture", {"bucket": "acme-eu-ml-capture"})


def _endpoint_configuration(region: Region, **config: Any) -> Res:
    return Res(
        "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
        "churn-config",
        {
            "name": "churn-config",
            "productionVariants": [
                {"variantName": "primary", "modelName": "churn", "instanceType": "ml.m5.large"}
            ],
            "tags": PII,
            **config,
        },
        region.provider,
    )


def _capture(uri: str) -> dict[str, Any]:
    return {
        "dataCaptureConfig": {
            "enableCapture": True,
            "initialSamplingPercentage": 100,
            "destinationS3Uri": uri,
            "captureOptions": [{"captureMode": "Input"}, {"captureMode": "Output"}],
        }
    }


def _on(found: list, resource: Res) -> str:
    return messages([d for d in found if d.urn == resource.urn])


@pytest.mark.parametrize("policy", RULES)
def test_an_endpoint_capturing_into_the_stacks_bucket_in_its_region_copies_nothing_out(policy: str) -> None:
    region = eu_region()
    configuration = _endpoint_configuration(region, **_capture(OWN))
    found = violations([*region.resources, _bucket(region), configuration], policy)
    assert _on(found, configuration) == ""


@pytest.mark.parametrize("policy", RULES)
def test_an_endpoint_capturing_into_a_bucket_the_stack_does_not_declare_cannot_be_traced(policy: str) -> None:
    region = eu_region()
    configuration = _endpoint_configuration(region, **_capture(SHARED))
    found = _on(violations([*region.resources, _bucket(region), configuration], policy), configuration)
    assert "cannot be traced" in found and "data capture" in found, found


@pytest.mark.parametrize(
    "config",
    [
        {"asyncInferenceConfig": {"outputConfig": {"s3OutputPath": SHARED}}},
        {"asyncInferenceConfig": {"outputConfig": {"s3OutputPath": OWN, "s3FailurePath": SHARED}}},
        {
            "productionVariants": [
                {
                    "variantName": "primary",
                    "modelName": "churn",
                    "coreDumpConfig": {"destinationS3Uri": SHARED},
                }
            ]
        },
    ],
    ids=["async-output", "async-failure", "core-dump"],
)
@pytest.mark.parametrize("policy", RULES)
def test_an_endpoints_other_outputs_into_an_undeclared_bucket_cannot_be_traced(
    policy: str, config: dict[str, Any]
) -> None:
    region = eu_region()
    configuration = _endpoint_configuration(region, **config)
    found = _on(violations([*region.resources, _bucket(region), configuration], policy), configuration)
    assert "cannot be traced" in found, found


@pytest.mark.parametrize(
    ("token", "props"),
    [
        (
            "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition",
            {"dataQualityJobOutputConfig": {"monitoringOutputs": {"s3Output": {"s3Uri": SHARED}}}},
        ),
        (
            "aws:bedrockmodel/invocationJob:InvocationJob",
            {"outputDataConfig": {"s3OutputDataConfig": {"s3Uri": SHARED}}},
        ),
        ("aws:bedrock/evaluationJob:EvaluationJob", {"outputDataConfig": {"s3Uri": SHARED}}),
    ],
    ids=["model-monitor", "batch-invocation", "evaluation"],
)
@pytest.mark.parametrize("policy", RULES)
def test_a_pii_jobs_output_into_an_undeclared_bucket_cannot_be_traced(
    policy: str, token: str, props: dict[str, Any]
) -> None:
    region = eu_region()
    job = Res(token, "churn-job", {**props, "tags": PII}, region.provider)
    found = _on(violations([*region.resources, job], policy), job)
    assert "cannot be traced" in found, found


def _invocation_logging(region: Region, bucket: str) -> Res:
    return Res(
        "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration",
        "invocation-logging",
        {
            "loggingConfig": {
                "textDataDeliveryEnabled": True,
                "s3Config": {"bucketName": bucket, "keyPrefix": "bedrock/"},
            },
            "tags": PII,
        },
        region.provider,
    )


@pytest.mark.parametrize("policy", RULES)
def test_model_invocation_logs_in_the_stacks_bucket_stay_in_place(policy: str) -> None:
    region = eu_region()
    logging = _invocation_logging(region, "acme-eu-ml-capture")
    assert _on(violations([*region.resources, _bucket(region), logging], policy), logging) == ""


@pytest.mark.parametrize("policy", RULES)
def test_model_invocation_logs_in_a_bucket_the_stack_does_not_declare_cannot_be_traced(policy: str) -> None:
    # Every prompt and answer of the region's model invocations, named by a bare bucket name.
    region = eu_region()
    logging = _invocation_logging(region, "acme-shared-ml-logs")
    found = _on(violations([*region.resources, _bucket(region), logging], policy), logging)
    assert "cannot be traced" in found, found
