"""Checking a file before it is sent: its type from its CONTENT (never its name or what the browser said),
its size, and images re-encoded without their metadata (EXIF, GPS, comments), upright.

``prepare_upload`` is used by both sides (the client's page and the practice's).
"""

import io
import os
import re
import unicodedata

from PIL import Image, ImageOps

from messaging.models import MAX_ATTACHMENT_BYTES, Attachment
from messaging.services import MessageError, PreparedFile

# Larger pictures than this (in pixels) are refused before decoding: a "decompression bomb" guard.
MAX_IMAGE_PIXELS = 40_000_000
MAX_FILES = 5

_TOO_BIG = "“{name}” is larger than 10 MB. Please send a smaller file, or bring it to your next session."
_UNKNOWN = (
    "“{name}” is not a kind of file we can send. You can send PDFs, pictures (JPEG, PNG, WebP, GIF) "
    "and sound recordings (MP3, M4A, OGG, WAV, WebM)."
)
_UNREADABLE = "“{name}” looks like a picture but could not be opened. Could you try saving it again?"

_M4A_BRANDS = {b"M4A ", b"M4B ", b"mp41", b"mp42", b"isom", b"iso2", b"dash", b"M4V "}


def _audio_type(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a sound recording we accept, from its first bytes."""
    if head.startswith(b"ID3"):
        return "audio/mpeg", "mp3"
    if len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0 and (head[1] & 0x06) != 0:
        return "audio/mpeg", "mp3"  # an MPEG audio frame sync, layer set
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in _M4A_BRANDS:
        return "audio/mp4", "m4a"
    if head.startswith(b"OggS"):
        return "audio/ogg", "ogg"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/wav", "wav"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "audio/webm", "webm"
    return None


def _image_format(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "WEBP"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    return None


def clean_filename(name: str, extension: str) -> str:
    """The base name only, in safe characters, ending with the extension of what the file really is."""
    base = os.path.basename((name or "").replace("\\", "/"))
    stem = os.path.splitext(base)[0]
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9 ._-]+", "", stem).strip(" ._-")
    stem = re.sub(r"\s+", " ", stem)[:80] or "file"
    return f"{stem}.{extension}"


def _reencode(data: bytes, name: str, fmt: str) -> tuple[bytes, str, str]:
    """The picture drawn again without any metadata, turned upright first; PNG stays PNG, the rest become
    JPEG (or PNG where they have transparency). Only the first frame of an animation is kept."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            if width * height > MAX_IMAGE_PIXELS:
                raise MessageError(f"“{name}” is a very large picture. Please send a smaller version of it.")
            if probe.format != fmt:
                raise MessageError(_UNREADABLE.format(name=name))
            probe.seek(0)
            image = ImageOps.exif_transpose(probe)
            image.load()
    except MessageError:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, EOFError):
        raise MessageError(_UNREADABLE.format(name=name)) from None
    has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    out = io.BytesIO()
    if fmt == "PNG" or has_alpha:
        clean = image.convert("RGBA" if has_alpha else "RGB")
        clean.save(out, format="PNG", optimize=True)
        return out.getvalue(), "image/png", "png"
    clean = image.convert("RGB")
    clean.save(out, format="JPEG", quality=88)
    return out.getvalue(), "image/jpeg", "jpg"


def prepare_upload(uploaded_file) -> PreparedFile:
    """A checked, cleaned file ready for ``services.message_send``, or ``MessageError`` in kind words."""
    name = os.path.basename((getattr(uploaded_file, "name", "") or "file").replace("\\", "/"))[:120]
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > MAX_ATTACHMENT_BYTES:
        raise MessageError(_TOO_BIG.format(name=name))
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    data = uploaded_file.read(MAX_ATTACHMENT_BYTES + 1)
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise MessageError(_TOO_BIG.format(name=name))
    if not data:
        raise MessageError(f"“{name}” is empty. Could you choose it again?")
    head = data[:32]
    if head.startswith(b"%PDF-"):
        return PreparedFile(
            kind=Attachment.Kind.PDF,
            content_type="application/pdf",
            filename=clean_filename(name, "pdf"),
            data=data,
        )
    fmt = _image_format(head)
    if fmt is not None:
        clean, content_type, extension = _reencode(data, name, fmt)
        return PreparedFile(
            kind=Attachment.Kind.IMAGE,
            content_type=content_type,
            filename=clean_filename(name, extension),
            data=clean,
        )
    audio = _audio_type(head)
    if audio is not None:
        content_type, extension = audio
        return PreparedFile(
            kind=Attachment.Kind.AUDIO,
            content_type=content_type,
            filename=clean_filename(name, extension),
            data=data,
        )
    raise MessageError(_UNKNOWN.format(name=name))
