"""The release's privacy parameters and the closed vocabularies of its grouping dimensions.

Every default, bound and floor comes from residency/defaults.py, which the stack settings hold values to as
well (facts -> settings -> components): the settings accept exactly what these classes accept, and the SQL
enforces the same bounds again (telemetry_admin.check_privacy_parameters).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from residency.defaults import (
    DEFAULT_EPSILON_PER_HOUR,
    DEFAULT_LATENCY_BOUND_MS,
    DEFAULT_MAX_EVENTS_PER_GROUP,
    DEFAULT_MAX_GROUPS_PER_SUBJECT,
    DEFAULT_MIN_SUBJECTS,
    DEFAULT_SMALL_GROUP_PROBABILITY,
    EPSILON_CEILING,
    EPSILON_FLOOR,
    IDENTIFIER_SHAPED,
    LATENCY_BOUND_MS_BOUNDS,
    MAX_EVENTS_PER_GROUP_BOUNDS,
    MAX_GROUPS_PER_SUBJECT_BOUNDS,
    MAX_VOCABULARY_SIZE,
    MIN_SUBJECTS_FLOOR,
    RESERVED_VOCABULARY_NAME,
    SMALL_GROUP_PROBABILITY_CEILING,
    VOCABULARY_LABEL,
)

__all__ = [
    "ANONYMISED_COLUMNS",
    "DEFAULT_EPSILON_PER_HOUR",
    "DEFAULT_LATENCY_BOUND_MS",
    "DEFAULT_MAX_EVENTS_PER_GROUP",
    "DEFAULT_MAX_GROUPS_PER_SUBJECT",
    "DEFAULT_MIN_SUBJECTS",
    "DEFAULT_SMALL_GROUP_PROBABILITY",
    "EPSILON_CEILING",
    "EPSILON_FLOOR",
    "MAX_VOCABULARY_SIZE",
    "MIN_SUBJECTS_FLOOR",
    "OTHER",
    "RELEASE_COLUMNS",
    "STATISTIC_WEIGHTS",
    "PrivacyParameters",
    "Vocabulary",
    "validate_min_subjects",
    "validate_region",
]

STATISTIC_WEIGHTS: Mapping[str, int] = {"subjects": 2, "events": 1, "errors": 1, "latency_ms_sum": 1}
"""How each group's share of epsilon is split over its noisy statistics (fifths, as in the SQL)."""

RELEASE_COLUMNS: tuple[str, ...] = (
    "bucket_start",
    "service",
    "metric",
    "subject_count",
    "event_count",
    "error_count",
    "latency_ms_sum",
    "latency_ms_mean",
)
"""Columns of every released table (the ledger on the store and each inbox on a peer's exchange), in order."""
ANONYMISED_COLUMNS = RELEASE_COLUMNS

OTHER = RESERVED_VOCABULARY_NAME
"""The group every dimension value outside the vocabulary is counted under."""

_REGION_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,19}$")
_LABEL_PATTERN = re.compile(rf"^{VOCABULARY_LABEL}$")
# A vocabulary entry that holds a number or a long hexadecimal run is far more likely an address, a device or
# a request id than a service or metric name; refusing it keeps identifiers out of the closed dimensions.
_IDENTIFIER_SHAPED = re.compile(IDENTIFIER_SHAPED)


def validate_region(region: str) -> str:
    """Return the region label (the stack name, e.g. eu or india) or raise ValueError if it is not one."""
    if not _REGION_PATTERN.fullmatch(region):
        raise ValueError(
            f"region label {region!r} must match {_REGION_PATTERN.pattern} (it names SQL objects)"
        )
    return region


def validate_min_subjects(min_subjects: int) -> int:
    """Return k or raise ValueError when it is below the floor the SQL enforces anyway."""
    if (
        isinstance(min_subjects, bool)
        or not isinstance(min_subjects, int)
        or min_subjects < MIN_SUBJECTS_FLOOR
    ):
        raise ValueError(
            f"min_subjects (k) must be an integer of at least {MIN_SUBJECTS_FLOOR}, got {min_subjects!r}"
        )
    return min_subjects


def _bounded_integer(name: str, value: int, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} must be an integer from {low} to {high}, got {value!r}")


@dataclass(frozen=True)
class PrivacyParameters:
    """The release's differential privacy parameters; validated at construction, as the SQL does again."""

    epsilon_per_hour: Decimal = DEFAULT_EPSILON_PER_HOUR
    """Privacy loss per subject per released hour, over every group and statistic of the hour."""
    min_subjects: int = DEFAULT_MIN_SUBJECTS
    """k: a group of at most k distinct subjects is kept with probability at most small_group_probability."""
    max_groups_per_subject: int = DEFAULT_MAX_GROUPS_PER_SUBJECT
    """A subject counts in at most this many (service, metric) groups per hour: its most active ones."""
    max_events_per_group: int = DEFAULT_MAX_EVENTS_PER_GROUP
    """A subject's events, errors and latency sum in a group count as if it had at most this many events."""
    latency_bound_ms: int = DEFAULT_LATENCY_BOUND_MS
    """Latencies are clamped to [0, latency_bound_ms] before summing."""
    small_group_probability: float = DEFAULT_SMALL_GROUP_PROBABILITY
    """Sets the threshold's margin above k; the threshold acts on noisy counts, so it costs no privacy."""

    def __post_init__(self) -> None:
        """Refuse parameters the SQL would refuse, naming the parameter and its allowed range."""
        epsilon = Decimal(self.epsilon_per_hour)
        if (
            not EPSILON_FLOOR <= epsilon <= EPSILON_CEILING
            or (epsilon * 1000) != (epsilon * 1000).to_integral_value()
        ):
            raise ValueError(
                f"epsilon_per_hour must lie in [{EPSILON_FLOOR}, {EPSILON_CEILING}] in steps of 0.001, "
                f"got {self.epsilon_per_hour!r}"
            )
        object.__setattr__(self, "epsilon_per_hour", epsilon)
        validate_min_subjects(self.min_subjects)
        _bounded_integer(
            "max_groups_per_subject", self.max_groups_per_subject, *MAX_GROUPS_PER_SUBJECT_BOUNDS
        )
        _bounded_integer("max_events_per_group", self.max_events_per_group, *MAX_EVENTS_PER_GROUP_BOUNDS)
        _bounded_integer("latency_bound_ms", self.latency_bound_ms, *LATENCY_BOUND_MS_BOUNDS)
        if not 0 < self.small_group_probability <= SMALL_GROUP_PROBABILITY_CEILING:
            raise ValueError(
                f"small_group_probability must lie in (0, {SMALL_GROUP_PROBABILITY_CEILING}], "
                f"got {self.small_group_probability!r}"
            )

    @property
    def epsilon_per_day(self) -> Decimal:
        """Privacy loss per subject per UTC day: 24 releases, composed (basic composition)."""
        return 24 * self.epsilon_per_hour

    def sensitivities(self) -> dict[str, int]:
        """How much one subject can change each statistic of one group it counts in."""
        return {
            "subjects": 1,
            "events": self.max_events_per_group,
            "errors": self.max_events_per_group,
            "latency_ms_sum": self.max_events_per_group * self.latency_bound_ms,
        }

    def noise_scales(self) -> dict[str, Fraction]:
        """The discrete Laplace scale of each statistic, exactly as telemetry_admin.noise_scales has it."""
        total = sum(STATISTIC_WEIGHTS.values())
        epsilon = Fraction(self.epsilon_per_hour)
        return {
            statistic: Fraction(self.max_groups_per_subject * sensitivity)
            / (epsilon * Fraction(STATISTIC_WEIGHTS[statistic], total))
            for statistic, sensitivity in self.sensitivities().items()
        }

    def threshold(self) -> int:
        """The noisy distinct-subject count a group needs to be kept (telemetry_admin.release_threshold)."""
        scale = float(self.noise_scales()["subjects"])
        alpha = math.exp(-1 / scale)
        margin = math.ceil(-scale * math.log(self.small_group_probability * (1 + alpha)) - 1e-9)
        return self.min_subjects + max(0, margin)


@dataclass(frozen=True)
class Vocabulary:
    """The closed vocabularies of the grouping dimensions; any other value is counted under 'other'."""

    services: tuple[str, ...]
    metrics: tuple[str, ...] = ("request",)

    def __post_init__(self) -> None:
        """Refuse labels that are not lower-case names, duplicates, 'other', and identifier-shaped values."""
        for dimension, names in (("services", self.services), ("metrics", self.metrics)):
            if isinstance(names, str) or not 1 <= len(names) <= MAX_VOCABULARY_SIZE:
                raise ValueError(f"{dimension} must be a list of 1 to {MAX_VOCABULARY_SIZE} names")
            if len(set(names)) != len(names):
                raise ValueError(f"{dimension} lists a name twice: {sorted(names)}")
            for name in names:
                if not _LABEL_PATTERN.fullmatch(name):
                    raise ValueError(f"{dimension}: {name!r} must match {_LABEL_PATTERN.pattern}")
                if name == OTHER:
                    raise ValueError(f"{dimension}: {OTHER!r} is reserved for values outside the vocabulary")
                if _IDENTIFIER_SHAPED.search(name):
                    raise ValueError(
                        f"{dimension}: {name!r} looks like an identifier (a number, a hexadecimal run or an "
                        "ip/id/user/device/session/uuid part); a grouping value must name a kind of thing, "
                        "never one person, device or address"
                    )
            object.__setattr__(self, dimension, tuple(names))

    def variables(self) -> dict[str, str]:
        """The psql variables both job scripts take."""
        return {"services": ",".join(self.services), "metrics": ",".join(self.metrics)}
