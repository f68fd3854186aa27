"""`locator tenants …` and `locator keys …` through the real command line and node."""

import json
import uuid

from locator.cli.main import main
from locator.tenants import service
from locator.tenants.service import KeyCache


def _id() -> str:
    return f"t{uuid.uuid4().hex[:10]}"


def test_tenant_life_cycle(runner, es, config):
    tenant = _id()
    created = runner.invoke(main, ["tenants", "create", tenant, "--name", "Shop One",
                                   "--set", "hold_hours=48", "--set", "expose_quantities=yes"])
    assert created.exit_code == 0, created.output
    shown = json.loads(created.stdout)
    assert shown["settings"]["hold_hours"] == 48.0 and shown["settings"]["expose_quantities"] is True

    listed = runner.invoke(main, ["tenants", "list"])
    assert f"{tenant}\tShop One" in listed.stdout
    lines = runner.invoke(main, ["tenants", "list", "--json"]).stdout.splitlines()
    as_json = [json.loads(line) for line in lines]
    assert tenant in [t["tenant"] for t in as_json]

    changed = runner.invoke(main, ["tenants", "set", tenant, "low_stock_threshold=5", "safety_stock=1",
                                   "stock_freshness_hours=12", "purge_days=7",
                                   "webhook_url=https://shop.example.com/hooks"])
    assert changed.exit_code == 0, changed.output
    settings = json.loads(runner.invoke(main, ["tenants", "show", tenant]).stdout)["settings"]
    assert (settings["low_stock_threshold"], settings["safety_stock"], settings["purge_days"]) == (5, 1, 7)
    assert settings["webhook_url"] == "https://shop.example.com/hooks"


def test_webhook_secret_is_shown_once_then_masked(runner, es, config):
    tenant = _id()
    assert runner.invoke(main, ["tenants", "create", tenant]).exit_code == 0
    result = runner.invoke(main, ["tenants", "set", tenant, "--new-webhook-secret"])
    assert result.exit_code == 0, result.output
    secret = result.stderr.split(": ")[-1].strip()
    assert secret.startswith("whsec_") and secret not in result.stdout
    assert service.get_tenant(es, config, tenant).settings.webhook_secret == secret
    for command in (["tenants", "show", tenant], ["tenants", "list", "--json"]):
        output = runner.invoke(main, command).output
        assert secret not in output
    assert '"webhook_secret": "***"' in runner.invoke(main, ["tenants", "show", tenant]).stdout


def test_bad_settings_are_clear_errors_and_change_nothing(runner, es, config):
    tenant = _id()
    runner.invoke(main, ["tenants", "create", tenant, "--set", "hold_hours=4"])
    for args, message in [
        (["hold_hours=-1"], "hold_hours"),
        (["hold_hours=abc"], "hold_hours expects float"),
        (["expose_quantities=maybe"], "expose_quantities"),
        (["nope=1"], "unknown setting"),
        (["hold_hours"], "NAME=VALUE"),
        (["webhook_url=ftp://x"], "webhook_url"),
    ]:
        result = runner.invoke(main, ["tenants", "set", tenant, *args])
        assert result.exit_code != 0
        assert message in result.output, result.output
    assert service.get_tenant(es, config, tenant).settings.hold_hours == 4
    bad_id = runner.invoke(main, ["tenants", "create", "Bad Id"])
    assert bad_id.exit_code != 0 and "invalid tenant id" in bad_id.output
    again = runner.invoke(main, ["tenants", "create", tenant])
    assert again.exit_code != 0 and "exists already" in again.output
    missing = runner.invoke(main, ["tenants", "show", "no-such-tenant"])
    assert missing.exit_code != 0 and "no tenant" in missing.output


def test_keys_create_list_revoke(runner, es, config):
    tenant = _id()
    runner.invoke(main, ["tenants", "create", tenant])
    created = runner.invoke(main, ["keys", "create", "--tenant", tenant, "--kind", "publishable",
                                   "--origin", "https://Shop.example.com", "--origin", "http://localhost:3000"])
    assert created.exit_code == 0, created.output
    plaintext = created.stdout.strip()
    assert plaintext.startswith("pk_") and "\n" not in plaintext
    assert "https://shop.example.com" in created.stderr

    listed = runner.invoke(main, ["keys", "list", "--tenant", tenant]).stdout
    assert plaintext not in listed
    origins = "https://shop.example.com,http://localhost:3000"
    assert f"{plaintext[:10]}…\tpublishable\t{tenant}\t{origins}\tactive" in listed
    assert KeyCache(0).lookup(es, config, plaintext) is not None

    revoked = runner.invoke(main, ["keys", "revoke", plaintext[:10]])
    assert revoked.exit_code == 0, revoked.output
    assert "revoked" in runner.invoke(main, ["keys", "list", "--tenant", tenant]).stdout
    assert KeyCache(0).lookup(es, config, plaintext) is None


def test_keys_errors(runner, es, config):
    tenant = _id()
    runner.invoke(main, ["tenants", "create", tenant])
    for args, message in [
        (["--tenant", tenant, "--kind", "secret", "--origin", "https://a.example"], "only publishable"),
        (["--tenant", tenant, "--kind", "publishable", "--origin", "a.example"], "invalid origin"),
        (["--tenant", "no-such-tenant", "--kind", "secret"], "no tenant"),
        (["--tenant", tenant, "--kind", "admin"], "admin"),
    ]:
        result = runner.invoke(main, ["keys", "create", *args])
        assert result.exit_code != 0 and message in result.output, result.output
    assert runner.invoke(main, ["keys", "list", "--tenant", tenant]).stdout == ""
    unknown = runner.invoke(main, ["keys", "revoke", "pk_unknown"])
    assert unknown.exit_code != 0 and "no key matches" in unknown.output
