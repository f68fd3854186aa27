"""`locator index …` as a user runs it: exit codes, screen report, summary."""

from locator.cli.main import main
from tests.indexer.conftest import SAMPLES


def invoke(runner, *args):
    return runner.invoke(main, ["index", *map(str, args), "--no-progress"])


def test_clean_load_exits_zero_with_a_summary(runner, tenant):
    result = invoke(runner, "stores", SAMPLES / "stores.csv", "--tenant", tenant.id)
    assert result.exit_code == 0, result.output
    assert "read 6, indexed 6, updated 0, unchanged 0, stale 0, rejected 0, elapsed" in result.output


def test_rejected_rows_exit_non_zero_and_are_shown_with_file_and_line(runner, tenant, tmp_path):
    rejects = tmp_path / "r.csv"
    result = invoke(runner, "stores", SAMPLES / "stores_bad.csv", "--tenant", tenant.id, "--rejects", rejects)
    assert result.exit_code == 1
    assert "stores_bad.csv:2: lat: must be between -90 and 90" in result.output
    assert "rejected 10" in result.output and str(rejects) in result.output
    # Line 7's zone is no IANA zone: loaded with the zone of its coordinates, and said so.
    assert "stores_bad.csv:7: warning: timezone: 'Mars/Olympus'" in result.output
    assert "warnings 1" in result.output
    assert rejects.read_text(encoding="utf-8").count("\n") == 11


def test_max_errors_stops_and_says_so(runner, tenant, tmp_path):
    result = invoke(runner, "stores", SAMPLES / "stores_bad.csv", "--tenant", tenant.id, "--max-errors", "0",
                    "--rejects", tmp_path / "r.csv")
    assert result.exit_code == 1 and "stopped early" in result.output and "read 1," in result.output


def test_unreadable_files_and_unknown_tenants_are_clear_errors(runner, tenant):
    result = invoke(runner, "stores", SAMPLES / "garbage.bin", "--tenant", tenant.id)
    assert result.exit_code == 1 and "binary data" in result.output
    result = invoke(runner, "stores", SAMPLES / "empty.csv", "--tenant", tenant.id)
    assert result.exit_code == 1 and "the file is empty" in result.output
    result = invoke(runner, "stores", SAMPLES / "stores.csv", "--tenant", "nobody-here")
    assert result.exit_code == 1 and "unknown tenant 'nobody-here'" in result.output


def test_stock_feed_with_explicit_as_of_and_rollback_command(runner, tenant, tmp_path):
    assert invoke(runner, "stores", SAMPLES / "stores.csv", "--tenant", tenant.id).exit_code == 0
    assert invoke(runner, "products", SAMPLES / "products.csv", "--tenant", tenant.id).exit_code == 0
    result = invoke(runner, "stock", SAMPLES / "google_feed.tsv", "--tenant", tenant.id,
                    "--as-of", "2026-11-25T09:00:00+01:00", "--format", "google", "--rejects", tmp_path / "r")
    assert result.exit_code == 1 and "indexed 2" in result.output and "rejected 1" in result.output
    result = invoke(runner, "stock", SAMPLES / "stock.csv", "--tenant", tenant.id, "--as-of", "today")
    assert result.exit_code == 2 and "ISO 8601" in result.output
    result = invoke(runner, "stock", SAMPLES / "stock.csv", "--tenant", tenant.id, "--as-of",
                    "2062-11-25T09:00:00+01:00")
    assert result.exit_code == 2 and "in the future" in result.output
    result = invoke(runner, "products", SAMPLES / "products.csv", "--tenant", tenant.id, "--full")
    assert result.exit_code == 0 and "full load (alias swapped)" in result.output
    result = runner.invoke(main, ["index", "rollback", "products"])
    assert result.exit_code == 1 and "--tenant" in result.output  # kept per tenant, like stock
    result = runner.invoke(main, ["index", "rollback", "products", "--tenant", tenant.id])
    assert result.exit_code == 0 and f"products.{tenant.id}-00000000000000000000" in result.output


def test_stock_is_rolled_back_per_tenant(runner, tenant, tmp_path):
    for kind in ("stores", "products", "stock"):
        assert invoke(runner, kind, SAMPLES / f"{kind}.csv", "--tenant", tenant.id).exit_code == 0
    result = invoke(runner, "stock", SAMPLES / "stock.csv", "--tenant", tenant.id, "--full")
    assert result.exit_code == 0 and "full load (alias swapped)" in result.output, result.output
    result = runner.invoke(main, ["index", "rollback", "stock"])
    assert result.exit_code == 1 and "--tenant" in result.output
    result = runner.invoke(main, ["index", "rollback", "stock", "--tenant", tenant.id])
    assert result.exit_code == 0 and f"stock.{tenant.id}-00000000000000000000" in result.output
    assert "--tenant" in runner.invoke(main, ["index", "rollback", "--help"]).output


def test_a_full_load_stopped_by_max_errors_is_abandoned_cleanly(runner, tenant, tmp_path):
    result = invoke(runner, "stores", SAMPLES / "stores_bad.csv", "--tenant", tenant.id, "--full",
                    "--max-errors", "1", "--rejects", tmp_path / "r.csv")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)  # no traceback
    assert "full load abandoned" in result.output and "stopped early" in result.output
