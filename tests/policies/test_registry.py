"""The registry's stack policies read the one model of the stack the pack's analyzer builds; outside it they
never judge an empty stack."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import pytest

from residency_policies import registry
from residency_policies.model import Stack

pytestmark = pytest.mark.mode_independent


def test_a_stack_policy_reads_the_model_the_analyzer_built() -> None:
    stack = Stack([])
    with registry.analysing(stack):
        assert registry._stack(cast(Any, SimpleNamespace(resources=[]))) is stack


def test_a_stack_policy_without_resources_or_a_model_fails_loudly() -> None:
    # The analyzer strips the resources from the request it hands the SDK; without its model, a policy would
    # otherwise judge an empty stack and pass everything.
    with pytest.raises(RuntimeError, match="without resources and no model of the stack"):
        registry._stack(cast(Any, SimpleNamespace(resources=[])))
