# ruff: noqa: E501  (long lines here are literal markup, clearer unbroken)
"""Page chrome for the four skins: a hand-written site, a Bootstrap theme, a WordPress theme
and a page-builder export.  Different nesting and class names on purpose, so a scraper
tuned to one skin does not silently pass the others.

:func:`render_page` puts a page together: the body :mod:`demoweb.render` writes, in its
skin's chrome (this module imports the renderer, never the other way round)."""

from __future__ import annotations

import re

from demoweb.data import sites
from demoweb.plan import PageSpec, SitePlan
from demoweb.render import PageRenderer, css_and_js, esc, json_ld


def _nav_items(r: PageRenderer, spec: PageSpec) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(label, href, sub-items) for the main menu; detail pages hang under item two."""
    plan = r.plan
    items = []
    for i, (label, path) in enumerate(plan.nav):
        # Clinics hang detail pages under "Conditions"; news sites hang stories under "Home".
        at = 0 if plan.profile.kind == "news" else 1
        sub = [(esc(t), r.href(p)) for t, p in plan.nav_sub] if i == at and plan.skin != 0 else []
        items.append((esc(label), r.href(path), sub))
    return items


def _nav_html(r: PageRenderer, spec: PageSpec) -> str:
    skin = r.plan.skin
    out = []
    for label, href, sub in _nav_items(r, spec):
        subhtml = ""
        if sub:
            cls = {1: "dropdown-menu", 2: "sub-menu", 3: "sub-menu elementor-nav-menu--dropdown"}[
                skin
            ]
            item_cls = ' class="dropdown-item"' if skin == 1 else ""
            subhtml = (
                f'<ul class="{cls}">'
                + "".join(f'<li><a{item_cls} href="{h}">{t}</a></li>' for t, h in sub)
                + "</ul>"
            )
        if skin == 1:
            out.append(
                f'<li class="nav-item{" dropdown" if sub else ""}"><a class="nav-link" '
                f'href="{href}">{label}</a>{subhtml}</li>'
            )
        elif skin == 2:
            out.append(
                f'<li class="menu-item menu-item-type-post_type"><a href="{href}">{label}</a>'
                f"{subhtml}</li>"
            )
        else:
            out.append(f'<li><a href="{href}">{label}</a>{subhtml}</li>')
    return "".join(out)


LOGO = (
    '<svg class="logo-mark" width="40" height="40" viewBox="0 0 64 64" aria-hidden="true">'
    '<defs><linearGradient id="lg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="var(--brand)"/>'
    '<stop offset="1" stop-color="var(--accent)"/></linearGradient></defs>'
    '<path fill="url(#lg)" d="M32 2c9 8 22 10 28 20-2 14-12 30-28 40C16 52 6 36 4 22 10 12 23 10 32 2z"/>'
    '<path fill="#fff" opacity=".85" d="M32 14c-6 6-13 8-17 14 2 9 8 18 17 24 9-6 15-15 17-24-4-6-11-8-17-14z'
    'm0 8a8 8 0 1 1 0 16 8 8 0 0 1 0-16z"/><circle cx="32" cy="30" r="4" fill="var(--accent)"/></svg>'
)


def _aside(r: PageRenderer, spec: PageSpec) -> str:
    """Neutral side content that real sites repeat on inner pages."""
    if spec.kind in ("home", "news_home", "private"):
        return ""
    if r.plan.profile.kind == "news":
        items = "".join(f'<li><a href="{r.href(p)}">{esc(t)}</a></li>' for t, p in r.plan.nav_sub)
        return f'<aside class="most-read"><h3>{esc(r.ph["misc"]["related"])}</h3><ol>{items}</ol></aside>'
    picks = r.rng.sample(r.ph["why_us"], 4)
    head = esc(str(r.rng.choice(r.ph["why_us_heading"])))
    return (
        f'<aside class="why-us"><h3>{head}</h3><ul>'
        + "".join(f"<li>{esc(t)}</li>" for t in picks)
        + "</ul></aside>"
    )


def _footer_html(r: PageRenderer) -> str:
    plan, misc = r.plan, r.ph["misc"]
    extra = "".join(r.section(sec) for sec in plan.footer)
    extra += (
        f'<p class="hours">{esc(str(r.rng.choice(r.ph["hours"])))}</p>'
        f'<form class="newsletter" action="/api/newsletter" method="post"><p>'
        f'{esc(str(r.rng.choice(r.ph["newsletter"])))}</p><input type="email" name="email" '
        f'placeholder="{esc(misc["email"])}"><button type="submit">OK</button></form>'
    )
    links = ""
    if plan.profile.offsite:
        links = (
            f'<p>{esc(misc["related"])}: <a href="https://pubmed.ncbi.nlm.nih.gov/">PubMed</a> · '
            '<a href="https://clinicaltrials.gov/">ClinicalTrials.gov</a></p>'
        )
    return (
        f'<div class="contact-block"><h4>{esc(misc["footer_contact"])}</h4>'
        f"<address>{esc(plan.address)}<br>{esc(misc['phone'])}: "
        f'<a href="tel:{plan.phone.replace(" ", "")}">{esc(plan.phone)}</a><br>'
        f'{esc(misc["email"])}: <a href="mailto:{plan.email}">{plan.email}</a></address></div>'
        f'<div class="footer-extra">{extra}{links}</div>'
        f'<p class="copyright">&copy; 2025 {esc(plan.profile.name)}. {esc(misc["rights"])}</p>'
    )


def _head(r: PageRenderer, spec: PageSpec, body: str) -> str:
    p = r.plan.profile
    title = esc(spec.title if spec.kind in ("home", "news_home") else f"{spec.title} | {p.name}")
    text = re.sub(r"<[^>]+>", " ", body)
    first = re.sub(r"\s+", " ", text).strip()
    desc = first[:240].rsplit(" ", 1)[0] if len(first) > 240 else first
    css, js_head, _ = css_and_js(r.plan)
    if p.charset == "utf-8":
        meta = '<meta charset="utf-8">'
    elif r.plan.skin % 2:
        meta = f'<meta http-equiv="Content-Type" content="text/html; charset={p.charset}">'
    else:
        meta = f'<meta charset="{p.charset}">'
    return (
        f'<head>{meta}<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{title}</title><meta name="description" content="{desc.replace(chr(34), "")}">'
        f'<link rel="canonical" href="http://{p.host}{spec.path}">'
        f'<meta property="og:site_name" content="{esc(p.name)}">'
        f"<style>{css}</style><script>{js_head}</script>"
        f'<script type="application/ld+json">{json_ld(r.plan)}</script></head>'
    )


def layout(r: PageRenderer, spec: PageSpec, body: str) -> str:
    plan, misc = r.plan, r.ph["misc"]
    p = plan.profile
    skin = plan.skin
    _, _, js_body = css_and_js(plan)
    cookie = esc(str(r.rng.choice(r.ph["cookie"])))
    h1 = "" if spec.kind in ("home", "news_home") else f"<h1>{esc(spec.title)}</h1>"
    nav = _nav_html(r, spec)
    body += _aside(r, spec)
    footer = _footer_html(r)
    home = r.href("/")
    wp_h1 = h1.replace("<h1>", '<h1 class="entry-title">')
    if skin == 0:
        page = (
            f'<body><a class="skip" href="#main">{esc(misc["skip"])}</a>'
            f'<header class="site-header"><a class="logo" href="{home}">{LOGO}{esc(p.name)}</a>'
            f'<nav class="main-nav" aria-label="Main"><ul>{nav}</ul></nav></header>'
            f'<main id="main">{h1}{body}</main><footer class="site-footer"><div class="cols">'
            f"{footer}</div></footer>"
            f'<div class="cookie-banner" data-cookie-banner><span>{cookie}</span>'
            f'<button type="button">{esc(misc["accept"])}</button></div>'
        )
    elif skin == 1:
        page = (
            f'<body><nav class="navbar navbar-expand-lg"><div class="container">'
            f'<a class="navbar-brand" href="{home}">{LOGO}{esc(p.name)}</a>'
            '<button class="navbar-toggler" type="button" aria-controls="navbarMain" '
            'aria-expanded="false"><span class="navbar-toggler-icon"></span></button>'
            f'<div class="collapse navbar-collapse" id="navbarMain"><ul class="navbar-nav ms-auto">'
            f'{nav}</ul></div></div></nav><div class="container"><div class="row">'
            f'<div class="col-md-8"><div class="jumbotron">{h1}</div>{body}</div>'
            f'<aside class="col-md-4"><div class="card"><p class="lead">{esc(p.city)}</p></div>'
            f'</aside></div></div><footer class="bg-dark"><div class="container">{footer}</div>'
            f'</footer><div id="cookie-consent" data-cookie-banner><p>{cookie}</p>'
            f'<button class="btn-primary" type="button">{esc(misc["accept"])}</button></div>'
        )
    elif skin == 2:
        page = (
            f'<body class="page-template-default page"><div id="page" class="site">'
            f'<a class="skip-link screen-reader-text" href="#content">{esc(misc["skip"])}</a>'
            f'<header id="masthead" class="site-header"><div class="site-branding">'
            f'<p class="site-title"><a href="{home}" rel="home">{LOGO}{esc(p.name)}</a></p></div>'
            f'<nav id="site-navigation" class="main-navigation"><button class="menu-toggle" '
            f'aria-controls="primary-menu" aria-expanded="false">Menu</button>'
            f'<div class="menu-main-container"><ul id="primary-menu" class="menu">{nav}</ul></div>'
            f'</nav></header><div id="content" class="site-content"><article class="hentry">'
            f'<header class="entry-header">{wp_h1}</header>'
            f'<div class="entry-content">{body}</div></article></div>'
            f'<footer id="colophon" class="site-footer">{footer}</footer></div>'
            f'<div id="cookie-notice" role="dialog" data-cookie-banner><div class="cookie-notice-container">'
            f'<span id="cn-notice-text">{cookie}</span><button class="cn-button" type="button">'
            f"{esc(misc['accept'])}</button></div></div>"
        )
    else:
        page = (
            f'<body class="elementor-page"><header class="elementor-section"><div class="elementor-container">'
            f'<div class="elementor-column elementor-col-33"><div class="elementor-widget-wrap">'
            f'<a href="{home}">{LOGO}<span class="elementor-heading-title elementor-size-medium">{esc(p.name)}'
            f'</span></a></div></div><div class="elementor-column elementor-col-66">'
            f'<div class="elementor-widget-wrap"><nav class="elementor-nav-menu--main">'
            f'<ul class="elementor-nav-menu">{nav}</ul></nav></div></div></div></header>'
            f'<div class="elementor elementor-{1000 + p.index}"><section class="elementor-section">'
            f'<div class="elementor-container"><div class="elementor-column elementor-col-100">'
            f'<div class="elementor-widget-wrap"><div class="elementor-widget elementor-widget-text-editor">'
            f'<div class="elementor-widget-container elementor-text-editor">{h1}{body}</div></div>'
            f'</div></div></div></section></div><footer class="footer-widgets"><div class="elementor-container">'
            f'{footer}</div></footer><div id="moove_gdpr_cookie_info_bar" data-cookie-banner><p>{cookie}</p>'
            f'<button class="moove-gdpr-infobar-allow-all" type="button">{esc(misc["accept"])}</button></div>'
        )
    lang = p.language
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">{_head(r, spec, body)}{page}'
        f"<script>{js_body}</script></body></html>\n"
    )


def render_page(plan: SitePlan, seed: int, spec: PageSpec) -> str:
    """The whole HTML of one page: its sections in its skin's chrome."""
    r = PageRenderer(plan, seed, spec.path)
    body = "".join(r.section(s) for s in spec.sections)
    if spec.kind in ("article", "post"):
        misc, people = r.ph["misc"], sites()["people"]
        author = people["authors"][r.rng.randrange(len(people["authors"]))]
        when = f"2025-{r.rng.randint(1, 12):02d}-{r.rng.randint(1, 28):02d}"
        body = (
            f'<p class="byline">{esc(misc["by"])} {esc(author)} · {esc(misc["published"])} '
            f'<time datetime="{when}">{when}</time></p>{body}'
        )
    if spec.kind == "blog":
        posts = [p for p in plan.pages if p.kind == "post"]
        body += (
            '<ul class="posts">'
            + "".join(f'<li><a href="{r.href(p.path)}">{esc(p.title)}</a></li>' for p in posts)
            + "</ul>"
        )
    if spec.kind == "news_home":
        arts = [p for p in plan.pages if p.kind == "article"]
        body += (
            '<ul class="latest">'
            + "".join(f'<li><a href="{r.href(p.path)}">{esc(p.title)}</a></li>' for p in arts)
            + "</ul>"
        )
    return layout(r, spec, body)
