"""The tracking hub: idempotent, out-of-order ingest of events, timelines, statuses and ETAs.

Every entry point (HTTP, CLI import, simulator) calls :func:`service.ingest`.
"""
