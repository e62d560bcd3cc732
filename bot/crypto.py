"""Encryption at rest for case text: Fernet tokens, keys from ``BOT_ENCRYPTION_KEY``.

Why Fernet (from the well-kept ``cryptography`` package) and not something of our own: it is
authenticated encryption (AES-128-CBC with HMAC-SHA256) with a versioned token format, and
:class:`cryptography.fernet.MultiFernet` decrypts with any of several keys and re-encrypts
with the first, which is exactly what key rotation needs.

``BOT_ENCRYPTION_KEY`` holds one key or several separated by commas; the first one encrypts,
all of them decrypt. To rotate: ``python -m bot keys new`` prints a key, put it *first* in
the setting (keeping the old ones behind it), run ``python -m bot keys rotate`` (every stored
text is re-encrypted with the new key), then remove the old keys.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

__all__ = ["InvalidToken", "KeyFormatError", "Vault", "new_key", "parse_keys"]


class KeyFormatError(ValueError):
    """``BOT_ENCRYPTION_KEY`` holds something that is not a Fernet key."""


def new_key() -> str:
    """A fresh random key in the format ``BOT_ENCRYPTION_KEY`` expects."""
    return Fernet.generate_key().decode("ascii")


def parse_keys(value: str) -> list[str]:
    """The keys in a setting value (comma-separated), each checked; empty for no key."""
    keys = [part.strip() for part in value.split(",") if part.strip()]
    for number, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            raise KeyFormatError(
                f"Schlüssel Nr. {number} ist kein gültiger Fernet-Schlüssel "
                "(44 Zeichen Base64, erzeugt mit »python -m bot keys new«)"
            ) from None
    return keys


class Vault:
    """Seals text into tokens and opens them again; the first key seals."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise KeyFormatError("kein Schlüssel angegeben")
        self._fernet = MultiFernet([Fernet(key.encode("ascii")) for key in keys])

    @classmethod
    def from_setting(cls, value: str) -> Vault | None:
        """The vault for a ``BOT_ENCRYPTION_KEY`` value, or None when it is empty."""
        keys = parse_keys(value)
        return cls(keys) if keys else None

    def seal(self, text: str) -> str:
        """Encrypt ``text``; the token is ASCII and safe to store in a text column."""
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def open(self, token: str) -> str:
        """Decrypt a token made by :meth:`seal` with any of the keys.

        Raises:
            InvalidToken: the token was altered or none of the keys made it.
        """
        return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")

    def reseal(self, token: str) -> str:
        """The same text sealed with the first key (for key rotation)."""
        return self._fernet.rotate(token.encode("ascii")).decode("ascii")

    def seal_optional(self, text: str | None) -> str | None:
        """:meth:`seal` that lets ``None`` (an unanswered field) through."""
        return None if text is None else self.seal(text)

    def open_optional(self, token: str | None) -> str | None:
        """:meth:`open` that lets ``None`` (an unanswered or deleted field) through."""
        return None if token is None else self.open(token)
