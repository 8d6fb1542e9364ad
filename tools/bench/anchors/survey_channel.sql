-- Anchor: mart_channel_preferences straight from the wave files (no dbt, no Dagster).
-- Inputs: the view `files` (wave, background codes and Q1_1..Q1_5, Q2_R1 of every respondent,
-- read from the delivered files) and the table `cell_weights` (the raking weight of each
-- wave × gender × age band × region × education cell: raking weights are a function of the cell).
-- Same definitions as the product: base = respondents with an answer, weighted share, Wilson
-- interval on the effective base, two-proportion z-test against the previous wave asked.
with grouped as (
    -- one scan: respondents per raking cell and answer, for each question separately
    select wave, g, a, r, e, q1_1, q1_2, q1_3, q1_4, q1_5, q2_r1, count(*) as n
    from files
    group by grouping sets ((wave, g, a, r, e, q1_1), (wave, g, a, r, e, q1_2), (wave, g, a, r, e, q1_3),
                            (wave, g, a, r, e, q1_4), (wave, g, a, r, e, q1_5), (wave, g, a, r, e, q2_r1))
),
answers as (
    -- each grouped row holds one question's answer (empty answers drop out here)
    unpivot grouped on q1_1, q1_2, q1_3, q1_4, q1_5, q2_r1 into name variable value code
),
counts as (
    select a.wave, upper(a.variable) as variable, cast(a.code as integer) as code,
           sum(a.n) as n, sum(a.n * w.weight) as sw, sum(a.n * w.weight * w.weight) as sw2
    from answers as a
    join cell_weights as w
      on w.wave = a.wave and w.g = a.g and w.a = a.a and w.r = a.r and w.e = a.e
    group by all
),
bases as (
    select wave, variable, sum(n) as base_n, sum(sw) as base_w, sum(sw2) as base_w2
    from counts
    group by all
),
contact_types(variable, contact_type, with_dk) as (
    values ('Q1_1', 'advies', true), ('Q1_2', 'bestelling_betaling', true),
           ('Q1_3', 'bezorging_retour', true), ('Q1_4', 'gebruik_onderhoud', true),
           ('Q1_5', 'praktisch', true), ('Q2_R1', 'algemeen', false)
),
channels(code, channel, channel_group, sort_order) as (
    values (1, 'telefoon', 'primary', 1), (2, 'email', 'primary', 2),
           (3, 'live_chat', 'secondary', 3), (4, 'face_to_face', 'secondary', 4),
           (5, 'whatsapp', 'secondary', 5), (6, 'social_media', 'tertiary', 6),
           (7, 'chatbot', 'tertiary', 7), (8, 'sms', 'tertiary', 8),
           (99, 'weet_niet', null, 9)
),
cells as (
    select t.contact_type, c.channel, c.channel_group, c.sort_order, b.wave,
           coalesce(k.n, 0) as n, coalesce(k.sw, 0.0) as hit_w,
           b.base_n, b.base_w, b.base_w * b.base_w / b.base_w2 as n_eff
    from contact_types as t
    join channels as c on c.code <> 99 or t.with_dk
    join bases as b on b.variable = t.variable
    left join counts as k on k.variable = t.variable and k.wave = b.wave and k.code = c.code
),
measured as (
    select *, hit_w / base_w as p,
           lag(hit_w / base_w) over (partition by contact_type, channel order by wave) as prev_p,
           lag(n_eff) over (partition by contact_type, channel order by wave) as prev_n
    from cells
),
tested as (
    select *, (p * n_eff + prev_p * prev_n) / (n_eff + prev_n) as pooled,
           $z * $z as z2
    from measured
)
select
    wave, contact_type, channel, channel_group,
    100.0 * p as share_pct,
    n as n_unweighted, base_n as base_unweighted, base_w as base_weighted, n_eff as base_effective,
    greatest(0.0, 100.0 * (p + z2 / (2 * n_eff) - $z * sqrt(greatest(p * (1 - p) / n_eff + z2 / (4 * n_eff * n_eff), 0.0)))
                  / (1 + z2 / n_eff)) as ci_low_pct,
    least(100.0, 100.0 * (p + z2 / (2 * n_eff) + $z * sqrt(greatest(p * (1 - p) / n_eff + z2 / (4 * n_eff * n_eff), 0.0)))
                 / (1 + z2 / n_eff)) as ci_high_pct,
    100.0 * prev_p as prev_share_pct,
    100.0 * p - 100.0 * prev_p as change_pp,
    case when prev_p is null then null
         when pooled * (1 - pooled) * (1 / n_eff + 1 / prev_n) <= 0 then false
         else abs(p - prev_p) / sqrt(pooled * (1 - pooled) * (1 / n_eff + 1 / prev_n)) > $zsig
    end as significant_vs_prev
from tested
order by wave, contact_type, sort_order
