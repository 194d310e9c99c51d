"""A work-pool flow run whose worker died is put back in the queue for another worker.

A killed worker (a machine lost, ``kill -9``, an evicted container) cannot report anything, so
its flow run would stay "Running" for ever. Prefect's answer is heartbeats: every flow run
emits ``prefect.flow-run.heartbeat`` events (``PREFECT_FLOWS_HEARTBEAT_FREQUENCY`` seconds
apart), and a proactive automation on the server notices when they stop (Prefect's "detect
zombie flows" recipe; ours also watches from the moment the run is Pending or Running).
Ours does not only mark such a run crashed: it sets it back to ``Scheduled`` (named
``AwaitingRetry``), so the next free worker of the pool runs it again with the same parameters.
The audit flow resumes from the database (sites done are not fetched again), so the rerun does
only what the dead worker left.
"""

from __future__ import annotations

from datetime import timedelta

from prefect.automations import Automation
from prefect.client.schemas.objects import StateType
from prefect.events.actions import ChangeFlowRunState
from prefect.events.schemas.automations import EventTrigger, Posture
from prefect.events.schemas.events import ResourceSpecification
from prefect.settings import get_current_settings

AUTOMATION_NAME = "clinic-audit: rerun flow runs whose worker died"
#: Heartbeats a flow run may miss before it counts as dead (a busy machine delays one or two).
MISSED_HEARTBEATS = 3
#: Attempts of one flow run (its first run and the reruns after dead workers) before giving
#: up: a run that kills every worker it lands on (out of memory, say) must not loop for ever.
MAX_ATTEMPTS = 3
#: Events after which a live run must send a heartbeat in time. The server itself emits the
#: state changes, so a run killed before its first heartbeat got out is caught too (seen: a
#: worker killed seconds after its run started), as is one whose worker died while Pending.
_STARTS_WATCH = {
    "prefect.flow-run.Pending",
    "prefect.flow-run.Running",
    "prefect.flow-run.heartbeat",
}
#: Every event that shows the flow run is alive or has ended.
_ALIVE_OR_ENDED = {
    "prefect.flow-run.Running",
    "prefect.flow-run.heartbeat",
    "prefect.flow-run.Completed",
    "prefect.flow-run.Failed",
    "prefect.flow-run.Cancelled",
    "prefect.flow-run.Crashed",
}


class TooManyAttempts(RuntimeError):
    """A flow run was put back in the queue more often than :data:`MAX_ATTEMPTS` allows."""


def heartbeat_seconds() -> int:
    """The heartbeat interval flow runs use here (Prefect's setting, at least 30 s)."""
    return max(30, get_current_settings().flows.heartbeat_frequency or 30)


def restart_automation(flow_name: str, heartbeat: int) -> Automation:
    """The automation that requeues a run of ``flow_name`` after ``MISSED_HEARTBEATS`` silences."""
    silence = heartbeat * MISSED_HEARTBEATS
    return Automation(
        name=AUTOMATION_NAME,
        description=(
            f"A run of the flow {flow_name!r} that sent no heartbeat for {silence} s after it "
            "started lost its worker: set it back to Scheduled so another worker runs it "
            "again (it resumes)."
        ),
        trigger=EventTrigger(
            posture=Posture.Proactive,
            after=_STARTS_WATCH,
            expect=_ALIVE_OR_ENDED,
            match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
            match_related=ResourceSpecification(
                {"prefect.resource.role": "flow", "prefect.resource.name": flow_name}
            ),
            for_each={"prefect.resource.id"},
            threshold=1,
            within=timedelta(seconds=silence),
        ),
        actions=[
            ChangeFlowRunState(
                state=StateType.SCHEDULED,
                name="AwaitingRetry",
                message=f"no heartbeat for {silence} s: its worker died; queued for another",
                force=True,  # Running -> Scheduled is not a transition a live run may make
            )
        ],
    )


def ensure_restart_automation(flow_name: str, heartbeat: int) -> bool:
    """Create the automation on the server, or update it if its window changed.

    Returns:
        True if the server's automation was created or changed.
    """
    wanted = restart_automation(flow_name, heartbeat)
    try:
        # Called from sync code, read() runs synchronously; its overloads only declare the
        # async form.
        current: Automation = Automation.read(name=AUTOMATION_NAME)  # type: ignore[assignment]
    except ValueError:  # not found
        wanted.create()
        return True
    if current.description == wanted.description:  # it names the flow and the window
        return False
    wanted.id = current.id
    wanted.update()
    return True


def check_attempt(run_count: int) -> None:
    """Refuse a flow run that has already been rerun after ``MAX_ATTEMPTS`` - 1 dead workers.

    Raises:
        TooManyAttempts: the run started ``run_count`` > :data:`MAX_ATTEMPTS` times.
    """
    if run_count > MAX_ATTEMPTS:
        raise TooManyAttempts(
            f"this flow run has started {run_count} times and its worker died each time; "
            "look at the workers' logs (memory?) before resuming the run"
        )
