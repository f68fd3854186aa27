"""`locator keys create --kind store --store …` through the real command line and node."""

from __future__ import annotations

from locator.cli.main import main
from tests import factories


def test_store_key_life_cycle(runner, es, config, tenant):
    factories.seed(es, config, [factories.store_doc(tenant.id, "S1", 48.85, 2.35)], [])
    created = runner.invoke(main, ["keys", "create", "--tenant", tenant.id, "--kind", "store",
                                   "--store", "S1"])
    assert created.exit_code == 0, created.output
    key = created.stdout.strip()
    assert key.startswith("st_")
    listed = runner.invoke(main, ["keys", "list", "--tenant", tenant.id]).stdout
    line = next(row for row in listed.splitlines() if row.startswith(key[:10]))
    assert "\tstore\t" in line and "store=S1" in line and "\tactive\t" in line
    assert key not in listed
    revoked = runner.invoke(main, ["keys", "revoke", key[:10]])
    assert revoked.exit_code == 0 and "store" in revoked.stdout


def test_store_key_needs_one_existing_store(runner, es, config, tenant):
    missing = runner.invoke(main, ["keys", "create", "--tenant", tenant.id, "--kind", "store"])
    assert missing.exit_code != 0 and "--store" in missing.output
    unknown = runner.invoke(main, ["keys", "create", "--tenant", tenant.id, "--kind", "store",
                                   "--store", "NOPE"])
    assert unknown.exit_code != 0 and "NOPE" in unknown.output
    stray = runner.invoke(main, ["keys", "create", "--tenant", tenant.id, "--kind", "secret",
                                 "--store", "S1"])
    assert stray.exit_code != 0
    assert "--store" in runner.invoke(main, ["keys", "create", "--help"]).stdout
