"""`locator demo load` goes through the indexer."""

from indexer.demo import UNMET_TOWNS
from locator.cli.main import main
from locator.es import index_name
from locator.geo import Point, geo_distance_filter
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


def test_demo_load_simulates_unmet_searches_where_no_store_is_near(runner, es, config, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["demo", "load", "--force"])
    assert result.exit_code == 0, result.output
    assert "simulated searches from 10 towns" in result.output
    simulated = es.count(index=index_name(config, "unmet-demand"),
                         query={"bool": {"filter": [{"term": {"tenant": "demo"}}, {"term": {"demo": True}}]}})
    assert simulated["count"] > 0
    for _town, lat, lon in UNMET_TOWNS:  # the searches are honest: nothing within 50 km
        near = es.count(index=index_name(config, "stock"), query={"bool": {"filter": [
            {"term": {"tenant": "demo"}}, geo_distance_filter(Point(lat, lon), 50)]}})
        assert near["count"] == 0
    again = runner.invoke(main, ["demo", "load", "--force"])  # replaced, not added to
    assert again.exit_code == 0, again.output
    es.indices.refresh(index=index_name(config, "unmet-demand"))
    assert es.count(index=index_name(config, "unmet-demand"),
                    query={"term": {"demo": True}})["count"] == simulated["count"]
