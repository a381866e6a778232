"""What the suite (tests/) and the benchmarks (bench/) both drive, so neither imports the other.

Raw HTTP on a socket (``http``), the real nginx with the deployment's own config
(``nginx``), and the agreement of our references with citeproc-js (``fidelity``).
Not part of the installed package: nothing here is needed to run a site.
"""
