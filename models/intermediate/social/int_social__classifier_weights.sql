-- The classifier's weights (seed social_classifier_weights: feature, label, weight) as one row
-- per feature with an exact decimal column per label, so each post's features are joined once
-- (macros/social_classifier.sql). Built once per build, not per batch.
{{ social_classifier_weights_wide(ref('social_classifier_weights')) }}
