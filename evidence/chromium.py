"""The system browser every headless render uses: Debian's ``chromium``, never a download.

The crawler (pages that need JavaScript) and the screenshots of archived pages launch it with
the same quiet command line: no first-run work, no background traffic of its own.
"""

from __future__ import annotations

#: The system browser (Debian/Ubuntu package ``chromium``).
CHROMIUM = "/usr/bin/chromium"
#: Flags of every launch: headless-safe, and no request the page did not make.
QUIET_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
