"""Small, valid sample files built in the test, and the content checks of wid_events.uploads."""

from __future__ import annotations

import io
import zipfile

import pytest
from flask import g
from flask.testing import FlaskClient
from PIL import ExifTags, Image

from wid_events.storage import LocalStorage, StorageError
from wid_events.uploads import Kind, content_disposition, detect_kind, sanitise_filename

# --- a test client whose requests do not share Flask-Login's cached user ---------------------


class IsolatedClient(FlaskClient):
    """The ``app`` fixture keeps one app context pushed, and Flask reuses it for test requests,
    so ``g`` (where Flask-Login caches ``current_user``) would carry one client's user into
    another client's request. Each request here starts and ends without that cache."""

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        try:
            return super().open(*args, **kwargs)
        finally:
            g.pop("_login_user", None)


def isolated_client(app) -> IsolatedClient:
    return IsolatedClient(app, app.response_class, use_cookies=True)


# --- builders (imported by the other speaker tests) ------------------------------------------


def make_pdf(text: str = "Hello") -> bytes:
    """A minimal but well-formed one-page PDF, written by hand with a correct xref table."""
    stream = f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="{target}"/></Relationships>'
)


def _entry(name: str) -> zipfile.ZipInfo:
    """A zip entry with a fixed timestamp, so the same sample is byte-identical every time
    (``writestr`` with a plain name stamps the current time, which differs across a second)."""
    return zipfile.ZipInfo(name, date_time=(2024, 9, 11, 9, 0, 0))


def _ooxml(main_part: str, content_type: str, body: str) -> bytes:
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main_part}" ContentType="{content_type}"/></Types>'
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(_entry("[Content_Types].xml"), types, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr(_entry("_rels/.rels"), _RELS.format(target=main_part), compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr(_entry(main_part), body, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def make_pptx() -> bytes:
    return _ooxml(
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
        '<?xml version="1.0" encoding="UTF-8"?><p:presentation '
        'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>',
    )


def make_docx() -> bytes:
    return _ooxml(
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        '<?xml version="1.0" encoding="UTF-8"?><w:document '
        'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>',
    )


def _odf(mimetype: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(_entry("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        zf.writestr(
            _entry("content.xml"),
            '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:version="1.3"/>',
            compress_type=zipfile.ZIP_DEFLATED,
        )
        zf.writestr(
            _entry("META-INF/manifest.xml"),
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
            f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
            compress_type=zipfile.ZIP_DEFLATED,
        )
    return buf.getvalue()


def make_odp() -> bytes:
    return _odf("application/vnd.oasis.opendocument.presentation")


def make_odt() -> bytes:
    return _odf("application/vnd.oasis.opendocument.text")


def make_jpeg_with_gps(size=(1600, 1200)) -> bytes:
    im = Image.new("RGB", size, (120, 40, 160))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestCam"
    exif[ExifTags.Base.Model] = "Secret Serial 1234"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (50.0, 50.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (4.0, 21.0, 0.0)
    buf = io.BytesIO()
    im.save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def make_png(size=(40, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGBA", size, (0, 128, 0, 200)).save(buf, "PNG")
    return buf.getvalue()


HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(2)</script></svg>"
)


# --- detection ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (make_pdf(), Kind.PDF),
        (make_pptx(), Kind.PPTX),
        (make_docx(), Kind.DOCX),
        (make_odp(), Kind.ODP),
        (make_odt(), Kind.ODT),
        (make_png(), Kind.PNG),
        (make_jpeg_with_gps((20, 20)), Kind.JPEG),
    ],
)
def test_detect_kind_from_content(data, kind):
    assert detect_kind(data) == kind
    stream = io.BytesIO(b"xx" + data)
    stream.seek(2)
    assert detect_kind(stream) == kind
    assert stream.tell() == 2  # position restored


@pytest.mark.parametrize(
    "data",
    [
        b"",
        HTML,
        SVG,
        b"just some text",
        b"PK\x03\x04 not really a zip",
        b"\x00\x01\x02",
    ],
)
def test_detect_kind_refuses_other_content(data):
    assert detect_kind(data) is None


def test_plain_zip_and_macro_pptm_are_not_office_documents():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "hello")
    assert detect_kind(buf.getvalue()) is None
    pptm = _ooxml(
        "ppt/presentation.xml",
        "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
        "<p/>",
    )
    assert detect_kind(pptm) is None
    # An ODF whose first entry is not "mimetype" is refused.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("content.xml", "<x/>")
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    assert detect_kind(buf.getvalue()) is None


# --- file names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "kind", "expected"),
    [
        ("../../etc/passwd.pdf", Kind.PDF, "passwd.pdf"),
        ("..\\..\\windows\\system32\\evil.pdf", Kind.PDF, "evil.pdf"),
        ("/etc/passwd", Kind.PDF, "passwd.pdf"),
        ("slides.html", Kind.PDF, "slides.pdf"),
        ("Präsentation Ünïcödé.pptx", Kind.PPTX, "Präsentation Ünïcödé.pptx"),
        ("a\x00b\r\nc\u202e.pdf", Kind.PDF, "abc.pdf"),
        ('w<h>a:t"|?*.pdf', Kind.PDF, "w_h_a_t.pdf"),
        ("....", Kind.PDF, "file.pdf"),
        ("", Kind.ODP, "file.odp"),
        ("v1.2 final", Kind.PDF, "v1.2 final.pdf"),
        ("photo.JPEG", Kind.JPEG, "photo.jpeg"),
    ],
)
def test_sanitise_filename(raw, kind, expected):
    assert sanitise_filename(raw, kind) == expected


def test_content_disposition_has_ascii_fallback_and_utf8_name():
    header = content_disposition('Prés "x".pdf')
    assert header.startswith('attachment; filename="')
    assert "filename*=UTF-8''Pr%C3%A9s%20%22x%22.pdf" in header
    assert '"x"' not in header.split("filename*")[0][len('attachment; filename="') : -3]


# --- storage --------------------------------------------------------------------------------


def test_local_storage_round_trip_and_refuses_bad_keys(tmp_path):
    storage = LocalStorage(tmp_path / "uploads")
    key = storage.save(io.BytesIO(b"abc"), prefix="materials", suffix="pdf")
    assert key.startswith("materials/") and key.endswith(".pdf")
    assert storage.size(key) == 3
    with storage.open(key) as fh:
        assert fh.read() == b"abc"
    assert (tmp_path / "uploads" / key).exists()
    for bad in ["../secret_key", "materials/../../x", "/etc/passwd", "materials/notrandom.pdf", ""]:
        with pytest.raises(StorageError):
            storage.open(bad)
    with pytest.raises(StorageError):
        storage.save(io.BytesIO(b"x"), prefix="../up")
    storage.delete(key)
    storage.delete(key)  # missing is fine
    with pytest.raises(StorageError):
        storage.size(key)
