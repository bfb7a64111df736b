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


def parse_key(project: str, raw: str, where: Path) -> str:
    """A config key as `config.ParseKey` reads it (sdk/go/common/resource/config/key.go), namespaced.

    `name` -> `<project>:name`; `ns:name` stays; the legacy `ns:config:name` becomes `ns:name`; anything
    else is refused with the CLI's message.
    """
    colons = raw.count(":")
    if colons == 0:
        return f"{project}:{raw}"
    if colons == 1:
        return raw
    parts = raw.split(":")
    if colons == 2 and parts[1] == "config" and parts[0] and parts[2]:
        return f"{parts[0]}:{parts[2]}"
    raise ProjectError(
        f"{where}: could not parse {raw} as a configuration key "
        "(configuration keys should be of the form `<namespace>:<name>`)"
    )


_TYPES = ("string", "integer", "boolean", "array", "object")


def _declarations(project: str, raw: Any, path: Path) -> dict[str, tuple[str, dict[str, Any]]]:
    """The project's config declarations, shorthand rewritten and checked as `Project.Validate` checks them.

    Followed: RewriteShorthandConfigValues and Project.Validate in sdk/go/common/workspace/project.go.
    """
    if raw is None or isinstance(raw, str):
        return {}
    if not isinstance(raw, dict):
        raise ProjectError(f"{path}: `config` must be a mapping of keys to declarations")
    result: dict[str, tuple[str, dict[str, Any]]] = {}
    for raw_key, declaration in raw.items():
        name = str(raw_key)
        own = ":" not in name or name.startswith(f"{project}:")
        if _is_primitive(declaration) or isinstance(declaration, list):
            declaration = {"default": declaration} if own else {"value": declaration}
        if not isinstance(declaration, dict):
            raise ProjectError(f"{path}: configuration key '{name}' must be a value or a mapping")
        kind = declaration.get("type")
        if own:
            if kind is not None and kind not in _TYPES:
                raise ProjectError(
                    f"{path}: configuration key '{name}' has type {kind!r}; allowed: {', '.join(_TYPES)}"
                )
            if kind == "array" and declaration.get("items") is None:
                raise ProjectError(
                    f"{path}: The configuration key '{name}' declares an array but does not specify the "
                    "underlying type via the 'items' attribute"
                )
            default = declaration.get("default")
            if (
                isinstance(kind, str)
                and "default" in declaration
                and not config_value_matches(kind, declaration.get("items"), default)
            ):
                raise ProjectError(
                    f"{path}: The default value specified for configuration key '{name}' is not of the "
                    f"expected type '{_type_name(kind, declaration.get('items'))}'"
                )
        else:
            if kind is not None:
                raise ProjectError(
                    f"{path}: Configuration key '{name}' is not namespaced by the project and should not "
                    "define a type"
                )
            if "default" in declaration:
                raise ProjectError(
                    f"{path}: Configuration key '{name}' is not namespaced by the project and should not "
                    "define a default value. Did you mean to use the 'value' attribute instead of 'default'?"
                )
            if "value" not in declaration:
                raise ProjectError(
                    f"{path}: Configuration key '{name}' is namespaced and must provide an attribute 'value'"
                )
        result[name] = (parse_key(project, name, path), declaration)
    return result


def _required(project: str, key: str, declaration: dict[str, Any]) -> bool:
    """A project key with neither a default nor a value must come from the stack."""
    return key.startswith(f"{project}:") and "default" not in declaration and "value" not in declaration


def _format_missing(keys: list[str]) -> str:
    """`'a'`, `'a' and 'b'`, `'a', 'b' and 'c'`, as the CLI lists missing keys."""
    quoted = [f"'{key}'" for key in sorted(keys)]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _type_name(kind: str, items: Any) -> str:
    """`array<string>` for typed arrays, else the type (InferFullTypeName)."""
    if isinstance(items, dict) and isinstance(items.get("type"), str):
        return f"array<{_type_name(items['type'], items.get('items'))}>"
    return kind


def config_value_matches(kind: str, items: Any, value: Any) -> bool:
    """`ValidateConfigValue`: strings, integers (or integral text), booleans (or `true`/`false`), ..."""
    if kind == "string":
        return isinstance(value, str)
    if kind == "integer":
        if isinstance(value, bool):
            return False
        if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
            return True
        if isinstance(value, str):
            try:
                int(value, 10)
            except ValueError:
                return False
            return True
        return False
    if kind == "boolean":
        return isinstance(value, bool) or value in ("true", "false")
    if kind == "object":
        return isinstance(value, dict)
    if not isinstance(value, list) or not isinstance(items, dict):
        return False
    return all(config_value_matches(str(items.get("type")), items.get("items"), item) for item in value)


def _validate_stack_value(stack: str, raw_key: str, declaration: dict[str, Any], value: Any) -> list[str]:
    """validateStackConfigValue (pkg/workspace/config.go): secret keys encrypted, values of their type."""
    if declaration.get("secret") and not _contains_secure(value):
        return [f"Stack '{stack}' with configuration key '{raw_key}' must be encrypted as it's secret"]
    if _contains_secure(value):
        # Only the stack's secrets provider could decrypt it to check its type.
        return []
    content = config_string(value) if _is_primitive(value) else value
    kind = str(declaration["type"])
    if not config_value_matches(kind, declaration.get("items"), content):
        return [
            f"Stack '{stack}' with configuration key '{raw_key}' must be of type "
            f"'{_type_name(kind, declaration.get('items'))}'"
        ]
    return []


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
    stack_values: dict[str, Any] = {}
    for raw_key, raw_value in stack_config.items():
        key = parse_key(project, str(raw_key), stack_path)
        stack_values[key] = raw_value
        if _contains_secure(raw_value):
            secret_keys.append(key)
        config[key] = config_string(_without_secure(raw_value))

    project_config = project_file.get("config")
    declarations = _declarations(project, project_config, project_path)
    missing = [
        raw
        for raw, (key, declaration) in declarations.items()
        if key not in config and _required(project, key, declaration)
    ]
    if missing:
        raise ProjectError(
            f"Stack '{stack}' is missing configuration value{'s' if len(missing) > 1 else ''} "
            + _format_missing(missing)
            + f" (required by {project_path}); set {'them' if len(missing) > 1 else 'it'} in {stack_path} "
            "with `pulumi config set`"
        )
    errors = []
    for raw_key in sorted(declarations):
        key, declaration = declarations[raw_key]
        if key in config:
            if isinstance(declaration.get("type"), str):
                errors.extend(_validate_stack_value(stack, raw_key, declaration, stack_values.get(key)))
            continue
        if "default" in declaration:
            config[key] = config_string(declaration["default"])
        elif "value" in declaration:
            config[key] = config_string(declaration["value"])
    if errors:
        raise ProjectError(f"{stack_path}:\n" + "\n".join(errors))

    return StackSettings(
        project=project,
        stack=stack,
        project_dir=project_dir,
        main=main,
        runtime=runtime,
        config=config,
        secret_keys=sorted(set(secret_keys)),
    )
