"""Outgoing mail: an outbox written in the same transaction as the change it reports, sent later."""
