"""Safe handling of uploaded files: type by content, size limits, clean names, clean images.

Used by the speaker portal (slides, photos) and the Job Day (logos, CVs)::

    upload = validate_upload(form.file.data, {Kind.PDF, Kind.PPTX}, max_bytes=50 * 1024 * 1024)
    key = get_storage().save(upload.stream, prefix="materials", suffix=upload.kind.extension)

The extension and the browser's Content-Type are ignored: :func:`detect_kind` reads the
bytes. HTML, SVG, empty and unknown files are refused.
"""

from __future__ import annotations

import enum
import hashlib
import io
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO, BinaryIO
from urllib.parse import quote

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from wid_events.errors import DomainError
from wid_events.storage import delete_quietly, get_storage

CHUNK = 64 * 1024
#: Largest ``[Content_Types].xml`` / ``mimetype`` entry we read while detecting.
_MAX_META_BYTES = 1024 * 1024
#: Images larger than this (in pixels) are refused before decoding (decompression bombs).
MAX_IMAGE_PIXELS = 40_000_000


class Kind(enum.StrEnum):
    """A file type we accept somewhere, detected from content."""

    PDF = "pdf"
    PPTX = "pptx"
    DOCX = "docx"
    ODP = "odp"
    ODT = "odt"
    JPEG = "jpeg"
    PNG = "png"
    WEBP = "webp"

    @property
    def mimetype(self) -> str:
        return _MIMETYPES[self]

    @property
    def extension(self) -> str:
        return "jpg" if self is Kind.JPEG else self.value

    @property
    def label(self) -> str:
        return str(_LABELS[self])

    @property
    def is_image(self) -> bool:
        return self in IMAGE_KINDS


_MIMETYPES = {
    Kind.PDF: "application/pdf",
    Kind.PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    Kind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    Kind.ODP: "application/vnd.oasis.opendocument.presentation",
    Kind.ODT: "application/vnd.oasis.opendocument.text",
    Kind.JPEG: "image/jpeg",
    Kind.PNG: "image/png",
    Kind.WEBP: "image/webp",
}
_LABELS = {
    Kind.PDF: _l("PDF"),
    Kind.PPTX: _l("PowerPoint (PPTX)"),
    Kind.DOCX: _l("Word (DOCX)"),
    Kind.ODP: _l("OpenDocument presentation (ODP)"),
    Kind.ODT: _l("OpenDocument text (ODT)"),
    Kind.JPEG: _l("JPEG image"),
    Kind.PNG: _l("PNG image"),
    Kind.WEBP: _l("WebP image"),
}
DOCUMENT_KINDS = frozenset({Kind.PDF, Kind.PPTX, Kind.ODP, Kind.DOCX, Kind.ODT})
IMAGE_KINDS = frozenset({Kind.JPEG, Kind.PNG, Kind.WEBP})

#: The main part's content type in an OOXML package's ``[Content_Types].xml``.
_OOXML_MAIN = {
    Kind.PPTX: (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
        "ppt/presentation.xml",
    ),
    Kind.DOCX: (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "word/document.xml",
    ),
}
_ODF = {
    b"application/vnd.oasis.opendocument.presentation": Kind.ODP,
    b"application/vnd.oasis.opendocument.text": Kind.ODT,
}


def _as_seekable(data: bytes | BinaryIO) -> tuple[BinaryIO, int]:
    if isinstance(data, bytes | bytearray | memoryview):
        return io.BytesIO(bytes(data)), 0
    return data, data.tell()


def detect_kind(data: bytes | BinaryIO) -> Kind | None:
    """The :class:`Kind` of the content, or None when it is not one we accept.

    ``data`` is the file's bytes or a seekable binary stream (its position is restored).
    Plain formats need only the first bytes; zip-based formats (PPTX, DOCX, ODP, ODT) need
    the whole file because the zip directory is at its end.
    """
    stream, start = _as_seekable(data)
    try:
        stream.seek(start)
        head = stream.read(64)
        if not head:
            return None
        if head.startswith(b"%PDF-"):
            return Kind.PDF
        if head.startswith(b"\xff\xd8\xff"):
            return Kind.JPEG
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return Kind.PNG
        if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            return Kind.WEBP
        if head.startswith(b"PK\x03\x04"):
            stream.seek(start)
            return _detect_zip(stream, head)
        return None
    finally:
        stream.seek(start)


def _detect_zip(stream: BinaryIO, head: bytes) -> Kind | None:
    # ODF: the first local entry must be an uncompressed "mimetype" naming the type.
    if head[30:38] == b"mimetype":
        try:
            with zipfile.ZipFile(stream) as zf:
                first = zf.infolist()[0]
                if first.filename == "mimetype" and first.file_size <= 200:
                    kind = _ODF.get(zf.read(first).strip())
                    if kind is not None and "content.xml" in zf.namelist():
                        return kind
        except (zipfile.BadZipFile, OSError, KeyError, IndexError, RuntimeError, NotImplementedError):
            return None
        return None
    try:
        with zipfile.ZipFile(stream) as zf:
            names = set(zf.namelist())
            if "[Content_Types].xml" not in names:
                return None
            info = zf.getinfo("[Content_Types].xml")
            if info.file_size > _MAX_META_BYTES:
                return None
            types = zf.read(info).decode("utf-8", "replace")
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError, ValueError):
        return None
    for kind, (content_type, part) in _OOXML_MAIN.items():
        # The exact content type ("…main+xml") excludes macro-enabled files (pptm/docm).
        if re.search(r'ContentType\s*=\s*"' + re.escape(content_type) + '"', types) and part in names:
            return kind
    return None


# --- file names -----------------------------------------------------------------------------

_UNSAFE_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


def sanitise_filename(name: str | None, kind: Kind | None = None, *, default: str = "file") -> str:
    """A display name safe for pages and ``Content-Disposition``.

    Drops any directory part (``../../etc/passwd.pdf`` → ``passwd.pdf``), control and
    format characters, reserved characters and leading dots; keeps letters of any script;
    limits the length; and makes the extension match the detected ``kind``.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = _UNSAFE_CHARS.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip(" ._")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if kind is not None:
        allowed = {kind.extension, kind.value} | ({"jpeg", "jpg"} if kind is Kind.JPEG else set())
        if ext.lower() not in allowed:
            stem = name if ext.lower() not in _ALL_EXTENSIONS else stem
            ext = kind.extension
    stem = stem.strip(" ._")[:100] or default
    return f"{stem}.{ext.lower()[:10]}" if ext else stem


_ALL_EXTENSIONS = (
    {k.extension for k in Kind}
    | {k.value for k in Kind}
    | {"html", "htm", "svg", "exe", "js", "php", "jpg", "jpeg", "ppt", "doc", "key", "txt"}
)


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """``attachment; filename="ascii"; filename*=UTF-8''…`` (RFC 6266 / 5987)."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    ascii_name = re.sub(r"[^A-Za-z0-9 ._()-]", "_", ascii_name).strip() or "download"
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def human_size(size: int | None) -> str:
    if size is None:
        return ""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover


# --- validation -----------------------------------------------------------------------------


class UploadRefused(DomainError):
    """The file was refused (type, size, emptiness); the message says why."""

    status = 422
    code = "upload_refused"


class UploadTooLarge(UploadRefused):
    status = 413
    code = "too_large"


@dataclass
class ValidatedUpload:
    kind: Kind
    #: Sanitised display name, with an extension matching ``kind``.
    filename: str
    size: int
    sha256: str
    #: The content, positioned at 0 (a spooled temporary file; close it when done).
    stream: IO[bytes]

    @property
    def mimetype(self) -> str:
        return self.kind.mimetype


def kinds_label(kinds: set[Kind] | frozenset[Kind]) -> str:
    """``PDF, PPTX, ODP, DOCX or ODT``: the accepted types, for hints and messages."""
    order = [Kind.PDF, Kind.PPTX, Kind.ODP, Kind.DOCX, Kind.ODT, Kind.JPEG, Kind.PNG, Kind.WEBP]
    names = [k.extension.upper() if k is not Kind.JPEG else "JPEG" for k in order if k in kinds]
    if len(names) < 2:
        return "".join(names)
    return _("%(list)s or %(last)s", list=", ".join(names[:-1]), last=names[-1])


def validate_upload(
    file_storage, allowed: set[Kind] | frozenset[Kind], max_bytes: int, *, field: str | None = "file"
) -> ValidatedUpload:
    """Read a Werkzeug ``FileStorage`` within ``max_bytes`` and check its type by content.

    Raises :class:`UploadTooLarge` or :class:`UploadRefused` (DomainErrors for ``field``).
    """
    if file_storage is None or not getattr(file_storage, "filename", None):
        raise UploadRefused(_("Please choose a file."), field=field)
    source = file_storage.stream
    spool = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)
    digest = hashlib.sha256()
    size = 0
    try:
        while True:
            chunk = source.read(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise UploadTooLarge(
                    _("The file is larger than the %(mb)s MB limit.", mb=_format_mb(max_bytes)), field=field
                )
            digest.update(chunk)
            spool.write(chunk)
        if size == 0:
            raise UploadRefused(_("The file is empty."), field=field)
        spool.seek(0)
        kind = detect_kind(spool)
        if kind is None or kind not in allowed:
            raise UploadRefused(
                _(
                    "This file type is not accepted. Accepted: %(kinds)s (checked from the content, "
                    "not the name).",
                    kinds=kinds_label(allowed),
                ),
                field=field,
            )
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return ValidatedUpload(
        kind=kind,
        filename=sanitise_filename(file_storage.filename, kind),
        size=size,
        sha256=digest.hexdigest(),
        stream=spool,
    )


def _format_mb(max_bytes: int) -> str:
    mb = max_bytes / (1024 * 1024)
    return str(int(mb)) if mb == int(mb) else f"{mb:.1f}"


# --- images ---------------------------------------------------------------------------------


def process_image(stream: BinaryIO, *, max_px: int = 800, field: str | None = "photo") -> tuple[bytes, Kind]:
    """Verify, auto-rotate, shrink to ``max_px`` and re-encode without any metadata.

    EXIF (GPS position, camera serial…), XMP, ICC and comments are dropped because the
    pixels are copied into a fresh image. JPEG stays JPEG, WebP stays WebP, PNG stays PNG.
    """
    bad = UploadRefused(
        _("This image could not be read. Please upload a JPEG, PNG or WebP photo."), field=field
    )
    start = stream.tell()
    try:
        with Image.open(stream) as probe:
            fmt = probe.format
            if probe.width * probe.height > MAX_IMAGE_PIXELS:
                raise UploadRefused(_("This image is too large (in pixels)."), field=field)
            probe.verify()
        stream.seek(start)
        with Image.open(stream) as opened:
            opened.load()
            im = ImageOps.exif_transpose(opened)
            kind = {"JPEG": Kind.JPEG, "PNG": Kind.PNG, "WEBP": Kind.WEBP}.get(fmt or "")
            if kind is None:
                raise bad
            if kind is Kind.JPEG:
                im = im.convert("RGB")
            elif im.mode not in ("RGB", "RGBA", "L", "LA"):
                im = im.convert("RGBA" if "A" in im.getbands() or "transparency" in im.info else "RGB")
            im.thumbnail((max_px, max_px), Image.Resampling.LANCZOS)
            clean = Image.new(im.mode, im.size)
            clean.paste(im)
    except UploadRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise bad from exc
    out = io.BytesIO()
    if kind is Kind.JPEG:
        clean.save(out, "JPEG", quality=85, optimize=True)
    elif kind is Kind.WEBP:
        clean.save(out, "WEBP", quality=85)
    else:
        clean.save(out, "PNG", optimize=True)
    return out.getvalue(), kind


def store_image(file_storage, *, prefix: str, max_bytes: int, max_px: int, field: str) -> str:
    """Check an uploaded image by content (JPEG/PNG/WebP), resize it, re-encode it without
    metadata (EXIF, GPS) and store it. Returns the storage key."""
    upload = validate_upload(file_storage, IMAGE_KINDS, max_bytes, field=field)
    try:
        data, kind = process_image(upload.stream, max_px=max_px, field=field)
    finally:
        upload.stream.close()
    return get_storage().save(io.BytesIO(data), prefix=prefix, suffix=kind.extension)


def swap_image(obj, attr: str, file_storage, **store_kwargs) -> tuple[str, bool]:
    """Store a new image (see :func:`store_image`) as ``obj.<attr>`` and delete the old file.

    Returns the new key and whether there was an image before (for the audit entry)."""
    key = store_image(file_storage, **store_kwargs)
    old = getattr(obj, attr)
    setattr(obj, attr, key)
    delete_quietly(old)
    return key, bool(old)


def clear_image(obj, attr: str) -> bool:
    """Delete ``obj.<attr>``'s image, if any. Returns whether there was one."""
    key = getattr(obj, attr)
    if not key:
        return False
    delete_quietly(key)
    setattr(obj, attr, None)
    return True
