"""The map of offers (Ressourcenkarte): search, field rules and the CSV format, without Telegram.

:mod:`bot.offers.search` folds and ranks, :mod:`bot.offers.fields` checks one value,
:mod:`bot.offers.csvfile` reads and writes the catalogue as CSV, :mod:`bot.offers.cli` is
``python -m bot offers import|export``; storage is :mod:`bot.storage.offers` and the chat side
:mod:`bot.handlers.offers`.
"""
