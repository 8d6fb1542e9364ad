"""Numbers in the report's HTML against the marts: a few cells, their rounding and their bold."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser

import duckdb
import pytest

from test_bi_support import bi_home  # noqa: F401 (fixture)

pytestmark = pytest.mark.slow


class Cells(HTMLParser):
    """Collects <td data-mart …> cells: attributes and the text shown, and whether it is bold."""

    def __init__(self):
        super().__init__()
        self.cells: dict[tuple[str, str, str], dict] = {}
        self._cur = None
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "td" and "data-mart" in a:
            self._cur = {**a, "shown": "", "bold": False}
        elif tag == "strong" and self._cur is not None:
            self._cur["bold"] = True

    def handle_endtag(self, tag):
        if tag == "td" and self._cur is not None:
            c = self._cur
            self.cells[(c["data-mart"], c["data-wave"], c["data-key"])] = c
            self._cur = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cur is not None:
            self._cur["shown"] += data.strip()


def rounded(value: float) -> str:
    return f"{Decimal(repr(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"


@pytest.fixture(scope="module")
def report(bi_home):  # noqa: F811
    from orchestration.bi.report import write_report

    path = write_report(bi_home)
    parser = Cells()
    parser.feed(path.read_text(encoding="utf-8"))
    con = duckdb.connect(str(bi_home.published_db), read_only=True)
    yield {"path": path, "cells": parser.cells, "text": " ".join(parser.text), "con": con,
           "wave": con.execute("select max(wave) from marts.dim_wave").fetchall()[0][0]}
    con.close()


@pytest.mark.parametrize("contact_type,channel", [("advies", "telefoon"), ("bezorging_retour", "email"),
                                                  ("praktisch", "chatbot"), ("algemeen", "whatsapp")])
def test_channel_table_cells_equal_the_mart(report, contact_type, channel):
    share, sig = report["con"].execute(
        "select share_pct, significant_vs_prev from marts.mart_channel_preferences "
        "where wave = ? and contact_type = ? and channel = ?", [report["wave"], contact_type, channel]).fetchall()[0]
    cell = report["cells"][("mart_channel_preferences", str(report["wave"]), f"{contact_type}|{channel}")]
    assert float(cell["data-value"]) == share
    assert cell["shown"] == rounded(share)
    assert cell["bold"] == bool(sig) == (cell["data-significant"] == "true")


def test_every_channel_cell_of_the_wave_is_in_the_table(report):
    rows = report["con"].execute("select contact_type, channel, share_pct, significant_vs_prev "
                                 "from marts.mart_channel_preferences where wave = ?", [report["wave"]]).fetchall()
    for contact_type, channel, share, sig in rows:
        cell = report["cells"][("mart_channel_preferences", str(report["wave"]), f"{contact_type}|{channel}")]
        assert cell["shown"] == rounded(share) and cell["bold"] == bool(sig)


def test_persona_cells_and_bold_for_significant_changes(report):
    rows = report["con"].execute("select persona, share_pct, significant_vs_prev from marts.mart_personas "
                                 "where wave = ?", [report["wave"]]).fetchall()
    assert rows
    for persona, share, sig in rows:
        cell = report["cells"][("mart_personas", str(report["wave"]), persona)]
        assert cell["shown"] == rounded(share)
        assert cell["bold"] == bool(sig)


def test_assistant_outcome_cells(report):
    rows = report["con"].execute("select assistant, measure, answer, share_pct, significant_vs_prev "
                                 "from marts.mart_assistant_outcomes where wave = ?", [report["wave"]]).fetchall()
    for assistant, measure, answer, share, sig in rows:
        cell = report["cells"][("mart_assistant_outcomes", str(report["wave"]), f"{assistant}|{measure}|{answer}")]
        assert cell["shown"] == rounded(share) and cell["bold"] == bool(sig)


def test_bases_and_effective_bases_are_stated(report):
    html = report["path"].read_text(encoding="utf-8")
    notes = re.findall(r'<p class="base">(.*?)</p>', html, flags=re.S)
    charts = html.count("<svg")
    assert len(notes) >= charts * 0.9, (len(notes), charts)
    n, n_eff = report["con"].execute(
        "select base_unweighted, base_effective from marts.mart_personas where wave = ? limit 1",
        [report["wave"]]).fetchall()[0]
    dutch = lambda x: f"{round(x):,}".replace(",", ".")  # noqa: E731
    shown = f"{report['wave']}: n = {dutch(n)}, n_eff = {dutch(n_eff)}"
    assert shown in html


def test_frustration_bar_labels_match_the_mart(report):
    html = report["path"].read_text(encoding="utf-8")
    share, sig = report["con"].execute(
        "select share_pct, significant_vs_prev from marts.mart_frustrations where wave = ? "
        "order by share_pct desc limit 1", [report["wave"]]).fetchall()[0]
    section = html[html.index('id="ergernissen"'):html.index('id="personas"')]
    weight = 700 if sig else 400
    assert re.search(rf'font-weight="{weight}"[^>]*>{re.escape(rounded(share))}</text>', section)


def test_report_for_an_earlier_wave_and_unknown_wave(bi_home):  # noqa: F811
    from orchestration.bi.report import write_report

    path = write_report(bi_home, wave=2025)
    assert path.name == "voice_monitor_2025.html"
    assert "Nationale Voice Monitor 2025" in path.read_text(encoding="utf-8")
    with pytest.raises(ValueError):
        write_report(bi_home, wave=1999)
