"""A real three-node Elasticsearch cluster (ports 9261-9263, transport 9361-9363), started here.

Every node is a master-eligible data node with 512 MB of heap and its own data folder; the
service's indices get one replica per shard (`ELASTICSEARCH_URL` is set, see
`locator.indices.index_settings`). The cluster is started once per session and, unless it was
running already, stopped and wiped at the end. Tests that kill a node restart it before the
next test (`failover`).
"""

from __future__ import annotations

import dataclasses
import os
import signal
from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch

from locator import indices
from locator.config import Config
from locator.es import index_name, make_client
from locator.localcluster import LocalCluster
from locator.localnode import LocalNode
from tests.conftest import LiveServer, start_gunicorn, stop_gunicorn

CLUSTER_PORTS = (9261, 9262, 9263)
START_SECONDS = 600  # three JVMs on two busy cores


@pytest.fixture(scope="session")
def cluster(config: Config) -> Iterator[LocalCluster]:
    """The three local nodes, green."""
    local = LocalCluster(dataclasses.replace(config, es_heap="512m", elasticsearch_url=None),
                         CLUSTER_PORTS)
    ours = not all(node.pid() for node in local.nodes)
    if ours:
        local.stop(echo=lambda _msg: None)
        local.wipe()  # a new cluster: nothing left over from an interrupted run
    local.start(timeout=START_SECONDS, echo=lambda _msg: None)
    yield local
    if ours:
        local.stop(echo=lambda _msg: None)
        local.wipe()


@pytest.fixture(scope="session")
def cluster_config(config: Config, cluster: LocalCluster) -> Config:
    """This session's configuration, pointed at every node of the cluster."""
    return dataclasses.replace(config, elasticsearch_url=cluster.url)


@pytest.fixture(scope="session")
def cluster_es(cluster: LocalCluster, cluster_config: Config) -> Iterator[Elasticsearch]:
    # Creating indices on three JVMs sharing two busy cores can take longer than 10 s.
    client = make_client(dataclasses.replace(cluster_config, elasticsearch_timeout=60.0))
    indices.ensure_all(client, cluster_config)
    client.cluster.health(index=f"{cluster_config.index_prefix}-*", wait_for_status="green",
                          timeout="120s")
    # A copy survives a node: shared indices now, and each tenant's stock index when it is made.
    (settings,) = client.indices.get_settings(index=index_name(cluster_config, "reservations")).values()
    assert settings["settings"]["index"]["number_of_replicas"] == "1"
    assert cluster_config.replicas("stock", "any-tenant") == 1
    yield client
    indices.delete_all(client, cluster_config)
    client.close()


@pytest.fixture(scope="session")
def cluster_server(cluster_config: Config, cluster_es: Elasticsearch,
                   tmp_path_factory) -> Iterator[LiveServer]:
    """The service under a real gunicorn (2 workers, 8 threads each) on all three nodes."""
    live = start_gunicorn(cluster_config, tmp_path_factory.mktemp("cluster"), workers=2,
                          GUNICORN_THREADS="8")
    yield live
    stop_gunicorn(live)
    log = live.log_path.read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]  # node failures are answered, never crash a request


class Failover:
    """Kill nodes with SIGKILL; bring every node back (and the cluster green) afterwards."""

    def __init__(self, cluster: LocalCluster, es: Elasticsearch, config: Config) -> None:
        self.cluster, self.es, self.config = cluster, es, config
        self.killed: list[LocalNode] = []

    def primary_node(self, index: str) -> LocalNode:
        """Return the node holding the primary of the (one-shard) index behind an alias."""
        shards = self.es.cat.shards(index=index, format="json",
                                    h="prirep,state,node")
        (name,) = [s["node"] for s in shards if s["prirep"] == "p" and s["state"] == "STARTED"]
        return self.cluster.node(name)

    def kill(self, node: LocalNode) -> None:
        pid = node.pid()
        assert pid, f"{node.node_name} is not running"
        os.kill(pid, signal.SIGKILL)  # no flush, no goodbye to the cluster
        self.killed.append(node)

    def restore(self) -> None:
        for node in self.killed:
            node.start(echo=lambda _msg: None)
        self.killed.clear()
        self.cluster.wait_for(len(CLUSTER_PORTS), "green", START_SECONDS)


@pytest.fixture
def failover(cluster, cluster_es, cluster_config) -> Iterator[Failover]:
    helper = Failover(cluster, cluster_es, cluster_config)
    yield helper
    helper.restore()
