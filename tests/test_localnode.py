"""Pure parts of the local node provisioning, and the `locator es` commands on the real node."""

from pathlib import Path

import pytest

from locator.cli.main import main
from locator.localnode import LocalNode, NodeError, find_java_home


def _jdk(root: Path, name: str, version: str) -> Path:
    home = root / name
    (home / "bin").mkdir(parents=True)
    (home / "bin" / "java").write_text("")
    (home / "release").write_text(f'JAVA_VERSION="{version}"\n')
    return home


def test_newest_jdk_21_or_later_is_chosen(tmp_path, monkeypatch):
    monkeypatch.delenv("ES_JAVA_HOME", raising=False)
    _jdk(tmp_path, "java-17", "17.0.15")
    _jdk(tmp_path, "jdk-21", "21.0.2")
    newest = _jdk(tmp_path, "temurin-25", "25.0.3")
    assert find_java_home(tmp_path) == newest


def test_no_suitable_jdk_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv("ES_JAVA_HOME", raising=False)
    _jdk(tmp_path, "java-17", "17.0.15")
    with pytest.raises(NodeError, match="Java 21 or newer"):
        find_java_home(tmp_path)


def test_node_settings_are_local_single_node(config):
    settings = LocalNode(config).settings()
    assert settings["discovery.type"] == "single-node"
    assert settings["network.host"] == "127.0.0.1"
    assert settings["http.port"] == str(config.es_port)
    assert settings["xpack.security.enabled"] == "false"
    assert str(config.es_port) in settings["path.data"]


def test_start_is_a_no_op_when_running_and_status_reports_health(runner, es):
    result = runner.invoke(main, ["es", "start"])
    assert result.exit_code == 0, result.output
    assert "already running" in result.output
    status = runner.invoke(main, ["es", "status"])
    assert status.exit_code == 0
    assert "health: green" in status.output or "health: yellow" in status.output


def test_stale_pid_file_is_ignored(config, tmp_path):
    from dataclasses import replace

    node = LocalNode(replace(config, es_home=tmp_path, es_port=1))
    node.pid_file.parent.mkdir(parents=True)
    node.pid_file.write_text("999999")
    assert node.pid() is None
    assert node.stop(echo=lambda _m: None) is False
    assert not node.pid_file.exists()


def test_every_command_has_help(runner):
    def walk(group, path):
        yield path
        for name, command in getattr(group, "commands", {}).items():
            yield from walk(command, [*path, name])

    for path in walk(main, []):
        result = runner.invoke(main, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage:" in result.output
