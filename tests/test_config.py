from pathlib import Path

import pytest

from locator.config import Config


def test_defaults_come_from_the_environment(monkeypatch):
    for name in ("ELASTICSEARCH_URL", "ES_PORT", "INDEX_PREFIX", "PORT"):
        monkeypatch.delenv(name, raising=False)
    config = Config.from_env()
    assert config.es_url == "http://127.0.0.1:9200"
    assert config.uses_local_node
    assert config.index_prefix == "locator"
    assert config.port == 8000


def test_environment_overrides(monkeypatch):
    monkeypatch.setenv("ELASTICSEARCH_URL", "https://search.example:9243")
    monkeypatch.setenv("ELASTICSEARCH_API_KEY", "abc")
    monkeypatch.setenv("ES_HOME", "/tmp/es-home")
    monkeypatch.setenv("PORT", "9000")
    config = Config.from_env()
    assert config.es_url == "https://search.example:9243"
    assert not config.uses_local_node
    assert config.elasticsearch_api_key == "abc"
    assert config.es_home == Path("/tmp/es-home")
    assert config.port == 9000


def test_bad_integer_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(ValueError, match="PORT must be an integer"):
        Config.from_env()


def test_config_is_frozen_and_rejects_unknown_overrides():
    config = Config.from_env()
    with pytest.raises(AttributeError):
        config.port = 1  # type: ignore[misc]
    with pytest.raises(TypeError, match="unknown config fields"):
        Config.from_env(colour="blue")


def test_every_setting_has_one_variable_documented_in_the_readme():
    from dataclasses import fields

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    variables = [f.metadata["env"] for f in fields(Config) if f.name != "extra"]
    assert len(variables) == len(set(variables))
    assert [v for v in variables if f"`{v}`" not in readme] == []


def test_token_secrets_newest_first_and_long_enough(monkeypatch):
    monkeypatch.setenv("TOKEN_SECRETS", " new-secret-0123456789 , old-secret-0123456789 ")
    assert Config.from_env().token_secrets == ("new-secret-0123456789", "old-secret-0123456789")
    monkeypatch.setenv("TOKEN_SECRETS", "new-secret-0123456789,short")
    with pytest.raises(ValueError, match="TOKEN_SECRETS: secret number 2"):
        Config.from_env()
    monkeypatch.delenv("TOKEN_SECRETS")
    assert Config.from_env().token_secrets == ()
