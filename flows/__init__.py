"""Stage driver: the Prefect flow, the CLI (``clinic-audit``) and the demo."""

import os

#: Sites per batch: one crawl process and one Prefect task per stage. Each crawl process pays
#: about 1.5 CPU seconds to start, so bigger batches are cheaper; 100 measured 10% faster than
#: 50 over 1,000 sites (benchmarks/e2e.py) and still leaves a 1,000-site run 10 batches to
#: spread over workers.
BATCH_SIZE = 100

# Offline by default: no telemetry, and Prefect must never phone home during a crawl.
for _key, _value in {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
}.items():
    os.environ.setdefault(_key, _value)
