"""``voice-monitor bench``: the benchmark harness (docs/benchmarks.md).

Every measurement runs in a child process (``python -m tools.bench.child``) so that
wall time includes interpreter start-up and imports, as a user sees it, and peak memory is
that of the whole process tree (dbt runs as a grandchild). Anchors — a handwritten DuckDB
pipeline for the channel-preference mart and the social theme counts, and weightipy for
raking — run the same way on the same files, best of N, beside the product.
"""
