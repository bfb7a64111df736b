"""A Pulumi project and one of its stacks, read from `Pulumi.yaml` and `Pulumi.<stack>.yaml` as the CLI does.

The CLI hands a Python program its configuration as a flat map of namespaced keys to strings (`PULUMI_CONFIG`)
plus the list of keys that are secret (`PULUMI_CONFIG_SECRET_KEYS`); this module builds exactly that map:
bare keys are namespaced by the project, object and array values are JSON-encoded, project-level defaults fill
keys the stack leaves out, and `secure:` values, which only the stack's secrets provider could decrypt, become
secret placeholders.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

SECRET_PLACEHOLDER = "[secret]"
"""What a `secure:` config value reads as offline: only the stack's secrets provider could decrypt it."""


class ProjectError(Exception):
    """The project or stack files are missing or malformed, as `pulumi preview` would refuse them."""


@dataclass(frozen=True)
class Runtime:
    """The project's `runtime:` entry."""

    name: str
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StackSettings:
    """Everything a preview needs from the project and stack files."""

    project: str
    stack: str
    project_dir: Path
    main: Path
    runtime: Runtime
    config: dict[str, str]
    secret_keys: list[str]
    organization: str = "organization"

    def package_config(self, package: str) -> dict[str, str]:
        """One package's config keys (`aws:region` -> `region`), as the engine gives a default provider."""
        prefix = f"{package}:"
        return {key[len(prefix) :]: value for key, value in self.config.items() if key.startswith(prefix)}

    @property
    def disabled_default_providers(self) -> list[str]:
        """Packages listed in `pulumi:disable-default-providers` (`*` for all)."""
        raw = self.config.get("pulumi:disable-default-providers")
        if raw is None:
            return []
        try:
            packages = json.loads(raw)
        except json.JSONDecodeError:
            packages = [raw]
        return [str(package) for package in packages] if isinstance(packages, list) else [str(packages)]

    def python_executable(self) -> Path | None:
        """The interpreter the language host would run the program with, if the project names a virtualenv."""
        return virtualenv_python(self.project_dir, self.runtime.options)


def virtualenv_python(base: Path, options: dict[str, Any]) -> Path | None:
    """`<base>/<virtualenv>/bin/python` when the runtime options name a virtualenv, else None."""
    virtualenv = options.get("virtualenv")
    if not virtualenv:
        return None
    return (base / str(virtualenv)).resolve() / "bin" / "python"


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice in one mapping, as the CLI's YAML decoder does.

    PyYAML keeps the last value silently, so a stack file with `aws:region` twice would preview a region
    the reader of the file may not see.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """Build the mapping, failing on the first repeated key with its line."""
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {key!r} (line {key_node.start_mark.line + 1}); give each key once",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _read_yaml(path: Path) -> dict[str, Any]:
    """A YAML mapping from a file, or a ProjectError saying what is wrong with it."""
    try:
        document = yaml.load(path.read_text(), Loader=_UniqueKeyLoader)
    except FileNotFoundError as error:
        raise ProjectError(f"{path} does not exist") from error
    except yaml.YAMLError as error:
        raise ProjectError(f"{path} is not valid YAML: {error}") from error
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise ProjectError(f"{path} must be a YAML mapping")
    return document


def _runtime(raw: Any, path: Path) -> Runtime:
    """Parse `runtime: python` or `runtime: {name: python, options: {...}}`."""
    if isinstance(raw, str):
        return Runtime(raw)
    if isinstance(raw, dict) and isinstance(raw.get("name"), str):
        return Runtime(raw["name"], dict(raw.get("options") or {}))
    raise ProjectError(f"{path}: `runtime` must be a name or a mapping with `name` and `options`")


def namespaced(project: str, key: str) -> str:
    """`foo` -> `<project>:foo`; keys that already carry a namespace stay as they are."""
    return key if ":" in key else f"{project}:{key}"


def _is_primitive(value: Any) -> bool:
    """The CLI's notion of a primitive config value (strings, integers and booleans, not floats)."""
    return isinstance(value, str | int | bool)


def _contains_secure(value: Any) -> bool:
    """Whether a stack config value is, or holds, a `secure:` ciphertext."""
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            return True
        return any(_contains_secure(inner) for inner in value.values())
    if isinstance(value, list):
        return any(_contains_secure(inner) for inner in value)
    return False


def _without_secure(value: Any) -> Any:
    """Replace every `secure:` ciphertext inside a value with the secret placeholder."""
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            return SECRET_PLACEHOLDER
        return {key: _without_secure(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_without_secure(inner) for inner in value]
    return value


def config_string(value: Any) -> str:
    """A config value as the CLI passes it to the program: primitives as text, anything else as JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if _is_primitive(value):
        return str(value)
    return json.dumps(value, separators=(",", ":"))


def load_stack(project_dir: Path, stack: str) -> StackSettings:
    """Read the project file and the stack's config file, applying project defaults as the CLI does."""
    project_dir = project_dir.resolve()
    project_path = project_dir / "Pulumi.yaml"
    if not project_path.exists():
        alternative = project_dir / "Pulumi.yml"
        project_path = alternative if alternative.exists() else project_path
    project_file = _read_yaml(project_path)
    project = project_file.get("name")
    if not isinstance(project, str) or not project:
        raise ProjectError(f"{project_path}: `name` is required")
    runtime = _runtime(project_file.get("runtime"), project_path)
    if runtime.name != "python":
        raise ProjectError(
            f"{project_path}: runtime `{runtime.name}` is not supported offline, only `python`"
        )

    main = project_dir / str(project_file.get("main") or ".")
    if not main.exists():
        raise ProjectError(f"{project_path}: `main` {main} does not exist")

    stack_dir = project_dir
    if isinstance(project_file.get("stackConfigDir"), str):
        stack_dir = project_dir / project_file["stackConfigDir"]
    elif isinstance(project_file.get("config"), str):
        stack_dir = project_dir / project_file["config"]
    stack_path = stack_dir / f"Pulumi.{stack}.yaml"
    if not stack_path.exists() and (stack_dir / f"Pulumi.{stack}.yml").exists():
        stack_path = stack_dir / f"Pulumi.{stack}.yml"
    if not stack_path.exists():
        raise ProjectError(f"no stack file for stack `{stack}`: {stack_path} does not exist")
    stack_file = _read_yaml(stack_path)
    if stack_file.get("environment"):
        raise ProjectError(
            f"{stack_path}: `environment` (Pulumi ESC) cannot be resolved offline; inline its values"
        )

    stack_config = stack_file.get("config") or {}
    if not isinstance(stack_config, dict):
        raise ProjectError(
            f"{stack_path}: `config` must be a mapping of keys to values (e.g. `aws:region: eu-west-1`), "
            f"not a {type(stack_config).__name__}"
        )
    config: dict[str, str] = {}
    secret_keys: list[str] = []
    for raw_key, raw_value in stack_config.items():
        key = namespaced(project, str(raw_key))
        if _contains_secure(raw_value):
            secret_keys.append(key)
        config[key] = config_string(_without_secure(raw_value))

    project_config = project_file.get("config")
    missing: list[str] = []
    if isinstance(project_config, dict):
        for raw_key in sorted(project_config):
            declaration = project_config[raw_key]
            key = namespaced(project, str(raw_key))
            if _is_primitive(declaration) or isinstance(declaration, list):
                # Shorthand: a project key's bare value is its default, another package's is its value.
                declaration = (
                    {"default": declaration} if key.startswith(f"{project}:") else {"value": declaration}
                )
            if not isinstance(declaration, dict) or key in config:
                continue
            if "default" in declaration:
                config[key] = config_string(declaration["default"])
            elif "value" in declaration:
                config[key] = config_string(declaration["value"])
            elif key.startswith(f"{project}:"):
                missing.append(str(raw_key))
    if missing:
        raise ProjectError(
            f"stack `{stack}` is missing configuration value(s) required by {project_path.name}: "
            + ", ".join(missing)
            + f"; set them in {stack_path.name}"
        )

    return StackSettings(
        project=project,
        stack=stack,
        project_dir=project_dir,
        main=main,
        runtime=runtime,
        config=config,
        secret_keys=sorted(set(secret_keys)),
    )
