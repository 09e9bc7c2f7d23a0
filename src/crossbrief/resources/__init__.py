"""Heavy models (sentence encoders, spaCy), loaded lazily behind small interfaces.

Before any of them loads torch (spaCy's thinc imports it too), OpenMP's worker threads are told to
sleep between torch's operations rather than spin (`OMP_WAIT_POLICY=PASSIVE`, unless the
environment already says otherwise; OpenMP reads it once, when torch is loaded). A brief runs
MiniLM's forward pass in one thread while another parses with spaCy (see
`Pipeline._prepare_meanwhile`), and a spinning worker takes the core the parser needs: the cold
brief of the five sample articles took 9.4 s of CPU with spinning workers against 6.3 s with
sleeping ones, for the same output (docs/benchmarks.md, issue 11).
"""

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
