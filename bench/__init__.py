"""Insikt's benchmarks: ``python -m bench`` (``make bench``), ``--full`` for the full profile.

Benchmarks are not tests: they print figures beside their targets and write JSON to
``bench/results/``; nothing here fails because something was slow.
"""
