"""The corridor simulator: a discrete-event twin (SimPy) that drives the real services.

Simulated scans enter the tracking hub through the same ingest function as partner files.
"""
