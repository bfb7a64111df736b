"""Rule 5, pii-encryption, on API Gateway's execution logs in a log group the stack does not declare.

A stage that logs its requests and responses in full (`lineage_gateway_logs`) of an API that carries PII (its
own label, or what its integrations serve) writes them into a log group API Gateway names; when the stack does
not declare it, API Gateway creates it with CloudWatch's default key and no expiry, as AppSync does for its
field logs (`encryption_api_logs`) and RDS for its exported logs: personal data at rest under a key the stack
does not own (reviewer blind-aws13 a19). A declared group holds what the API serves by lineage and is judged
as any PII log group (its key, its retention).
"""

from __future__ import annotations

from collections.abc import Iterator

from .lineage import Lineage
from .lineage_gateway_logs import REST_GROUP, execution_logs, served_classes
from .model import Resource, Stack
from .settings import Settings


def gateway_log_problems(
    stack: Stack, lineage: Lineage, settings: Settings
) -> Iterator[tuple[Resource, str, frozenset[str]]]:
    """(settings or stage, problem, protected classifications) for each stage logging PII into a group API
    Gateway creates."""
    if not stack.of_type(*_SETTERS):
        return
    for log in execution_logs(lineage):
        if log.groups:
            continue
        _, classes = served_classes(lineage, log)
        protected = classes & settings.protected_classifications
        if not protected:
            continue
        stage = log.stage or "<stage>"
        group = log.pattern.format(api="<api id>", stage=stage)
        prefix = log.pattern.split("{api}")[0]
        off = (
            "settings.dataTraceEnabled false"
            if log.pattern == REST_GROUP
            else "dataTraceEnabled false in its route settings"
        )
        yield (
            log.setter,
            f"{log.switch}: API Gateway writes every request and response of stage {stage!r} of "
            f"{log.api.label} (what its integrations return) to {group}, a log group this stack does not "
            "declare, which API Gateway creates with CloudWatch's default key and no expiry: declare it "
            f"(aws.cloudwatch.LogGroup named {prefix!r} + the API's id + '/{stage}', kmsKeyId the stack's "
            f"key, retentionInDays, data-classification pii), or set {off}",
            protected,
        )


_SETTERS = ("aws:apigateway/methodSettings:MethodSettings", "aws:apigatewayv2/stage:Stage")
