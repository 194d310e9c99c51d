"""The evidence's integrity: one written form of digests, folder manifests, WACZ packages, and
their verification.

The crawler writes its WARC digests with :mod:`evidence.digests`, the reports list their
files with :mod:`evidence.manifest`, ``clinic-audit evidence`` packages a run
(:mod:`evidence.wacz`) and checks any of them again (:mod:`evidence.verify`), and the cited
pages are shot from the archive (:mod:`evidence.screenshots`). Those three are imported where
they are used: they load py-wacz or Playwright, which the crawler and the reports do not need.
"""

from evidence.digests import ALGORITHM, digest_of, file_sha256_hex, sha256_hex, written
from evidence.manifest import MANIFEST, update_manifest

__all__ = [
    "ALGORITHM",
    "MANIFEST",
    "digest_of",
    "file_sha256_hex",
    "sha256_hex",
    "update_manifest",
    "written",
]
