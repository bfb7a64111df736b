"""The pack's policy configuration: JSON-schema properties with a default for every tunable, and parsing.

Each policy declares the properties it reads (see `registry`); the Pulumi CLI validates a policy config file
against them and fills in the defaults before it configures the pack. `Settings.parse` applies the same
defaults so that the rules behave alike when a harness calls them directly, and rejects what the CLI cannot:
keys that no schema declares (a typo would otherwise be ignored) and regions outside the jurisdiction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from residency_facts import (
    CLASSIFICATIONS,
    JURISDICTIONS,
    RESIDENT_CLASSIFICATIONS,
    Classification,
    Jurisdiction,
)

JURISDICTION = "jurisdiction"
ALLOWED_REGIONS = "allowedRegions"
ACCOUNT_IDS = "accountIds"
MINIMUM_BACKUP_RETENTION_DAYS = "minimumBackupRetentionDays"
PROTECTED_CLASSIFICATIONS = "protectedClassifications"
RESIDENT = "residentClassifications"
ADDITIONAL_DATA_HOLDING_TYPES = "additionalDataHoldingTypes"
REQUIRE_PROTECT = "requireProtect"

_CLASSIFICATION_LIST = {
    "type": "array",
    "items": {"type": "string", "enum": sorted(CLASSIFICATIONS)},
    "minItems": 1,
}

PROPERTIES: dict[str, dict[str, Any]] = {
    JURISDICTION: {
        "type": "string",
        "enum": sorted(JURISDICTIONS),
        "description": "Jurisdiction (a code of residency_facts) whose law governs the personal data.",
    },
    ALLOWED_REGIONS: {
        "type": "array",
        "items": {"type": "string"},
        "uniqueItems": True,
        "default": [],
        "description": "Narrows the jurisdiction's regions to these; empty allows all of the jurisdiction's.",
    },
    ACCOUNT_IDS: {
        "type": "array",
        "items": {"type": "string", "pattern": "^[0-9]{12}$"},
        "uniqueItems": True,
        "default": [],
        "description": "The deployment's AWS accounts; a copy or share to any other account leaves it.",
    },
    MINIMUM_BACKUP_RETENTION_DAYS: {
        "type": "integer",
        "minimum": 1,
        "maximum": 35,
        "default": 7,
        "description": "Fewest days of automated backups a protected data store keeps.",
    },
    PROTECTED_CLASSIFICATIONS: {
        **_CLASSIFICATION_LIST,
        "default": [Classification.PII.value],
        "description": "Classifications this rule protects.",
    },
    RESIDENT: {
        **_CLASSIFICATION_LIST,
        "default": sorted(RESIDENT_CLASSIFICATIONS),
        "description": "Classifications whose resources must live in the jurisdiction's regions.",
    },
    ADDITIONAL_DATA_HOLDING_TYPES: {
        "type": "array",
        "items": {"type": "string", "pattern": "^[a-zA-Z0-9-]+:[^:]+:[^:]+$"},
        "uniqueItems": True,
        "default": [],
        "description": "Resource type tokens that hold data besides those listed in residency_facts.",
    },
    REQUIRE_PROTECT: {
        "type": "boolean",
        "default": True,
        "description": "Whether protected data stores must be declared with `protect=True`.",
    },
}
"""Every property a policy of the pack may declare, by its name in the policy config file."""


def schema_properties(*names: str) -> dict[str, dict[str, Any]]:
    """The JSON-schema properties a policy declares, by name."""
    return {name: dict(PROPERTIES[name]) for name in names}


class SettingsError(ValueError):
    """The policy configuration is missing or wrong; the message says which key and what is allowed."""


@dataclass(frozen=True)
class Settings:
    """One policy's configuration, parsed, with defaults applied."""

    jurisdiction: Jurisdiction
    allowed_regions: frozenset[str]
    account_ids: frozenset[str]
    minimum_backup_retention_days: int
    protected_classifications: frozenset[str]
    resident_classifications: frozenset[str]
    additional_data_holding_types: frozenset[str]
    require_protect: bool

    @property
    def law(self) -> str:
        """The jurisdiction's data-protection law, for messages."""
        return f"{self.jurisdiction.law} ({self.jurisdiction.name})"

    def outside(self, region: str) -> str:
        """Why a region is not allowed, for messages: outside the jurisdiction, or inside it but outside the
        regions this stack's config narrows it to (Frankfurt is in the EU, not an allowed region of eu)."""
        if region in self.jurisdiction.regions:
            return f"outside this stack's allowed regions ({', '.join(sorted(self.allowed_regions))})"
        return f"outside {self.jurisdiction.name}"

    @classmethod
    def parse(
        cls, policy: str, declared: Mapping[str, Mapping[str, Any]], config: Mapping[str, Any]
    ) -> Settings:
        """Parse a policy's config against the properties it declares, applying their defaults."""
        unknown_keys = sorted(set(config) - set(declared))
        if unknown_keys:
            raise SettingsError(
                f"policy config for '{policy}' has unknown keys {unknown_keys}; it accepts {sorted(declared)}"
            )
        values = {name: spec["default"] for name, spec in declared.items() if "default" in spec}
        values.update(config)
        code = values.get(JURISDICTION)
        if code not in JURISDICTIONS:
            raise SettingsError(
                f"policy config for '{policy}' must set '{JURISDICTION}' to one of {sorted(JURISDICTIONS)} "
                f"(got {code!r}); see policies/config/<stack>.json"
            )
        jurisdiction = JURISDICTIONS[code]
        narrowed = frozenset(_strings(policy, ALLOWED_REGIONS, values.get(ALLOWED_REGIONS, [])))
        outside = sorted(narrowed - jurisdiction.regions)
        if outside:
            raise SettingsError(
                f"policy config for '{policy}': '{ALLOWED_REGIONS}' lists {outside}, outside "
                f"{jurisdiction.name}; "
                f"allowed: {sorted(jurisdiction.regions)}"
            )
        return cls(
            jurisdiction=jurisdiction,
            allowed_regions=narrowed or jurisdiction.regions,
            account_ids=frozenset(_strings(policy, ACCOUNT_IDS, values.get(ACCOUNT_IDS, []))),
            minimum_backup_retention_days=_integer(policy, values.get(MINIMUM_BACKUP_RETENTION_DAYS, 7)),
            protected_classifications=frozenset(
                _strings(policy, PROTECTED_CLASSIFICATIONS, values.get(PROTECTED_CLASSIFICATIONS, ["pii"]))
            ),
            resident_classifications=frozenset(
                _strings(policy, RESIDENT, values.get(RESIDENT, sorted(RESIDENT_CLASSIFICATIONS)))
            ),
            additional_data_holding_types=frozenset(
                _strings(policy, ADDITIONAL_DATA_HOLDING_TYPES, values.get(ADDITIONAL_DATA_HOLDING_TYPES, []))
            ),
            require_protect=bool(values.get(REQUIRE_PROTECT, True)),
        )


def _strings(policy: str, key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SettingsError(
            f"policy config for '{policy}': '{key}' must be a list of strings (got {value!r})"
        )
    return value


def _integer(policy: str, value: Any) -> int:
    # The CLI sends config through a protobuf Struct, where every number arrives as a float.
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise SettingsError(
            f"policy config for '{policy}': '{MINIMUM_BACKUP_RETENTION_DAYS}' must be an integer"
        )
    return int(value)
