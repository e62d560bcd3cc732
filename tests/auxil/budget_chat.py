"""Helpers for the Telegram side of the budget: a request typed on a phone, figures read back."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from bot.budget import Figures
from bot.money import format_cents
from bot.storage import budget as store
from bot.storage import interaction
from bot.storage.models import AuditEntry, BudgetBooking, Dialog, SpendingRequest
from tests.auxil import people
from tests.auxil.builders import TgUser
from tests.auxil.fake_bot_api import SentMessage
from tests.auxil.world import World

PURPOSE = "Material und Getränke für das Elterncafé im Familienzentrum"


def eur(cents: int) -> str:
    """An amount as the bot shows it in German ("1.250,50 €" with its no-break space)."""
    return format_cents(cents)


def text_of(message: SentMessage) -> str:
    """What a phone shows of a message (markup rendered away)."""
    return message.plain_text or ""


async def to_summary(
    world: World,
    user: TgUser = people.CASEWORKER,
    *,
    pot: str = "Kollegiale Beratung",
    amount: str = "250,50",
    purpose: str = PURPOSE,
) -> SentMessage:
    """Run /ausgabe up to the summary (no idea, no provider, as soon as possible)."""
    sent = await world.send(user, "/ausgabe")
    sent = await world.press(user, sent[-1], pot)
    sent = await world.send(user, amount)
    sent = await world.send(user, purpose)
    if "Idee" in text_of(sent[-1]):
        sent = await world.press(user, sent[-1], "Ohne Idee")
    sent = await world.press(user, sent[-1], "Kein Träger")
    sent = await world.press(user, sent[-1], "So bald wie möglich")
    assert text_of(sent[-1]).startswith("Bitte prüfen:"), text_of(sent[-1])
    return sent[-1]


async def submit(world: World, user: TgUser = people.CASEWORKER, **kwargs: str) -> int:
    """A whole request typed and submitted; returns its number."""
    summary = await to_summary(world, user, **kwargs)
    await world.press(user, summary, "Beantragen")
    shown = text_of(world.current(summary))
    assert shown.startswith("✅ Beantragt"), shown
    found = await requests(world)
    return found[-1].id or 0


async def requests(world: World) -> list[SpendingRequest]:
    """Every stored request, oldest first."""
    async with world.db.transaction() as session:
        query = select(SpendingRequest).order_by(col(SpendingRequest.id))
        return list((await session.exec(query)).all())


async def request(world: World, request_id: int) -> SpendingRequest:
    """One stored request."""
    async with world.db.transaction() as session:
        found = await session.get(SpendingRequest, request_id)
        assert found is not None
        return found


async def figures(world: World, pot_id: int) -> Figures:
    """A pot's figures as stored."""
    async with world.db.transaction() as session:
        pot = await store.get_pot(session, pot_id=pot_id)
        assert pot is not None
        return store.figures_of(pot)


async def booking_count(world: World) -> int:
    """Ledger lines in all pots."""
    async with world.db.transaction() as session:
        return len((await session.exec(select(BudgetBooking))).all())


async def audit_actions(world: World) -> list[str]:
    """The audit log's actions, in order."""
    async with world.db.transaction() as session:
        query = select(AuditEntry.action).order_by(col(AuditEntry.id))
        return list((await session.exec(query)).all())


async def dialog_of(world: World, user: TgUser) -> Dialog | None:
    """The user's running private dialogue."""
    async with world.db.transaction() as session:
        return await interaction.get_dialog(session, telegram_id=user.id, chat_id=user.id)


async def deliver(world: World) -> list[SentMessage]:
    """A few seconds later, the outbox sends what is due (per-chat rate limits have passed)."""
    world.clock.advance(timedelta(seconds=5))
    return await world.deliver_outbox()


def to(messages: list[SentMessage], user: TgUser) -> list[SentMessage]:
    """The messages among ``messages`` that went to ``user``'s private chat."""
    return [message for message in messages if message.chat_id == user.id]
