"""Messaging: transactional outbox, relay, inbox-backed consumers and the two buses (Kafka, in-process)."""
