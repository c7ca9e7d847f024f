"""vm-tui benchmarks: ``python -m bench`` (or ``make bench``) prints one table of figures.

Every ratio is taken against a baseline measured in the same run, with baseline and subject runs
interleaved and the median of several repetitions kept, because this machine is noisy.
Modules here import nothing at package level: children such as the bare-app baseline must not
pay for vm_tui just because they live in this package.
"""
