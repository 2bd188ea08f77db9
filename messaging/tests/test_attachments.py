"""Attachments are typed by their content, cleaned, and served only to the people who may read them."""

import io
import struct
import uuid
import wave

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from messaging.attachments import clean_filename, prepare_upload
from messaging.models import MAX_ATTACHMENT_BYTES, Attachment
from messaging.services import MessageError, conversation_for, message_send
from tending.testing.factories import ClientFactory, StaffFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def png_bytes(size=(8, 4), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 100, 50) if mode == "RGB" else (200, 100, 50, 128)).save(out, format="PNG")
    return out.getvalue()


def jpeg_with_exif(size=(40, 20)) -> bytes:
    """A landscape JPEG whose EXIF says "turn me 90°" and carries a name and a place."""
    image = Image.new("RGB", size, (10, 120, 200))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to view
    exif[0x013B] = "Cara Client"  # artist
    exif[0x010F] = "PhoneMaker"  # make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def mp3_bytes() -> bytes:
    return b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" + b"\x00" * 400


def wav_bytes() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(struct.pack("<100h", *range(100)))
    return out.getvalue()


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_a_pdf_is_kept_as_it_is():
    prepared = prepare_upload(upload("My letter (final).PDF", PDF))
    assert (prepared.kind, prepared.content_type, prepared.data) == ("pdf", "application/pdf", PDF)
    assert prepared.filename == "My letter final.pdf"


def test_a_png_named_pdf_is_a_picture_and_named_for_what_it_is():
    prepared = prepare_upload(upload("drawing.pdf", png_bytes(), "application/pdf"))
    assert (prepared.kind, prepared.content_type, prepared.filename) == ("image", "image/png", "drawing.png")
    assert Image.open(io.BytesIO(prepared.data)).format == "PNG"


def test_a_program_renamed_pdf_is_refused_kindly():
    with pytest.raises(MessageError, match="not a kind of file we can send"):
        prepare_upload(upload("invoice.pdf", EXE, "application/pdf"))


def test_a_jpeg_loses_its_exif_and_is_turned_upright():
    original = jpeg_with_exif()
    assert Image.open(io.BytesIO(original)).getexif()  # the test picture does carry EXIF
    prepared = prepare_upload(upload("../../etc/photo.jpeg", original, "image/jpeg"))
    cleaned = Image.open(io.BytesIO(prepared.data))
    assert prepared.content_type == "image/jpeg" and prepared.filename == "photo.jpg"
    assert dict(cleaned.getexif()) == {}
    assert "exif" not in cleaned.info and b"Cara Client" not in prepared.data
    assert cleaned.size == (20, 40)  # the orientation was applied before the metadata went


def test_a_transparent_gif_becomes_a_png_and_a_webp_a_jpeg():
    gif = io.BytesIO()
    Image.new("RGB", (6, 6), (1, 2, 3)).save(gif, format="GIF")
    assert prepare_upload(upload("a.gif", gif.getvalue())).content_type in {"image/jpeg", "image/png"}
    webp = io.BytesIO()
    Image.new("RGB", (6, 6), (1, 2, 3)).save(webp, format="WEBP")
    assert prepare_upload(upload("b.webp", webp.getvalue())).content_type == "image/jpeg"


@pytest.mark.parametrize(
    ("data", "content_type", "extension"),
    [
        (mp3_bytes(), "audio/mpeg", "mp3"),
        (b"\xff\xfb\x90\x00" + b"\x00" * 100, "audio/mpeg", "mp3"),
        (wav_bytes(), "audio/wav", "wav"),
        (b"OggS\x00\x02" + b"\x00" * 50, "audio/ogg", "ogg"),
        (b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00" + b"\x00" * 50, "audio/mp4", "m4a"),
        (b"\x1a\x45\xdf\xa3" + b"\x00" * 50, "audio/webm", "webm"),
    ],
)
def test_sound_recordings_are_recognised_by_their_first_bytes(data, content_type, extension):
    prepared = prepare_upload(upload("voice note.bin", data))
    assert (prepared.kind, prepared.content_type, prepared.data) == ("audio", content_type, data)
    assert prepared.filename == f"voice note.{extension}"


def test_too_large_empty_and_broken_files_are_refused_kindly():
    with pytest.raises(MessageError, match="larger than 10 MB"):
        prepare_upload(upload("big.pdf", PDF + b"0" * MAX_ATTACHMENT_BYTES))
    with pytest.raises(MessageError, match="empty"):
        prepare_upload(upload("nothing.pdf", b""))
    with pytest.raises(MessageError, match="could not be opened"):
        prepare_upload(upload("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 30))


def test_a_picture_too_large_to_decode_safely_is_refused(monkeypatch):
    monkeypatch.setattr("messaging.attachments.MAX_IMAGE_PIXELS", 10)
    with pytest.raises(MessageError, match="very large picture"):
        prepare_upload(upload("huge.png", png_bytes((8, 8))))


def test_file_names_are_cleaned():
    assert clean_filename("C:\\Users\\me\\<script>.exe", "pdf") == "script.pdf"
    assert clean_filename("", "png") == "file.png"
    assert clean_filename("Café notes.txt", "pdf") == "Cafe notes.pdf"


@pytest.mark.django_db
class TestServing:
    @pytest.fixture
    def world(self):
        cara = ClientFactory()
        dev = ClientFactory(therapist=cara.therapist)
        other_therapist = StaffFactory(practice=cara.practice)
        eli = ClientFactory(therapist=other_therapist)
        files = (
            prepare_upload(upload("letter.pdf", PDF)),
            prepare_upload(upload("photo.jpg", jpeg_with_exif())),
            prepare_upload(upload("note.mp3", mp3_bytes())),
        )
        message, _, _ = message_send(
            conversation=conversation_for(client=cara), body="Files", idempotency_key=uuid.uuid4(), files=files
        )
        by_kind = {a.kind: a for a in Attachment.objects.without_data().filter(message=message)}
        return {"cara": cara, "dev": dev, "other": other_therapist, "eli": eli, "files": by_kind}

    def url(self, attachment):
        return reverse("messaging:attachment", kwargs={"attachment_uuid": attachment.uuid})

    def test_the_client_and_their_therapist_get_the_bytes_safely(self, client, world):
        pdf, image, audio = world["files"]["pdf"], world["files"]["image"], world["files"]["audio"]
        for user in (world["cara"].user, world["cara"].therapist.user):
            client.force_login(user)
            response = client.get(self.url(pdf))
            assert response.status_code == 200 and response.content == PDF
            assert response["Content-Type"] == "application/pdf"
            assert response["Content-Disposition"].startswith("attachment;")
            assert response["X-Content-Type-Options"] == "nosniff"
            assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
            shown = client.get(self.url(image))
            assert shown["Content-Type"] == "image/jpeg" and shown["Content-Disposition"].startswith("inline;")
            assert client.get(self.url(audio))["Content-Disposition"].startswith("attachment;")

    def test_everyone_else_gets_not_found(self, client, world):
        pdf = world["files"]["pdf"]
        for user in (world["dev"].user, world["other"].user, world["eli"].user):
            client.force_login(user)
            assert client.get(self.url(pdf)).status_code == 404
        client.force_login(world["cara"].user)
        assert client.get(reverse("messaging:attachment", kwargs={"attachment_uuid": uuid.uuid4()})).status_code == 404

    def test_signed_out_is_sent_to_sign_in(self, client, world):
        response = client.get(self.url(world["files"]["pdf"]))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
