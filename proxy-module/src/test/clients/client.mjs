// node-postgres through the gateway: simple and extended queries, a transaction, an error.
// Prints one JSON line with what it saw; ClientMatrixIT checks it.
import pg from 'pg';

// The statement that fails: a division by zero, or one the policy denies.
const [host, port, database, user, password, marker, failing = 'select 1/0'] = process.argv.slice(2);
const client = new pg.Client({ host, port: Number(port), database, user, password });
const seen = {};
await client.connect();
seen.simple = (await client.query(`select '${marker}' as marker`)).rows[0].marker;
seen.extended = (await client.query('select $1::int + 1 as n', [41])).rows[0].n;
await client.query('begin');
await client.query('create temp table t (v text)');
await client.query('insert into t values ($1), ($2)', ['a', 'b']);
seen.rows = (await client.query('select count(*)::int as c from t')).rows[0].c;
await client.query('commit');
try {
  await client.query(failing);
} catch (e) {
  seen.error = e.code;
}
seen.after = (await client.query('select 1 as one')).rows[0].one;
await client.end();
console.log(JSON.stringify(seen));
