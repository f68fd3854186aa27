"""Read, validate, geocode and load stores, products and stock into Elasticsearch."""
