"""Sealing backup files with AES-256-GCM, in chunks so a large database never sits whole in memory.

Layout: ``MAGIC`` + 8-byte random nonce prefix, then chunks of
``4-byte big-endian length + ciphertext``. Chunk *i* uses nonce ``prefix + i``
and binds ``MAGIC + i + final-flag`` as associated data, so chunks cannot be
reordered, dropped or cut short without the open failing (the STREAM
construction of Hoang, Reyhanitabar, Rogaway and Vizár, 2015).
"""

import base64
import binascii
import contextlib
import hashlib
import hmac
import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MAGIC = b"TENDING-BACKUP-1\n"
CHUNK = 1 << 20


class BackupKeyError(ImproperlyConfigured):
    pass


class SealError(Exception):
    """The file did not open: wrong key, or it was changed or cut short."""


def backup_key() -> bytes:
    spec = settings.TENDING_BACKUP_KEY
    if not spec:
        raise BackupKeyError("TENDING_BACKUP_KEY is not set: backups cannot be sealed without it")
    if settings.PRODUCTION and spec == settings.TENDING_DEV_BACKUP_KEY:
        raise BackupKeyError("TENDING_BACKUP_KEY is the development key: set a key of your own in production")
    try:
        key = base64.b64decode(spec, validate=True)
    except binascii.Error:
        raise BackupKeyError("TENDING_BACKUP_KEY is not valid base64") from None
    if len(key) != 32:
        raise BackupKeyError(f"TENDING_BACKUP_KEY must be 32 bytes, not {len(key)}")
    return key


def _subkey(purpose: str) -> bytes:
    return hmac.new(backup_key(), f"tending-backup:{purpose}".encode(), hashlib.sha256).digest()


def sign(data: bytes) -> str:
    """An HMAC of the manifest, so a changed row count or checksum is noticed."""
    return hmac.new(_subkey("manifest"), data, hashlib.sha256).hexdigest()


def _aad(index: int, final: bool) -> bytes:
    return MAGIC + struct.pack(">I?", index, final)


def seal_file(source, target) -> str:
    """Encrypt ``source`` into ``target``; returns the sha256 of what was written."""
    aead = AESGCM(_subkey("data"))
    prefix = os.urandom(8)
    digest = hashlib.sha256()
    with open(source, "rb") as plain, open(target, "wb") as sealed:

        def write(data: bytes) -> None:
            digest.update(data)
            sealed.write(data)

        write(MAGIC + prefix)
        index = 0
        chunk = plain.read(CHUNK)
        while True:
            following = plain.read(CHUNK)
            final = not following
            ciphertext = aead.encrypt(prefix + struct.pack(">I", index), chunk, _aad(index, final))
            write(struct.pack(">I", len(ciphertext)) + ciphertext)
            if final:
                break
            chunk, index = following, index + 1
        sealed.flush()
        os.fsync(sealed.fileno())
    return digest.hexdigest()


def _open_chunk(aead, nonce, ciphertext, index):
    """The chunk's plaintext and whether it is the last one, or (None, False) if it does not open."""
    for final in (False, True):
        with contextlib.suppress(InvalidTag):
            return aead.decrypt(nonce, ciphertext, _aad(index, final)), final
    return None, False


def open_file(source, target) -> None:
    """Decrypt ``source`` into ``target``, or raise ``SealError``."""
    aead = AESGCM(_subkey("data"))
    with open(source, "rb") as sealed, open(target, "wb") as plain:
        header = sealed.read(len(MAGIC) + 8)
        if len(header) != len(MAGIC) + 8 or not header.startswith(MAGIC):
            raise SealError("this is not a Tending backup file")
        prefix = header[len(MAGIC) :]
        index = 0
        while True:
            size_bytes = sealed.read(4)
            if len(size_bytes) != 4:
                raise SealError("the backup file ends early")
            (size,) = struct.unpack(">I", size_bytes)
            ciphertext = sealed.read(size)
            nonce = prefix + struct.pack(">I", index)
            chunk, final = _open_chunk(aead, nonce, ciphertext, index)
            if chunk is None:
                raise SealError("the backup did not open with this key, or it was changed")
            plain.write(chunk)
            if final:
                if sealed.read(1):
                    raise SealError("the backup file has data after its end")
                return
            index += 1
