"""SVG logos through a safe subset: an allowlist of drawing elements and attributes,
references only inside the document, no script. A logo with script (``<script>``, an
``on…`` handler or a ``javascript:`` link) is refused with a clear message rather than
silently changed, so the organiser knows what they uploaded was unsafe.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from lxml import etree

from wid_events.uploads import UploadRefused

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

ELEMENTS = frozenset(
    {
        "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text",
        "tspan", "defs", "linearGradient", "radialGradient", "stop", "clipPath", "mask", "title",
        "desc", "use", "symbol", "pattern",
    }
)  # fmt: skip
ATTRIBUTES = frozenset(
    {
        "id", "class", "d", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "width",
        "height", "points", "viewBox", "preserveAspectRatio", "transform", "fill", "fill-opacity",
        "fill-rule", "clip-rule", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin",
        "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset", "stroke-opacity", "opacity",
        "offset", "stop-color", "stop-opacity", "gradientUnits", "gradientTransform", "spreadMethod",
        "fx", "fy", "clip-path", "mask", "font-family", "font-size", "font-weight", "font-style",
        "text-anchor", "dominant-baseline", "letter-spacing", "dx", "dy", "href", "style", "version",
        "patternUnits", "patternTransform", "clipPathUnits", "maskUnits", "color", "visibility",
        "display", "role", "aria-label", "lang",
    }
)  # fmt: skip
_URL = re.compile(r"url\(\s*['\"]?\s*([^)'\"\s]*)", re.I)


def _refuse_script() -> UploadRefused:
    return UploadRefused(
        _(
            "This SVG logo contains a script (a script element, an event handler or a javascript: "
            "link). Logos may not run code: export it again without scripts, or upload a PNG."
        ),
        field="logo",
        code="svg_script",
    )


def _unreadable() -> UploadRefused:
    return UploadRefused(_("This SVG file could not be read."), field="logo")


def _safe_value(value: str) -> bool:
    lowered = value.strip().lower()
    if "expression(" in lowered or "@import" in lowered:
        return False
    return all(target.startswith("#") for target in _URL.findall(value))


def _has_script(root) -> bool:
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if etree.QName(el).localname.lower() in ("script", "foreignobject", "handler"):
            return True
        for name, value in el.attrib.items():
            local = etree.QName(name).localname.lower()
            if local.startswith("on") or "javascript:" in value.replace(" ", "").lower():
                return True
    return False


def _clean(el) -> None:
    for child in list(el):
        if not isinstance(child.tag, str):
            el.remove(child)
            continue
        qname = etree.QName(child)
        if qname.namespace != SVG_NS or qname.localname not in ELEMENTS:
            el.remove(child)
            continue
        _clean(child)
    for name in list(el.attrib):
        qname = etree.QName(name)
        value = el.attrib[name]
        keep = qname.localname in ATTRIBUTES and qname.namespace in (None, XLINK_NS)
        if keep and qname.localname == "href":
            keep = value.startswith("#")
        if keep and not _safe_value(value):
            keep = False
        if not keep:
            del el.attrib[name]


def sanitise_svg(data: bytes) -> bytes:
    """The SVG reduced to the safe subset, or :class:`UploadRefused`."""
    if b"<!ENTITY" in data or b"<!entity" in data:
        raise _unreadable()
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True, remove_pis=True
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        raise _unreadable() from None
    if not isinstance(root.tag, str) or root.tag != f"{{{SVG_NS}}}svg":
        raise _unreadable()
    if _has_script(root):
        raise _refuse_script()
    _clean(root)
    etree.cleanup_namespaces(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def looks_like_svg(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    return text.startswith(b"<?xml") or text.startswith(b"<svg") or text.startswith(b"<!--")
