# asyncpg (Debian's python3-asyncpg, 0.27.0) through the gateway. Prints one JSON line; ClientMatrix checks it.
# asyncpg always sends client_encoding='utf-8' (quotes included) at startup, and speaks only the
# extended protocol: prepared statements, binary results, COPY.
import asyncio
import json
import sys

import asyncpg


async def main():
    host, port, database, user, password, marker = sys.argv[1:7]
    # A statement the policy denies, to fail instead of a division by zero (then no COPY, which
    # the baseline policy holds for approval).
    denied = sys.argv[7] if len(sys.argv) > 7 else None
    seen = {}
    conn = await asyncpg.connect(host=host, port=int(port), database=database, user=user, password=password,
                                 ssl=False)
    try:
        seen["marker"] = await conn.fetchval("select $1::text", marker)
        await conn.execute("create temp table t (v int, at timestamptz default now())")
        await conn.executemany("insert into t (v) values ($1)", [(1,), (2,), (3,)])
        if denied is None:
            await conn.copy_records_to_table("t", records=[(4,), (5,)], columns=["v"])
        seen["sum"] = await conn.fetchval("select sum(v) from t")
        try:
            await conn.fetchval(denied or "select 1/0")
        except asyncpg.PostgresError as e:
            seen["error"] = e.sqlstate
        seen["after"] = await conn.fetchval("select 1")
    finally:
        await conn.close()
    print(json.dumps(seen))


asyncio.run(main())
