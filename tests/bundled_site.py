"""A clinic site built by a real bundler (Vite, from the npm registry), for the rendering tests.

Its sources and the npm lock file that pins Vite are in ``tests/fixtures/vite-clinic``. Both
steps are cached per machine under ``~/.cache/clinic-audit/vite/``: the npm install keyed by
the lock file's digest, the build keyed by Vite's version and the digest of the sources. A
build takes a second and the install a few; a cached one takes nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

FIXTURE = Path(__file__).parent / "fixtures" / "vite-clinic"
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "clinic-audit" / "vite"
#: Content types for what Vite emits: a module script must come with a JavaScript type.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
}


class BundlerUnavailable(RuntimeError):
    """Node.js or npm is missing, or the npm registry could not be reached."""


def vite_version() -> str:
    lock = json.loads((FIXTURE / "package-lock.json").read_text("utf-8"))
    return str(lock["packages"]["node_modules/vite"]["version"])


def _digest(paths: list[Path]) -> str:
    sha = hashlib.sha256()
    for path in sorted(paths):
        sha.update(path.relative_to(FIXTURE).as_posix().encode() + b"\0" + path.read_bytes())
    return sha.hexdigest()[:16]


def _run(command: list[str], cwd: Path) -> None:
    try:
        subprocess.run(command, cwd=cwd, check=True, capture_output=True, text=True, timeout=600)
    except FileNotFoundError as exc:
        raise BundlerUnavailable(f"{command[0]} is missing: apt-get install nodejs npm") from exc
    except subprocess.CalledProcessError as exc:
        raise BundlerUnavailable(f"{' '.join(command)} failed:\n{exc.stderr[-2000:]}") from exc


def _installed() -> Path:
    """The folder whose node_modules holds the locked Vite (npm ci, once per lock file)."""
    lock = [FIXTURE / "package.json", FIXTURE / "package-lock.json"]
    done = CACHE / f"npm-{_digest(lock)}"
    if (done / "node_modules" / "vite" / "package.json").exists():
        return done
    CACHE.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=CACHE, prefix="install-"))
    try:
        for path in lock:
            shutil.copy(path, staging)
        # --ignore-scripts: no install script of any package runs; Vite needs none.
        _run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=staging)
        _publish(staging, done)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return done


def build_vite_site() -> Path:
    """Vite's output folder for the fixture (``index.html``, ``assets/``, ``api/``).

    Raises:
        BundlerUnavailable: Node.js or npm is missing, or npm could not install Vite.
    """
    sources = [p for p in FIXTURE.rglob("*") if p.is_file()]
    done = CACHE / f"vite-{vite_version()}-{_digest(sources)}"
    if (done / "index.html").exists():
        return done
    modules = _installed() / "node_modules"
    work = Path(tempfile.mkdtemp(dir=CACHE, prefix="build-"))
    try:
        shutil.copytree(FIXTURE, work / "src-tree")
        (work / "src-tree" / "node_modules").symlink_to(modules)
        vite = str(modules / "vite" / "bin" / "vite.js")
        _run(["node", vite, "build", "--outDir", str(work / "dist")], cwd=work / "src-tree")
        _publish(work / "dist", done)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return done


def _publish(staging: Path, done: Path) -> None:
    """Move a finished folder into place; a concurrent run that got there first wins."""
    try:
        staging.rename(done)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)


def served(dist: Path) -> dict[str, tuple[int, str, bytes]]:
    """The built site as a :func:`tests.local_web.serve` site, its index at ``/``."""
    site = {
        "/" + path.relative_to(dist).as_posix(): (
            200,
            CONTENT_TYPES.get(path.suffix, "application/octet-stream"),
            path.read_bytes(),
        )
        for path in dist.rglob("*")
        if path.is_file()
    }
    site["/"] = site.pop("/index.html")
    site["/robots.txt"] = (200, "text/plain", b"User-agent: *\n")
    return site
