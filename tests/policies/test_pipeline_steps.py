"""A SageMaker pipeline's definition is read step by step: what its steps read and where they write.

Reviewer blind-data15 a11: a pipeline whose Processing step read the PII bucket (`ProcessingInputs`) and wrote
its output (`ProcessingOutputConfig.Outputs[].S3Output.S3Uri`) to a bucket the stack does not declare passed:
the definition was read as one text, in which an undeclared bucket's `s3://` URI names no place. Its steps
are now read by their fields (`residency_facts/pipeline_steps.py`), as a state machine's states are: outputs
are destinations (an undeclared bucket is untraceable), parameters read as their defaults, and what cannot be
read (an unknown step type, an output the pack cannot resolve, a definition that does not parse, one unknown
at preview computed from the PII bucket) fails closed. Each test is the compliant pipeline, changed in one
place.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import OTHER_ACCOUNT, PII
from tests.policies.policy_harness import UNKNOWN, Diagnostic, Res, messages, violations

RULES = ("no-pii-replication", "anonymised-only-replication")
LAKE = "kyc-lake-eu"
FEATURES = "kyc-features-eu"
ROLE = "arn:aws:iam::123456789012:role/kyc-pipeline"


def _on(found: list[Diagnostic], resource: Res) -> str:
    return messages([d for d in found if d.urn == resource.urn])


def _processing(output: Any, name: str = "FeaturiseKyc") -> dict[str, Any]:
    """A Processing step that reads the PII lake and writes its features to `output`."""
    return {
        "Name": name,
        "Type": "Processing",
        "Arguments": {
            "ProcessingResources": {"ClusterConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1}},
            "AppSpecification": {"ImageUri": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/featurise:1"},
            "RoleArn": ROLE,
            "ProcessingInputs": [
                {"InputName": "raw", "S3Input": {"S3Uri": f"s3://{LAKE}/customers/", "LocalPath": "/in"}}
            ],
            "ProcessingOutputConfig": {
                "Outputs": [{"OutputName": "features", "S3Output": {"S3Uri": output, "LocalPath": "/out"}}]
            },
        },
    }


def _stack(region: Region, steps: list[Any], parameters: list[Any] | None = None) -> tuple[list[Res], Res]:
    """The PII lake, the stack's features bucket and a pipeline of these steps."""
    lake = Res("aws:s3/bucket:Bucket", "kyc-lake", {"bucket": LAKE, "tags": dict(PII)}, region.provider)
    features = Res(
        "aws:s3/bucket:Bucket", "kyc-features", {"bucket": FEATURES, "tags": dict(PII)}, region.provider
    )
    definition = {"Version": "2020-12-01", "Parameters": parameters or [], "Steps": steps}
    pipeline = Res(
        "aws:sagemaker/pipeline:Pipeline",
        "kyc-features",
        {
            "pipelineName": "kyc-features",
            "pipelineDisplayName": "kyc-features",
            "roleArn": ROLE,
            "pipelineDefinition": json.dumps(definition),
        },
        region.provider,
    )
    return [*region.resources, lake, features, pipeline], pipeline


@pytest.mark.parametrize("policy", RULES)
def test_a_processing_step_writing_into_the_stacks_bucket_copies_nothing_out(policy: str) -> None:
    stack, pipeline = _stack(eu_region(), [_processing(f"s3://{FEATURES}/kyc/")])
    assert _on(violations(stack, policy), pipeline) == ""


@pytest.mark.parametrize("policy", RULES)
def test_a_processing_step_writing_into_a_bucket_the_stack_lacks_fails_closed(policy: str) -> None:
    stack, pipeline = _stack(eu_region(), [_processing("s3://acme-ml-platform-artifacts/kyc/features/")])
    found = _on(violations(stack, policy), pipeline)
    assert "acme-ml-platform-artifacts (Arguments.ProcessingOutputConfig" in found, found
    assert "of step 'FeaturiseKyc'" in found and "aws:s3/bucket:Bucket 'kyc-lake' (pii" in found, found


def test_a_training_step_writing_its_model_into_a_bucket_the_stack_lacks_fails_closed() -> None:
    training = {
        "Name": "Train",
        "Type": "Training",
        "Arguments": {
            "RoleArn": ROLE,
            "InputDataConfig": [{"DataSource": {"S3DataSource": {"S3Uri": f"s3://{LAKE}/customers/"}}}],
            "OutputDataConfig": {"S3OutputPath": "s3://acme-shared-models/kyc/"},
        },
    }
    stack, pipeline = _stack(eu_region(), [training])
    found = _on(violations(stack, "no-pii-replication"), pipeline)
    assert "acme-shared-models (Arguments.OutputDataConfig.S3OutputPath of step 'Train'" in found, found


def _transform(output: Any) -> dict[str, Any]:
    return {
        "Name": "Score",
        "Type": "Transform",
        "Arguments": {
            "ModelName": "kyc-model",
            "TransformInput": {"DataSource": {"S3DataSource": {"S3Uri": f"s3://{LAKE}/customers/"}}},
            "TransformOutput": {"S3OutputPath": output},
        },
    }


PREFIX = {"Name": "OutputBucket", "Type": "String", "DefaultValue": f"s3://{FEATURES}"}
JOINED = {
    "Std:Join": {
        "On": "/",
        "Values": [{"Get": "Parameters.OutputBucket"}, {"Get": "Execution.PipelineExecutionId"}],
    }
}


@pytest.mark.parametrize("policy", RULES)
def test_an_output_joined_from_a_parameter_defaulting_to_the_stacks_bucket_copies_nothing_out(
    policy: str,
) -> None:
    stack, pipeline = _stack(eu_region(), [_transform(JOINED)], [PREFIX])
    assert _on(violations(stack, policy), pipeline) == ""


def test_an_output_joined_from_a_parameter_defaulting_to_another_bucket_fails_closed() -> None:
    elsewhere = {**PREFIX, "DefaultValue": "s3://acme-scores"}
    stack, pipeline = _stack(eu_region(), [_transform(JOINED)], [elsewhere])
    found = _on(violations(stack, "no-pii-replication"), pipeline)
    assert "acme-scores (Arguments.TransformOutput.S3OutputPath of step 'Score'" in found, found


def test_an_output_the_pack_cannot_read_fails_closed() -> None:
    # A parameter without a default: the bucket is chosen when an execution starts.
    stack, pipeline = _stack(eu_region(), [_transform(JOINED)], [{"Name": "OutputBucket", "Type": "String"}])
    found = _on(violations(stack, "no-pii-replication"), pipeline)
    assert "S3OutputPath of step 'Score' (Transform), named by a value the pack cannot read" in found, found


def test_a_step_of_a_type_the_pack_does_not_read_fails_closed() -> None:
    bedrock = {"Name": "Tune", "Type": "BedrockCustomModel", "Arguments": {"TrainingDataConfig": {}}}
    stack, pipeline = _stack(eu_region(), [_processing(f"s3://{FEATURES}/kyc/"), bedrock])
    found = _on(violations(stack, "no-pii-replication"), pipeline)
    assert "step 'Tune' of type 'BedrockCustomModel', a kind the pack does not read" in found, found


def test_a_condition_steps_branch_is_read_as_its_steps() -> None:
    condition = {
        "Name": "IfGood",
        "Type": "Condition",
        "Arguments": {
            "Conditions": [],
            "IfSteps": [_processing("s3://acme-ml-platform-artifacts/x/", "Export")],
        },
    }
    stack, pipeline = _stack(eu_region(), [condition])
    found = _on(violations(stack, "no-pii-replication"), pipeline)
    assert "acme-ml-platform-artifacts" in found and "of step 'Export'" in found, found


def test_a_callback_step_sending_to_a_queue_in_another_region_copies_there() -> None:
    callback = {
        "Name": "Notify",
        "Type": "Callback",
        "SqsQueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/kyc-callbacks",
        "Arguments": {"features": f"s3://{LAKE}/customers/"},
    }
    stack, pipeline = _stack(eu_region(), [_processing(f"s3://{FEATURES}/kyc/"), callback])
    found = _on(violations(stack, "no-pii-replication"), pipeline)
    assert "us-east-1" in found, found


def test_a_model_registered_in_another_accounts_group_copies_it_there() -> None:
    register = {
        "Name": "Register",
        "Type": "RegisterModel",
        "Arguments": {
            "ModelPackageGroupName": f"arn:aws:sagemaker:eu-west-1:{OTHER_ACCOUNT}:model-package-group/kyc",
            "InferenceSpecification": {"Containers": [{"ModelDataUrl": f"s3://{LAKE}/models/model.tar.gz"}]},
        },
    }
    stack, pipeline = _stack(eu_region(), [register])
    found = _on(violations(stack, "no-pii-replication"), pipeline)
    assert OTHER_ACCOUNT in found, found


def test_a_definition_that_does_not_parse_fails_closed() -> None:
    stack, pipeline = _stack(eu_region(), [])
    pipeline.props["pipelineDefinition"] = f"Steps: [s3://{LAKE}/customers/]"
    found = _on(violations(stack, "no-pii-replication"), pipeline)
    assert "does not parse as a pipeline definition" in found, found


@pytest.mark.preview_only("a definition computed from outputs is unknown only before the stack exists")
def test_a_definition_unknown_at_preview_computed_from_the_pii_bucket_fails_closed() -> None:
    stack, pipeline = _stack(eu_region(), [])
    lake = next(r for r in stack if r.name == "kyc-lake")
    pipeline.props["pipelineDefinition"] = UNKNOWN
    pipeline.deps = {"pipelineDefinition": [lake]}
    found = _on(violations(stack, "no-pii-replication"), pipeline)
    assert "the pipelineDefinition of aws:sagemaker/pipeline:Pipeline 'kyc-features'" in found, found


def test_a_pipeline_over_data_that_is_not_resident_may_write_anywhere() -> None:
    stack, pipeline = _stack(eu_region(), [_processing("s3://acme-ml-platform-artifacts/kyc/features/")])
    for resource in stack:
        if resource.name == "kyc-lake":
            resource.props["tags"] = {"data-classification": "internal"}
    assert _on(violations(stack, "no-pii-replication"), pipeline) == ""
