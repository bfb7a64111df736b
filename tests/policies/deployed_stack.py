"""Records a real stack's program as the engine sees it in a preview of the stack once it is deployed.

The offline preview records a first preview: Pulumi's mock runtime in preview mode, every computed output
unknown. Here the same program runner runs with the plausible cloud mocks outside preview mode, so each
resource gets back its inputs plus the outputs a provider computes (its `id` too, which the engine keeps in
state for every bridged resource), and every input computed from another resource is known: what the
engine sends for the unchanged resources of an existing stack. The preview flag the program sees stays on
(a preview of an existing stack is still a dry run).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pulumi

from offline_preview.cloud_mocks import PlausibleCloudMocks
from offline_preview.program import interpreter_for
from offline_preview.project import StackSettings

ROOT = Path(__file__).resolve().parents[2]

_BOOTSTRAP = (
    "import sys; root = sys.argv.pop(1); sys.path.insert(0, root); "
    "from tests.policies import deployed_stack; deployed_stack.use_deployed_mocks(); "
    "from offline_preview import program_runner; program_runner.main(sys.argv[1:])"
)


class DeployedMocks(PlausibleCloudMocks):
    """The plausible mocks outside preview mode, with each resource's id among its outputs."""

    def __init__(self, preview: bool = False, **kwargs: Any) -> None:
        super().__init__(preview=False, **kwargs)

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        """The mocks' id and state, the id kept in the state as the engine's state keeps it."""
        resource_id, state = super().new_resource(args)
        if args.typ.startswith("pulumi:providers:"):
            return resource_id, state
        return resource_id, {**state, "id": resource_id}


def use_deployed_mocks() -> None:
    """Make the program runner (which imports its mocks when it runs) use the deployed mocks."""
    from offline_preview import cloud_mocks

    cloud_mocks.PlausibleCloudMocks = DeployedMocks  # type: ignore[misc, assignment]


def record_deployed(settings: StackSettings) -> list[dict[str, Any]]:
    """The registrations of the stack's program with known ids and outputs, from a fresh process."""
    spec = {
        "project": settings.project,
        "stack": settings.stack,
        "organization": settings.organization,
        "program_dir": str(settings.project_dir),
        "main": str(settings.main),
        "config": settings.config,
        "secret_keys": settings.secret_keys,
        "disabled_default_providers": settings.disabled_default_providers,
    }
    with tempfile.TemporaryDirectory(prefix="deployed-stack-") as workdir:
        spec_path = Path(workdir) / "spec.json"
        result_path = Path(workdir) / "result.json"
        spec_path.write_text(json.dumps(spec))
        completed = subprocess.run(
            [interpreter_for(settings), "-c", _BOOTSTRAP, str(ROOT), str(spec_path), str(result_path)],
            cwd=settings.project_dir,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if not result_path.exists():
            raise RuntimeError(f"the program runner failed:\n{completed.stdout}\n{completed.stderr}")
        result = json.loads(result_path.read_text())
    if not result["ok"]:
        raise RuntimeError(result["error"])
    return list(result["registrations"])


__all__ = ["DeployedMocks", "record_deployed", "sys"]
