"""The survey mart engine's dbt unit tests, and the values they expect checked independently.

* The dbt unit tests (``models/intermediate/survey/_int_survey__unit_tests.yml``,
  ``models/audit/survey_bases.yml``) run here, in a temporary home: production builds leave
  them out (they test the SQL, not the data).
* The statistics the shares unit test expects (share, effective base, Wilson interval, change,
  z-test) are recomputed from its inputs with statsmodels and the contract's formulas (spec §4):
  dbt compares the SQL's output with the YAML exactly, this compares the YAML with the contract.
* The survey SQL compiles to the same text against an empty database as against a built one:
  its column lists come from the project's files (macros/survey_design.sql), not the database.
"""

from __future__ import annotations

import re
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

from orchestration.paths import PROJECT_DIR, Home

UNIT_TEST_FILES = [PROJECT_DIR / "models" / "intermediate" / "survey" / "_int_survey__unit_tests.yml",
                   PROJECT_DIR / "models" / "audit" / "survey_bases.yml"]
SELECT = "+int_survey__shares +survey_bases +stg_survey__answers"
COMPILED = ("intermediate/survey/int_survey__answer_cells.sql", "intermediate/survey/int_survey__cell_answers.sql",
            "intermediate/survey/int_survey__mart_groups.sql", "staging/survey/stg_survey__answers.sql",
            "audit/survey_bases.sql")
Z_95 = 1.959964                      # spec §4: significant when |z| > 1.959964


def unit_tests() -> dict[str, dict]:
    tests = {}
    for path in UNIT_TEST_FILES:
        for test in yaml.safe_load(path.read_text(encoding="utf-8")).get("unit_tests", []):
            tests[test["name"]] = test
    return tests


def _given(test: dict, name: str) -> list[dict]:
    return next(g["rows"] for g in test["given"] if g["input"] == f"ref('{name}')")


# --- the statistics the shares unit test expects, recomputed (no dbt) -------------------------

def independent_shares(test: dict) -> dict[tuple, dict]:
    """The rows of int_survey__shares for the test's inputs, computed from spec §4 with
    statsmodels: keyed by (mart, g1, g2, category, wave)."""
    base, hits = defaultdict(lambda: [0, 0.0, 0.0]), defaultdict(lambda: [0, 0.0])
    for r in _given(test, "int_survey__mart_base"):
        b = base[(r["mart"], r["g1"], r["g2"], r["wave"])]
        b[0] += r["n"]
        b[1] += r["sw"]
        b[2] += r["sw2"]
    for r in _given(test, "int_survey__mart_hits"):
        h = hits[(r["mart"], r["g1"], r["g2"], r["category"], r["wave"])]
        h[0] += r["n"]
        h[1] += r["sw"]
    sort_order: dict[tuple, int] = {}
    for r in _given(test, "int_survey__mart_items"):
        key = (r["mart"], r["g1"], r["g2"], r["category"])
        sort_order[key] = min(sort_order.get(key, r["sort_order"]), r["sort_order"])
    rows = {}
    for (mart, g1, g2, category), order in sort_order.items():
        previous = None
        for wave in sorted(w for (m, a, b, w) in base if (m, a, b) == (mart, g1, g2)):
            n_base, sw, sw2 = base[(mart, g1, g2, wave)]
            n_hit, hit_w = hits.get((mart, g1, g2, category, wave), (0, 0.0))
            p, n_eff = hit_w / sw, sw * sw / sw2
            low, high = proportion_confint(p * n_eff, n_eff, alpha=0.05, method="wilson")
            row = {"sort_order": order, "share_pct": 100 * p, "n_unweighted": n_hit, "base_unweighted": n_base,
                   "base_weighted": sw, "base_effective": n_eff, "ci_low_pct": max(0.0, 100 * low),
                   "ci_high_pct": min(100.0, 100 * high), "prev_share_pct": None, "change_pp": None,
                   "significant_vs_prev": None}
            if previous is not None:
                p0, n0 = previous
                pooled = (p * n_eff + p0 * n0) / (n_eff + n0)
                row["prev_share_pct"] = 100 * p0
                row["change_pp"] = 100 * p - 100 * p0
                if pooled * (1 - pooled) == 0:
                    row["significant_vs_prev"] = False
                else:
                    z, _ = proportions_ztest([p * n_eff, p0 * n0], [n_eff, n0])
                    row["significant_vs_prev"] = bool(abs(z) > Z_95)
            rows[(mart, g1, g2, category, wave)] = row
            previous = (p, n_eff)
    return rows


def test_shares_unit_test_expects_the_contract_statistics():
    test = unit_tests()["shares_wilson_ztest_and_effective_base"]
    expected = {(r["mart"], r["g1"], r["g2"], r["category"], r["wave"]): r for r in test["expect"]["rows"]}
    independent = independent_shares(test)
    assert set(expected) == set(independent)          # the complete grid: every category, every wave asked
    significance = []
    for key, ours in independent.items():
        row = expected[key]
        for column, value in ours.items():
            if value is None or isinstance(value, bool):
                assert row[column] is value, (key, column, row[column], value)
            else:
                assert row[column] == pytest.approx(value, rel=1e-12, abs=1e-12), (key, column)
        significance.append(row["significant_vs_prev"])
    assert {True, False, None} <= set(significance)   # the test covers every outcome of the z-test


# --- the compiled SQL does not depend on the database -------------------------------------------

def test_survey_models_and_macros_read_no_database_while_compiling():
    files = list((PROJECT_DIR / "macros").glob("survey_*.sql"))
    files += [p for p in (PROJECT_DIR / "models").rglob("*.sql") if "survey" in p.as_posix()]
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\brun_query\b|\bstatement\(|get_columns_in_relation|load_relation", text), path


def _dbt(home: Home, *args: str) -> subprocess.CompletedProcess:
    from orchestration.transform.dbt import run_dbt

    return run_dbt(args, home)


def _compiled(home: Home) -> dict[str, str]:
    root = home.state / "dbt_target" / "compiled" / "voice_monitor" / "models"
    return {name: (root / name).read_text(encoding="utf-8") for name in COMPILED}


@pytest.fixture(scope="module")
def unit_build(tmp_path_factory):
    """The unit tests run by ``dbt build`` of the survey engine in a fresh home (empty tables:
    dbt builds the parents the unit tests take their column types from)."""
    from tools.classifier.production import build_social_models
    from orchestration.warehouse import state

    home = Home.from_env(tmp_path_factory.mktemp("dbt_unit")).ensure()
    state.connect(home).close()
    return home, build_social_models(home, tests=True, select=SELECT)


@pytest.mark.slow
def test_every_unit_test_runs_and_passes(unit_build):
    _, result = unit_build
    passed = set(re.findall(r"PASS \S+::(\S+) ", result.stdout))
    assert passed == set(unit_tests()), set(unit_tests()) ^ passed


@pytest.mark.slow
def test_compiled_survey_sql_is_the_same_against_an_empty_database(unit_build, tmp_path):
    built, _ = unit_build
    empty = Home.from_env(tmp_path / "empty").ensure()      # no seeds, no schemas: a bare DuckDB file
    done = _dbt(empty, "compile", "--select", SELECT, "--quiet")
    assert done.returncode == 0, done.stdout + done.stderr
    fresh, after_build = _compiled(empty), _compiled(built)
    assert fresh == after_build
    assert all(f'"{v}"' in fresh[COMPILED[0]] for v in ("Q5", "Q12_1", "Q13_1", "S1_ERVARING", "LEEFTIJD_BAND"))
