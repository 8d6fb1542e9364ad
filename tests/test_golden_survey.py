"""Every published survey number is the one the code published before the survey redesign.

The sample landing zone is run once (the BI tests' shared home) and each published survey table
(marts, dimensions, audit.survey_weighting, audit.reconciliation) is compared, exactly, with the
golden export in tests/fixtures/golden/survey/ (written by tests/golden_survey.py from the
database the code at commit e71d524 published from the same sample).
"""

from __future__ import annotations

import difflib

import pytest

from golden_survey import GOLDEN_DIR, export
from test_bi_support import bi_home  # noqa: F401 (fixture)

pytestmark = pytest.mark.slow


def test_published_survey_tables_equal_the_golden_export(bi_home):  # noqa: F811
    golden = {p.stem: p.read_text(encoding="utf-8") for p in sorted(GOLDEN_DIR.glob("*.csv"))}
    assert len(golden) >= 20
    published = export(bi_home.published_db)
    assert set(golden) <= set(published), set(golden) - set(published)
    differing = [table for table, text in golden.items() if published[table] != text]
    details = "\n".join(
        f"{table}:\n" + "\n".join(list(difflib.unified_diff(golden[table].splitlines(), published[table].splitlines(),
                                                            "golden", "published", lineterm="", n=0))[:12])
        for table in differing)
    assert not differing, details
