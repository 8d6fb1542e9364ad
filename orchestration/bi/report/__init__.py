"""``voice-monitor report``: the Voice Monitor as a static HTML page under $VOICE_MONITOR_HOME/reports/."""

from orchestration.bi.report.build import write_report

__all__ = ["write_report"]
