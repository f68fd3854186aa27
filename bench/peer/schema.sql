-- The peer's tables (PostgreSQL + PostGIS). Idempotent: `python -m bench.peer.load setup`.
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS btree_gist;  -- text columns next to the geography in one GiST index

CREATE TABLE IF NOT EXISTS tenants (
    tenant text PRIMARY KEY,
    name text NOT NULL,
    low_stock_threshold integer NOT NULL DEFAULT 3,
    safety_stock integer NOT NULL DEFAULT 0,
    stock_freshness_hours double precision NOT NULL DEFAULT 72,
    expose_quantities boolean NOT NULL DEFAULT false
);

CREATE TABLE IF NOT EXISTS api_keys (
    key_hash text PRIMARY KEY,          -- sha256 of the key: keys are never stored in clear
    tenant text NOT NULL REFERENCES tenants,
    kind text NOT NULL CHECK (kind IN ('publishable', 'secret')),
    revoked boolean NOT NULL DEFAULT false
);

CREATE TABLE IF NOT EXISTS stores (
    tenant text NOT NULL,
    store_id text NOT NULL,
    name text NOT NULL,
    street text NOT NULL DEFAULT '',
    postcode text NOT NULL DEFAULT '',
    city text NOT NULL DEFAULT '',
    country text NOT NULL DEFAULT '',
    lat double precision NOT NULL,
    lon double precision NOT NULL,
    geog geography(Point, 4326) NOT NULL,
    phone text,
    timezone text,
    opening_hours text,
    services text[] NOT NULL DEFAULT '{}',
    status text NOT NULL DEFAULT 'open',
    PRIMARY KEY (tenant, store_id)
);
CREATE INDEX IF NOT EXISTS stores_geog ON stores USING gist (tenant, geog);

CREATE TABLE IF NOT EXISTS products (
    tenant text NOT NULL,
    sku text NOT NULL,
    name text NOT NULL,
    brand text,
    category text,
    PRIMARY KEY (tenant, sku)
);

-- One row per (tenant, store, sku) with a copy of the store's location and status, so that
-- "sku X near me" is one index scan in distance order (the loader fills the copies).
CREATE TABLE IF NOT EXISTS stock (
    tenant text NOT NULL,
    store_id text NOT NULL,
    sku text NOT NULL,
    on_hand integer NOT NULL,
    held integer NOT NULL DEFAULT 0,    -- units held by reservations
    as_of timestamptz NOT NULL,
    geog geography(Point, 4326) NOT NULL,
    store_status text NOT NULL,
    PRIMARY KEY (tenant, store_id, sku)
);
CREATE INDEX IF NOT EXISTS stock_sku_geog ON stock USING gist (tenant, sku, geog);
