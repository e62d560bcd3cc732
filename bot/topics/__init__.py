"""Case topics: pseudonymous codes, the agenda of a consultation, outcomes.

Pure rules live here (no Telegram, no database); :mod:`bot.storage.topics` keeps the rows and
:mod:`bot.topics.placement` decides which consultation a topic goes to.
"""

from typing import Final

#: The kinds of help a topic asks about, as stored in ``case_topic.help_kind``.
HELP_KINDS: Final = ("ambulant", "stationaer", "fua", "offen")

#: Outcome categories of a discussed topic, as stored in ``case_topic.outcome``.
OUTCOMES: Final = (
    "ambulant",
    "stationaer",
    "fua",
    "netzwerkidee",
    "keine_hilfe",
    "weitere_beratung",
)
