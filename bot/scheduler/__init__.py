"""Scheduled work: the outbox sender and periodic jobs."""
