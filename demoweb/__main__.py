"""``python -m demoweb --sites N --port P [--realistic]``: serve a demo web in the foreground.

``--realistic`` serves the long-page web of :mod:`demoweb.realistic` instead, each site on its
own loopback address (127.77.x.y), for throughput benchmarks.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
import time
from pathlib import Path

from demoweb.model import generate
from demoweb.server import seeds_csv, serve


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m demoweb", description=__doc__)
    ap.add_argument("--sites", type=int, default=24, help="number of sites (default 24)")
    ap.add_argument("--seed", type=int, default=7, help="generator seed (default 7)")
    ap.add_argument("--port", type=int, default=8808, help="port on 127.0.0.1 (0 = any free port)")
    ap.add_argument("--seeds-out", type=Path, help="write the seed CSV here (default: a temp file)")
    ap.add_argument("--truth-out", type=Path, help="also write the ground truth as JSON here")
    ap.add_argument(
        "--realistic",
        action="store_true",
        help="15 long prose pages per site, each site on its own address 127.77.x.y (no truth)",
    )
    args = ap.parse_args(argv)
    if args.realistic:
        if args.truth_out:
            ap.error("--truth-out: the realistic web has no ground truth")
        return serve_realistic(args.sites, args.seed, args.port, args.seeds_out)

    web = generate(args.sites, args.seed)
    server = serve(web, args.port)
    out = args.seeds_out or Path(tempfile.gettempdir()) / f"demoweb-seeds-{server.port}.csv"
    out.write_text(seeds_csv(web, server.port), encoding="utf-8")
    if args.truth_out:
        truth = {
            s.host: {"kind": s.kind, "language": s.language, **s.truth.to_dict()} for s in web.sites
        }
        args.truth_out.write_text(json.dumps(truth, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"demoweb: {len(web.sites)} sites on http://127.0.0.1:{server.port}/ (dispatch on Host)")
    print(f"seeds:   {out}")
    print('resolve: CLINIC_AUDIT_RESOLVE="*.test=127.0.0.1"')
    for site in web.sites[:5]:
        print(f"  e.g. curl -H 'Host: {site.host}' http://127.0.0.1:{server.port}/")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0


def serve_realistic(n_sites: int, seed: int, port: int, seeds_out: Path | None) -> int:
    # Imported here: Twisted's reactor and the corpora's text only when serving this web.
    from demoweb import realistic_server
    from demoweb.realistic import RealisticWeb

    web = RealisticWeb(n_sites, seed)
    try:
        port = realistic_server.listen(web, port)
    except (OSError, ValueError) as exc:
        print(f"demoweb: {exc}", file=sys.stderr)
        return 1
    out = seeds_out or Path(tempfile.gettempdir()) / f"demoweb-realistic-seeds-{port}.csv"
    out.write_text(web.seeds_csv(port), encoding="utf-8")
    last = web.address(n_sites - 1) if n_sites else "-"
    print(f"demoweb: {n_sites} realistic sites on http://{web.address(0)}:{port}/ to {last}")
    print(f"seeds:   {out}")
    with contextlib.suppress(KeyboardInterrupt):
        realistic_server.run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
