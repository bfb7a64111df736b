"""What CloudWatch Logs accepts, shared by the components that create log groups."""

from __future__ import annotations

LOG_RETENTION_DAYS: frozenset[int] = frozenset(
    {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}
)
"""Retention periods CloudWatch Logs accepts."""
