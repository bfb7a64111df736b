"""The hand-written mechanism against OpenDP: noise scales, the threshold, and the sampler's distribution.

OpenDP (opendp.org) is the reference: its discrete Laplace measurement gives the privacy loss of each scale
the SQL computes, its accuracy function the threshold's margin, and its sampler a second sample to compare
the SQL's against. Frequency checks use Hoeffding's bound with a union over the bins checked, so each test
fails spuriously with probability below 10^-6.
"""

from __future__ import annotations

import math
from collections import Counter
from decimal import Decimal
from fractions import Fraction

import opendp.prelude as dp
import pytest
from opendp.accuracy import discrete_laplacian_scale_to_accuracy

import components.telemetry_sql as telemetry_sql
from tests.telemetry_sql.conftest import Mesh
from tests.telemetry_sql.servers import STORE_DATABASE

dp.enable_features("contrib")

PARAMETER_SETS = [
    telemetry_sql.PrivacyParameters(),
    telemetry_sql.PrivacyParameters(epsilon_per_hour=Decimal("0.25"), max_groups_per_subject=1),
    telemetry_sql.PrivacyParameters(
        epsilon_per_hour=Decimal("1.7"),
        max_groups_per_subject=7,
        max_events_per_group=30,
        latency_bound_ms=777,
    ),
    telemetry_sql.PrivacyParameters(
        epsilon_per_hour=Decimal("0.1"), min_subjects=25, small_group_probability=1e-9
    ),
]
SAMPLES = 20_000
SPURIOUS_FAILURE = 1e-7


def opendp_epsilon(scale: Fraction, sensitivity: int) -> float:
    """OpenDP's privacy loss of its integer (discrete) Laplace measurement at this scale and sensitivity."""
    measurement = dp.m.make_laplace(dp.atom_domain(T=int), dp.absolute_distance(T=int), scale=float(scale))
    return float(measurement.map(sensitivity))


def discrete_laplace_pmf(scale: float, value: int) -> float:
    """P(Z = value) for a discrete Laplace of this scale."""
    alpha = math.exp(-1 / scale)
    return (1 - alpha) / (1 + alpha) * alpha ** abs(value)


def discrete_laplace_at_least(scale: float, value: int) -> float:
    """P(Z >= value) for a discrete Laplace of this scale, exactly: the sum of the pmf in closed form.

    For value >= 1 the geometric tail sums to alpha^value / (1 + alpha); below, by symmetry, it is one minus
    the tail P(Z >= 1 - value). (Summing the pmf term by term over the bins took millions of terms at scale
    100,000; the closed form agrees with that sum to 1e-15 at the small scales.)
    """
    alpha = math.exp(-1 / scale)
    if value >= 1:
        return math.exp(-value / scale) / (1 + alpha)
    return 1 - math.exp((value - 1) / scale) / (1 + alpha)


@pytest.mark.parametrize(
    "privacy", PARAMETER_SETS, ids=lambda p: f"eps{p.epsilon_per_hour}-g{p.max_groups_per_subject}"
)
def test_the_sql_noise_scales_spend_exactly_epsilon_per_subject_per_hour_by_opendps_account(
    mesh: Mesh, privacy: telemetry_sql.PrivacyParameters
) -> None:
    rows = mesh.regions["eu"].store.query(
        STORE_DATABASE,
        "SELECT statistic, sensitivity, scale_numerator, scale_denominator"
        " FROM telemetry_admin.noise_scales(%s, %s, %s, %s)",
        [
            privacy.epsilon_per_hour,
            privacy.max_groups_per_subject,
            privacy.max_events_per_group,
            privacy.latency_bound_ms,
        ],
    )
    sql_scales = {
        statistic: Fraction(numerator, denominator) for statistic, _, numerator, denominator in rows
    }
    assert sql_scales == privacy.noise_scales()
    assert {statistic: sensitivity for statistic, sensitivity, _, _ in rows} == privacy.sensitivities()
    # A subject is in at most max_groups groups of the hour and changes each statistic there by at most its
    # sensitivity: its whole effect on the hour's release, by OpenDP's privacy map, is epsilon_per_hour.
    spent = sum(
        opendp_epsilon(sql_scales[statistic], privacy.max_groups_per_subject * sensitivity)
        for statistic, sensitivity in privacy.sensitivities().items()
    )
    assert spent == pytest.approx(float(privacy.epsilon_per_hour), rel=1e-9)
    assert privacy.epsilon_per_day == 24 * privacy.epsilon_per_hour


@pytest.mark.parametrize(
    "privacy", PARAMETER_SETS, ids=lambda p: f"eps{p.epsilon_per_hour}-k{p.min_subjects}"
)
def test_the_threshold_keeps_a_group_of_k_subjects_with_at_most_the_configured_probability(
    mesh: Mesh, privacy: telemetry_sql.PrivacyParameters
) -> None:
    (threshold,) = mesh.regions["eu"].store.query(
        STORE_DATABASE,
        "SELECT telemetry_admin.release_threshold(%s, %s, %s, %s)",
        [
            privacy.min_subjects,
            privacy.epsilon_per_hour,
            privacy.max_groups_per_subject,
            privacy.small_group_probability,
        ],
    )[0]
    assert threshold == privacy.threshold()
    scale = float(privacy.noise_scales()["subjects"])
    margin = threshold - privacy.min_subjects
    alpha = math.exp(-1 / scale)
    # Exactly the smallest margin whose one-sided tail P(Z >= margin) = alpha^margin / (1 + alpha) fits.
    assert (
        alpha**margin / (1 + alpha) <= privacy.small_group_probability < alpha ** (margin - 1) / (1 + alpha)
    )
    # OpenDP's accuracy at the two-sided level 2 * probability lands on the same integer.
    accuracy = discrete_laplacian_scale_to_accuracy(scale, 2 * privacy.small_group_probability)
    assert margin - 1 < accuracy <= margin


@pytest.mark.parametrize(("numerator", "denominator"), [(3, 1), (5, 2), (100_000, 1)])
def test_the_sql_sampler_draws_the_discrete_laplace_opendp_draws(
    mesh: Mesh, numerator: int, denominator: int
) -> None:
    scale = numerator / denominator
    rows = mesh.regions["eu"].store.query(
        STORE_DATABASE,
        "SELECT telemetry_admin.discrete_laplace(%s, %s) FROM generate_series(1, %s)",
        [numerator, denominator, SAMPLES],
    )
    sql = [value for (value,) in rows]
    # OpenDP's vector measurement draws each element independently with the same sampler as its scalar one,
    # in one call instead of SAMPLES calls across the Python boundary.
    measurement = dp.m.make_laplace(
        dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int), scale=scale
    )
    reference = list(measurement([0] * SAMPLES))
    assert len(reference) == SAMPLES
    # Bins: the central values and both tails, around a width of the scale.
    width = max(1, round(scale / 2))
    edges = [-3 * width, -2 * width, -width, 0, width, 2 * width, 3 * width]
    bins = len(edges) + 1
    tolerance = math.sqrt(math.log(2 * 2 * bins / SPURIOUS_FAILURE) / (2 * SAMPLES))

    def bin_of(value: int) -> int:
        return sum(value >= edge for edge in edges)

    def expected(index: int) -> float:
        low = 1.0 if index == 0 else discrete_laplace_at_least(scale, edges[index - 1])
        high = 0.0 if index == bins - 1 else discrete_laplace_at_least(scale, edges[index])
        return low - high

    sql_bins, reference_bins = Counter(map(bin_of, sql)), Counter(map(bin_of, reference))
    for index in range(bins):
        # Each sample against the exact distribution, so each against the other within twice the tolerance.
        assert abs(sql_bins[index] / SAMPLES - expected(index)) <= tolerance, (
            index,
            sql_bins,
            expected(index),
        )
        assert abs(reference_bins[index] / SAMPLES - expected(index)) <= tolerance, (index, reference_bins)
    # The exact point mass at zero, which a rounded continuous Laplace would get wrong for small scales.
    zero = sum(value == 0 for value in sql) / SAMPLES
    assert abs(zero - discrete_laplace_pmf(scale, 0)) <= tolerance


def test_noise_comes_only_from_pgcrypto_and_integer_arithmetic(mesh: Mesh) -> None:
    store = mesh.regions["eu"].store
    ((sampler,),) = store.query(
        STORE_DATABASE,
        "SELECT prosrc FROM pg_proc"
        " WHERE oid = 'telemetry_admin.discrete_laplace(bigint, bigint)'::regprocedure",
    )
    assert "gen_random_bytes" in sampler
    assert "double" not in sampler and "float" not in sampler and "numeric" not in sampler
    everything = "\n".join(
        source
        for (source,) in store.query(
            STORE_DATABASE, "SELECT prosrc FROM pg_proc WHERE pronamespace = 'telemetry_admin'::regnamespace"
        )
    )
    # PostgreSQL's random() is not a cryptographic generator; nothing here may use it.
    assert "random()" not in everything and "setseed" not in everything
