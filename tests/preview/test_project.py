"""Stack config reaches the program as the CLI passes it: namespaced, JSON, defaults, secrets marked."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from offline_preview.project import SECRET_PLACEHOLDER, ProjectError, load_stack

PROJECT = """\
name: shop
runtime:
  name: python
  options:
    virtualenv: venv
config:
  pulumi:disable-default-providers:
    value: [aws]
  shop:tier:
    type: string
    default: small
  replicas: 3
  shop:required:
    type: string
  aws:skipMetadataApiCheck: true
"""

STACK = """\
config:
  aws:region: eu-west-1
  shop:required: present
  owner: platform
  network:
    cidr: 10.0.0.0/16
    zones: [a, b]
  enabled: true
  password:
    secure: v1:abc
  nested:
    user: admin
    token:
      secure: v1:def
"""


def _project(tmp_path: Path, project: str = PROJECT, stack: str = STACK) -> Path:
    """Write a project with one stack, `dev`."""
    (tmp_path / "Pulumi.yaml").write_text(project)
    (tmp_path / "Pulumi.dev.yaml").write_text(stack)
    (tmp_path / "__main__.py").write_text("")
    return tmp_path


def test_bare_keys_are_namespaced_by_the_project_and_others_stay(tmp_path: Path) -> None:
    """`owner` becomes `shop:owner`; `aws:region` keeps its namespace."""
    config = load_stack(_project(tmp_path), "dev").config
    assert config["shop:owner"] == "platform"
    assert config["aws:region"] == "eu-west-1"
    assert "owner" not in config


def test_objects_and_lists_are_json_and_primitives_are_text(tmp_path: Path) -> None:
    """The CLI passes object values as JSON strings and booleans as `true`/`false`."""
    config = load_stack(_project(tmp_path), "dev").config
    assert json.loads(config["shop:network"]) == {"cidr": "10.0.0.0/16", "zones": ["a", "b"]}
    assert config["shop:enabled"] == "true"


def test_project_defaults_fill_what_the_stack_leaves_out(tmp_path: Path) -> None:
    """Typed defaults, shorthand defaults for project keys, and values for other packages' keys."""
    settings = load_stack(_project(tmp_path), "dev")
    assert settings.config["shop:tier"] == "small"
    assert settings.config["shop:replicas"] == "3"
    assert settings.config["aws:skipMetadataApiCheck"] == "true"
    assert settings.disabled_default_providers == ["aws"]


def test_secure_values_become_secret_placeholders(tmp_path: Path) -> None:
    """Ciphertext cannot be decrypted offline: the key is marked secret and holds a placeholder."""
    settings = load_stack(_project(tmp_path), "dev")
    assert settings.config["shop:password"] == SECRET_PLACEHOLDER
    assert json.loads(settings.config["shop:nested"]) == {"user": "admin", "token": SECRET_PLACEHOLDER}
    assert settings.secret_keys == ["shop:nested", "shop:password"]


def test_a_required_project_key_missing_from_the_stack_is_refused(tmp_path: Path) -> None:
    """As `pulumi preview` refuses it, naming the key."""
    with pytest.raises(ProjectError, match=r"Stack 'dev' is missing configuration value 'shop:required'"):
        load_stack(_project(tmp_path, stack="config:\n  aws:region: eu-west-1\n"), "dev")


def test_a_missing_stack_file_is_refused(tmp_path: Path) -> None:
    """No Pulumi.<stack>.yaml, no preview."""
    with pytest.raises(ProjectError, match=r"Pulumi\.prod\.yaml"):
        load_stack(_project(tmp_path), "prod")


def test_the_virtualenv_named_in_runtime_options_is_the_interpreter(tmp_path: Path) -> None:
    """The language host runs the program with `<project>/<virtualenv>/bin/python`."""
    settings = load_stack(_project(tmp_path), "dev")
    assert settings.python_executable() == (tmp_path / "venv").resolve() / "bin" / "python"


@pytest.mark.parametrize(
    ("project_config", "stack_config", "message"),
    [
        (
            "  shop:size:\n    type: integer\n",
            "  shop:size: large\n",
            "Stack 'dev' with configuration key 'shop:size' must be of type 'integer'",
        ),
        (
            "  zones:\n    type: array\n    items:\n      type: string\n",
            "  zones: [1, 2]\n",
            "key 'zones' must be of type 'array<string>'",
        ),
        ("  flag:\n    type: boolean\n", "  flag: 'yes'\n", "key 'flag' must be of type 'boolean'"),
        (
            "  token:\n    type: string\n    secret: true\n",
            "  token: plain-text\n",
            "key 'token' must be encrypted as it's secret",
        ),
        (
            "  size:\n    type: integer\n    default: big\n",
            "",
            "The default value specified for configuration key 'size' is not of the expected type 'integer'",
        ),
        (
            "  zones:\n    type: array\n",
            "",
            "declares an array but does not specify the underlying type via the 'items' attribute",
        ),
        (
            "  aws:region:\n    type: string\n",
            "",
            "Configuration key 'aws:region' is not namespaced by the project and should not define a type",
        ),
        (
            "  aws:region:\n    default: eu-west-1\n",
            "",
            "Did you mean to use the 'value' attribute instead of 'default'?",
        ),
        ("", "  a:b:c: 1\n", "could not parse a:b:c as a configuration key"),
    ],
)
def test_project_config_is_validated_as_the_cli_validates_it(
    tmp_path: Path, project_config: str, stack_config: str, message: str
) -> None:
    """pkg/workspace/config.go and Project.Validate: types, secrets, namespaces, keys, in the CLI's words."""
    project = "name: shop\nruntime: python\nconfig:\n" + (project_config or "  unused: 1\n")
    stack = "config:\n  aws:region: eu-west-1\n" + stack_config
    with pytest.raises(ProjectError, match=re.escape(message)):
        load_stack(_project(tmp_path, project, stack), "dev")


def test_integral_text_and_literal_booleans_pass_their_types_and_secure_values_are_not_typed(
    tmp_path: Path,
) -> None:
    """The stack passes primitives as text: `"3"` is an integer, `"true"` a boolean; ciphertext is opaque."""
    project = (
        "name: shop\nruntime: python\nconfig:\n  size:\n    type: integer\n  flag:\n    type: boolean\n"
        "  token:\n    type: integer\n    secret: true\n"
    )
    stack = "config:\n  size: 3\n  flag: true\n  token:\n    secure: v1:abc\n"
    settings = load_stack(_project(tmp_path, project, stack), "dev")
    assert settings.config["shop:size"] == "3" and settings.config["shop:flag"] == "true"


def test_legacy_config_keys_are_read_as_the_cli_reads_them(tmp_path: Path) -> None:
    """`aws:config:region` is the old spelling of `aws:region` (config.ParseKey)."""
    stack = "config:\n  aws:config:region: eu-west-1\n  shop:required: x\n"
    settings = load_stack(_project(tmp_path, stack=stack), "dev")
    assert settings.config["aws:region"] == "eu-west-1"
    assert "aws:config:region" not in settings.config
