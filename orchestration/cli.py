"""``voice-monitor``: the command-line entry point of the warehouse."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from orchestration.paths import Home


def _home(args) -> Home:
    if getattr(args, "home", None):
        os.environ["VOICE_MONITOR_HOME"] = str(Path(args.home).resolve())
    return Home.from_env()


def cmd_sample(args) -> int:
    from orchestration.survey.sample import write_survey_sample

    home = _home(args).ensure()
    written = write_survey_sample(home.landing_survey)
    try:
        from orchestration.social.sample import write_social_sample
    except ImportError:  # the social domain is optional in a stripped-down install
        write_social_sample = None
    if write_social_sample is not None:
        written += write_social_sample(home.landing_social)
    print(f"Sample landing zone in {home.landing}:")
    for path in written:
        print(f"  {home.relative(path)}")
    return 0


def cmd_run(args) -> int:
    from orchestration.pipeline import format_summary, headline_figures, run_once

    home = _home(args)
    summary = run_once(home, retry_failed=args.retry_failed)
    print(format_summary(summary))
    if summary.status != "failed" and not args.quiet:
        figures = headline_figures(summary.home.published_db)
        if figures:
            print("Headline figures:")
            for line in figures:
                print(f"  {line}")
    return summary.exit_code


def cmd_parse(args) -> int:
    from orchestration.pipeline import ensure_manifest

    print(f"dbt manifest: {ensure_manifest()}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="voice-monitor",
        description="Voice Monitor warehouse: survey waves and social posts in, weighted marts out. "
                    "Everything lives under $VOICE_MONITOR_HOME (default ./data).")
    parser.add_argument("--home", help="override $VOICE_MONITOR_HOME")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("sample", help="write the calibrated sample landing zone")
    p.set_defaults(func=cmd_sample)

    p = sub.add_parser("run", help="process the landing zone once (ingest, weight, dbt build, checks, publish)")
    p.add_argument("--retry-failed", action="store_true",
                   help="try again files whose earlier run failed (they are otherwise skipped until they change)")
    p.add_argument("--quiet", action="store_true", help="no headline figures")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("parse", help="prepare the dbt manifest Dagster loads (dbt parse)")
    p.set_defaults(func=cmd_parse)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
