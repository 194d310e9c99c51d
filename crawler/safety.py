"""Where the crawler may send traffic: http(s) only, and never to private addresses.

Hosts are checked after name resolution (a public name can point at 10.0.0.1) by
:class:`GuardedResolver`, and IP-literal URLs, which skip resolution, by
:class:`AddressPolicyMiddleware`. Loopback is refused too unless the crawl explicitly allows
it (the demo and the tests do), and then only 127.0.0.0/8 and ::1.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from fnmatch import fnmatchcase
from typing import Any, Self
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.resolver import CachingThreadedResolver
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import defer
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IResolverSimple
from zope.interface import implementer

# Reserved top-level domains (RFC 2606/6761): never worth a real DNS query.
RESERVED_SUFFIXES = (".test", ".invalid", ".example", ".localhost")


def address_refusal(address: str, allow_loopback: bool) -> str | None:
    """Why the crawler must not connect to ``address``, or None if it may."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return f"{address!r} is not an IP address"
    if ip.is_loopback:
        return None if allow_loopback else "loopback address refused"
    if ip.is_private or ip.is_link_local or ip.is_reserved or ip.is_multicast or ip.is_unspecified:
        return "private or reserved address refused"
    return None


def parse_resolve_rules(rules: Sequence[str] | str) -> list[tuple[str, str]]:
    """Parse ``"*.test=127.0.0.1"`` style rules (comma-separated or a list) into pairs."""
    if isinstance(rules, str):
        rules = [r for r in rules.split(",") if r.strip()]
    pairs = []
    for rule in rules:
        pattern, sep, address = rule.partition("=")
        if not sep or not pattern.strip() or not address.strip():
            raise ValueError(f"bad resolve rule {rule!r}: expected HOST_PATTERN=IP")
        pairs.append((pattern.strip().lower(), address.strip()))
    return pairs


class AddressRefused(DNSLookupError):
    """A name resolved, but to an address the policy forbids."""


@implementer(IResolverSimple)
class GuardedResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, plus static host rules and the address policy."""

    def __init__(
        self,
        reactor: Any,
        cache_size: int,
        timeout: float,
        rules: list[tuple[str, str]],
        allow_loopback: bool,
    ) -> None:
        super().__init__(reactor, cache_size, timeout)
        self.rules = rules
        self.allow_loopback = allow_loopback

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: Any) -> Self:
        settings = crawler.settings
        return cls(
            reactor,
            settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0,
            settings.getfloat("DNS_TIMEOUT"),
            parse_resolve_rules(settings.getlist("CLINIC_AUDIT_RESOLVE")),
            settings.getbool("CLINIC_AUDIT_ALLOW_LOOPBACK"),
        )

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> defer.Deferred[str]:
        host = name.lower().rstrip(".")
        mapped = next((ip for pattern, ip in self.rules if fnmatchcase(host, pattern)), None)
        if mapped is not None:
            d: defer.Deferred[str] = defer.succeed(mapped)
        elif host.endswith(RESERVED_SUFFIXES):
            return defer.fail(DNSLookupError(f"{name}: reserved name, not resolved"))
        else:
            d = super().getHostByName(name, timeout)
        return d.addCallback(self._checked, name)

    def _checked(self, address: str, name: str) -> str:
        refusal = address_refusal(address, self.allow_loopback)
        if refusal:
            raise AddressRefused(f"{name} resolves to {address}: {refusal}")
        return address


async def host_refusal(host: str, allow_loopback: bool) -> str | None:
    """Why the crawler must not connect to ``host``, or None if it may.

    A name is resolved first, through the crawl's resolver (:class:`GuardedResolver`, which
    Scrapy installs), so static rules and the cache apply as they do to downloads.

    Raises:
        DNSLookupError: the name does not resolve.
    """
    host = host.strip("[]")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        # Imported here: importing the reactor at module level would install the default
        # one before Scrapy installs its own.
        from twisted.internet import reactor

        try:
            await maybe_deferred_to_future(reactor.resolve(host))  # type: ignore[attr-defined,arg-type]
        except AddressRefused as exc:
            return str(exc)
        return None
    refusal = address_refusal(host, allow_loopback)
    return f"{host}: {refusal}" if refusal else None


class AddressPolicyMiddleware:
    """Refuses non-http(s) URLs and hosts whose address the policy forbids, saying why.

    Names are resolved here first (the answer is cached for the download itself) because a
    refusal raised inside the resolver reaches the spider only as "no results".
    """

    def __init__(self, allow_loopback: bool) -> None:
        self.allow_loopback = allow_loopback

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.settings.getbool("CLINIC_AUDIT_ALLOW_LOOPBACK"))

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https"):
            raise IgnoreRequest(f"scheme {parts.scheme!r} refused: only http and https")
        try:
            refusal = await host_refusal(parts.hostname or "", self.allow_loopback)
        except DNSLookupError:
            return None  # the download fails with its own, clearer DNS error
        if refusal:
            raise IgnoreRequest(refusal)
        return None
