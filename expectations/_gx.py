"""Small helpers shared by the suites: importing GX without analytics, and naming expectations."""

from __future__ import annotations

import os

# No usage statistics, ever (GX reads this when a context is created).
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import great_expectations as gx  # noqa: E402
import great_expectations.expectations as gxe  # noqa: E402
from great_expectations.expectations.row_conditions import Column  # noqa: E402

CRITICAL = "critical"   # a failure blocks the publish
WARNING = "warning"     # a failure is shown and recorded, nothing is blocked


def named(expectation: gxe.Expectation, name: str, *, target: str | None = None,
          applies_to: str | None = None, context: list[str] | None = None) -> gxe.Expectation:
    """Attach the name used in ``audit.quality_results`` and run messages.

    ``target`` pins the expectation to one reported target (e.g. a social table) instead of
    every value of the suite's target column; ``applies_to`` names the boolean frame column
    the expectation's ``row_condition`` selects on, so the runner knows which targets it
    speaks for.
    """
    meta = dict(expectation.meta or {})
    meta["name"] = name
    if target is not None:
        meta["target"] = target
    if applies_to is not None:
        meta["applies_to"] = applies_to
    if context:
        meta["context"] = list(context)
    expectation.meta = meta
    return expectation


def only_where(flag: str):
    """Row condition: the rows where the boolean column ``flag`` is true."""
    return Column(flag) == True  # noqa: E712  (a GX Condition, not a Python comparison)


__all__ = ["gx", "gxe", "Column", "CRITICAL", "WARNING", "named", "only_where"]
