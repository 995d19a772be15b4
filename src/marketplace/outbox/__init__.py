"""Transactional outbox: events written with the state change, relayed after commit."""
