"""The audit chain's key ring: HMAC-SHA256 keys kept apart from SECRET_KEY and the field keys.

``TENDING_AUDIT_KEYS="id:base64-of-32-bytes,id2:..."``: the first key signs new
rows and checkpoints, every key verifies, and each row records the id of the key
that signed it. Rotate by putting a new key first and keeping the old one after
it for as long as rows signed with it are kept.
"""

import hashlib
import hmac
from functools import cache

from django.conf import settings

from core.crypto import parse_key_ring


@cache
def _ring(spec: str) -> tuple[str, dict[str, bytes]]:
    return parse_key_ring(spec, name="TENDING_AUDIT_KEYS", max_id_length=16)  # AuditEvent.key_id holds 16


def current_key_id() -> str:
    return _ring(settings.TENDING_AUDIT_KEYS)[0]


def key_for(key_id: str) -> bytes | None:
    return _ring(settings.TENDING_AUDIT_KEYS)[1].get(key_id)


def mac(key_id: str, purpose: str, data: str) -> str | None:
    """HMAC-SHA256 of ``data`` under key ``key_id``, separated by ``purpose``; None if the key is unknown."""
    key = key_for(key_id)
    if key is None:
        return None
    subkey = hmac.new(key, f"tending-audit:{purpose}".encode(), hashlib.sha256).digest()
    return hmac.new(subkey, data.encode(), hashlib.sha256).hexdigest()
