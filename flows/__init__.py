"""Stage driver: the Prefect flow, the CLI (``clinic-audit``) and the demo."""

import os

# Offline by default: no telemetry, and Prefect must never phone home during a crawl.
for _key, _value in {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
}.items():
    os.environ.setdefault(_key, _value)
