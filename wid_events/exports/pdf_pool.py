"""Render PDF parts on every core and join them: the badge batch's process pool.

WeasyPrint lays out one document on one core, and its font configuration is not meant for
threads, so a large batch is split into chunks (HTML strings built in the parent, which holds
the database session and the locale) and each chunk is laid out in a worker process. The parts
are joined in order with pypdf. ``progress(n)`` is called in the parent as each chunk finishes,
so the count is exact however the processes interleave.

Memory: the workers are forked from a *forkserver* that has imported only
:mod:`wid_events.core.pdf_render` (WeasyPrint and zxing-cpp; no Flask app, no database). Forked
from the web or job process instead, each worker started with a copy-on-write share of the
whole app and soon held its own copy of much of it (600 MB for two workers and the parent,
against about 400 MB now). The forkserver is started once per process and reused by every
later batch (:func:`start` starts it early, while the parent still builds the HTML). As with
any forkserver, a worker imports the parent's main *script* (not ``python -m`` modules): the
entry points (gunicorn, ``flask``, rq, pytest) guard their code with ``__name__``. Python 3.11's
forkserver imports from the working directory and ``PYTHONPATH``, not the parent's
``sys.path`` (the app runs from its checkout, as in the Dockerfile): where the preload cannot
be imported, each worker imports :mod:`~wid_events.core.pdf_render` itself, slower but correct.

Each part is written to a temporary file by its worker, so nothing big goes through the pipes
and the parent never holds more than the joined PDF.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from pypdf import PdfWriter

from wid_events.core import pdf_render


def default_processes() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def join_pdfs(paths: list[Path]) -> bytes:
    """One PDF with the pages of the PDF files ``paths``, in order."""
    if len(paths) == 1:
        return paths[0].read_bytes()
    writer = PdfWriter()
    for path in paths:
        writer.append(path)
    with tempfile.TemporaryFile() as out:
        writer.write(out)
        writer.close()
        out.seek(0)
        return out.read()


def _context():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([pdf_render.__name__])
    return context


def start() -> None:
    """Start the forkserver now (it imports WeasyPrint for a second or so) if it is not running."""
    _context()
    multiprocessing.forkserver.ensure_running()


def warm_up() -> None:
    """Ahead of a batch (``flask badges render``, a jobs worker booting): start the forkserver
    when batches here are laid out on more than one process, so WeasyPrint loads meanwhile.
    On one core a batch is laid out in the caller's process: nothing to start."""
    if default_processes() > 1:
        start()


def _pool(processes: int) -> ProcessPoolExecutor:
    context = _context()
    # No max_tasks_per_child: on Python 3.11 it can deadlock the pool (CPython gh-115634).
    return ProcessPoolExecutor(max_workers=processes, mp_context=context)


def render_parallel(
    chunks: Iterable[tuple[str, int]],
    count: int,
    css_text: str,
    *,
    progress: Callable[[int], None] | None = None,
    processes: int | None = None,
) -> bytes:
    """Each of the ``count`` ``(html, n)`` chunks laid out with ``css_text`` on up to ``processes``
    processes (default: the cores), joined in order; ``n`` is what the chunk adds to the progress.
    ``chunks`` may be a generator: the forkserver starts before the first chunk is built."""
    processes = min(processes or default_processes(), count)
    if processes > 1:
        start()
    with tempfile.TemporaryDirectory(prefix="wid-pdf-parts-") as folder:
        paths = []
        if processes <= 1:
            for i, (html_text, n) in enumerate(chunks):
                paths.append(Path(folder) / f"part-{i:05d}.pdf")
                pdf_render.render_to_file(html_text, css_text, str(paths[-1]))
                if progress is not None:
                    progress(n)
            return join_pdfs(paths)
        with _pool(processes) as pool:
            futures = {}
            for i, (html_text, n) in enumerate(chunks):
                paths.append(Path(folder) / f"part-{i:05d}.pdf")
                futures[pool.submit(pdf_render.render_to_file, html_text, css_text, str(paths[-1]))] = n
            try:
                for future in as_completed(futures):
                    future.result()
                    if progress is not None:
                        progress(futures[future])
            except BaseException:
                # a chunk failed, or the job worker is stopping (SIGTERM, grace over): render no
                # more chunks; leaving the block then waits only for those already running.
                pool.shutdown(wait=False, cancel_futures=True)
                raise
        return join_pdfs(paths)
