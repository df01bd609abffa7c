# psycopg2 (Debian's python3-psycopg2) through the gateway. Prints one JSON line; ClientMatrixIT checks it.
import json
import sys

import psycopg2

host, port, database, user, password, marker = sys.argv[1:7]
# The statement that fails: a division by zero, or one the policy denies.
failing = sys.argv[7] if len(sys.argv) > 7 else "select 1/0"
seen = {}
conn = psycopg2.connect(host=host, port=int(port), dbname=database, user=user, password=password)
with conn.cursor() as cur:
    cur.execute("select %s as marker", (marker,))
    seen["marker"] = cur.fetchone()[0]
    cur.execute("create temp table t (v int)")
    cur.executemany("insert into t values (%s)", [(1,), (2,), (3,)])
    cur.execute("select sum(v) from t")
    seen["sum"] = int(cur.fetchone()[0])
conn.commit()
with conn.cursor() as cur:
    try:
        cur.execute(failing)
    except psycopg2.Error as e:
        seen["error"] = e.pgcode
conn.rollback()
with conn.cursor() as cur:
    cur.execute("select 1")
    seen["after"] = cur.fetchone()[0]
conn.close()
print(json.dumps(seen))
