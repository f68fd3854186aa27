"""The real, messy files: IKEA (MIT, in demo/), and when ../shared/data is here, Starbucks, Best Buy
and Instacart (licence-restricted: read from there, never copied into the project)."""


from indexer.demo import DEMO_DIR
from tests.conftest import shared_data
from tests.indexer.conftest import count, get_store

shared = shared_data


def test_ikea_json_duplicates_and_missing_coordinates(es, config, tenant, load):
    summary, messages = load("stores", DEMO_DIR / "ikea_stores.json", tenant.id)
    # 9 ids appear twice: 8 identical copies, 1 that differs (rejected); 24 stores without coordinates
    # and without any address cannot be geocoded and are rejected, never placed at (0, 0).
    assert (summary.read, summary.duplicates, summary.rejected) == (431, 8, 25)
    assert summary.indexed == 431 - 8 - 25
    assert sum("could not be geocoded" in m or "no address to geocode" in m for m in messages) >= 19
    assert count(es, config, "stores", tenant.id, country="FR") == 36


def test_starbucks_directory(es, config, tenant, load):
    summary, messages = load("stores", shared("starbucks_directory.csv"), tenant.id)
    text = "\n".join(messages)
    assert summary.read == 25600
    # The duplicated store number: the first row (without coordinates, geocoded) is kept.
    assert ":8162: store_id: duplicate store_id '19773-160973': the row on line 8031 is kept" in text
    # The 9 time zone names cut short in the file (Dawson_Cree, Port_of_Spa) give way to the zone
    # at the coordinates, with a warning naming the full name.
    assert ("warning: timezone: 'GMT+000000 America/Dawson_Cree' is not an IANA time zone; did you mean "
            "America/Dawson_Creek?; America/Dawson_Creek used, from the coordinates") in text
    assert "did you mean America/Port_of_Spain?; America/Port_of_Spain used" in text
    assert summary.warnings == 9 and "timezone" not in "".join(m for m in messages if "warning" not in m)
    assert summary.rejected == 1 and summary.indexed == summary.read - summary.rejected, messages
    seoul = get_store(es, config, tenant.id, "19773-160973")
    assert seoul["location_precision"] == "city" and seoul["timezone"] == "Asia/Seoul"
    assert count(es, config, "stores", tenant.id, country="FR") == 132
    assert count(es, config, "stores", tenant.id, timezone="Europe/Paris") >= 132


def test_bestbuy_stores_with_their_own_hours_notation(es, config, tenant, load):
    summary, _ = load("stores", shared("bestbuy_stores.json"), tenant.id, country="US")
    assert (summary.read, summary.indexed, summary.rejected) == (1565, 1565, 0)
    mall = get_store(es, config, tenant.id, "1000")
    assert mall["opening_hours"] == "Mo-Sa 10:00-21:30; Su 11:00-19:00"
    assert mall["timezone"] == "America/Chicago" and "geek_squad_services" in mall["services"]


def test_instacart_products_with_bom_and_crlf(es, config, tenant, load):
    summary, _ = load("products", shared("instacart_products.csv"), tenant.id)
    assert summary.rejected == 0 and summary.indexed == summary.read > 1000
    assert "ignored columns: department_id, aisle_id" in summary.notes
