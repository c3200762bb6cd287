"""Webhooks: partners' subscriptions, the outbox of deliveries, and the dispatcher."""
