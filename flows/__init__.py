"""Stage driver: the Prefect flow, the CLI (``clinic-audit``) and the demo.

Importing any of it changes no environment and installs nothing: Prefect's environment is set
by :func:`flows.prefect_setup.prefect_environment`, called by the commands that run Prefect.
"""

#: Sites per batch: one crawl process and one Prefect task per stage. Each crawl process pays
#: about 1.5 CPU seconds to start, so bigger batches are cheaper; 100 measured 10% faster than
#: 50 over 1,000 sites (benchmarks/e2e.py) and still leaves a 1,000-site run 10 batches to
#: spread over workers.
BATCH_SIZE = 100
