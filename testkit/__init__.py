"""What tests and benchmarks use to exercise the stack, and the stack never ships (not a package of
the wheel; ``canger_local`` keeps only what runs the stack):

    faults      a fault-injecting HTTP proxy in front of moto_server (``python -m testkit.faults``)
    synthetic   synthetic events and records at volume, for the statistics tests and benchmarks
    calls       counts the AWS calls a piece of code makes
"""
