"""Sozialraum-Bot: coordinates the social-space teams of a German youth office on Telegram."""

__version__ = "0.1.0"
