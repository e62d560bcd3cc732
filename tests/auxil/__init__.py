"""Test helpers: a fake Telegram Bot API server and builders for update payloads."""
