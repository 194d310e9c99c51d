"""Headless Chromium for the report tests: no network beyond what the page itself asks for."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium(user_dir: Path, *args: str) -> str:
    binary = shutil.which("chromium")
    assert binary, "chromium is missing: run `make system-deps`"
    done = subprocess.run(
        [binary, *CHROMIUM_FLAGS, f"--user-data-dir={user_dir}", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def screenshot(page: Path, png: Path, user_dir: Path) -> Path:
    """The first screen (1280x1600, a laptop page and a bit) of ``page`` as ``png``."""
    chromium(
        user_dir,
        "--window-size=1280,1600",
        "--hide-scrollbars",
        f"--screenshot={png}",
        page.as_uri(),
    )
    return png
