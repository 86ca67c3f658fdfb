"""Render PDF parts on every core and join them: the badge batch's process pool.

WeasyPrint lays out one document on one core, and its font configuration is not meant for
threads, so a large batch is split into chunks (HTML strings built in the parent, which holds
the database session and the locale) and each chunk is laid out in a worker process with its
own font configuration. The parts are joined in order with pypdf. ``progress(n)`` is called in
the parent as each chunk finishes, so the count is exact however the processes interleave.

Memory stays bounded: each process holds one chunk's layout at a time, and the parent keeps
only the finished PDF parts (kilobytes per badge).
"""

from __future__ import annotations

import io
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed

from pypdf import PdfWriter


def default_processes() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def join_pdfs(parts: list[bytes]) -> bytes:
    """One PDF with the pages of ``parts`` in order."""
    if len(parts) == 1:
        return parts[0]
    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def render_parallel(
    render_one: Callable[[str, str], bytes],
    chunks: list[tuple[str, int]],
    layout: str,
    *,
    progress: Callable[[int], None] | None = None,
    processes: int | None = None,
) -> bytes:
    """``render_one(html, layout)`` for each ``(html, count)`` chunk, on up to ``processes``
    processes, joined in order. ``count`` is what the chunk adds to the progress."""
    processes = min(processes or default_processes(), len(chunks))
    if processes <= 1:
        parts = []
        for html_text, count in chunks:
            parts.append(render_one(html_text, layout))
            if progress is not None:
                progress(count)
        return join_pdfs(parts)
    # fork: the children need no import time and touch no database connection or thread state
    # of the parent (they only lay out HTML strings); one chunk each at a time.
    context = multiprocessing.get_context("fork")
    parts: list[bytes | None] = [None] * len(chunks)
    with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
        futures = {pool.submit(render_one, html_text, layout): i for i, (html_text, _n) in enumerate(chunks)}
        try:
            for future in as_completed(futures):
                index = futures[future]
                parts[index] = future.result()
                if progress is not None:
                    progress(chunks[index][1])
        except BaseException:
            # a chunk failed, or the job worker is stopping (SIGTERM, grace over): render no
            # more chunks; leaving the block then waits only for those already running.
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return join_pdfs([p for p in parts if p is not None])
