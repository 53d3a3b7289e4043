"""The token of a link that needs no account (docs/rules.md#the-childs-voice).

``secrets.token_urlsafe(32)``: 256 random bits, 43 URL-safe characters, never derived from an id.
Only its SHA-256 hash is stored; the token itself exists in the message or letter that carries
it, and nowhere else. A lookup hashes what it is given and matches the hash exactly, so a token
opens its own link and no other, whoever's child the other is."""

from __future__ import annotations

import hashlib
import hmac
import secrets

#: Random bytes in a token (256 bits).
TOKEN_BYTES = 32
#: A token's length in characters, and the shortest and longest the public URL accepts.
TOKEN_LENGTH = 43


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def looks_like_token(raw: str) -> bool:
    """Whether ``raw`` has a token's shape (checked before any query)."""
    return len(raw) == TOKEN_LENGTH and all(c.isalnum() or c in "-_" for c in raw)


def same_hash(stored: str, raw: str) -> bool:
    return hmac.compare_digest(stored, token_hash(raw))
