{#- Text normalisation shared by the social classification (tokens and seed terms). -#}

{#- Post text → space-separated tokens: placeholders of masked personal data dropped (the list is
    privacy.PLACEHOLDERS, orchestration/privacy/rules.py; tests/social/test_privacy_rules.py checks
    that both name the same), a few
    emoji mapped to the tokens emoneg / emopos, lower case, accents stripped, anything that is
    not a letter or digit a separator (each run of such characters one space). The runs are
    replaced in two steps, other characters first, then runs of spaces: the same string as one
    '[^a-z0-9]+' replacement, which matched at every space and took twice the time. -#}
{% macro social_normalise(expr) -%}
{%- set masked = social_regexp_replace_all("coalesce(" ~ expr ~ ", '')", "'\\[(email|telefoon|handle|url|iban|bsn|adres|postcode|nummer|naam)\\]'", "' '") -%}
{%- set emoneg = social_regexp_replace_all(masked, "'[🙄😡🤬😤😠👎💩😩😫😭😢🤮😒😑🤦]'", "' emoneg '") -%}
{%- set emopos = social_regexp_replace_all(emoneg, "'[👍😊🙂😀😁😄😃❤💚💙🙏👏🥰😍💯]'", "' emopos '") -%}
{%- set letters = social_regexp_replace_all("lower(" ~ social_strip_accents(emopos) ~ ")", "'[^a-z0-9 ]+'", "' '") -%}
trim({{ social_regexp_replace_all(letters, "' {2,}'", "' '") }})
{%- endmacro %}

{#- Seed term → the same normal form, keeping '*' (wildcard at the start or end of a word). -#}
{% macro social_normalise_term(expr) -%}
trim({{ social_regexp_replace_all("lower(" ~ social_strip_accents(expr) ~ ")", "'[^a-z0-9*]+'", "' '") }})
{%- endmacro %}

{#- Does token `token` match the seed word `word` (exact, 'abc*' prefix, '*abc' suffix, '*abc*' infix)? -#}
{% macro social_word_matches(token, word) -%}
(case
    when {{ social_starts_with(word, "'*'") }} and {{ social_ends_with(word, "'*'") }} and length({{ word }}) > 2
        then contains({{ token }}, {{ social_trim_char(word, "'*'") }})
    when {{ social_ends_with(word, "'*'") }} then {{ social_starts_with(token, social_trim_char(word, "'*'", 'trailing')) }}
    when {{ social_starts_with(word, "'*'") }} then {{ social_ends_with(token, social_trim_char(word, "'*'", 'leading')) }}
    else {{ token }} = {{ word }}
end)
{%- endmacro %}

{#- First day of the month of a timestamptz in Europe/Amsterdam, as a DATE. -#}
{% macro social_month_amsterdam(ts) -%}
cast(date_trunc('month', {{ social_amsterdam_time(ts) }}) as date)
{%- endmacro %}

{#- The file name of a path (what follows the last '/'). -#}
{% macro social_file_name(path) -%}
regexp_extract({{ path }}, '[^/]+$', 0)
{%- endmacro %}
