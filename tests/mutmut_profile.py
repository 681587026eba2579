"""A Hypothesis profile for mutation testing, loaded by mutmut (``-p tests.mutmut_profile``).

mutmut runs the suite several times in one process and then once per mutant in forked
workers, so a test method is met from more than one class instance: Hypothesis's
``differing_executors`` health check would fail every class-based property test. The
profile is derandomised, so that a mutant is killed or not the same way on every run.
Choose it with ``HYPOTHESIS_PROFILE=mutmut`` (tests/conftest.py loads the profile named
there; this plugin registers it before conftest.py runs).
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile(
    "mutmut",
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.differing_executors, HealthCheck.too_slow],
)
