"""What an ingestion asset reports, for every kind of delivery: risky re-deliveries held as soon
as they are staged, and the Dagster events of the run's file outcomes (a materialization only
when something was staged, and the file check carrying every outcome for the run summary)."""

import dagster as dg

from orchestration.asset_keys import FILES_ACCEPTED_CHECK


def hold_risky_redeliveries(con, home, outcomes, log) -> None:
    """Re-deliveries that would withdraw too much published data are held as soon as they are
    staged (orchestration.warehouse.holds); their outcome says so."""
    from orchestration.warehouse import holds

    held = {d.path: d for d in holds.apply(con, home)}
    for o in outcomes:
        if o.status == "staged" and o.path in held:
            o.status, o.message = "held", holds.message_of(con, held[o.path])
            log.warning(o.message)


def outcomes_metadata(outcomes) -> dict:
    table = [{"path": o.path, "partition": o.partition, "status": o.status, "rows": o.rows,
              "message": o.message, "report": o.report,
              "seconds": {k: round(v, 3) for k, v in (getattr(o, "seconds", None) or {}).items()}}
             for o in outcomes]
    counts = {s: sum(o.status == s for o in outcomes)
              for s in ("staged", "unchanged", "rejected", "ignored", "skipped", "held")}
    return {"outcomes": dg.MetadataValue.json(table), **{f"files_{k}": v for k, v in counts.items()},
            "rows_staged": sum(o.rows for o in outcomes if o.status == "staged")}


def ingestion_events(asset_key: dg.AssetKey, outcomes):
    """A materialization only when something was staged (an unchanged or rejected file changes
    nothing downstream), and always the file check carrying every outcome for the run summary."""
    meta = outcomes_metadata(outcomes)
    if any(o.status == "staged" for o in outcomes):
        yield dg.MaterializeResult(asset_key=asset_key, metadata=meta)
    rejected = [o for o in outcomes if o.status == "rejected"]
    yield dg.AssetCheckResult(
        check_name=FILES_ACCEPTED_CHECK, asset_key=asset_key, passed=not rejected,
        severity=dg.AssetCheckSeverity.WARN, metadata=meta,
        description="; ".join(o.message for o in rejected) or "every file seen was accepted")
