"""Prefect's environment, set explicitly by the commands that run Prefect, never at import.

Prefect reads most of its settings once, when it is first imported, so
:func:`prefect_environment` must run before that: the CLI modules import Prefect (through
:mod:`flows.audit` and :mod:`flows.deploy`) only inside the commands that call it first. A
setting the operator gave in the environment wins over ours.
"""

from __future__ import annotations

import logging
import os

import config


def prefect_environment(*, quiet: bool = False) -> None:
    """Set Prefect's environment for this process: offline, its state under our home.

    - no telemetry: Prefect must never phone home during a crawl;
    - ``PREFECT_HOME`` is ``prefect/`` in ``CLINIC_AUDIT_HOME`` (its temporary server's
      database lives beside ours, not in ``~/``), created here and only here;
    - with ``quiet``, Prefect logs only warnings: the progress display says what happens.

    Called after Prefect's import (a test's harness, say), it still sets the variables, but
    Prefect may not read them again.

    Raises:
        OSError: ``PREFECT_HOME`` cannot be created.
    """
    if "PREFECT_HOME" not in os.environ:
        prefect_home = config.settings().prefect_home.resolve()
        prefect_home.mkdir(parents=True, exist_ok=True)
        os.environ["PREFECT_HOME"] = str(prefect_home)
    defaults = {
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    }
    if quiet:
        defaults["PREFECT_LOGGING_LEVEL"] = "WARNING"
    for key, value in defaults.items():
        os.environ.setdefault(key, value)


class _ThreadTimeoutNotice(logging.Filter):
    """Drops Prefect's notice that a timeout cannot interrupt a task in a worker thread.

    Our tasks run in threads by design and know it: a crawl's real deadline is enforced on its
    subprocess by the stage, and Prefect's timeout is only the backstop after it; printed once
    per batch, the notice would bury the progress display.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "running in a worker thread" not in str(record.msg)


_NOTICE_FILTER = _ThreadTimeoutNotice()


def quiet_thread_timeout_notice() -> None:
    """Install the filter of :class:`_ThreadTimeoutNotice` on Prefect's loggers (idempotent).

    The flow calls it when it starts, so a deployment's worker gets it too.
    """
    for name in ("prefect.task_runs", "prefect.engine"):
        logging.getLogger(name).addFilter(_NOTICE_FILTER)
