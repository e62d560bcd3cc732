"""Hourly clean-up of short-lived state: buttons, dialogues, update ids, sent messages, answers."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.runtime import BotContext
from bot.storage import interaction, meetings, outbox

log = logging.getLogger(__name__)

JOB_NAME = "housekeeping"
INTERVAL = timedelta(hours=1)
KEEP_UPDATE_IDS = timedelta(days=2)
KEEP_IDLE_DIALOGS = timedelta(days=7)
KEEP_FINISHED_OUTBOX = timedelta(days=30)
KEEP_ANSWERS = timedelta(days=30)


async def housekeeping(context: BotContext) -> None:
    """Delete what is no longer needed; one transaction."""
    services = context.services
    now = services.clock.now()
    async with services.db.transaction() as session:
        counts = {
            "buttons": await interaction.purge_buttons(session, now=now),
            "dialogs": await interaction.purge_dialogs(
                session, older_than=now - KEEP_IDLE_DIALOGS
            ),
            "update_ids": await interaction.purge_processed(
                session, older_than=now - KEEP_UPDATE_IDS
            ),
            "outbox": await outbox.purge_finished(session, older_than=now - KEEP_FINISHED_OUTBOX),
            "answers": await meetings.purge_answers(session, ended_before=now - KEEP_ANSWERS),
        }
    log.info("housekeeping removed %s", counts)
