"""Benchmarks; run with ``make bench`` (writes docs/performance.md)."""
