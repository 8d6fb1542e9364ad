"""The asset keys more than one package refers to: the interface between the domains.

A domain names another domain's assets by key (a dependency, a check's target, a job's
selection) and never imports its assets module (tests/test_layers.py)."""

import dagster as dg

SURVEY_RAW = dg.AssetKey(["raw", "survey_responses"])
SURVEY_WEIGHTS = dg.AssetKey(["weights", "survey_weights"])
SOCIAL_RAW = dg.AssetKey(["raw", "social_posts"])
SOCIAL_MALFORMED = dg.AssetKey(["raw", "social_malformed_lines"])
PUBLISHED = dg.AssetKey(["warehouse", "voice_monitor"])   # the published database
FILES_ACCEPTED_CHECK = "no_rejected_files"      # the check every ingestion asset carries
