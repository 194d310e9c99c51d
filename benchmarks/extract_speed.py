"""Extraction speed: the whole ``extract_document`` against trafilatura's bare ``extract``.

Builds realistic pages of 30-80 KB from demo-web pages wrapped in the boilerplate real clinic
sites carry (inline scripts and styles, SVG icons, mega-menus, cookie banners, footers, page
builder wrappers), then times, on one core and in the same run, over the same pages:

- baseline: ``trafilatura.extract(html)`` (main text only, no claims);
- ours: ``extract.extract_document(html, url)`` (text, sentences, conditions with stance,
  entities, flags, page type).

Usage::

    .venv/bin/python benchmarks/extract_speed.py              # 1,000 pages
    .venv/bin/python benchmarks/extract_speed.py --pages 2000 --seed 3

It prints pages/s of each and the ratio (ours / trafilatura; >= 1.0 means extraction is at
least as fast as trafilatura's text pass alone).
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator

import trafilatura

import demoweb
from extract import decode_html, extract_document

MIN_BYTES, MAX_BYTES = 30_000, 80_000
MENU = [
    "Home", "About us", "Our team", "Locations", "Blog", "Careers", "Insurance", "Patient portal",
    "Financing", "Gallery", "Press", "Events", "Partners", "Privacy policy", "Terms of use",
    "Accessibility", "Sitemap", "Inicio", "Nosotros", "Ubicaciones", "Aviso de privacidad",
    "Preguntas", "Galería", "Noticias", "Contacto", "Shop", "Gift cards", "Newsletter",
]  # fmt: skip
WORDS = [
    "lorem",
    "ipsum",
    "dolor",
    "sit",
    "amet",
    "consectetur",
    "adipiscing",
    "elit",
    "sed",
    "do",
    "eiusmod",
    "tempor",
    "incididunt",
    "ut",
    "labore",
    "et",
    "dolore",
    "magna",
    "aliqua",
    "enim",
    "ad",
    "minim",
    "veniam",
    "quis",
    "nostrud",
    "exercitation",
]


def _script(rng: random.Random, size: int) -> str:
    """An analytics/config script blob like the ones page builders inline."""
    parts = ["window.dataLayer=window.dataLayer||[];var siteConfig={"]
    while sum(map(len, parts)) < size:
        key = "".join(rng.choices("abcdefghijklmnop", k=8))
        parts.append(f'"{key}":{{"id":{rng.randint(1, 99999)},"v":"{rng.random():.8f}"}},')
    return "<script>" + "".join(parts) + "};</script>"


def _style(rng: random.Random, size: int) -> str:
    parts = []
    while sum(map(len, parts)) < size:
        n = rng.randint(1000, 9999)
        parts.append(f".elementor-element-{n:x}{{margin:{n % 40}px;color:#{n:06x}}}\n")
    return "<style>" + "".join(parts) + "</style>"


def _svg(rng: random.Random) -> str:
    path = " ".join(f"L{rng.randint(0, 512)} {rng.randint(0, 512)}" for _ in range(60))
    return f'<svg viewBox="0 0 512 512" aria-hidden="true"><path d="M0 0 {path}Z"/></svg>'


def _menu(rng: random.Random, items: int) -> str:
    links = "".join(
        f'<li class="menu-item menu-item-{i}"><a href="/{i}">{rng.choice(MENU)}</a></li>'
        for i in range(items)
    )
    return f'<ul class="elementor-nav-menu sm-vertical">{links}</ul>'


def _footer(rng: random.Random) -> str:
    columns = "".join(
        f'<div class="footer-col"><h4>{rng.choice(MENU)}</h4>{_menu(rng, 8)}</div>'
        for _ in range(4)
    )
    icons = "".join(f'<a class="social" href="#">{_svg(rng)}</a>' for _ in range(4))
    blurb = " ".join(rng.choices(WORDS, k=40))
    return (
        f'<footer class="site-footer">{columns}<div class="social-icons">{icons}</div>'
        f"<p class='legal'>{blurb}.</p><p>&copy; 2025 All rights reserved.</p></footer>"
        '<div id="cookie-banner" class="cookie-notice"><p>We use cookies to improve your '
        "experience.</p><button>Accept</button><button>Settings</button></div>"
    )


def wrap(html: str, rng: random.Random) -> str:
    """Wrap a demo page in boilerplate until it weighs 30-80 KB (size drawn per page)."""
    target = rng.randint(MIN_BYTES, MAX_BYTES)
    head_end = html.find("</head>")
    body_start = html.find(">", html.find("<body")) + 1
    body_end = html.rfind("</body>")
    header = (
        f'<header class="site-header"><div class="logo">{_svg(rng)}</div>'
        f"<nav class='main-nav'>{_menu(rng, rng.randint(20, 60))}</nav></header>"
    )
    body = (
        header
        + '<div class="elementor-section"><div class="elementor-container">'
        + '<div class="elementor-column elementor-col-100"><div class="elementor-widget-wrap">'
        + html[body_start:body_end]
        + "</div></div></div></div>"
        + _footer(rng)
    )
    head_extra = _style(rng, 3000) + _script(rng, 2000)
    size = len(html[:head_end]) + len(head_extra) + len(body) + 40
    filler = max(0, target - size)
    # Most of a heavy page is script and icon markup: split the remainder between them.
    scripts = _script(rng, filler // 2)
    icons = ""
    while len(icons) < filler - len(scripts):
        icons += f'<span class="icon">{_svg(rng)}</span>'
    return (
        html[:head_end]
        + head_extra
        + "</head><body>"
        + body
        + f'<div class="sprites" hidden>{icons}</div>'
        + scripts
        + "</body></html>"
    )


def pages(count: int, seed: int) -> Iterator[tuple[str, str]]:
    """``count`` (url, html) pairs from as many demo sites as needed."""
    rng = random.Random(seed)
    made, n_sites = 0, 24
    while True:
        web = demoweb.generate(n_sites, seed)
        for site in web.sites:
            for path in site.paths():
                page = site.render(path)
                if page is None or not page.content_type.startswith("text/html"):
                    continue
                yield (
                    f"http://{site.host}{path}",
                    wrap(decode_html(page.body, page.content_type), rng),
                )
                made += 1
                if made == count:
                    return
        n_sites *= 2


def timed(fn: Callable[[str, str], object], corpus: list[tuple[str, str]]) -> list[float]:
    """Seconds per page of ``fn`` over the corpus (GC paused, as a worker's steady state)."""
    times = []
    gc.collect()
    gc.disable()
    try:
        for url, html in corpus:
            start = time.perf_counter()
            fn(url, html)
            times.append(time.perf_counter() - start)
    finally:
        gc.enable()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    corpus = list(pages(args.pages, args.seed))
    sizes = [len(html.encode()) for _, html in corpus]
    print(
        f"{len(corpus)} pages, {min(sizes) / 1000:.0f}-{max(sizes) / 1000:.0f} KB "
        f"(mean {statistics.mean(sizes) / 1000:.1f} KB), one core, Python {sys.version.split()[0]}"
    )
    extract_document(*reversed(corpus[0]))  # load and compile the data files once
    trafilatura.extract(corpus[0][1])

    def baseline(url: str, html: str) -> object:
        return trafilatura.extract(html, url=url)

    def ours(url: str, html: str) -> object:
        return extract_document(html, url)

    results = {}
    for name, fn in (("trafilatura.extract", baseline), ("extract_document", ours)):
        times = timed(fn, corpus)
        results[name] = len(times) / sum(times)
        median, p95 = statistics.median(times), sorted(times)[int(len(times) * 0.95)]
        print(
            f"{name:22} {results[name]:8.1f} pages/s   "
            f"median {median * 1000:6.2f} ms   p95 {p95 * 1000:6.2f} ms"
        )
    ratio = results["extract_document"] / results["trafilatura.extract"]
    print(f"ratio (extract_document / trafilatura.extract): {ratio:.2f}x (goal >= 1.0x)")


if __name__ == "__main__":
    main()
