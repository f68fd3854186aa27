"""The service with its clock pinned at `PINNED_NOW` (ISO 8601 with offset), for browser tests.

Opening hours are decided by the server (`open_now`, `hours_today`) and written out by the
browser: a test that pins both clocks asserts the same branch at any hour it runs.
"""

import os
from datetime import datetime

from locator.app import create_app

PINNED_NOW = datetime.fromisoformat(os.environ["PINNED_NOW"])

app = create_app()
app.config["CLOCK"] = lambda: PINNED_NOW
