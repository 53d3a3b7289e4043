"""The benchmark suite of issue 13: synthetic data at national size on PostgreSQL (``build``) and
measurements of the real stack against it (``run``). Timings live here, never in unit tests."""
