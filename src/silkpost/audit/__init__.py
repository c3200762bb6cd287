"""The audit log: every state-changing call and every failed key use, kept append-only."""
