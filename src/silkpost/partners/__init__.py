"""Partners of the exchange and their API keys: registering, issuing, revoking, checking."""
