"""The composition root: builds the Application from Settings and wires every handler.

Handler registration happens here, in one visible place. Group -1 is the gate (actor loaded
from the database, strangers stopped); group 0 holds the features, then the fallbacks, in
this order because the first matching handler of a group wins.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    ApplicationBuilder,
    BaseHandler,
    CallbackQueryHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import privacy
from bot.clock import Clock, SystemClock
from bot.commands import publish_commands
from bot.config import Settings
from bot.crypto import Vault
from bot.handlers import (
    account,
    agenda,
    approvals,
    budget,
    consultation_changes,
    consultations,
    errors,
    gate,
    groups,
    ideas,
    invites,
    minutes,
    network_meeting,
    offers,
    onboarding,
    rsvp,
    spending,
    team,
    topics,
)
from bot.handlers.gate import ButtonAction, DialogStep
from bot.runtime import BotContext, Services, SozialraumApplication
from bot.scheduler import housekeeping, reminders, retention
from bot.scheduler import minutes as minutes_job
from bot.scheduler.outbox import OutboxSender
from bot.storage.db import Database

log = logging.getLogger(__name__)

#: The kinds of update the bot asks Telegram for (edited messages are ignored on purpose:
#: an edited command must not run twice).
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]

FEATURES: list[Any] = [
    onboarding,
    invites,
    team,
    groups,
    consultations,
    consultation_changes,
    rsvp,
    topics,
    agenda,
    minutes,
    ideas,
    network_meeting,
    offers,
    spending,
    approvals,
    budget,
    account,
]


def _collect_buttons() -> dict[str, ButtonAction]:
    actions: dict[str, ButtonAction] = {}
    for feature in FEATURES:
        for name, action in getattr(feature, "BUTTONS", {}).items():
            if name in actions:
                raise ValueError(f"button action {name} registered twice")
            actions[name] = action
    return actions


def _collect_dialogs() -> dict[str, DialogStep]:
    steps: dict[str, DialogStep] = {}
    for feature in FEATURES:
        steps.update(getattr(feature, "DIALOGS", {}))
    return steps


def register_handlers(application: SozialraumApplication) -> None:
    """Register every handler, in the order that matters."""
    application.add_handler(TypeHandler(Update, gate.gate), group=-1)
    feature_handlers: list[BaseHandler[Any, Any, Any]] = []
    for feature in FEATURES:
        feature_handlers.extend(feature.handlers())
    private = filters.ChatType.PRIVATE
    fallbacks: list[BaseHandler[Any, Any, Any]] = [
        CallbackQueryHandler(gate.button_router(_collect_buttons())),
        MessageHandler(filters.COMMAND & private, gate.unknown_command),
        MessageHandler(filters.TEXT & private, gate.dialog_router(_collect_dialogs())),
        MessageHandler(
            private & ~filters.TEXT & ~filters.StatusUpdate.ALL, gate.non_text_in_private
        ),
    ]
    application.add_handlers(feature_handlers + fallbacks, group=0)
    application.add_error_handler(errors.on_error)


def build_application(
    settings: Settings, *, clock: Clock | None = None, db: Database | None = None
) -> SozialraumApplication:
    """Build the bot; nothing talks to Telegram or the database until it is started."""
    services = Services(
        settings=settings,
        db=db or Database(settings.database_url),
        clock=clock or SystemClock(),
        vault=Vault.from_setting(settings.bot_encryption_key),
    )
    application = (
        ApplicationBuilder()
        .application_class(SozialraumApplication)
        .token(settings.telegram_bot_token)
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_base_file_url)
        .updater(None)
        .context_types(ContextTypes(context=BotContext))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                tzinfo=settings.tz,
            )
        )
        .concurrent_updates(False)
        .build()
    )
    assert isinstance(application, SozialraumApplication)
    application.bot_data["services"] = services
    services.outbox = OutboxSender(db=services.db, bot=application.bot, clock=services.clock)
    register_handlers(application)
    return application


def services_of(application: SozialraumApplication) -> Services:
    """The services object of a built application."""
    services: Services = application.bot_data["services"]
    return services


async def start_application(
    application: SozialraumApplication, *, run_outbox: bool = True
) -> None:
    """Connect to Telegram (``getMe``), publish the menus, start jobs and the outbox sender.

    Reminders due during downtime are handled before this returns (see
    :mod:`bot.scheduler.reminders`), and so is topic text past its retention period (see
    :mod:`bot.scheduler.retention`).
    """
    services = services_of(application)
    # The privacy gate's name lists (about 0.6 s, once per process): loaded now rather than
    # on the first case topic, which would otherwise wait for them.
    privacy.preload()
    await application.initialize()
    services.bot_username = application.bot.username
    await publish_commands(application.bot, services.settings.bot_language)
    await application.start()
    if application.job_queue is not None:
        application.job_queue.run_repeating(
            housekeeping.housekeeping,
            interval=housekeeping.INTERVAL,
            first=60,
            name=housekeeping.JOB_NAME,
        )
    assert services.outbox is not None
    if run_outbox:
        await services.outbox.start()
    else:
        await services.outbox.recover()
    # Catch up on reminders that fell into downtime, then check every minute (replacing a job
    # of the same name, so a second start never runs two).
    await reminders.send_due_reminders(services)
    if application.job_queue is not None:
        reminders.schedule(application.job_queue)
    # Meetings that ended: coordinators asked for the results once, open minutes closed.
    await minutes_job.ask_and_close(services)
    if application.job_queue is not None:
        minutes_job.schedule(application.job_queue)
    # Topic text past its retention period: deleted now (a night of downtime is caught up),
    # then every day at 03:30 in the bot's zone.
    await retention.purge_expired(services)
    if application.job_queue is not None:
        retention.schedule(application.job_queue, services)


async def stop_application(application: SozialraumApplication) -> None:
    """Stop in reverse order and close the database."""
    services = services_of(application)
    if services.outbox is not None:
        await services.outbox.stop()
    if application.running:
        await application.stop()
    await application.shutdown()
    await services.db.dispose()
