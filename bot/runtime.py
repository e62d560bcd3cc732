"""The bot's run-time frame: services, the per-update scope and the application class.

Every update is handled inside one database transaction (the *scope*). The update id is
stored in the same transaction, so a redelivered update is recognised and skipped, and a
handler that fails leaves nothing half-stored: its changes are rolled back.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.clock import Clock
from bot.config import Settings
from bot.crypto import Vault
from bot.storage import interaction
from bot.storage.db import Database

if TYPE_CHECKING:
    from bot.access import Actor
    from bot.scheduler.outbox import OutboxSender

log = logging.getLogger(__name__)


@dataclass
class Services:
    """Long-lived collaborators, created by the composition root."""

    settings: Settings
    db: Database
    clock: Clock
    outbox: OutboxSender | None = None
    vault: Vault | None = None
    """Seals case text at rest; None when ``BOT_ENCRYPTION_KEY`` is empty (topics refused)."""
    bot_username: str = ""
    extras: dict[str, Any] = field(default_factory=dict)


@dataclass
class Scope:
    """What one update works with: its transaction, its time and its actor."""

    session: AsyncSession
    now: datetime
    actor: Actor | None = None
    failed: bool = False
    after_rollback: list[Callable[[AsyncSession], Awaitable[None]]] = field(default_factory=list)


_SCOPE: ContextVar[Scope | None] = ContextVar("sozialraum_scope", default=None)


class _RollbackError(Exception):
    """Raised inside the unit of work to discard a failed update's changes."""


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Callback context with typed access to services and the current scope."""

    @property
    def services(self) -> Services:
        """The long-lived services."""
        services: Services = self.application.bot_data["services"]
        return services

    @property
    def scope(self) -> Scope:
        """The scope of the update being handled."""
        scope = _SCOPE.get()
        if scope is None:
            raise RuntimeError("no update scope: handlers run inside process_update only")
        return scope

    @property
    def session(self) -> AsyncSession:
        """The transaction of the current update."""
        return self.scope.session

    @property
    def now(self) -> datetime:
        """The time the update is handled at (UTC)."""
        return self.scope.now

    @property
    def actor(self) -> Actor:
        """Who sent the update (loaded by the gate handler)."""
        actor = self.scope.actor
        if actor is None:
            raise RuntimeError("no actor: the gate handler did not run")
        return actor

    @property
    def lang(self) -> str:
        """The reader's language: the member's choice, else the configured default."""
        scope = _SCOPE.get()
        if scope is not None and scope.actor is not None and scope.actor.member is not None:
            return scope.actor.member.language
        return self.services.settings.bot_language


def current_scope() -> Scope | None:
    """The scope of the update being handled, if any."""
    return _SCOPE.get()


def mark_failed() -> None:
    """Make the current update roll back (called by the error handler)."""
    scope = _SCOPE.get()
    if scope is not None:
        scope.failed = True


class SozialraumApplication(Application):
    """Application whose updates each run in one transaction and are handled exactly once."""

    async def process_update(self, update: object) -> None:
        """Handle ``update`` in a unit of work; skip it if it was handled before."""
        if not isinstance(update, Update):
            await super().process_update(update)
            return
        services: Services = self.bot_data["services"]
        now = services.clock.now()
        try:
            async with services.db.transaction() as session:
                # Claim the id first: a parallel delivery of the same update (webhook) waits
                # on this row and then finds it taken.
                if not await interaction.claim_update(
                    session, update_id=update.update_id, now=now
                ):
                    log.info("update %s was handled before; skipped", update.update_id)
                    return
                scope = Scope(session=session, now=now)
                token = _SCOPE.set(scope)
                try:
                    await super().process_update(update)
                finally:
                    _SCOPE.reset(token)
                if scope.failed:
                    raise _RollbackError
        except _RollbackError:
            log.warning("update %s failed; its changes were rolled back", update.update_id)
            async with services.db.transaction() as session:
                await interaction.claim_update(session, update_id=update.update_id, now=now)
                for follow_up in scope.after_rollback:
                    await follow_up(session)
        if services.outbox is not None:
            services.outbox.wake()
