"""A "did you mean …?" hint for mistyped mail domains: a typo means no confirmation mail."""

import difflib

# The domains most German households use; a near miss of one of them is almost surely a typo.
COMMON_DOMAINS = (
    "gmail.com",
    "gmx.de",
    "gmx.net",
    "web.de",
    "t-online.de",
    "outlook.com",
    "outlook.de",
    "hotmail.com",
    "hotmail.de",
    "yahoo.com",
    "yahoo.de",
    "icloud.com",
    "freenet.de",
    "posteo.de",
    "mailbox.org",
    "arcor.de",
    "aol.com",
    "live.de",
)


def suggestion(address: str) -> str | None:
    """The address with its domain corrected, or None when the domain looks intended."""
    local, _at, domain = address.strip().rpartition("@")
    domain = domain.lower()
    if not local or not domain or domain in COMMON_DOMAINS:
        return None
    close = difflib.get_close_matches(domain, COMMON_DOMAINS, n=1, cutoff=0.8)
    return f"{local}@{close[0]}" if close else None
