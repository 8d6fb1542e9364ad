"""``voice-monitor bench``: options, running the harness, printing and writing the figures."""

from __future__ import annotations


from pathlib import Path

ORDER = ("demo", "incremental", "noop", "survey", "anchor_survey", "raking", "social", "social_increment",
         "anchor_social", "bi_sync", "social_spark", "social_spark_cluster")
# The Spark engine's scenarios (a JVM, minutes of start-up and planning even at small sizes) run
# only when named: --scenarios social_spark,social_spark_cluster (docs/scale_out.md).
SPARK = ("social_spark", "social_spark_cluster")
QUICK = {"respondents": 2_000, "posts": 20_000, "repeat": 1}     # --quick sizes


def add_parser(sub) -> None:
    p = sub.add_parser("bench", help="measure the product beside handwritten anchors; write docs/benchmarks.md")
    p.add_argument("--scenarios", default="all",
                   help="comma-separated: " + ", ".join(ORDER) + " (default all: every one but the Spark ones, "
                        + ", ".join(SPARK) + ", which run when named)")
    p.add_argument("--quick", action="store_true",
                   help=f"small smoke run ({QUICK['respondents']:,} respondents per wave, {QUICK['posts']:,} posts, "
                        "one repetition); does not touch docs/ unless --docs is given")
    p.add_argument("--respondents", type=int, help="respondents per wave for the survey scale scenario (default 1000000)")
    p.add_argument("--posts", type=int, help="posts for the social scale and BI sync scenarios (default 10000000)")
    p.add_argument("--repeat", type=int, help="repetitions of each measurement; the best counts (default 3)")
    p.add_argument("--survey-timeout", type=float, default=900,
                   help="stop a survey scale run after this many seconds (default 900; the stages it "
                        "finished are reported)")
    p.add_argument("--social-timeout", type=float, default=3 * 3600,
                   help="stop a social scale run after this many seconds (default 10800)")
    p.add_argument("--workdir", help="where inputs, homes and raw results go (default $VOICE_MONITOR_HOME/bench)")
    p.add_argument("--docs", help="the Markdown file to update (default docs/benchmarks.md; with --quick: none)")
    p.add_argument("--no-docs", action="store_true", help="print the figures only")
    p.add_argument("--keep-homes", action="store_true", help="keep the homes of the scale scenarios (gigabytes)")
    p.set_defaults(func=cmd_bench)


def cmd_bench(args) -> int:
    import json
    import shutil

    from tools.bench import report
    from tools.bench.harness import Bench, Sizes
    from orchestration.paths import PROJECT_DIR, Home

    names = [n for n in ORDER if n not in SPARK] if args.scenarios == "all" else [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = [n for n in names if n not in ORDER]
    if unknown:
        print(f"Unknown scenario(s): {', '.join(unknown)} (choose from {', '.join(ORDER)})")
        return 1
    names = [n for n in ORDER if n in names]
    base = Sizes(**QUICK) if args.quick else Sizes()
    sizes = Sizes(respondents=args.respondents or base.respondents, posts=args.posts or base.posts,
                  repeat=args.repeat or base.repeat, survey_timeout=args.survey_timeout,
                  social_timeout=args.social_timeout)
    workdir = Path(args.workdir) if args.workdir else Home.from_env(getattr(args, "home", None)).root / "bench"
    if args.no_docs or (args.quick and not args.docs):
        docs = None
    else:
        docs = Path(args.docs) if args.docs else PROJECT_DIR / "docs" / "benchmarks.md"
    print(f"voice-monitor bench: {', '.join(names)}; {sizes.respondents:,} respondents per wave, "
          f"{sizes.posts:,} posts, best of {sizes.repeat}; work folder {workdir}")
    bench = Bench(workdir, sizes)
    bench.keep_homes = args.keep_homes
    run = bench.run(names)
    (bench.workdir / "results").mkdir(parents=True, exist_ok=True)
    (bench.workdir / "results" / "last_run.json").write_text(json.dumps(run, indent=1, default=str))
    if not args.keep_homes:
        for scenario in ("survey", "social", "bi_sync"):
            shutil.rmtree(bench.workdir / "homes" / scenario, ignore_errors=True)
    if docs is not None:
        json_path = docs.with_suffix(".json")
        store = report.merge(report.load_store(json_path), run)
        report.write_docs(store, docs, json_path)
        print(f"Figures written to {docs} (raw: {json_path})")
    else:
        store = report.merge({}, run)
    print(report.markdown(store).replace(report.BEGIN, "").replace(report.END, "").strip())
    failed = [m for runs in bench.results.values() for m in runs if not m.ok]
    return 1 if failed else 0
