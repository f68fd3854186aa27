"""The `locator` command line; `main` composes it, `common` holds what every group shares."""
