"""Which data a failed Dagster step is about: survey, social or both, from the groups of its
assets in the code location (orchestration.warehouse.blame then decides which pending deliveries
that blames).

This sits with the jobs and hooks, above the domains: Dagster gives a failure hook no asset
graph, so the step is looked up in the definitions when a run has failed."""

from __future__ import annotations

from orchestration.warehouse.blame import KINDS, kinds_in_text


def failure_kinds(step_key: str, message: str, failed_check_keys=()) -> frozenset[str]:
    """The data a failed step is about: its failed checks' assets, else the dbt models its error
    names, else everything the step serves."""
    if failed_check_keys:
        return step_kinds(step_key, failed_check_keys)
    return kinds_in_text(message) or step_kinds(step_key)


def step_kinds(step_key: str, asset_keys=()) -> frozenset[str]:
    """The data a Dagster step is about, from the groups of its assets (or of the given ones,
    e.g. the assets of the checks that failed in it): survey, social, or both."""
    from orchestration.definitions import defs     # at failure time: definitions import the hook

    graph = defs.resolve_asset_graph()
    keys = list(asset_keys)
    if not keys:
        for assets_def in graph.assets_defs:
            if assets_def.node_def.name == step_key:
                keys = list(assets_def.keys) + [c.asset_key for c in assets_def.check_keys]
                break
    groups = set()
    for key in keys:
        try:
            groups.add(graph.get(key).group_name)
        except Exception:       # a key outside the graph
            groups.add(None)
    kinds = frozenset(g for g in groups if g in KINDS)
    return kinds if kinds and groups <= KINDS else KINDS     # shared models (dimensions, publish): both
