"""What a run has to do: the one decision ``voice-monitor run`` and the sensors share.

Both decide from the landing zone and the ingestion bookkeeping, through the same functions
here: ``voice-monitor run`` (holding the writer lock) reads the bookkeeping from the build
database, the sensors from the copy every run leaves in ``state/ledger.json``
(orchestration.warehouse.ledger). So a file the CLI loaded is not new to the sensors, a file a
sensor-launched run loaded is not new to the CLI, and a build either of them published leaves
nothing for the other to build again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from orchestration.paths import Home


@dataclass
class LandingPlan:
    """What a run has to do, decided from the landing zone and the bookkeeping."""

    survey_waves: list[str] = field(default_factory=list)     # partitions with a new/changed delivery
    social_months: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)            # the files behind them
    unnamed: list[str] = field(default_factory=list)          # files with other names, not yet recorded
    # (kind, partition) -> "name:hash;..." of the files that make it changed (the sensors' run keys)
    changes: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.survey_waves or self.social_months or self.unnamed)


def is_new(books, kind: str, key: str, rel: str, digest: str) -> bool:
    """A delivery file is new when its content is not the live delivery of its key and this exact
    content was not rejected, ignored or (unless retried) failed before."""
    from orchestration.warehouse.landing import skip_statuses

    return digest != books.active_hash(kind, key) and books.status(rel, digest) not in skip_statuses()


def what_changed(home: Home, books, kinds: tuple[str, ...] = ("survey", "social")) -> LandingPlan:
    """The partitions whose landing files are new or changed, without acting on them. ``books``:
    orchestration.warehouse.ledger's ``DatabaseBooks`` or ``Ledger``."""
    from orchestration.social.ingest import parse_file_name
    from orchestration.survey.ingest import plan_survey
    from orchestration.warehouse.landing import landing_files

    plan = LandingPlan()
    if "survey" in kinds:
        candidates, outcomes = plan_survey(None, home, record=False, books=books)
        plan.survey_waves = sorted({str(c.wave) for c in candidates}
                                   | {o.partition for o in outcomes if o.status == "ignored" and o.partition})
        plan.paths = [home.relative(c.path) for c in candidates]
        plan.unnamed = [o.path for o in outcomes if o.status == "ignored" and not o.partition]
        for c in candidates:
            plan.changes[("survey", str(c.wave))] = f"{c.path.name}:{c.content_hash}"
        for o in outcomes:
            if o.status == "ignored" and o.partition:
                key = ("survey", o.partition)
                plan.changes[key] = plan.changes.get(key, "") + f";{o.path}"
    if "social" in kinds:
        months = set()
        for path in landing_files(home.landing_social):
            rel = home.relative(path)
            digest = books.hash(path)
            if not is_new(books, "social", rel, rel, digest):
                continue
            month = parse_file_name(path.name)
            if month is None:
                plan.unnamed.append(rel)
            else:
                months.add(month)
                plan.paths.append(rel)
                key = ("social", month)
                plan.changes[key] = plan.changes.get(key, "") + f"{path.name}:{digest};"
        plan.social_months = sorted(months)
    return plan


def build_needed(ledger, home: Home, targets_hash: str, code_hash: str) -> bool:
    """The condition ``voice-monitor run`` builds on when nothing new is in the landing zone: a
    delivery is staged and not yet built, or the published database is missing or was built
    from other deliveries, population targets or project code (its fingerprint differs)."""
    return bool(ledger.pending) or not (home.published_db.exists()
                                         and ledger.published_fingerprint == ledger.fingerprint(targets_hash, code_hash))
