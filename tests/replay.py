"""pywb, webrecorder's wayback machine, replaying a WACZ on 127.0.0.1 for the evidence tests.

pywb pins old dependencies (redis 2.10.6, pyOpenSSL < 26.2) that the project's own
constraints cannot take, so it lives in a virtualenv of its own, built once per pywb version
and pin set under ``~/.cache/clinic-audit/`` and run as a subprocess. When it cannot be set
up the test skips, or fails under CLINIC_AUDIT_REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import config

PYWB_VERSION = "2.10.0"
CONSTRAINTS = Path(__file__).with_name("pywb-constraints.txt")
COLLECTION = "evidence"

# Serves pywb's app on a port the kernel picks and says which on stdout: the test reads
# that line instead of waiting for a port to open.
_SERVER = """
from gevent import monkey; monkey.patch_all()
import sys
from gevent.pywsgi import WSGIServer
from pywb.apps.frontendapp import FrontEndApp
from pywb.utils.geventserver import RequestURIWSGIHandler
server = WSGIServer(("127.0.0.1", 0), FrontEndApp(), handler_class=RequestURIWSGIHandler,
                    log=None)
server.start()
print("pywb-port", server.server_port, flush=True)
server.serve_forever()
"""


def _cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "clinic-audit"


def _unavailable(message: str) -> None:
    if config.settings().require_services:
        pytest.fail(f"pywb is required but could not be set up: {message}")
    pytest.skip(f"pywb could not be set up: {message}")


def pywb_python() -> Path:
    """The Python of pywb's own virtualenv, built on first use (about a minute)."""
    pins = hashlib.sha256(CONSTRAINTS.read_bytes()).hexdigest()[:12]
    venv = _cache() / f"pywb-{PYWB_VERSION}-{pins}"
    python = venv / "bin" / "python"
    if python.is_file():
        return python
    building = venv.with_name(f"{venv.name}.building-{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    steps = [
        [sys.executable, "-m", "venv", str(building)],
        [str(building / "bin" / "python"), "-m", "pip", "install", "--quiet",
         "--disable-pip-version-check", "-c", str(CONSTRAINTS), f"pywb=={PYWB_VERSION}"],
    ]  # fmt: skip
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            shutil.rmtree(building, ignore_errors=True)
            _unavailable(f"{' '.join(step[:4])}: {done.stderr[-2000:]}")
    try:
        building.rename(venv)  # a venv appears whole or not at all
    except OSError:  # another test process finished first: use its copy
        shutil.rmtree(building, ignore_errors=True)
    return python


@contextmanager
def replay(wacz: Path, workdir: Path) -> Iterator[str]:
    """Serve ``wacz`` with pywb on 127.0.0.1; yield the collection's base URL."""
    python = pywb_python()
    manager = [str(python), "-m", "pywb.manager.manager"]
    for args in (["init", COLLECTION], ["add", "--unpack-wacz", COLLECTION, str(wacz)]):
        done = subprocess.run(
            [*manager, *args], cwd=workdir, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr[-2000:]
    log = (workdir / "pywb.log").open("w")
    server = subprocess.Popen(
        [str(python), "-c", _SERVER], cwd=workdir, stdout=subprocess.PIPE, stderr=log, text=True
    )
    try:
        assert server.stdout is not None
        # pywb prints notes of its own first; the line ends when the process does.
        said = next((line for line in server.stdout if line.startswith("pywb-port ")), "")
        assert said, (workdir / "pywb.log").read_text()[-2000:]
        yield f"http://127.0.0.1:{said.split()[1]}/{COLLECTION}/"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    """GET ``url`` as a browser would (gzip accepted), the body left as it came."""
    # No proxy from the environment: the request must stay on 127.0.0.1.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read()
