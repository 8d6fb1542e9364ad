"""node-postgres (`pg` from npm, pinned in tests/clients/node/package-lock.json) against the BI
database: an integer array parameter, array and numeric results, a named prepared statement."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from decimal import Decimal

import pytest

from orchestration.paths import PROJECT_DIR
from test_bi_support import bi_home, bi_server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow

CLIENT = PROJECT_DIR / "tests" / "clients" / "node"


@pytest.fixture(scope="module")
def node_probe(bi_server):  # noqa: F811
    node, npm = shutil.which("node"), shutil.which("npm")
    assert node and npm, "node and npm are needed (.ci/run installs them)"
    if not (CLIENT / "node_modules" / "pg").exists():     # .ci/run installs it; a developer's first run here
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=CLIENT, check=True, timeout=300,
                       capture_output=True)
    env = dict(os.environ, PGHOST="127.0.0.1", PGPORT=str(bi_server.port), PGUSER="analyst",
               PGDATABASE="voice_monitor", PGPASSWORD=bi_server.analyst_password)
    done = subprocess.run([node, str(CLIENT / "probe.js"), json.dumps([2025, 2026])], cwd=CLIENT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_integer_array_parameter(node_probe, bi_server):  # noqa: F811
    expected = bi_server.duck("select wave, persona, share_pct, n_unweighted from marts.mart_personas "
                              "where wave in (2025, 2026) order by wave, persona")
    got = [(r["wave"], r["persona"], r["share_pct"], int(r["n_unweighted"])) for r in node_probe["personas"]]
    assert got == [tuple(r) for r in expected] and len(got) == 8


def test_array_columns_and_a_named_statement(node_probe, bi_server):  # noqa: F811
    for month in ("2025-03-01", "2025-04-01"):
        expected = bi_server.duck("select platform, post_id, themes from marts.fct_social_posts "
                                  "where month = cast(? as date) order by platform, post_id", [month])
        got = [(r["platform"], r["post_id"], r["themes"]) for r in node_probe[month]]
        assert got == [(p, i, list(t)) for p, i, t in expected] and len(got) > 100
    assert any(len(r["themes"]) > 1 for r in node_probe["2025-03-01"])


def test_numeric_column(node_probe, bi_server):  # noqa: F811
    expected = bi_server.duck("""select figure, "where", tolerance_pp from audit.reconciliation
                                 where wave = 2026 order by figure, "where" """)
    got = [(r["figure"], r["where"], Decimal(r["tolerance_pp"])) for r in node_probe["tolerances"]]
    assert got == [tuple(r) for r in expected] and got
