"""A local Elasticsearch cluster of several nodes on loopback, for tests of node failures.

Each node is a `LocalNode` with its own HTTP port (transport port: HTTP + 100) and data folder;
all are master-eligible data nodes, so the cluster keeps a master and serves every shard that
has a replica when any one node dies.
"""

from __future__ import annotations

import dataclasses
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import requests

from locator.config import Config
from locator.localnode import LocalNode, NodeError

DEFAULT_PORTS = (9261, 9262, 9263)


@dataclass(frozen=True)
class LocalCluster:
    """The nodes of a local cluster, one per HTTP port of `ports`."""

    config: Config
    ports: tuple[int, ...] = DEFAULT_PORTS

    @property
    def nodes(self) -> list[LocalNode]:
        return [LocalNode(dataclasses.replace(self.config, es_port=port), peers=self.ports)
                for port in self.ports]

    @property
    def url(self) -> str:
        """Every node's URL, comma-separated, as `ELASTICSEARCH_URL` takes them."""
        return ",".join(node.url for node in self.nodes)

    def node(self, name: str) -> LocalNode:
        """Return the node called `name` (`locator-<port>`)."""
        for node in self.nodes:
            if node.node_name == name:
                return node
        raise KeyError(name)

    def health(self, request_timeout: float = 2.0, **params: str) -> dict | None:
        """Return cluster health from the first node that answers, or None."""
        for node in self.nodes:
            try:
                response = requests.get(f"{node.url}/_cluster/health", params=params,
                                        timeout=request_timeout)
            except requests.RequestException:
                continue
            if response.ok:
                return response.json()
        return None

    def start(self, timeout: float = 300.0, echo=print) -> None:
        """Start every node that is not running, then wait until all have joined and are green."""
        # In parallel: a launching node waits for a master, which needs a majority of its peers.
        with ThreadPoolExecutor(len(self.ports)) as pool:
            list(pool.map(lambda node: node.launch(echo), self.nodes))
        self.wait_for(len(self.ports), "green", timeout)
        echo(f"Elasticsearch cluster of {len(self.ports)} nodes is up at {self.url}.")

    def wait_for(self, nodes: int, status: str, timeout: float) -> dict:
        """Poll until `nodes` nodes have joined and health is at least `status`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            health = self.health(request_timeout=10, wait_for_nodes=str(nodes), wait_for_status=status,
                                 timeout="5s")
            if health and not health.get("timed_out"):
                return health
            time.sleep(1)
        tails = "\n".join(f"--- {node.node_name}\n{node.tail(15)}" for node in self.nodes)
        raise NodeError(f"the cluster did not reach {nodes} nodes and {status} health.\n{tails}")

    def stop(self, echo=print) -> None:
        """Stop every node."""
        for node in self.nodes:
            node.stop(echo=echo)

    def wipe(self) -> None:
        """Delete the nodes' data folders (only while stopped): the next start is a new cluster."""
        for node in self.nodes:
            if node.pid():
                raise NodeError(f"{node.node_name} still runs; stop the cluster first")
            shutil.rmtree(node.node_dir, ignore_errors=True)
