"""Provision and run a local single-node Elasticsearch for development, demos and tests.

Elastic publishes the server (without its optional modules) to Maven Central as the
`integ-test-zip` distribution; it carries no JDK and refuses to run as root, so it runs on the
newest JDK >= 21 under /usr/lib/jvm as an unprivileged system user.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import signal
import subprocess
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import requests

from locator.config import Config

ARTIFACT = "org.elasticsearch.distribution.integ-test-zip:elasticsearch:{version}:zip"
SERVICE_USER = "locator-es"
JVM_DIR = Path("/usr/lib/jvm")
MIN_JAVA = 21


class NodeError(RuntimeError):
    """The local node could not be provisioned or started."""


@dataclass(frozen=True)
class LocalNode:
    """Paths and ports of the local node for one configuration (one node per HTTP port).

    With `peers` (the HTTP ports of every node of a local cluster, this one included) the node
    joins a multi-node cluster instead of running alone (see `locator.localcluster`).
    """

    config: Config
    peers: tuple[int, ...] = ()

    @property
    def home(self) -> Path:
        return self.config.es_home

    @property
    def dist(self) -> Path:
        return self.home / "dist" / f"elasticsearch-{self.config.es_version}"

    @property
    def node_dir(self) -> Path:
        return self.home / "nodes" / str(self.config.es_port)

    @property
    def pid_file(self) -> Path:
        return self.node_dir / "pid"

    @property
    def log_file(self) -> Path:
        return self.node_dir / "logs" / f"{self.cluster_name}.log"

    @property
    def console_file(self) -> Path:
        return self.node_dir / "console.log"

    @property
    def cluster_name(self) -> str:
        return f"locator-{self.peers[0] if self.peers else self.config.es_port}"

    @property
    def node_name(self) -> str:
        return f"locator-{self.config.es_port}"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.config.es_port}"

    # -- state -----------------------------------------------------------------------------

    def pid(self) -> int | None:
        """Return the node's pid if its pid file names a live process."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass  # alive, owned by the service user
        return None if _is_zombie(pid) else pid

    def health(self, timeout: float = 2.0) -> dict | None:
        """Return cluster health, or None when the node does not answer."""
        try:
            response = requests.get(f"{self.url}/_cluster/health", timeout=timeout)
        except requests.RequestException:
            return None
        return response.json() if response.ok else None

    # -- provisioning --------------------------------------------------------------------

    def ensure_distribution(self, echo=print) -> None:
        """Fetch the server zip from Maven Central (cached) and unpack it once."""
        if (self.dist / "bin" / "elasticsearch").exists():
            return
        cache = self.home / "cache"
        cache.mkdir(parents=True, exist_ok=True)
        archive = cache / f"elasticsearch-{self.config.es_version}.zip"
        if not archive.exists():
            echo(f"Fetching Elasticsearch {self.config.es_version} from Maven Central …")
            _maven_copy(ARTIFACT.format(version=self.config.es_version), cache)
        echo(f"Unpacking {archive.name} …")
        staging = self.home / "dist" / ".staging"
        shutil.rmtree(staging, ignore_errors=True)
        _unzip(archive, staging)
        (staging / self.dist.name).rename(self.dist)
        shutil.rmtree(staging, ignore_errors=True)

    def prepare_dirs(self) -> str | None:
        """Create the node's folders; return the user to run as (None: the current user)."""
        for sub in ("data", "logs"):
            (self.node_dir / sub).mkdir(parents=True, exist_ok=True)
        if os.geteuid() != 0:
            return None
        _ensure_service_user()
        # The service user must traverse every parent and own what the node writes.
        for parent in [self.home, *self.home.parents]:
            if parent == Path("/"):
                break
            mode = parent.stat().st_mode
            if not mode & 0o001:
                os.chmod(parent, mode | 0o001)
        uid = pwd.getpwnam(SERVICE_USER).pw_uid
        for root in (self.node_dir, self.dist / "config", self.dist / "logs", self.dist / "plugins"):
            if root.exists():
                _chown_tree(root, uid)
        return SERVICE_USER

    # -- life cycle ----------------------------------------------------------------------

    def start(self, timeout: float = 180.0, echo=print) -> bool:
        """Start the node unless it runs already; return True if it was started now."""
        if not self.launch(echo):
            return False
        self.wait_healthy(timeout)
        echo(f"Elasticsearch is up at {self.url} (pid {self.pid()}).")
        return True

    def launch(self, echo=print) -> bool:
        """Start the node's process without waiting for health; return False when it runs already.

        A node of a cluster is healthy only once enough of its peers run to elect a master, so
        `LocalCluster` launches every node first and then waits.
        """
        if self.pid() and self.health():
            echo(f"Elasticsearch already running at {self.url} (pid {self.pid()}).")
            return False
        if self.health():
            raise NodeError(f"port {self.config.es_port} answers but is not our node")
        if self.pid_file.exists() and not self.pid():
            self.pid_file.unlink()  # stale: the process is gone
        self.ensure_distribution(echo)
        user = self.prepare_dirs()
        java_home = find_java_home()
        env = {
            **os.environ,
            "ES_JAVA_HOME": str(java_home),
            "ES_JAVA_OPTS": f"-Xms{self.config.es_heap} -Xmx{self.config.es_heap}",
        }
        env.pop("JAVA_HOME", None)
        command = [str(self.dist / "bin" / "elasticsearch"), "-d", "-p", str(self.pid_file)]
        for name, value in self.settings().items():
            command += ["-E", f"{name}={value}"]
        if user:
            command = ["runuser", "-u", user, "--", *command]
        echo(f"Starting Elasticsearch {self.config.es_version} on {self.url} (Java: {java_home}) …")
        with open(self.console_file, "wb") as console:
            result = subprocess.run(command, env=env, stdout=console, stderr=subprocess.STDOUT,
                                    cwd=self.dist, check=False)
        if result.returncode != 0:
            raise NodeError(f"Elasticsearch exited with {result.returncode}:\n{self.tail()}")
        return True

    def settings(self) -> dict[str, str]:
        """Return the node settings: single node (or a cluster's) on loopback, security off, no mmap."""
        port = self.config.es_port
        if self.peers:
            # Loopback only, so the bootstrap checks stay off as in single-node mode.
            discovery = {
                "discovery.seed_hosts": ",".join(f"127.0.0.1:{peer + 100}" for peer in self.peers),
                "cluster.initial_master_nodes": ",".join(f"locator-{peer}" for peer in self.peers),
            }
        else:
            discovery = {"discovery.type": "single-node"}
        return {
            "cluster.name": self.cluster_name,
            "node.name": self.node_name,
            **discovery,
            "network.host": "127.0.0.1",
            "http.port": str(port),
            "transport.port": str(port + 100),
            "path.data": str(self.node_dir / "data"),
            "path.logs": str(self.node_dir / "logs"),
            "xpack.security.enabled": "false",
            "cluster.routing.allocation.disk.threshold_enabled": "false",
            "node.store.allow_mmap": "false",
            "action.auto_create_index": "false",
        }

    def wait_healthy(self, timeout: float) -> None:
        """Poll until the cluster is yellow or green; on failure, show the log's tail."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            health = self.health()
            if health and health.get("status") in ("yellow", "green"):
                return
            if self.pid_file.exists() and not self.pid():
                break  # the process died
            time.sleep(1)
        raise NodeError(f"Elasticsearch did not become healthy at {self.url}.\n{self.tail()}")

    def stop(self, timeout: float = 60.0, echo=print) -> bool:
        """Stop the node; return False when it was not running."""
        pid = self.pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            echo("Elasticsearch is not running.")
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.pid():
            time.sleep(0.5)
        if self.pid():
            os.kill(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        echo(f"Elasticsearch (pid {pid}) stopped.")
        return True

    def tail(self, lines: int = 40) -> str:
        """Return the last lines of the node's log (or its console output)."""
        for path in (self.log_file, self.console_file):
            if path.exists() and path.stat().st_size:
                return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
        return "(no log yet)"


def java_version(home: Path) -> int | None:
    """Return the feature version of a JDK from its `release` file."""
    try:
        release = (home / "release").read_text()
    except OSError:
        return None
    match = re.search(r'JAVA_VERSION="(\d+)', release)
    return int(match.group(1)) if match else None


def find_java_home(jvm_dir: Path = JVM_DIR) -> Path:
    """Return ES_JAVA_HOME if set, else the newest JDK >= 21 under /usr/lib/jvm."""
    if os.environ.get("ES_JAVA_HOME"):
        return Path(os.environ["ES_JAVA_HOME"])
    candidates = []
    for home in jvm_dir.iterdir() if jvm_dir.is_dir() else ():
        version = java_version(home)
        if version and version >= MIN_JAVA and (home / "bin" / "java").exists():
            candidates.append((version, str(home)))
    if not candidates:
        raise NodeError(
            f"Elasticsearch 9 needs Java {MIN_JAVA} or newer and none was found under {jvm_dir}; "
            "install one or set ES_JAVA_HOME."
        )
    return Path(max(candidates)[1])


def _maven_copy(artifact: str, output: Path) -> None:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise NodeError("Maven (mvn) is needed to fetch Elasticsearch from Maven Central.")
    command = [mvn, "-q", "-B", "dependency:copy", f"-Dartifact={artifact}",
               f"-DoutputDirectory={output}"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise NodeError(f"could not fetch {artifact}:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")


def _unzip(archive: Path, target: Path) -> None:
    """Unpack keeping the Unix permissions zipfile drops (the bin/ scripts must stay executable)."""
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            path = Path(zf.extract(info, target))
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                os.chmod(path, mode)


def _ensure_service_user() -> None:
    try:
        pwd.getpwnam(SERVICE_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVICE_USER],
            check=True,
        )


def _chown_tree(root: Path, uid: int) -> None:
    os.chown(root, uid, -1)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            os.chown(os.path.join(dirpath, name), uid, -1, follow_symlinks=False)


def _is_zombie(pid: int) -> bool:
    """Tell a process that died but was not reaped yet (its parent started it and did not wait)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] == "Z"
