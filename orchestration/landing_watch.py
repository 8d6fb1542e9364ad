"""What the landing sensors ask for: runs for the partitions that changed, decided as the CLI decides.

Sensors run in the Dagster daemon while a run may be writing the build database, so they never
open it: they read the copy of its bookkeeping every run leaves (orchestration.warehouse.ledger)
and decide with the CLI's own function (orchestration.changes.what_changed). While a
run is writing they wait (the copy is about to change). Their cursor holds what they already
asked for (partition → the change: file names and hashes) and the hashes of files the copy does
not know yet, so a file is hashed once and a change is asked for once; a run key also names the
copy it was decided from, so the same content coming back later is a new request.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from orchestration.paths import Home


@dataclass
class WatchResult:
    changed: dict[str, str] = field(default_factory=dict)     # partition -> change, to ask a run for
    run_keys: dict[str, str] = field(default_factory=dict)    # partition -> its run key
    cursor: str = "{}"
    waiting: bool = False                                     # a run is writing; nothing decided


def watch(home: Home, kind: str, cursor: str | None, instance) -> WatchResult:
    """The partitions of ``kind`` (survey | social) with a new or changed delivery not yet asked for."""
    from orchestration.warehouse.landing import landing_files
    from orchestration.warehouse import ledger as ledgers
    from orchestration.changes import what_changed
    from orchestration.warehouse.dagster_runs import writer_free

    if not writer_free(home, instance):
        return WatchResult(cursor=cursor or "{}", waiting=True)
    state = json.loads(cursor or "{}")
    ledger = ledgers.load(home)
    ledger.hashes = {**state.get("hashes", {}), **ledger.hashes}
    try:
        plan = what_changed(home, ledger, kinds=(kind,))
    except OSError:            # a file removed or replaced while looking: look again next tick
        return WatchResult(cursor=cursor or "{}")
    changes = {partition: change for (k, partition), change in plan.changes.items() if k == kind}
    requested = state.get("requested", {})
    changed = {p: c for p, c in sorted(changes.items()) if requested.get(p) != c}
    run_keys = {p: f"{kind}:{p}:" + hashlib.sha1(f"{c}|{ledger.written_at}".encode()).hexdigest()[:16]
                for p, c in changed.items()}
    folder = home.landing_survey if kind == "survey" else home.landing_social
    seen = {home.relative(p) for p in landing_files(folder)}
    hashes = {rel: entry for rel, entry in ledger.hashes.items() if rel in seen}
    return WatchResult(changed, run_keys, json.dumps({"requested": changes, "hashes": hashes}, sort_keys=True))


def sensor_result(context, kind: str, partitions_def, nothing: str):
    """The landing sensors' answer: one run request per changed partition (new partitions added)."""
    import dagster as dg

    result = watch(Home.from_env(), kind, context.cursor, context.instance)
    if not result.changed:
        return dg.SensorResult(skip_reason="a run is writing the warehouse; looking again when it is done"
                               if result.waiting else nothing, cursor=result.cursor)
    known = set(context.instance.get_dynamic_partitions(partitions_def.name))
    new = sorted(set(result.changed) - known)
    return dg.SensorResult(
        run_requests=[dg.RunRequest(partition_key=partition, run_key=result.run_keys[partition],
                                    tags={"voice_monitor/trigger": "sensor",
                                          "voice_monitor/file": change.split(":")[0]})
                      for partition, change in result.changed.items()],
        dynamic_partitions_requests=[partitions_def.build_add_request(new)] if new else [],
        cursor=result.cursor)
