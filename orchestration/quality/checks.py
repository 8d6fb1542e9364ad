"""The GX guards as blocking Dagster asset checks.

* ``weighting_guard`` on ``weights/survey_weights``: runs right after weighting, before the dbt
  models built on the weights; a failed critical expectation blocks everything downstream
  (survey marts, publish).
* ``survey_totals_guard`` on every survey mart (``marts/mart_*``), against the bases dbt
  recounts in ``audit/survey_bases``: one step validates all of them and reports a result per
  mart; a failure blocks ``warehouse/voice_monitor``.
* ``social_totals_guard`` on ``audit/social_load_totals``, ``marts/fct_social_posts`` and
  ``marts/mart_social_volume`` — defined for those of them that the dbt project has.
* ``publish_change_guard`` on ``weights/survey_weights`` (n per wave) and ``marts/fct_social_posts``
  (posts per month): published totals against the previous publish (expectations/publish_change.py).

A failed *critical* expectation → the check fails with severity ERROR (blocking: the run
fails, the published database stays as it was). A failed *warning* expectation → severity
WARN: shown in the run summary and recorded, nothing is blocked. Every result goes to
``ops.quality_results``; the Data Docs site in ``$VOICE_MONITOR_HOME/quality/`` is rebuilt
after each check. GX is imported only when a check runs.
"""

import dagster as dg
from dagster import AssetCheckExecutionContext

from expectations import social_totals as social_design
from expectations import totals as totals_design
from orchestration.asset_keys import SURVEY_WEIGHTS
from orchestration.resources import WarehouseResource
from orchestration.survey.weighting import LOWER, MARGIN_TOL, UPPER
from orchestration.transform.assets import warehouse_dbt_models

WEIGHTING_CHECK = "weighting_guard"
TOTALS_CHECK = "survey_totals_guard"
SOCIAL_CHECK = "social_totals_guard"

_DBT_KEYS = set(warehouse_dbt_models.keys)
SURVEY_BASES = dg.AssetKey(["audit", "survey_bases"])      # the recount the totals guard compares with
SURVEY_MART_KEYS = [dg.AssetKey(["marts", m]) for m in totals_design.MART_DIMENSIONS
                    if dg.AssetKey(["marts", m]) in _DBT_KEYS]
SOCIAL_KEYS = {table: dg.AssetKey(table.split(".")) for table in social_design.TABLES
               if dg.AssetKey(table.split(".")) in _DBT_KEYS}


def _check_result(outcome, asset_key: dg.AssetKey, check_name: str, targets,
                  docs: str) -> dg.AssetCheckResult:
    """One Dagster result from the suite's results for ``targets`` (None = all of them)."""
    from orchestration.quality.gx_runner import ERROR, WARNING

    results = [r for r in outcome.results if targets is None or r.target in targets]
    errors = [r for r in results if not r.success and r.severity == ERROR]
    warnings = [r for r in results if not r.success and r.severity == WARNING]
    where = None if targets is None or len(targets) != 1 else targets[0]
    if errors:
        passed, severity, text = False, dg.AssetCheckSeverity.ERROR, outcome.message(where, ERROR)
    elif warnings:
        passed, severity, text = False, dg.AssetCheckSeverity.WARN, outcome.message(where, WARNING)
    else:
        passed, severity = True, dg.AssetCheckSeverity.ERROR
        text = f"{outcome.suite}: all {len(results)} expectation results passed."
    return dg.AssetCheckResult(
        asset_key=asset_key, check_name=check_name, passed=passed, severity=severity, description=text,
        metadata={
            "suite": outcome.suite,
            "expectations_passed": sum(r.success for r in results),
            "expectations_failed": len(errors),
            "warnings": len(warnings),
            "results": dg.MetadataValue.json([
                {"expectation": r.expectation, "target": r.target, "success": r.success,
                 "severity": r.severity, "observed_value": r.observed_value} for r in results]),
            "data_docs": dg.MetadataValue.path(docs),
            "gx_seconds": round(outcome.seconds, 3),
        })


def _validate(context, warehouse: WarehouseResource, module, load, suite=None):
    """Load the frame, validate it in the run's GX context, record the results, rebuild the docs."""
    from orchestration.quality.gx_runner import WARNING, quality_run

    home = warehouse.home
    con = warehouse.connect()
    try:
        frame = load(con)
        run = quality_run(home, context.run.run_id)
        # a suite factory is called once the run's GX context exists (building a suite needs one)
        outcome = run.validate(module, frame, suite=suite() if callable(suite) else suite)
        run.record(con, outcome)
    finally:
        con.close()
    docs = run.build_docs()
    context.log.info(f"{outcome.suite}: {sum(r.success for r in outcome.results)} of {len(outcome.results)} "
                     f"results passed in {outcome.seconds:.2f} s (GX overhead so far this run "
                     f"{run.overhead_seconds:.2f} s); Data Docs: {docs}")
    for r in outcome.failed(WARNING):
        context.log.warning(r.message())
    return outcome, str(docs)


@dg.asset_check(
    asset=SURVEY_WEIGHTS, name=WEIGHTING_CHECK, blocking=True,
    description=f"GX suite `weighting` (spec §3), per wave: Σw = n, weights within [{LOWER}, {UPPER}], every "
                f"raking margin on its target within {MARGIN_TOL:g}, weighting efficiency above the floor "
                "(fail < 0.30, warn < 0.50 by default). Blocks the survey marts and publish when it fails.",
)
def weighting_guard(context: AssetCheckExecutionContext, warehouse: WarehouseResource) -> dg.AssetCheckResult:
    from expectations import weighting

    outcome, docs = _validate(context, warehouse, weighting, weighting.load_frame)
    return _check_result(outcome, SURVEY_WEIGHTS, WEIGHTING_CHECK, None, docs)


@dg.multi_asset_check(
    specs=[dg.AssetCheckSpec(TOTALS_CHECK, asset=key, blocking=True, additional_deps=[SURVEY_BASES],
                             description="GX suite `survey_totals` (spec §4): single-choice shares sum to 100, "
                                         "shares within [0, 100], counts add up to the base, every base equals "
                                         "the answering respondents recounted in audit.survey_bases (routed "
                                         "questions: the routed ones).")
           for key in SURVEY_MART_KEYS],
    can_subset=True, name=TOTALS_CHECK,
)
def survey_totals_guard(context: AssetCheckExecutionContext, warehouse: WarehouseResource):
    from expectations import totals

    keys = sorted(context.selected_asset_check_keys, key=lambda k: k.asset_key.to_user_string())
    marts = [k.asset_key.path[-1] for k in keys]
    outcome, docs = _validate(context, warehouse, totals, lambda con: totals.load_frame(con, marts))
    for key, mart in zip(keys, marts):
        yield _check_result(outcome, key.asset_key, key.name, [totals.TARGET_LABEL.format(mart)], docs)


def _social_guard():
    if not SOCIAL_KEYS:
        return None

    @dg.multi_asset_check(
        specs=[dg.AssetCheckSpec(SOCIAL_CHECK, asset=key, blocking=True,
                                 description="GX suite `social_totals` (spec §6/§8): lines_read = quarantined + "
                                             "duplicates + unique_posts; published posts = rows of fct_social_posts "
                                             "= total of mart_social_volume.")
               for key in SOCIAL_KEYS.values()],
        can_subset=True, name=SOCIAL_CHECK,
    )
    def social_totals_guard(context: AssetCheckExecutionContext, warehouse: WarehouseResource):
        from expectations import social_totals

        tables = tuple(t for t, key in SOCIAL_KEYS.items())
        outcome, docs = _validate(context, warehouse, social_totals,
                                  lambda con: social_totals.load_frame(con, tables),
                                  suite=lambda: social_totals.build_suite(tables))
        for table, key in SOCIAL_KEYS.items():
            check_key = dg.AssetCheckKey(key, SOCIAL_CHECK)
            if check_key in context.selected_asset_check_keys:
                yield _check_result(outcome, key, SOCIAL_CHECK, [table], docs)

    return social_totals_guard


social_totals_guard = _social_guard()

CHANGE_CHECK = "publish_change_guard"
CHANGE_KEYS = {kind: key for kind, key in (("survey", SURVEY_WEIGHTS),
                                           ("social", dg.AssetKey(["marts", "fct_social_posts"])))
               if kind == "survey" or key in _DBT_KEYS}


def _change_guard(kind: str, key: dg.AssetKey):
    """One blocking check per kind, on the asset its totals come from (one check over both would
    sit between the weights and the dbt models and split the dbt step)."""

    @dg.asset_check(
        asset=key, name=CHANGE_CHECK, blocking=True,
        description=f"GX suite `publish_change` (issue 17), {kind}: against the previous publish, "
                    + ("a wave's n changes by at most 10 %" if kind == "survey" else
                       "a month loses at most 5 % of its published posts")
                    + " (default limits), unless the operator accepted or dropped the delivery.")
    def publish_change_guard(context: AssetCheckExecutionContext, warehouse: WarehouseResource) -> dg.AssetCheckResult:
        from expectations import publish_change

        outcome, docs = _validate(context, warehouse, publish_change,
                                  lambda con: publish_change.load_frame(con, (kind,)))
        return _check_result(outcome, key, CHANGE_CHECK, [publish_change.TARGET_LABEL.format(kind)], docs)

    return publish_change_guard


CHANGE_GUARDS = [_change_guard(kind, key) for kind, key in CHANGE_KEYS.items()]


QUALITY_CHECKS = [c for c in (weighting_guard, survey_totals_guard, social_totals_guard, *CHANGE_GUARDS)
                  if c is not None]
