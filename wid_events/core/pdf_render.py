"""HTML to PDF with WeasyPrint, light enough for a pool process: no Flask app, no database.

A process renders with one shared :class:`Renderer`: one ``FontConfiguration`` and each
stylesheet parsed once (keyed by its text). WeasyPrint's font configuration is not meant for
concurrent use, so renders are serialised per process (:func:`shared_renderer`); a forked
process gets a lock and a renderer of its own.

QR codes are vector graphics drawn straight into the page's content stream: an element with a
``data-qr`` attribute (an empty block with a fixed size) gets the QR code of that value over its
content box, as filled rectangles (horizontal runs of dark modules, merged with the identical
runs of the rows below), after layout. As an SVG image each code cost WeasyPrint ~350 parsed
path points and a third of a badge's layout time; as rectangles it costs a few dozen ``re``
operators. The 4-module quiet zone is inside the box, as it was in the SVG.

This module is what :mod:`wid_events.exports.pdf_pool` preloads in its forkserver, so it must
stay cheap to import: WeasyPrint, zxing-cpp and the standard library only.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import gc
import os
import threading
from collections.abc import Iterator

import zxingcpp
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

#: The attribute of a QR code's placeholder element; its value is what the code holds.
QR_ATTRIBUTE = "data-qr"
#: Quiet zone around the code, in modules (the QR specification's minimum).
QR_BORDER = 4
#: CSS pixels to PDF points (WeasyPrint's page streams are in points, y pointing down).
_PX_TO_PT = 0.75


def qr_matrix(code: str) -> tuple[bytes, ...]:
    """The code's modules, a row each (1 = dark), without quiet zone. Error correction M: scans
    reliably from print; the mask is chosen by the specification's penalty rules. zxing-cpp
    encodes in C++: 0.1 ms a code here, where segno (pure Python) took 1.5 ms, a fifth of a
    badge batch's CPU, mostly choosing the mask."""
    symbol = zxingcpp.create_barcode(code, zxingcpp.BarcodeFormat.QRCode, options="ecLevel=M")
    image = symbol.to_image(scale=1, add_quiet_zones=False)
    size = image.shape[1]
    modules = bytes(memoryview(image)).translate(_DARK)
    return tuple(modules[i : i + size] for i in range(0, len(modules), size))


#: ``bytes.translate`` table: an image's black pixel (0) is a dark module (1), any other is light.
_DARK = bytes([1] + [0] * 255)


def qr_rectangles(matrix) -> list[tuple[int, int, int, int]]:
    """``(x, y, width, height)`` in modules covering exactly the dark modules: each row's runs,
    a run merged with the identical run in the rows below."""
    done: list[tuple[int, int, int, int]] = []
    open_runs: dict[tuple[int, int], int] = {}  # (x, width) -> first row
    for y, row in enumerate(matrix):
        runs, x, size = set(), 0, len(row)
        while x < size:
            if row[x] & 1:
                start = x
                while x < size and row[x] & 1:
                    x += 1
                runs.add((start, x - start))
            x += 1
        for run in [r for r in open_runs if r not in runs]:
            top = open_runs.pop(run)
            done.append((run[0], top, run[1], y - top))
        for run in runs:
            open_runs.setdefault(run, y)
    height = len(matrix)
    done += [(x, top, width, height - top) for (x, width), top in open_runs.items()]
    return done


def qr_operators(code: str, x: float, y: float, size: float) -> bytes:
    """PDF operators filling the code's dark modules in the square at ``(x, y)`` (points, y
    down, as in WeasyPrint's page streams) of side ``size``, quiet zone included."""
    matrix = qr_matrix(code)
    module = size / (len(matrix) + 2 * QR_BORDER)
    ox, oy = x + QR_BORDER * module, y + QR_BORDER * module
    # One module = one unit: integer rectangles, scaled and moved by the matrix.
    rects = " ".join(f"{rx} {ry} {w} {h} re" for rx, ry, w, h in qr_rectangles(matrix))
    return f"q {module:.4f} 0 0 {module:.4f} {ox:.3f} {oy:.3f} cm 0 0 0 rg {rects} f Q".encode()


def _qr_boxes(page) -> Iterator:
    # Page._page_box is WeasyPrint's laid-out box tree (the finisher gets no public equivalent).
    # Absolutely positioned boxes hang under placeholders. An element's principal box comes
    # first; anonymous or pseudo-element boxes share its element.
    seen = set()
    for box in page._page_box.descendants(placeholders=True):
        element = getattr(box, "element", None)
        if element is not None and element.get(QR_ATTRIBUTE) and id(element) not in seen:
            seen.add(id(element))
            yield box


def draw_qr_codes(document, pdf) -> None:
    """``write_pdf`` finisher: draw every ``data-qr`` element's code on its page's stream."""
    kids = pdf.pages["Kids"]
    for page, number in zip(document.pages, kids[::3], strict=True):
        operators = [
            qr_operators(
                box.element.get(QR_ATTRIBUTE),
                box.content_box_x() * _PX_TO_PT,
                box.content_box_y() * _PX_TO_PT,
                min(box.width, box.height) * _PX_TO_PT,
            )
            for box in _qr_boxes(page)
        ]
        if operators:
            stream = pdf.objects[int(pdf.objects[number]["Contents"].split()[0])]
            stream.stream.extend(operators)


class Renderer:
    """One font configuration for every render of this process; stylesheets parsed once."""

    def __init__(self) -> None:
        self.fonts = FontConfiguration()
        self._css: dict[str, CSS] = {}

    def stylesheet(self, css_text: str) -> CSS:
        if css_text not in self._css:
            self._css[css_text] = CSS(string=css_text, font_config=self.fonts)
        return self._css[css_text]

    def document(self, html_text: str, css_text: str):
        return HTML(string=html_text).render(stylesheets=[self.stylesheet(css_text)], font_config=self.fonts)

    def write_pdf(self, html_text: str, css_text: str, target=None) -> bytes | None:
        """The PDF (or None when written to ``target``), QR codes drawn."""
        return self.document(html_text, css_text).write_pdf(target, finisher=draw_qr_codes)


#: WeasyPrint's shared font configuration is not meant for concurrent use: one render at a time.
RENDER_LOCK = threading.RLock()


@functools.cache
def _get_renderer() -> Renderer:
    return Renderer()


def _fresh_after_fork() -> None:
    """In a forked process: a lock no thread holds and a renderer of its own."""
    global RENDER_LOCK  # noqa: PLW0603 - reset once in the new process
    RENDER_LOCK = threading.RLock()
    _get_renderer.cache_clear()


os.register_at_fork(after_in_child=_fresh_after_fork)


def _release_before_exit() -> None:
    """Free the renderer while the interpreter is whole. Left to the interpreter's last
    garbage collection, its Pango font map was unreferenced after parts it relies on were gone,
    and a process that had rendered (``flask badges render`` of a one-chunk batch) died with
    SIGSEGV, exit status 139, after writing its file."""
    _get_renderer.cache_clear()
    gc.collect()


atexit.register(_release_before_exit)


@contextlib.contextmanager
def shared_renderer() -> Iterator[Renderer]:
    """This process's renderer, held for one render."""
    with RENDER_LOCK:
        yield _get_renderer()


def render(html_text: str, css_text: str) -> bytes:
    """One PDF, in this process."""
    with shared_renderer() as renderer:
        return renderer.write_pdf(html_text, css_text)


def render_to_file(html_text: str, css_text: str, path: str) -> str:
    """The pool's task: one part's PDF written to ``path`` (nothing big goes back through the pipe)."""
    with shared_renderer() as renderer:
        renderer.write_pdf(html_text, css_text, path)
    return path
