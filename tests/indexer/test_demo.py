"""`locator demo load` goes through the indexer."""

from locator.cli.main import main
from tests.indexer.conftest import count


def test_demo_load_geocodes_stores_without_coordinates_and_loads_stock(runner, es, config, tmp_path,
                                                                       monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "geocoded 24" in result.output and "Demo data loaded." in result.output
    stores = count(es, config, "stores", "demo")
    assert stores == 422
    assert count(es, config, "stock", "demo") == stores * 24
    result = runner.invoke(main, ["demo", "load"])
    assert "already loaded" in result.output
