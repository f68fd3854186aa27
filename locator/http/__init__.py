"""The web layer every blueprint shares: problem+json answers, read responses (ETag, GeoJSON),
API keys, CORS, rate limits, security headers, logs, metrics, the OpenAPI document and static
pages. Only this package, the features' `views` modules and `locator.app` import Flask."""
