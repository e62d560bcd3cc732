"""The bot under test inside a fake Telegram: users send messages and press buttons.

Every step goes through the real Application and its real handlers, and every call the bot
makes goes over HTTP to :class:`FakeBotAPI` in Telegram's wire format.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from telegram import Update

from bot.app import services_of
from bot.clock import FrozenClock
from bot.runtime import Services, SozialraumApplication
from bot.storage.db import Database
from tests.auxil.builders import (
    TgChat,
    TgUser,
    callback_update,
    message_dict_from_sent,
    message_update,
    private_chat,
)
from tests.auxil.fake_bot_api import FakeBotAPI, SentMessage


class World:
    """One bot, one fake Telegram, one controlled clock."""

    def __init__(
        self, application: SozialraumApplication, fake: FakeBotAPI, clock: FrozenClock
    ) -> None:
        self.app = application
        self.fake = fake
        self.clock = clock

    @property
    def services(self) -> Services:
        """The bot's services."""
        return services_of(self.app)

    @property
    def db(self) -> Database:
        """The bot's database."""
        return self.services.db

    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot as a Telegram user dict."""
        return self.app.bot.bot.to_dict()

    async def feed(self, update: dict[str, Any]) -> list[SentMessage]:
        """Hand one raw update to the bot; return the messages it sent meanwhile."""
        before = {(m.chat_id, m.message_id) for m in self.fake.sent()}
        await self.app.process_update(Update.de_json(update, self.app.bot))
        return [m for m in self.fake.sent() if (m.chat_id, m.message_id) not in before]

    async def send(self, user: TgUser, text: str, chat: TgChat | None = None) -> list[SentMessage]:
        """``user`` writes ``text`` (in private unless ``chat`` is given)."""
        return await self.feed(message_update(user, chat or private_chat(user), text))

    async def reply_text(self, user: TgUser, text: str, chat: TgChat | None = None) -> str:
        """The text of the bot's single answer to a message."""
        sent = await self.send(user, text, chat)
        assert len(sent) == 1, [m.text for m in sent]
        assert sent[0].text is not None
        return sent[0].text

    async def press(
        self, user: TgUser, message: SentMessage, button_text: str
    ) -> list[SentMessage]:
        """``user`` presses a button of ``message``; returns new messages."""
        data = message.button(button_text)["callback_data"]
        return await self.press_data(user, message, data)

    async def press_data(self, user: TgUser, message: SentMessage, data: str) -> list[SentMessage]:
        """Press with arbitrary ``callback_data`` (for forged or stale buttons)."""
        raw = message_dict_from_sent(message, self.bot_user)
        return await self.feed(callback_update(user, raw, data))

    def current(self, message: SentMessage) -> SentMessage:
        """The message as it is now (after edits)."""
        return self.fake.message(message.chat_id, message.message_id)

    def last_callback_answer(self) -> dict[str, Any]:
        """Parameters of the most recent ``answerCallbackQuery``."""
        calls = self.fake.calls_to("answerCallbackQuery")
        assert calls, "no callback was answered"
        return calls[-1].params

    async def deliver_outbox(self) -> list[SentMessage]:
        """Let the outbox sender send what is due; returns what it sent."""
        before = {(m.chat_id, m.message_id) for m in self.fake.sent()}
        assert self.services.outbox is not None
        await self.services.outbox.drain()
        return [m for m in self.fake.sent() if (m.chat_id, m.message_id) not in before]

    async def count(self, table: str, where: str = "1=1") -> int:
        """Rows in a table (test-side check straight on the database)."""
        async with self.db.engine.connect() as connection:
            result = await connection.execute(text(f"SELECT COUNT(*) FROM {table} WHERE {where}"))
            return int(result.scalar_one())
