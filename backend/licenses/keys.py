"""License keys: high-entropy, shown once, stored as a keyed digest plus a display prefix."""

import hashlib
import hmac
import secrets

from django.conf import settings

KEY_PREFIX = "lic_"
DISPLAY_PREFIX_LENGTH = 12


def generate_license_key() -> str:
    # 24 random bytes: 192 bits, well past the 128 the design asks for.
    return KEY_PREFIX + secrets.token_urlsafe(24)


def license_key_digest(key: str) -> str:
    # Keyed (HMAC) so a leaked table cannot be checked offline against guesses.
    return hmac.new(
        settings.LICENSE_KEY_PEPPER.encode(), key.encode("utf-8", "surrogatepass"), hashlib.sha256
    ).hexdigest()


def license_key_display_prefix(key: str) -> str:
    return key[:DISPLAY_PREFIX_LENGTH]


def license_key_matches(key: str, digest: str) -> bool:
    return hmac.compare_digest(license_key_digest(key), digest)
