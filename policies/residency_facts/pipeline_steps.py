"""What each step of a SageMaker pipeline definition reads and where it writes, by its fields.

A SageMaker pipeline's `pipelineDefinition` is a JSON document (docs.aws.amazon.com/sagemaker/latest/dg/
build-and-manage-steps.html; the step types of sagemaker-python-sdk's `StepTypeEnum`): `Parameters` (each a
`Name` and a `DefaultValue`) and `Steps`, each a `Name`, a `Type` and the `Arguments` of the API call the step
makes (a Processing step's are a CreateProcessingJob request, a Training step's a CreateTrainingJob
request, ...), with a Callback's queue and a Lambda's function beside them. Paths are relative to the step
(`values.values_at` syntax: `[]` steps into a list). A value is a literal, a parameter (`{"Get":
"Parameters.X"}`: its default), a property of another step (`{"Get": "Steps.X...."}`: where that step
wrote, judged there), a run-time value (`Execution.*`, `Std:JsonGet`) or a `Std:Join` of those
(`residency_policies/pipeline_steps.py`). Decision (reviewer blind-data15 a11): a step's outputs are
destinations of their own, a bucket the stack does not declare untraceable; a step of a type not listed
here, and an output location the pack cannot read, fail closed.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple


class StepFields(NamedTuple):
    """Where one step type names what it reads, where it writes and the steps it runs."""

    reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()
    """Where it writes, and the roles it writes as (an ARN of a role says the account it acts in)."""
    steps: tuple[str, ...] = ()
    """Where it holds further steps (a Condition's branches)."""


_PROCESSING = StepFields(
    reads=(
        "Arguments.ProcessingInputs[].S3Input.S3Uri",
        "Arguments.ProcessingInputs[].DatasetDefinition.AthenaDatasetDefinition.Catalog",
        "Arguments.ProcessingInputs[].DatasetDefinition.AthenaDatasetDefinition.Database",
        "Arguments.ProcessingInputs[].DatasetDefinition.RedshiftDatasetDefinition.ClusterId",
    ),
    writes=(
        "Arguments.ProcessingOutputConfig.Outputs[].S3Output.S3Uri",
        "Arguments.ProcessingOutputConfig.Outputs[].FeatureStoreOutput.FeatureGroupName",
        # An Athena or Redshift dataset is first written to S3 (the query's results, an UNLOAD).
        "Arguments.ProcessingInputs[].DatasetDefinition.AthenaDatasetDefinition.OutputS3Uri",
        "Arguments.ProcessingInputs[].DatasetDefinition.RedshiftDatasetDefinition.OutputS3Uri",
        "Arguments.RoleArn",
    ),
)
_TRAINING_READS = (
    "InputDataConfig[].DataSource.S3DataSource.S3Uri",
    "InputDataConfig[].DataSource.FileSystemDataSource.FileSystemId",
)
_TRAINING_WRITES = (
    "OutputDataConfig.S3OutputPath",
    "CheckpointConfig.S3Uri",
    "DebugHookConfig.S3OutputPath",
    "DebugRuleConfigurations[].S3OutputPath",
    "ProfilerConfig.S3OutputPath",
    "ProfilerRuleConfigurations[].S3OutputPath",
    "TensorBoardOutputConfig.S3OutputPath",
    "RoleArn",
)

STEP_FIELDS: Mapping[str, StepFields] = MappingProxyType(
    {
        "Processing": _PROCESSING,
        # Model monitor and Clarify checks run a processing job (CreateProcessingJob's request).
        "QualityCheck": _PROCESSING,
        "ClarifyCheck": _PROCESSING,
        "Training": StepFields(
            reads=tuple(f"Arguments.{p}" for p in _TRAINING_READS),
            writes=tuple(f"Arguments.{p}" for p in _TRAINING_WRITES),
        ),
        "Tuning": StepFields(
            reads=tuple(
                f"Arguments.{definition}.{p}"
                for definition in ("TrainingJobDefinition", "TrainingJobDefinitions[]")
                for p in _TRAINING_READS
            ),
            writes=tuple(
                f"Arguments.{definition}.{p}"
                for definition in ("TrainingJobDefinition", "TrainingJobDefinitions[]")
                for p in _TRAINING_WRITES
            ),
        ),
        "Transform": StepFields(
            reads=("Arguments.TransformInput.DataSource.S3DataSource.S3Uri",),
            writes=("Arguments.TransformOutput.S3OutputPath", "Arguments.DataCaptureConfig.DestinationS3Uri"),
        ),
        "AutoML": StepFields(
            reads=(
                "Arguments.InputDataConfig[].DataSource.S3DataSource.S3Uri",
                "Arguments.AutoMLJobInputDataConfig[].DataSource.S3DataSource.S3Uri",
            ),
            writes=("Arguments.OutputDataConfig.S3OutputPath", "Arguments.RoleArn"),
        ),
        "Model": StepFields(
            reads=(
                "Arguments.PrimaryContainer.ModelDataUrl",
                "Arguments.PrimaryContainer.ModelDataSource.S3DataSource.S3Uri",
                "Arguments.Containers[].ModelDataUrl",
                "Arguments.Containers[].ModelDataSource.S3DataSource.S3Uri",
            ),
            writes=("Arguments.ExecutionRoleArn",),
        ),
        # A model package registered in a group of another account (the group's ARN) is a copy there.
        "RegisterModel": StepFields(
            reads=(
                "Arguments.InferenceSpecification.Containers[].ModelDataUrl",
                "Arguments.InferenceSpecification.Containers[].ModelDataSource.S3DataSource.S3Uri",
            ),
            writes=("Arguments.ModelPackageGroupName",),
        ),
        # A callback sends its arguments to the queue, a Lambda step hands them to the function.
        "Callback": StepFields(writes=("SqsQueueUrl",)),
        "Lambda": StepFields(writes=("FunctionArn",)),
        # An EMR step's arguments name what the job reads and writes alike (`--input`, `--output`).
        "EMR": StepFields(
            reads=("Arguments.ClusterId", "Arguments.StepConfig.HadoopJarStep.Args[]"),
            writes=("Arguments.StepConfig.HadoopJarStep.Args[]", "Arguments.ClusterConfig.LogUri"),
        ),
        "Condition": StepFields(steps=("Arguments.IfSteps[]", "Arguments.ElseSteps[]")),
        "Fail": StepFields(),
    }
)
"""The step types the pack reads (any other fails closed: a Bedrock or endpoint step, a new type)."""

NAME_SERVICES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "FeatureGroupName": ("sagemaker",),
        "ModelPackageGroupName": ("sagemaker",),
        "FileSystemId": ("efs", "fsx"),
        "ClusterId": ("redshift", "emr"),
        "Catalog": ("glue", "athena"),
        "Database": ("glue", "athena"),
    }
)
"""Among which services' resources a member's bare name is looked for (an `s3://` URI is a bucket; an ARN
names its own service)."""
