"""Benchmarks and load-test helpers (``python -m bench.generate_event``)."""
