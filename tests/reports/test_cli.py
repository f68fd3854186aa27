"""`locator reports link`: a signed link to the report page, revoked by --rotate."""

from datetime import UTC, datetime

from locator.cli.main import main
from locator.reports import links
from locator.tenants.service import get_tenant


def _token(output: str) -> str:
    url = output.strip().splitlines()[0]
    assert url.startswith("https://locator.example.com/reports#link=")
    return url.split("#link=", 1)[1]


def test_link_prints_a_url_whose_token_verifies_until_rotated(runner, es, config, tenant):
    assert runner.invoke(main, ["reports", "link", "--help"]).exit_code == 0
    args = ["reports", "link", "--tenant", tenant.id, "--days", "3", "--base-url", "https://locator.example.com/"]
    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    token = _token(first.stdout)
    secret = get_tenant(es, config, tenant.id).settings.reports_link_secret
    assert links.verify(secret, token, datetime.now(UTC))
    second = _token(runner.invoke(main, args).stdout)  # the same secret: both links work
    assert links.verify(secret, second, datetime.now(UTC))
    rotated = runner.invoke(main, [*args, "--rotate"])
    assert rotated.exit_code == 0 and "earlier links revoked" in rotated.stderr
    new_secret = get_tenant(es, config, tenant.id).settings.reports_link_secret
    assert not links.verify(new_secret, token, datetime.now(UTC))
    assert links.verify(new_secret, _token(rotated.stdout), datetime.now(UTC))
    shown = runner.invoke(main, ["tenants", "show", tenant.id]).stdout
    assert new_secret not in shown and '"reports_link_secret": "***"' in shown


def test_link_refuses_an_unknown_tenant_and_a_long_validity(runner, es, config):
    unknown = runner.invoke(main, ["reports", "link", "--tenant", "nobody-here"])
    assert unknown.exit_code != 0 and "nobody-here" in unknown.output
    too_long = runner.invoke(main, ["reports", "link", "--tenant", "x", "--days", "365"])
    assert too_long.exit_code == 2 and "--days" in too_long.output
