import pytest
from django.core.exceptions import ImproperlyConfigured

from backups import sealing
from backups.sealing import SealError, open_file, seal_file


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(sealing, "CHUNK", 64)


@pytest.mark.parametrize("size", [0, 1, 64, 65, 1000])
def test_a_sealed_file_opens_to_exactly_what_went_in(tmp_path, small_chunks, size):
    plain, sealed, opened = tmp_path / "p", tmp_path / "s", tmp_path / "o"
    plain.write_bytes(bytes(range(256)) * 4 + b"x" * size)
    seal_file(plain, sealed)
    assert b"\x00\x01\x02\x03" not in sealed.read_bytes()[20:]
    open_file(sealed, opened)
    assert opened.read_bytes() == plain.read_bytes()


def test_a_sealed_file_cut_short_does_not_open(tmp_path, small_chunks):
    plain, sealed = tmp_path / "p", tmp_path / "s"
    plain.write_bytes(b"y" * 1000)
    seal_file(plain, sealed)
    data = sealed.read_bytes()
    # Drop the final chunk (4-byte length + 64 bytes + 16-byte tag): the rest is still well-formed.
    sealed.write_bytes(data[: -(4 + 1000 % 64 + 16)])
    with pytest.raises(SealError):
        open_file(sealed, tmp_path / "o")


def test_a_missing_or_malformed_key_is_refused(settings):
    settings.TENDING_BACKUP_KEY = ""
    with pytest.raises(ImproperlyConfigured):
        sealing.backup_key()
    settings.TENDING_BACKUP_KEY = "c2hvcnQ="
    with pytest.raises(ImproperlyConfigured):
        sealing.backup_key()


def test_production_refuses_the_development_key(settings):
    settings.PRODUCTION = True
    settings.TENDING_BACKUP_KEY = settings.TENDING_DEV_BACKUP_KEY
    with pytest.raises(ImproperlyConfigured, match="development key"):
        sealing.backup_key()
