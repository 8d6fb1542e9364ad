// node-postgres against the BI database (tests/test_bi_client_node.py). Connection from the
// standard PG* environment variables; prints one JSON document.
const { Client } = require("pg");

async function main() {
  const client = new Client();
  await client.connect();
  const waves = JSON.parse(process.argv[2]);
  const out = {};
  // an integer array parameter
  out.personas = (await client.query(
    "select wave, persona, share_pct, n_unweighted from marts.mart_personas where wave = any($1) order by wave, persona",
    [waves])).rows;
  // array and numeric results, and a prepared (named) statement run twice
  for (const month of ["2025-03-01", "2025-04-01"]) {
    const result = await client.query({
      name: "posts_of_month",
      text: "select platform, post_id, themes from marts.fct_social_posts where month = $1 order by platform, post_id",
      values: [month],
    });
    out[month] = result.rows;
  }
  out.tolerances = (await client.query(
    "select figure, \"where\", tolerance_pp from audit.reconciliation where wave = $1 order by figure, \"where\"",
    [2026])).rows;
  await client.end();
  console.log(JSON.stringify(out));
}

main().catch((e) => { console.error(e.message); process.exit(1); });
