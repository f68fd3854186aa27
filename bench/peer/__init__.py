"""The PostGIS locator `make bench-peer` measures this service against (see bench/README.md).

What a competent team would write instead of this service for the same two queries: a small
Flask app over PostgreSQL + PostGIS with a psycopg connection pool, one SQL statement per
listing (a GiST index on (tenant, sku, geography), nearest first by the index's KNN order).
"""
