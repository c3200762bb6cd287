"""The HTTP API (FastAPI): one router per capability, RFC 9457 problems, OpenAPI at /docs."""
