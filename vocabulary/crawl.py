"""The crawl's limits per site: one default for the crawler, the flows and the command line."""

from __future__ import annotations

#: Pages fetched per site at most; a clinic's claims live in a few dozen pages.
MAX_PAGES_PER_SITE = 200

#: Links followed from the seed page at most; claim pages sit close to the home page.
MAX_DEPTH = 4
