"""Store locator and local availability service.

The package is layered so that dependencies point one way (see README, "Layout"): the domain
modules import neither Flask nor the indexer; `locator.http` and each feature's `views` build the
web API on them (`locator.app` composes it); `indexer/` loads files with the same domain code;
`locator.cli.main` is the command line, which the indexer extends through entry points.
"""
