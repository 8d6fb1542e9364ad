{#- The SQL dialect differences of the social models, one macro per construct (docs/scale_out.md):
    `default__` is DuckDB's form (the warehouse's reference engine), `spark__` Spark SQL's.
    The models call these instead of engine-specific syntax, so one set of models compiles on
    both adapters. -#}

{#- regexp_replace of every match (DuckDB needs the 'g' flag; Spark's is global). -#}
{% macro social_regexp_replace_all(expr, pattern, replacement) -%}
  {{ return(adapter.dispatch('social_regexp_replace_all')(expr, pattern, replacement)) }}
{%- endmacro %}
{% macro default__social_regexp_replace_all(expr, pattern, replacement) -%}
regexp_replace({{ expr }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}
{#- Spark string literals take a backslash as an escape: a pattern's backslashes are doubled -#}
{% macro spark__social_regexp_replace_all(expr, pattern, replacement) -%}
regexp_replace({{ expr }}, {{ pattern | replace('\\', '\\\\') }}, {{ replacement }})
{%- endmacro %}

{#- Does the text match the pattern (anywhere)? -#}
{% macro social_regexp_matches(expr, pattern) -%}
  {{ return(adapter.dispatch('social_regexp_matches')(expr, pattern)) }}
{%- endmacro %}
{% macro default__social_regexp_matches(expr, pattern) -%}
regexp_matches({{ expr }}, {{ pattern }})
{%- endmacro %}
{% macro spark__social_regexp_matches(expr, pattern) -%}
({{ expr }} rlike {{ pattern | replace('\\', '\\\\') }})
{%- endmacro %}

{#- Accents stripped. Spark has no strip_accents: the letters DuckDB's strip_accents changes in
    Latin-1, Latin Extended-A/B and Latin Extended Additional are translated to the same base
    letters (the table was generated from DuckDB's function), and combining marks dropped. -#}
{% macro social_strip_accents(expr) -%}
  {{ return(adapter.dispatch('social_strip_accents')(expr)) }}
{%- endmacro %}
{% macro default__social_strip_accents(expr) -%}
strip_accents({{ expr }})
{%- endmacro %}
{% macro spark__social_strip_accents(expr) -%}
translate({{ expr }}, 'ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǢǣǦǧǨǩǪǫǬǭǮǯǰǴǵǸǹǺǻǼǽǾǿȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯȰȱȲȳḀḁḂḃḄḅḆḇḈḉḊḋḌḍḎḏḐḑḒḓḔḕḖḗḘḙḚḛḜḝḞḟḠḡḢḣḤḥḦḧḨḩḪḫḬḭḮḯḰḱḲḳḴḵḶḷḸḹḺḻḼḽḾḿṀṁṂṃṄṅṆṇṈṉṊṋṌṍṎṏṐṑṒṓṔṕṖṗṘṙṚṛṜṝṞṟṠṡṢṣṤṥṦṧṨṩṪṫṬṭṮṯṰṱṲṳṴṵṶṷṸṹṺṻṼṽṾṿẀẁẂẃẄẅẆẇẈẉẊẋẌẍẎẏẐẑẒẓẔẕẖẗẘẙẛẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ̴̵̶̷̸̡̢̧̨̛̖̗̘̙̜̝̞̟̠̣̤̥̦̩̪̫̬̭̮̯̰̱̲̳̹̺̻̼͇͈͉͍͎̀́̂̃̄̅̆̇̈̉̊̋̌̍̎̏̐̑̒̓̔̽̾̿̀́͂̓̈́͆͊͋͌̕̚ͅ͏͓͔͕͖͙͚͐͑͒͗͛ͣͤͥͦͧͨͩͪͫͬͭͮͯ͘͜͟͢͝͞͠͡', 'AAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooouuuuyyAaAaAaCcCcCcCcDdEeEeEeEeEeGgGgGgGgHhIiIiIiIiIJjKkLlLlLlNnNnNnOoOoOoRrRrRrSsSsSsSsTtTtUuUuUuUuUuUuWwYyYZzZzZzOoUuAaIiOoUuUuUuUuUuAaAaÆæGgKkOoOoƷʒjGgNnAaÆæØøAaAaEeEeIiIiOoOoRrRrUuUuSsTtHhAaEeOoOoOoOoYyAaBbBbBbCcDdDdDdDdDdEeEeEeEeEeFfGgHhHhHhHhHhIiIiKkKkKkLlLlLlLlMmMmMmNnNnNnNnOoOoOoOoPpPpRrRrRrRrSsSsSsSsSsTtTtTtTtUuUuUuUuUuVvVvWwWwWwWwWwXxXxYyZzZzZzhtwyſAaAaAaAaAaAaAaAaAaAaAaAaEeEeEeEeEeEeEeEeIiIiOoOoOoOoOoOoOoOoOoOoOoOoUuUuUuUuUuUuUuYyYyYyYy')
{%- endmacro %}

{#- Text → list of words split on single spaces. -#}
{% macro social_split_words(expr) -%}
  {{ return(adapter.dispatch('social_split_words')(expr)) }}
{%- endmacro %}
{% macro default__social_split_words(expr) -%}
string_split({{ expr }}, ' ')
{%- endmacro %}
{% macro spark__social_split_words(expr) -%}
split({{ expr }}, ' ')
{%- endmacro %}

{% macro social_list_len(expr) -%}
  {{ return(adapter.dispatch('social_list_len')(expr)) }}
{%- endmacro %}
{% macro default__social_list_len(expr) -%}
len({{ expr }})
{%- endmacro %}
{% macro spark__social_list_len(expr) -%}
size({{ expr }})
{%- endmacro %}

{#- Element i (1-based) of a list. -#}
{% macro social_list_at(expr, i) -%}
  {{ return(adapter.dispatch('social_list_at')(expr, i)) }}
{%- endmacro %}
{% macro default__social_list_at(expr, i) -%}
{{ expr }}[{{ i }}]
{%- endmacro %}
{% macro spark__social_list_at(expr, i) -%}
element_at({{ expr }}, {{ i }})
{%- endmacro %}

{#- Elements start .. start + n - 1 (1-based) of a list. -#}
{% macro social_list_slice(expr, start, n) -%}
  {{ return(adapter.dispatch('social_list_slice')(expr, start, n)) }}
{%- endmacro %}
{% macro default__social_list_slice(expr, start, n) -%}
list_slice({{ expr }}, {{ start }}, {{ start }} + {{ n }} - 1)
{%- endmacro %}
{% macro spark__social_list_slice(expr, start, n) -%}
slice({{ expr }}, {{ start }}, {{ n }})
{%- endmacro %}

{% macro social_list_contains(expr, value) -%}
  {{ return(adapter.dispatch('social_list_contains')(expr, value)) }}
{%- endmacro %}
{% macro default__social_list_contains(expr, value) -%}
list_contains({{ expr }}, {{ value }})
{%- endmacro %}
{% macro spark__social_list_contains(expr, value) -%}
array_contains({{ expr }}, {{ value }})
{%- endmacro %}

{#- Is `predicate` (an expression of `i`) true for every i in 1..n? -#}
{% macro social_all_positions(n, predicate) -%}
  {{ return(adapter.dispatch('social_all_positions')(n, predicate)) }}
{%- endmacro %}
{% macro default__social_all_positions(n, predicate) -%}
list_bool_and(list_transform(generate_series(1, {{ n }}), lambda i: {{ predicate }}))
{%- endmacro %}
{% macro spark__social_all_positions(n, predicate) -%}
forall(sequence(1, {{ n }}), i -> {{ predicate }})
{%- endmacro %}

{#- The distinct words and pairs of adjacent words of a word list. -#}
{% macro social_words_and_pairs(words) -%}
  {{ return(adapter.dispatch('social_words_and_pairs')(words)) }}
{%- endmacro %}
{% macro default__social_words_and_pairs(words) -%}
list_distinct(list_concat(
    {{ words }},
    list_transform(range(1, len({{ words }})), lambda i: {{ words }}[i] || ' ' || {{ words }}[i + 1])
))
{%- endmacro %}
{% macro spark__social_words_and_pairs(words) -%}
array_distinct(concat(
    {{ words }},
    case when size({{ words }}) > 1
         then transform(sequence(1, size({{ words }}) - 1), i -> element_at({{ words }}, i) || ' ' || element_at({{ words }}, i + 1))
         else cast(array() as array<string>) end
))
{%- endmacro %}

{#- One row per element of a list column: `select <columns>, <element> as <value_name>[,
    <1-based position> as <position_name>] from <relation>`. -#}
{% macro social_select_exploded(relation, columns, list_expr, value_name, position_name=none) -%}
  {{ return(adapter.dispatch('social_select_exploded')(relation, columns, list_expr, value_name, position_name)) }}
{%- endmacro %}
{% macro default__social_select_exploded(relation, columns, list_expr, value_name, position_name) -%}
select {{ columns }}, unnest({{ list_expr }}) as {{ value_name }}
{%- if position_name %}, generate_subscripts({{ list_expr }}, 1) as {{ position_name }}{% endif %}
from {{ relation }}
{%- endmacro %}
{% macro spark__social_select_exploded(relation, columns, list_expr, value_name, position_name) -%}
{%- if position_name -%}
select {{ columns }}, {{ value_name }}, exploded_pos + 1 as {{ position_name }}
from {{ relation }} lateral view posexplode({{ list_expr }}) exploded as exploded_pos, {{ value_name }}
{%- else -%}
select {{ columns }}, {{ value_name }}
from {{ relation }} lateral view explode({{ list_expr }}) exploded as {{ value_name }}
{%- endif -%}
{%- endmacro %}

{#- The integers a .. b (inclusive), for one row each: an expression to explode. -#}
{% macro social_explode_range(a, b) -%}
  {{ return(adapter.dispatch('social_explode_range')(a, b)) }}
{%- endmacro %}
{% macro default__social_explode_range(a, b) -%}
unnest(range({{ a }}, {{ b }} + 1))
{%- endmacro %}
{% macro spark__social_explode_range(a, b) -%}
explode(sequence({{ a }}, {{ b }}))
{%- endmacro %}

{#- Aggregate: the values as a list, in the order of `order_by` (distinct: each value once). -#}
{% macro social_list_agg(value, order_by, distinct=false) -%}
  {{ return(adapter.dispatch('social_list_agg')(value, order_by, distinct)) }}
{%- endmacro %}
{% macro default__social_list_agg(value, order_by, distinct) -%}
list({{ 'distinct ' if distinct }}{{ value }} order by {{ order_by }})
{%- endmacro %}
{% macro spark__social_list_agg(value, order_by, distinct) -%}
{%- if distinct and value == order_by -%}
array_sort(collect_set({{ value }}))
{%- else -%}
transform(array_sort({{ 'array_distinct(' if distinct }}collect_list(struct({{ order_by }} as k, {{ value }} as v)){{ ')' if distinct }}), x -> x.v)
{%- endif -%}
{%- endmacro %}

{#- Aggregate: `value` of the row with the highest / lowest `key`. -#}
{% macro social_arg_max(value, key) -%}
  {{ return(adapter.dispatch('social_arg_max')(value, key)) }}
{%- endmacro %}
{% macro default__social_arg_max(value, key) -%}
arg_max({{ value }}, {{ key }})
{%- endmacro %}
{% macro spark__social_arg_max(value, key) -%}
max_by({{ value }}, {{ key }})
{%- endmacro %}

{#- An empty list of strings, and a NULL of a given type. -#}
{% macro social_empty_list() -%}
  {{ return(adapter.dispatch('social_empty_list')()) }}
{%- endmacro %}
{% macro default__social_empty_list() -%}
[]::varchar[]
{%- endmacro %}
{% macro spark__social_empty_list() -%}
cast(array() as array<string>)
{%- endmacro %}

{% macro social_string_list_type() -%}
  {{ return(adapter.dispatch('social_string_list_type')()) }}
{%- endmacro %}
{% macro default__social_string_list_type() -%}varchar[]{%- endmacro %}
{% macro spark__social_string_list_type() -%}array<string>{%- endmacro %}

{#- `as materialized` for a CTE DuckDB should compute once (Spark has no such hint). -#}
{% macro social_materialized() -%}
  {{ return(adapter.dispatch('social_materialized')()) }}
{%- endmacro %}
{% macro default__social_materialized() -%}materialized{%- endmacro %}
{% macro spark__social_materialized() -%}{%- endmacro %}

{#- A timestamp (an instant) as the local time of Europe/Amsterdam. -#}
{% macro social_amsterdam_time(ts) -%}
  {{ return(adapter.dispatch('social_amsterdam_time')(ts)) }}
{%- endmacro %}
{% macro default__social_amsterdam_time(ts) -%}
timezone('Europe/Amsterdam', {{ ts }})
{%- endmacro %}
{% macro spark__social_amsterdam_time(ts) -%}
from_utc_timestamp({{ ts }}, 'Europe/Amsterdam')
{%- endmacro %}

{#- String prefix / suffix tests and trimming a character from the ends. -#}
{% macro social_starts_with(expr, prefix) -%}
  {{ return(adapter.dispatch('social_starts_with')(expr, prefix)) }}
{%- endmacro %}
{% macro default__social_starts_with(expr, prefix) -%}starts_with({{ expr }}, {{ prefix }}){%- endmacro %}
{% macro spark__social_starts_with(expr, prefix) -%}startswith({{ expr }}, {{ prefix }}){%- endmacro %}

{% macro social_ends_with(expr, suffix) -%}
  {{ return(adapter.dispatch('social_ends_with')(expr, suffix)) }}
{%- endmacro %}
{% macro default__social_ends_with(expr, suffix) -%}ends_with({{ expr }}, {{ suffix }}){%- endmacro %}
{% macro spark__social_ends_with(expr, suffix) -%}endswith({{ expr }}, {{ suffix }}){%- endmacro %}

{#- side: both | leading | trailing -#}
{% macro social_trim_char(expr, char, side='both') -%}
  {{ return(adapter.dispatch('social_trim_char')(expr, char, side)) }}
{%- endmacro %}
{% macro default__social_trim_char(expr, char, side) -%}
{{ {'both': 'trim', 'leading': 'ltrim', 'trailing': 'rtrim'}[side] }}({{ expr }}, {{ char }})
{%- endmacro %}
{% macro spark__social_trim_char(expr, char, side) -%}
trim({{ side }} {{ char }} from {{ expr }})
{%- endmacro %}

{#- Wide → long for numeric columns (no NULLs): `select <id>, <name_column>, <value_column>`. -#}
{% macro social_unpivot(relation_sql, id_column, columns, name_column, value_column) -%}
  {{ return(adapter.dispatch('social_unpivot')(relation_sql, id_column, columns, name_column, value_column)) }}
{%- endmacro %}
{% macro default__social_unpivot(relation_sql, id_column, columns, name_column, value_column) -%}
unpivot ({{ relation_sql }})
on {{ columns | join(', ') }}
into name {{ name_column }} value {{ value_column }}
{%- endmacro %}
{% macro spark__social_unpivot(relation_sql, id_column, columns, name_column, value_column) -%}
select {{ id_column }}, stack({{ columns | length }}, {% for c in columns %}'{{ c }}', {{ c }}{{ ', ' if not loop.last }}{% endfor %}) as ({{ name_column }}, {{ value_column }})
from ({{ relation_sql }}) as wide
{%- endmacro %}

{#- 100 * num / den as a double (Spark would make 100.0 a decimal and divide as decimals). -#}
{% macro social_pct(num, den) -%}
  {{ return(adapter.dispatch('social_pct')(num, den)) }}
{%- endmacro %}
{% macro default__social_pct(num, den) -%}
100.0 * {{ num }} / {{ den }}
{%- endmacro %}
{% macro spark__social_pct(num, den) -%}
cast(100 as double) * {{ num }} / {{ den }}
{%- endmacro %}

{#- term_hits: per term, the word it is looked up by (the one with the fewest occurrences `n`;
    `word_no` its position in the term), skipping terms with a word that never occurs.
    DuckDB's arg_min as before; on Spark the minimum of (n, word_no, word) picks one word
    deterministically (ties go to the first word of the term). -#}
{% macro social_lookup_words(word_counts) -%}
  {{ return(adapter.dispatch('social_lookup_words')(word_counts)) }}
{%- endmacro %}
{% macro default__social_lookup_words(word_counts) -%}
select term_id, n_words, arg_min(word_no, n) as anchor_no, arg_min(word, n) as word
from {{ word_counts }}
group by term_id, n_words
having not bool_or(n = 0)
{%- endmacro %}
{% macro spark__social_lookup_words(word_counts) -%}
select term_id, n_words, pick.word_no as anchor_no, pick.word as word
from (
    select term_id, n_words, min(struct(n, word_no, word)) as pick
    from {{ word_counts }}
    group by term_id, n_words
    having not bool_or(n = 0)
) as picked
{%- endmacro %}

{% macro social_list_distinct(expr) -%}
  {{ return(adapter.dispatch('social_list_distinct')(expr)) }}
{%- endmacro %}
{% macro default__social_list_distinct(expr) -%}list_distinct({{ expr }}){%- endmacro %}
{% macro spark__social_list_distinct(expr) -%}array_distinct({{ expr }}){%- endmacro %}

{#- A list of the non-null values among the SQL expressions `values` (all of one type), in their
    order (the classifier's themes and their confidences). -#}
{% macro social_list_present(values) -%}
  {{ return(adapter.dispatch('social_list_present', 'voice_monitor')(values)) }}
{%- endmacro %}
{% macro default__social_list_present(values) -%}
list_filter([{{ values | join(', ') }}], lambda x: x is not null)
{%- endmacro %}
{% macro spark__social_list_present(values) -%}
filter(array({{ values | join(', ') }}), x -> x is not null)
{%- endmacro %}
