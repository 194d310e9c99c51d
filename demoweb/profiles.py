"""Who the sites are: the hand-tuned default mix, and invented sites beyond it.

A profile is the identity of a site (name, host, kind, language, country).  The first
profiles come from ``data/sites.yaml`` verbatim; later ones are drawn from name pools with
a per-index RNG, so site *i* is the same whatever ``n_sites`` is.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, replace

from demoweb.data import sites

KINDS = ("honest", "middling", "hype", "news")
_INVENT_KIND_WEIGHTS = (0.25, 0.3, 0.35, 0.1)


@dataclass(frozen=True, slots=True)
class Profile:
    index: int
    name: str
    host: str  # canonical host, always "www.<label>.test"
    kind: str
    language: str
    country: str
    city: str
    charset: str = "utf-8"
    offsite: bool = False
    partner: int | None = None  # index of a partner site to link to


def slugify(text: str) -> str:
    """ASCII slug for hosts and paths ("Artrosis de rodilla" -> "artrosis-de-rodilla")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def rng_for(seed: int, index: int, purpose: str) -> random.Random:
    # String seeds are hashed with SHA-512 by random.seed, so this is stable across runs
    # and independent of PYTHONHASHSEED.
    return random.Random(f"demoweb:{seed}:{index}:{purpose}")


def hand_profiles() -> list[Profile]:
    out = []
    for i, raw in enumerate(sites()["profiles"]):
        out.append(
            Profile(
                index=i,
                name=raw["name"],
                host=f"www.{raw['host']}.test",
                kind=raw["kind"],
                language=raw["language"],
                country=raw["country"],
                city=raw["city"],
                charset=raw.get("charset", "utf-8"),
                offsite=bool(raw.get("offsite", False)),
                partner=raw.get("partner"),
            )
        )
    return out


def invent_profile(seed: int, index: int) -> Profile:
    """A new site from the pools (host uniqueness is settled by the caller)."""
    rng = rng_for(seed, index, "profile")
    kind = rng.choices(KINDS, weights=_INVENT_KIND_WEIGHTS)[0]
    language = rng.choice(("en", "es"))
    data = sites()
    country = rng.choice(data["invent_countries"][language])
    city = rng.choice(data["countries"][country]["cities"])
    parts = data["name_parts"]
    if kind == "news":
        name = rng.choice(parts[f"news_{language}"])
        if rng.random() < 0.6:
            name = f"{name} {city}"
    elif language == "en":
        # An honest clinic would not call itself a longevity centre.
        second = [x for x in parts["en"]["second"] if kind != "honest" or "Longevity" not in x]
        name = f"{rng.choice(parts['en']['first'])} {rng.choice(second)}"
        if rng.random() < 0.5:
            name = f"{name} of {city}"
    else:
        name = f"{rng.choice(parts['es']['second'])} {rng.choice(parts['es']['first'])} {city}"
    charset = "windows-1252" if language == "es" and rng.random() < 0.08 else "utf-8"
    return Profile(
        index=index,
        name=name,
        host=f"www.{slugify(name)}.test",
        kind=kind,
        language=language,
        country=country,
        city=city,
        charset=charset,
        offsite=rng.random() < 0.15,
        partner=rng.randrange(index)
        if kind in ("hype", "middling") and rng.random() < 0.1
        else None,
    )


def profiles(n_sites: int, seed: int) -> list[Profile]:
    hand = hand_profiles()
    out = hand[:n_sites]
    taken = {p.host for p in out}
    for index in range(len(out), n_sites):
        prof = invent_profile(seed, index)
        host = prof.host
        suffix = 2
        while host in taken:  # "www.regen-stem-cell-center.test" -> "...-center-2.test"
            host = prof.host.removesuffix(".test") + f"-{suffix}.test"
            suffix += 1
        taken.add(host)
        out.append(replace(prof, host=host) if host != prof.host else prof)
    return out
