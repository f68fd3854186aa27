"""The peer's loader: the service's documented input files (CSV) into PostgreSQL with COPY.

    python -m bench.peer.load --dsn DSN setup
    python -m bench.peer.load --dsn DSN tenant bench --key pk_…
    python -m bench.peer.load --dsn DSN stores stores.csv --tenant bench
    python -m bench.peer.load --dsn DSN products products.csv --tenant bench
    python -m bench.peer.load --dsn DSN stock stock.csv --tenant bench

Every load replaces the tenant's rows of that kind (like `locator index … --full`). Files are
CSV with a header naming the columns in the order below (the order the benchmark writes; the
header is checked). Stock is built into a new table, indexed, analysed, and swapped in at the end
in one transaction, so readers never see a half-built table; a row whose store or sku is unknown,
or whose count is not a whole number, is left out and counted.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from pathlib import Path

import psycopg

STORE_COLUMNS = ["store_id", "name", "street", "postcode", "city", "country", "lat", "lon", "phone",
                 "timezone", "opening_hours", "services", "status"]
PRODUCT_COLUMNS = ["sku", "name", "brand", "category"]
STOCK_COLUMNS = ["store_id", "sku", "on_hand", "as_of"]
DEFAULT_DSN = os.environ.get("PEER_DSN", "host=127.0.0.1 port=5490 user=postgres dbname=peer")


def key_hash(key: str) -> str:
    """Return how a key is stored and looked up."""
    return hashlib.sha256(key.encode()).hexdigest()


def _staging(cur: psycopg.Cursor, name: str, columns: list[str], path: Path) -> int:
    """COPY a CSV file into a temporary table of text columns; return its row count."""
    cur.execute(f"CREATE TEMP TABLE {name} ({', '.join(f'{c} text' for c in columns)}) ON COMMIT DROP")
    copy_sql = f"COPY {name} FROM STDIN WITH (FORMAT csv, HEADER MATCH)"
    with path.open("rb") as handle, cur.copy(copy_sql) as copy:
        while chunk := handle.read(1 << 20):
            copy.write(chunk)
    cur.execute(f"SELECT count(*) FROM {name}")
    return cur.fetchone()[0]


def setup(conn: psycopg.Connection) -> None:
    conn.execute((Path(__file__).parent / "schema.sql").read_text())


def create_tenant(conn: psycopg.Connection, tenant: str, key: str | None) -> None:
    conn.execute("INSERT INTO tenants (tenant, name) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                 (tenant, tenant))
    if key:
        kind = "secret" if key.startswith("sk_") else "publishable"
        conn.execute("INSERT INTO api_keys (key_hash, tenant, kind) VALUES (%s, %s, %s) "
                     "ON CONFLICT DO NOTHING", (key_hash(key), tenant, kind))


def load_stores(conn: psycopg.Connection, tenant: str, path: Path) -> tuple[int, int]:
    with conn.transaction(), conn.cursor() as cur:
        read = _staging(cur, "stores_in", STORE_COLUMNS, path)
        cur.execute("DELETE FROM stores WHERE tenant = %s", (tenant,))
        # The first row of a duplicated id wins; a store without coordinates is left out.
        cur.execute("""
            INSERT INTO stores (tenant, store_id, name, street, postcode, city, country, lat, lon, geog,
                                phone, timezone, opening_hours, services, status)
            SELECT DISTINCT ON (btrim(store_id)) %(tenant)s, btrim(store_id), btrim(name),
                   coalesce(btrim(street), ''), coalesce(btrim(postcode), ''), coalesce(btrim(city), ''),
                   upper(coalesce(btrim(country), '')), lat::float8, lon::float8,
                   ST_SetSRID(ST_MakePoint(lon::float8, lat::float8), 4326)::geography,
                   NULLIF(btrim(phone), ''), NULLIF(btrim(timezone), ''), NULLIF(btrim(opening_hours), ''),
                   coalesce(string_to_array(NULLIF(btrim(services), ''), '|'), '{}'),
                   coalesce(NULLIF(btrim(status), ''), 'open')
            FROM stores_in
            WHERE NULLIF(btrim(lat), '') IS NOT NULL AND NULLIF(btrim(lon), '') IS NOT NULL
              AND coalesce(btrim(status), '') <> 'removed'
            ORDER BY btrim(store_id)
        """, {"tenant": tenant})
        loaded = cur.rowcount
    conn.execute("ANALYZE stores")
    return read, loaded


def load_products(conn: psycopg.Connection, tenant: str, path: Path) -> tuple[int, int]:
    with conn.transaction(), conn.cursor() as cur:
        read = _staging(cur, "products_in", PRODUCT_COLUMNS, path)
        cur.execute("DELETE FROM products WHERE tenant = %s", (tenant,))
        cur.execute("""
            INSERT INTO products (tenant, sku, name, brand, category)
            SELECT DISTINCT ON (btrim(sku)) %(tenant)s, btrim(sku), btrim(name), NULLIF(btrim(brand), ''),
                   NULLIF(btrim(category), '')
            FROM products_in ORDER BY btrim(sku)
        """, {"tenant": tenant})
        loaded = cur.rowcount
    conn.execute("ANALYZE products")
    return read, loaded


def load_stock(conn: psycopg.Connection, tenant: str, path: Path) -> tuple[int, int]:
    with conn.transaction(), conn.cursor() as cur:
        read = _staging(cur, "stock_in", STOCK_COLUMNS, path)
        cur.execute("DROP TABLE IF EXISTS stock_new")
        cur.execute("CREATE TABLE stock_new (LIKE stock INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
        cur.execute("INSERT INTO stock_new SELECT * FROM stock WHERE tenant <> %s", (tenant,))
        # The latest count of a (store, sku) wins; the store's location and status are copied.
        cur.execute("""
            INSERT INTO stock_new (tenant, store_id, sku, on_hand, held, as_of, geog, store_status)
            SELECT DISTINCT ON (s.store_id, p.sku) %(tenant)s, s.store_id, p.sku,
                   btrim(i.on_hand)::integer, 0, btrim(i.as_of)::timestamptz, s.geog, s.status
            FROM stock_in i
            JOIN stores s ON s.tenant = %(tenant)s AND s.store_id = btrim(i.store_id)
            JOIN products p ON p.tenant = %(tenant)s AND p.sku = btrim(i.sku)
            WHERE btrim(i.on_hand) ~ '^[0-9]{1,9}$' AND NULLIF(btrim(i.as_of), '') IS NOT NULL
            ORDER BY s.store_id, p.sku, btrim(i.as_of)::timestamptz DESC
        """, {"tenant": tenant})
        loaded = cur.rowcount
        cur.execute("ALTER TABLE stock_new ADD CONSTRAINT stock_new_pkey PRIMARY KEY (tenant, store_id, sku)")
        cur.execute("CREATE INDEX stock_new_sku_geog ON stock_new USING gist (tenant, sku, geog)")
        cur.execute("DROP TABLE stock")
        cur.execute("ALTER TABLE stock_new RENAME TO stock")
        cur.execute("ALTER INDEX stock_new_pkey RENAME TO stock_pkey")
        cur.execute("ALTER INDEX stock_new_sku_geog RENAME TO stock_sku_geog")
    conn.execute("VACUUM ANALYZE stock")  # statistics and the visibility map of the new table
    return read, loaded


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dsn", default=DEFAULT_DSN)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("setup")
    tenant = sub.add_parser("tenant")
    tenant.add_argument("tenant")
    tenant.add_argument("--key", help="an API key to store (hashed) for the tenant")
    for kind in ("stores", "products", "stock"):
        p = sub.add_parser(kind)
        p.add_argument("file", type=Path)
        p.add_argument("--tenant", required=True)
    args = parser.parse_args(argv)
    started = time.monotonic()
    with psycopg.connect(args.dsn, autocommit=True) as conn:
        if args.command == "setup":
            setup(conn)
            return 0
        if args.command == "tenant":
            create_tenant(conn, args.tenant, args.key)
            return 0
        loader = {"stores": load_stores, "products": load_products, "stock": load_stock}[args.command]
        read, loaded = loader(conn, args.tenant, args.file)
    left_out = read - loaded
    print(f"{args.command}: read {read:,}, loaded {loaded:,}, left out {left_out:,} "
          f"in {time.monotonic() - started:.1f} s")
    return 1 if left_out else 0


if __name__ == "__main__":
    sys.exit(main())
