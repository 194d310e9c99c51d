"""How fast a reviewer confirms or corrects findings on the review page, by keyboard only.

It opens ``clinic-audit review --port 0`` over a demo audit (its home from ``clinic-audit
demo``, or a small one made here) in the system Chromium through Playwright, types the
reviewer's name, and decides the first N findings of the queue as a reviewer who knows the
demo web's ground truth would (:func:`flows.demo.true_value`): ``c`` confirm, ``r`` reject,
``1``/``2``/``3`` a condition's stance, with a note (``n``, typed, ``Escape``) on each
correction. Nothing but the keyboard drives the page's decisions; ``--queue`` opens a filtered
queue first (the page's filter form is a GET, so its URL is the same request), and the
queues given are worked through in turn.

For each decision it prints the page's time from the key press to the next finding loaded
(the decision recorded, the site scored again, the queue weighed again, the next archived
copy rendered), then the median and the total. A person's reading time is not in it.

Then it checks what the page did: every decision is stored with the reviewer's name; a
rejection moved the site's risk by the points the page said it would and changed the grade
exactly when the page said so; a confirmation left the grade alone; and scoring the run again
from the command line (``clinic-audit score``) gives the grades the page left. It exits 1
when any of this fails.

Usage::

    .venv/bin/python benchmarks/review_keyboard.py --home /tmp/demo-home   # after the demo
    .venv/bin/python benchmarks/review_keyboard.py --home H --queue condition=type-2-diabetes \
        --queue condition=osteoarthritis                                  # two filtered queues
    .venv/bin/python benchmarks/review_keyboard.py --sites 4 --decisions 5 # a demo made here

The home is changed: its reviews table gets the decisions (run it on a copy to keep it).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Page, sync_playwright
from sqlalchemy import Engine

import demoweb
import storage
from evidence.chromium import CHROMIUM
from flows.demo import true_value, truth_decision
from flows.review_app import KEYS
from score.review import CONFIRM, REJECT
from storage.queries import SiteRow, site_rows
from storage.reviews import reviews_by_domain

REVIEWER = "benchmark (keyboard)"
#: The page's weight line: "rejecting it moves 8 risk points, and the grade".
WEIGHT = re.compile(r"moves (\d+) risk points(, and the grade)?")


@dataclass(frozen=True)
class Decided:
    site_url: str
    kind: str
    value: str
    machine: str
    decision: str
    note: str
    typing: float  # seconds typing the note
    seconds: float  # key press to the next finding loaded
    weight: int  # risk points the page said rejecting would move
    crosses: bool  # whether the page said rejecting would change the grade
    before: tuple[str | None, int | None]  # the site's grade and risk
    after: tuple[str | None, int | None]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--home", type=Path, help="a demo's CLINIC_AUDIT_HOME (default: make one)")
    ap.add_argument("--decisions", type=int, default=20, help="findings to decide (20)")
    ap.add_argument("--sites", type=int, default=24, help="the demo's --sites (24)")
    ap.add_argument("--seed", type=int, default=7, help="the demo's --seed (7)")
    ap.add_argument("--run", type=int, help="run id (default: the home's latest)")
    ap.add_argument(
        "--queue",
        action="append",
        help="a filtered queue to work through, as the page's query (site=URL, country=MX, "
        "condition=SLUG); repeat for more, in turn (default: the whole queue)",
    )
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        home = args.home or make_demo(Path(scratch), args.sites, args.seed)
        queues = args.queue or [""]
        return benchmark(home.resolve(), args.decisions, args.sites, args.seed, args.run, queues)


def make_demo(scratch: Path, sites: int, seed: int) -> Path:
    home = scratch / "home"
    command = ["demo", "--fast", "--port", "0", "--sites", str(sites), "--seed", str(seed)]
    subprocess.run(cli(*command), env=env_of(home), check=True, capture_output=True, text=True)
    return home


def cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from flows.cli import app; app()", *args]


def env_of(home: Path) -> dict[str, str]:
    return {**os.environ, "CLINIC_AUDIT_HOME": str(home)}


def demo_web(home: Path, sites: int, seed: int) -> dict[str, demoweb.DemoSite]:
    """host -> site of the demo web the home audited (its truth.json must match)."""
    web = demoweb.generate(n_sites=sites, seed=seed)
    stored = json.loads((home / "demo" / "truth.json").read_text(encoding="utf-8"))
    made = {s.host: json.loads(json.dumps(s.truth.to_dict())) for s in web.sites}
    if stored != made:
        raise SystemExit(f"{home} is not the demo of --sites {sites} --seed {seed}")
    return {s.host: s for s in web.sites}


def benchmark(
    home: Path, decisions: int, sites: int, seed: int, run_id: int | None, queues: list[str]
) -> int:
    web = demo_web(home, sites, seed)
    engine = storage.connect(f"sqlite:///{home / 'clinic-audit.db'}")
    run = ["--run", str(run_id)] if run_id else []
    server = subprocess.Popen(
        cli("review", "--port", "0", *run), env=env_of(home), stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        run_id = int(line.split("run ", 1)[1].split(":", 1)[0])
        url = line.split(": ", 1)[1].strip()
        decided = review_by_keyboard(url, queues, decisions, web, lambda: grades(engine, run_id))
    finally:
        server.terminate()
        server.wait(timeout=30)
    print_decisions(home, run_id, decided)
    return 0 if verify(engine, home, run_id, decided) else 1


def grades(engine: Engine, run_id: int) -> dict[str, SiteRow]:
    with storage.sessions(engine)() as session:
        return {r.seed_url: r for r in site_rows(session, run_id, "seed")}


def review_by_keyboard(
    url: str,
    queues: list[str],
    decisions: int,
    web: dict[str, demoweb.DemoSite],
    now: Callable[[], dict[str, SiteRow]],
) -> list[Decided]:
    """Decide ``decisions`` findings by keyboard, working through each of ``queues`` (the
    page's filter queries) in turn. ``now`` reads the stored grades (between decisions,
    outside the timing)."""
    decided: list[Decided] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(url)
        page.keyboard.type(REVIEWER)  # the name field has the focus
        with page.expect_navigation():
            page.keyboard.press("Enter")
        for query in queues:
            if query:
                page.goto(url.split("/?")[0] + "/?" + query)
            while len(decided) < decisions and page.locator("#decide").count():
                decided.append(decide(page, web, now))
        browser.close()
    return decided


def decide(
    page: Page, web: dict[str, demoweb.DemoSite], now: Callable[[], dict[str, SiteRow]]
) -> Decided:
    """Decide the finding the page shows as the ground truth says, by keyboard."""
    shown = {n: field(page, n) for n in ("site_url", "kind", "value")}
    machine = page.locator("#machine").inner_text()
    weight = WEIGHT.search(page.locator("#weight").inner_text())
    assert weight, page.locator("#weight").inner_text()
    site = web[urlsplit(shown["site_url"]).hostname or ""]
    truth = true_value(site, shown["kind"], shown["value"])
    decision = truth_decision(machine, truth)
    note = "" if decision == CONFIRM else f"the site says: {truth}"
    before = now()[shown["site_url"]]
    started = time.perf_counter()
    if note:
        page.keyboard.press("n")
        page.keyboard.type(note)
        page.keyboard.press("Escape")
    typed = time.perf_counter()
    with page.expect_navigation():  # "load": the next archived copy too
        page.keyboard.press(KEYS[decision])
    seconds = time.perf_counter() - typed
    after = now()[shown["site_url"]]
    return Decided(
        **shown,
        machine=machine,
        decision=decision,
        note=note,
        typing=typed - started,
        seconds=seconds,
        weight=int(weight.group(1)),
        crosses=bool(weight.group(2)),
        before=(before.grade, before.risk_score),
        after=(after.grade, after.risk_score),
    )


def field(page: Page, name: str) -> str:
    return page.locator(f"#decide input[name={name}]").input_value()


def print_decisions(home: Path, run_id: int, decided: list[Decided]) -> None:
    print(f"review page of run {run_id} in {home}: {len(decided)} findings decided by keyboard")
    print(f"{'#':>2}  {'finding':<34} {'site':<34} {'machine':<10} {'decision':<10} ms  grade")
    for n, d in enumerate(decided, start=1):
        host = (urlsplit(d.site_url).hostname or "").removeprefix("www.")
        moved = f"{show(d.before)} -> {show(d.after)}" if d.before != d.after else show(d.after)
        finding = f"{d.kind} {d.value}"
        print(
            f"{n:>2}  {finding:<34} {host:<34} {d.machine:<10} {d.decision:<10}"
            f"{d.seconds * 1000:5.0f}  {moved}"
        )
    times = [d.seconds for d in decided]
    if not times:
        return
    print(
        f"time per decision (key press to the next finding loaded): median "
        f"{statistics.median(times) * 1000:.0f} ms, mean {statistics.mean(times) * 1000:.0f} ms, "
        f"max {max(times) * 1000:.0f} ms"
    )
    typing = sum(d.typing for d in decided)
    notes = sum(1 for d in decided if d.note)
    print(
        f"{len(times)} decisions: {sum(times):.1f} s of the page's time, "
        f"{sum(times) + typing:.1f} s with the {notes} notes typed"
    )


def show(grade: tuple[str | None, int | None]) -> str:
    return f"{grade[0] or 'no grade'} ({grade[1] if grade[1] is not None else '-'})"


def verify(engine: Engine, home: Path, run_id: int, decided: list[Decided]) -> bool:
    """Whether the page stored every decision and moved each grade as it said it would."""
    with storage.sessions(engine)() as session:
        stored = {
            (r.domain, r.kind, r.value): r
            for rows in reviews_by_domain(session).values()
            for r in rows
            if r.reviewer == REVIEWER
        }
    domains = {r.seed_url: r.domain for r in grades(engine, run_id).values()}
    kept = sum(
        1
        for d in decided
        if (r := stored.get((domains[d.site_url] or "", d.kind, d.value))) is not None
        and (r.decision, r.note) == (d.decision, d.note)
    )
    print(f"stored: {kept} of {len(decided)} decisions, each with the reviewer and the note")
    rejected = [d for d in decided if d.decision == REJECT]
    as_said = sum(
        1
        for d in rejected
        if abs((d.after[1] or 0) - (d.before[1] or 0)) == d.weight
        and (d.after[0] != d.before[0]) == d.crosses
    )
    crossed = sum(1 for d in rejected if d.crosses)
    print(
        f"rejections: {as_said} of {len(rejected)} moved the risk by the points the page showed "
        f"and the grade exactly when it said so ({crossed} crossed a band)"
    )
    confirmed = [d for d in decided if d.decision == CONFIRM]
    still = sum(1 for d in confirmed if d.after == d.before)
    print(f"confirmations: {still} of {len(confirmed)} left the grade and risk as they were")
    stances = [d for d in decided if d.decision not in (CONFIRM, REJECT)]
    moved = sum(1 for d in stances if d.after != d.before)
    print(f"stances changed: {len(stances)} ({moved} moved the grade or risk)")
    left = {u: (r.grade, r.risk_score) for u, r in grades(engine, run_id).items()}
    subprocess.run(
        cli("score", "--run", str(run_id)),
        env=env_of(home),
        check=True,
        text=True,
        capture_output=True,
    )
    again = {u: (r.grade, r.risk_score) for u, r in grades(engine, run_id).items()}
    same = left == again
    said = "yes" if same else "NO"
    print(f"clinic-audit score --run {run_id} gives the grades the page left: {said}")
    return kept == len(decided) and as_said == len(rejected) and still == len(confirmed) and same


if __name__ == "__main__":
    sys.exit(main())
