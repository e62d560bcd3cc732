"""Putting repeating jobs on the JobQueue under a fixed name, so a restart never runs two."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.ext import JobQueue

from bot.runtime import BotContext


def replace_repeating(
    job_queue: JobQueue[BotContext],
    callback: Callable[[BotContext], Coroutine[Any, Any, None]],
    *,
    name: str,
    interval: timedelta,
    first: float | None = None,
) -> None:
    """Run ``callback`` every ``interval`` (first after one interval, or ``first`` seconds),
    replacing a job of the same ``name``."""
    for job in job_queue.get_jobs_by_name(name):
        job.schedule_removal()
    job_queue.run_repeating(
        callback,
        interval=interval,
        first=interval.total_seconds() if first is None else first,
        name=name,
    )
