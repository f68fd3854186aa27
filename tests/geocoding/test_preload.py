"""gunicorn loads the gazetteers before forking its workers: no first shopper waits for them."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

# Runs gunicorn.conf.py's `when_ready` hook as the master does, in a fresh interpreter (this
# test process may have loaded the gazetteers already).
SCRIPT = """
import runpy
from locator.geocoding import geocoder
conf = runpy.run_path("gunicorn.conf.py")
print("before", geocoder.gazetteers_loaded())
conf["when_ready"](None)
print("after", geocoder.gazetteers_loaded())
"""


def test_the_master_loads_the_gazetteers_before_forking(tmp_path):
    env = {"GEOCODER": "offline", "PATH": "/usr/bin:/bin", "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["before", "False", "after", "True"]
