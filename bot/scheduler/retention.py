"""Daily retention job: the free text of closed case topics expires.

``BOT_TOPIC_RETENTION_DAYS`` (default 30) days after a topic was closed (discussed, withdrawn
or dropped) its free-text columns are set to NULL by :func:`bot.storage.topics.purge_text`;
code, dates, kind of help, urgency and outcome category stay for statistics. Each deletion is
written to the audit log in the same transaction (object id only, never content), so either
both happen or neither.

The job runs every day at 03:30 in the bot's zone (``BOT_TIMEZONE``): a wall-clock time that
exists exactly once on every day, also on the two days a year the clocks change (those skip or
repeat 02:00–03:00). :func:`bot.app.start_application` also runs it once at start, which
catches up a night the bot was down; a second run finds nothing more to delete.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from typing import Final

from telegram.ext import JobQueue

from bot.runtime import BotContext, Services
from bot.storage import audit, topics

log = logging.getLogger(__name__)

JOB_NAME: Final = "retention"
RUN_AT: Final = time(3, 30)
"""Wall-clock time of the daily run, in the bot's zone."""
ACTION: Final = "topic.text_deleted"


async def run_retention(context: BotContext) -> None:
    """The daily job (JobQueue callback)."""
    await purge_expired(context.services)


def schedule(job_queue: JobQueue[BotContext], services: Services) -> None:
    """Put the daily job on the queue, replacing one of the same name (a restart runs one)."""
    for job in job_queue.get_jobs_by_name(JOB_NAME):
        job.schedule_removal()
    job_queue.run_daily(
        run_retention, time=RUN_AT.replace(tzinfo=services.settings.tz), name=JOB_NAME
    )


async def purge_expired(services: Services, *, now: datetime | None = None) -> list[int]:
    """Delete the text of topics closed more than the retention period ago; their ids.

    One transaction: the text goes and one ``topic.text_deleted`` audit entry per topic is
    written (actor NULL: the system, as elsewhere in the audit log). Only the count is logged.
    """
    now = now or services.clock.now()
    days = services.settings.bot_topic_retention_days
    async with services.db.transaction() as session:
        ids = await topics.purge_text(session, closed_before=now - timedelta(days=days), now=now)
        for topic_id in ids:
            await audit.record(
                session,
                at=now,
                actor_id=None,
                action=ACTION,
                object_type="case_topic",
                object_id=topic_id,
                details={"retention_days": days},
            )
    log.info("retention deleted the text of %d case topics", len(ids))
    return ids
