"""The fake Bot API server and the update builders speak Telegram's real wire format.

Everything here is driven through python-telegram-bot's own ``telegram.Bot`` (httpx, form and
multipart encoding, error mapping) and ``telegram.Update.de_json``, so a passing run proves the
helpers in ``tests/auxil`` are faithful enough for end-to-end tests of the bot.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import html
import json
import random
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
from telegram import Bot as PTBBot
from telegram import (
    BotCommand,
    BotCommandScopeChat,
    CallbackQuery,
    ChatFullInfo,
    ChatMemberAdministrator,
    ChatMemberMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    TelegramObject,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    RetryAfter,
)
from telegram.ext import Application, CommandHandler, ContextTypes
from telegram.helpers import escape_markdown

from tests.auxil import builders
from tests.auxil.builders import TgUser, group_chat, private_chat
from tests.auxil.fake_bot_api import TOKEN, FakeBotAPI, SentMessage, render_text

ALICE = TgUser(id=4242, first_name="Alice", last_name="Müller", username="alice_m")
CHAT = 4242


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    """A running fake server; fails the test if the fake itself raised while serving."""
    with FakeBotAPI() as fake:
        yield fake
        assert fake.server_errors == []


@pytest.fixture
async def tg_bot(api: FakeBotAPI) -> AsyncIterator[PTBBot]:
    """A real, initialized ``telegram.Bot`` talking to the fake server."""
    bot = PTBBot(TOKEN, base_url=api.url + "/bot", base_file_url=api.url + "/file/bot")
    async with bot:
        yield bot


def _unknown_fields(obj: object, path: str = "update") -> list[str]:
    """Return every place where PTB had to park fields it does not know in ``api_kwargs``."""
    found: list[str] = []
    if isinstance(obj, PTBBot):
        return found
    if isinstance(obj, TelegramObject):
        if obj.api_kwargs:
            found.append(f"{path}: {sorted(obj.api_kwargs)}")
        for cls in type(obj).__mro__:
            for slot in getattr(cls, "__slots__", ()):
                if slot in ("api_kwargs", "_bot", "_frozen", "_id_attrs") or slot.startswith("__"):
                    continue
                found += _unknown_fields(getattr(obj, slot, None), f"{path}.{slot}")
    elif isinstance(obj, list | tuple):
        for index, item in enumerate(obj):
            found += _unknown_fields(item, f"{path}[{index}]")
    return found


async def test_get_me_returns_the_configured_bot_user(api: FakeBotAPI, tg_bot: PTBBot) -> None:
    """getMe answers a complete bot User that PTB parses without unknown fields."""
    me = await tg_bot.get_me()
    assert (me.id, me.username, me.first_name, me.is_bot) == (
        123456789,
        "sozialraum_test_bot",
        "Sozialraum-Bot",
        True,
    )
    assert me.can_join_groups is True
    assert _unknown_fields(me) == []
    assert tg_bot.username == "sozialraum_test_bot"
    assert [call.method for call in api.calls] == ["getMe", "getMe"]


async def test_wrong_token_raises_invalid_token(api: FakeBotAPI) -> None:
    """A token other than the server's answers 401, which PTB turns into InvalidToken."""
    other = "987654321:AAHsomeOtherTokenThatIsNotValid_xyzabc"
    bot = PTBBot(other, base_url=api.url + "/bot", base_file_url=api.url + "/file/bot")
    with pytest.raises(InvalidToken):
        async with bot:
            pass
    assert api.calls == []


async def test_unknown_method_is_404_and_names_are_case_insensitive(
    api: FakeBotAPI, tg_bot: PTBBot
) -> None:
    """Unknown methods answer 404 (PTB: EndPointNotFound); known ones match in any case."""
    with pytest.raises(EndPointNotFound):
        await tg_bot.do_api_request("frobnicateChat")
    assert await tg_bot.do_api_request("SENDCHATACTION", {"chat_id": CHAT, "action": "typing"})
    methods = [(call.method, call.failed) for call in api.calls[-2:]]
    assert methods == [("frobnicateChat", True), ("sendChatAction", False)]


async def test_send_message_records_decoded_reply_markup(api: FakeBotAPI, tg_bot: PTBBot) -> None:
    """sendMessage is recorded with JSON fields decoded and answers a parseable Message."""
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Ja, anlegen", callback_data="case:new:1")],
            [InlineKeyboardButton("Abbrechen", callback_data="cancel")],
        ]
    )
    message = await tg_bot.send_message(CHAT, "Neuen Fall anlegen?", reply_markup=markup)

    assert (message.message_id, message.chat.type, message.from_user.id) == (
        1,
        "private",
        123456789,
    )
    assert message.reply_markup == markup
    assert _unknown_fields(message) == []
    call = api.calls_to("sendMessage")[0]
    assert call.params["chat_id"] == CHAT
    assert call.params["reply_markup"] == markup.to_dict()
    sent = api.sent(CHAT)
    assert [m.text for m in sent] == ["Neuen Fall anlegen?"]
    assert sent[0].button_texts() == ["Ja, anlegen", "Abbrechen"]
    assert sent[0].button("anlegen")["callback_data"] == "case:new:1"
    with pytest.raises(LookupError):
        sent[0].button("Speichern")
    second = await tg_bot.send_message(CHAT, "noch eine")
    other_chat = await tg_bot.send_message(-100, "Gruppe")
    assert (second.message_id, other_chat.message_id, other_chat.chat.type) == (2, 1, "group")


async def test_edit_message_text_changes_recorded_text(api: FakeBotAPI, tg_bot: PTBBot) -> None:
    """Edits apply to sent(); no-op edits and unknown messages answer 400 like Telegram."""
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("OK", callback_data="ok")]])
    original = await tg_bot.send_message(CHAT, "Entwurf", reply_markup=markup)

    edited = await tg_bot.edit_message_text(
        "Gespeichert", chat_id=CHAT, message_id=original.message_id, reply_markup=markup
    )
    assert isinstance(edited, Message)
    assert (edited.text, edited.edit_date is not None) == ("Gespeichert", True)
    state = api.message(CHAT, original.message_id)
    assert (state.text, state.edit_count, state.button_texts()) == ("Gespeichert", 1, ["OK"])

    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await tg_bot.edit_message_text(
            "Gespeichert", chat_id=CHAT, message_id=original.message_id, reply_markup=markup
        )
    # Like Telegram: editing the text without reply_markup removes the inline keyboard.
    await tg_bot.edit_message_text("Fertig", chat_id=CHAT, message_id=original.message_id)
    assert api.message(CHAT, original.message_id).reply_markup is None
    await tg_bot.edit_message_reply_markup(CHAT, original.message_id, reply_markup=markup)
    assert api.message(CHAT, original.message_id).button_texts() == ["OK"]
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await tg_bot.edit_message_text("x", chat_id=CHAT, message_id=99)
    assert [m.text for m in api.sent()] == ["Fertig"]


async def test_send_document_records_bytes_and_file_name(api: FakeBotAPI, tg_bot: PTBBot) -> None:
    """Multipart upload keeps exact bytes, non-ASCII name and MIME type; getFile serves it."""
    content = b"%PDF-1.4\r\n\x00\xff\xfe binary\nline\r\rend\r\n--boundary-like\r\n"
    message = await tg_bot.send_document(
        CHAT, InputFile(content, filename="Akte Müller.pdf"), caption="Akte <b>neu</b>"
    )

    assert message.document is not None
    assert (message.document.file_name, message.document.mime_type) == (
        "Akte Müller.pdf",
        "application/pdf",
    )
    assert message.caption == "Akte <b>neu</b>"  # no parse_mode: sent verbatim
    call = api.calls_to("sendDocument")[0]
    assert call.params == {"chat_id": CHAT, "caption": "Akte <b>neu</b>"}
    sent = api.sent(CHAT)[0]
    assert sent.document is not None
    assert (sent.document.content, sent.document.filename) == (content, "Akte Müller.pdf")
    assert (sent.method, sent.caption, sent.text) == ("sendDocument", "Akte <b>neu</b>", None)

    file = await tg_bot.get_file(message.document.file_id)
    assert bytes(await file.download_as_bytearray()) == content

    photo = await tg_bot.send_photo(CHAT, InputFile(b"\x89PNG\r\n", filename="bild.png"))
    assert photo.photo[-1].width == 1280
    assert api.sent(CHAT)[-1].photo == api.calls_to("sendPhoto")[0].files["photo"]


async def test_fail_next_429_raises_retry_after(
    api: FakeBotAPI, tg_bot: PTBBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """fail_next answers 429 with parameters.retry_after, which PTB raises as RetryAfter."""
    # PTB 22 warns (an error in this suite) when RetryAfter is built without this opt-in.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    api.fail_next("sendMessage", retry_after=7)

    with pytest.raises(RetryAfter) as caught:
        await tg_bot.send_message(CHAT, "zu schnell")
    assert caught.value.retry_after == dtm.timedelta(seconds=7)
    await tg_bot.send_message(CHAT, "jetzt")

    calls = api.calls_to("sendMessage")
    assert [(c.failed, c.status) for c in calls] == [(True, 429), (False, 200)]
    assert calls[0].response == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 2",
        "parameters": {"retry_after": 7},
    }
    assert [m.text for m in api.sent(CHAT)] == ["jetzt"]


async def test_fail_next_400_and_migration(api: FakeBotAPI, tg_bot: PTBBot) -> None:
    """A scripted 400 raises BadRequest; migrate_to_chat_id raises ChatMigrated."""
    api.fail_next("sendmessage", status=400, description="Bad Request: chat not found")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await tg_bot.send_message(CHAT, "x")

    api.fail_next(
        "sendMessage",
        status=400,
        description="Bad Request: group chat was upgraded to a supergroup chat",
        migrate_to_chat_id=-1001234567890,
    )
    with pytest.raises(ChatMigrated) as caught:
        await tg_bot.send_message(-55, "x")
    assert caught.value.new_chat_id == -1001234567890
    assert api.sent() == []


async def test_blocked_chat_raises_forbidden(api: FakeBotAPI, tg_bot: PTBBot) -> None:
    """block_chat makes sends to that chat answer 403, which PTB raises as Forbidden."""
    api.block_chat(CHAT)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await tg_bot.send_message(CHAT, "Hallo?")
    await tg_bot.send_message(CHAT + 1, "andere Person")
    assert [(m.chat_id, m.text) for m in api.sent()] == [(CHAT + 1, "andere Person")]
    assert api.calls_to("sendMessage")[0].failed


async def test_get_updates_returns_pushed_updates_and_confirms_offset(
    api: FakeBotAPI, tg_bot: PTBBot
) -> None:
    """Pushed updates come back from getUpdates; offset confirms and drops them."""
    first = api.push_update(builders.message_update(ALICE, private_chat(ALICE), "/start"))
    second = api.push_update(builders.message_update(ALICE, private_chat(ALICE), "Hallo"))
    assert (first, second) == (1000, 1001)

    updates = await tg_bot.get_updates(timeout=0)
    assert [u.update_id for u in updates] == [1000, 1001]
    assert [u.message.text for u in updates] == ["/start", "Hallo"]
    assert len(api.pending_updates()) == 2  # not confirmed yet

    assert await tg_bot.get_updates(offset=1001, timeout=0) == (updates[1],)
    assert [u["update_id"] for u in api.pending_updates()] == [1001]
    assert await tg_bot.get_updates(offset=1002, timeout=0) == ()
    assert (api.pending_updates(), api.confirmed_offset) == ([], 1002)
    assert api.calls_to("getUpdates")[-1].params == {"offset": 1002, "timeout": 0}


async def test_long_poll_wakes_up_on_push(api: FakeBotAPI, tg_bot: PTBBot) -> None:
    """A waiting getUpdates returns as soon as an update is pushed, without blocking the loop."""
    loop = asyncio.get_running_loop()
    update = builders.message_update(ALICE, private_chat(ALICE), "spät")
    loop.call_later(0.1, api.push_update, update)
    started = time.monotonic()
    updates = await tg_bot.get_updates(timeout=1)
    assert time.monotonic() - started < 0.9
    assert [u.message.text for u in updates] == ["spät"]


async def test_second_poller_terminates_the_first_with_conflict(
    api: FakeBotAPI, tg_bot: PTBBot
) -> None:
    """Like Telegram, a concurrent getUpdates ends the waiting one with 409 Conflict."""
    first = asyncio.create_task(tg_bot.get_updates(timeout=1))
    await api.wait_for_async(lambda fake: len(fake.calls_to("getUpdates")) == 1)
    second_started = time.monotonic()
    async with PTBBot(TOKEN, base_url=api.url + "/bot") as second_instance:
        second = await second_instance.get_updates(timeout=0)
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await first
    assert second == ()
    assert time.monotonic() - second_started < 0.9


async def test_connections_are_kept_alive(api: FakeBotAPI, tg_bot: PTBBot) -> None:
    """Responses carry Content-Length, so httpx reuses one connection for many calls."""
    for index in range(5):
        await tg_bot.send_message(CHAT, f"Nachricht {index}")
    assert api.connections_accepted == 1


async def test_markup_is_rendered_and_validated_like_telegram(
    api: FakeBotAPI, tg_bot: PTBBot
) -> None:
    """HTML/MarkdownV2 are parsed into text+entities; invalid markup answers 400."""
    message = await tg_bot.send_message(
        CHAT, "<b>Fall 😀</b> &amp; <a href='https://example.org'>Akte</a>", parse_mode="HTML"
    )
    assert message.text == "Fall 😀 & Akte"
    assert [(e.type, e.offset, e.length) for e in message.entities] == [
        ("bold", 0, 7),
        ("text_link", 10, 4),
    ]
    assert message.entities[1].url == "https://example.org"
    assert api.sent(CHAT)[0].text.startswith("<b>Fall")
    assert api.sent(CHAT)[0].plain_text == "Fall 😀 & Akte"

    with pytest.raises(BadRequest, match=r'(?i)unsupported start tag "" at byte offset 2'):
        await tg_bot.send_message(CHAT, "a < b", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)character '\.' is reserved"):
        await tg_bot.send_message(CHAT, "*Termin* am 1.2.", parse_mode=ParseMode.MARKDOWN_V2)
    ok = await tg_bot.send_message(
        CHAT, r"*Termin* am 1\.2\. __wichtig__", parse_mode=ParseMode.MARKDOWN_V2
    )
    assert ok.text == "Termin am 1.2. wichtig"
    assert [(e.type, e.offset, e.length) for e in ok.entities] == [
        ("bold", 0, 6),
        ("underline", 15, 7),
    ]
    too_long = InlineKeyboardButton("x", callback_data="x" * 65)
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await tg_bot.send_message(CHAT, "x", reply_markup=InlineKeyboardMarkup([[too_long]]))


def test_render_text_matches_tdlib_corner_cases() -> None:
    """The tdlib ports handle nesting, pre/code languages, legacy Markdown and error texts."""
    text, entities = render_text('<pre><code class="language-python">x = 1</code></pre>', "HTML")
    assert (text, entities) == (
        "x = 1",
        [{"type": "pre", "offset": 0, "length": 5, "language": "python"}],
    )
    assert render_text("<b>a <i>b</i></b>", "HTML")[1] == [
        {"type": "bold", "offset": 0, "length": 3},
        {"type": "italic", "offset": 2, "length": 1},
    ]
    assert render_text(">Zitat\n>weiter\nEnde", "MarkdownV2") == (
        "Zitat\nweiter\nEnde",
        [{"type": "blockquote", "offset": 0, "length": 13}],
    )
    assert render_text("*fett* _kursiv_ `code`", "Markdown")[0] == "fett kursiv code"
    for bad, mode, message in [
        ("<b>offen", "HTML", "Can't find end tag corresponding to start tag b"),
        ("<b>x</i>", "HTML", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<br>", "HTML", 'Unsupported start tag "br" at byte offset 0'),
        ("*offen", "MarkdownV2", "Can't find end of Bold entity at byte offset 0"),
        ("Preis: 5-10 €", "MarkdownV2", "Character '-' is reserved"),
        ("_offen", "Markdown", "Can't find end of the entity starting at byte offset 0"),
    ]:
        with pytest.raises(ValueError, match=r"^Bad Request: can't parse entities: ") as caught:
            render_text(bad, mode)
        assert message in str(caught.value)


def test_escaped_user_text_always_renders_verbatim() -> None:
    """html.escape / escape_markdown(version=2) output renders back to the raw text, no error."""
    rnd = random.Random(20261123)
    alphabet = [*"aZ09 _*[]()~`>#+-=|{}.!\\\n<>&;\"'/äß€😀", "&amp;", "&#39;"]
    for _ in range(300):
        raw = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 24)))
        assert render_text(html.escape(raw), "HTML") == (raw, [])
        assert render_text(escape_markdown(raw, version=2), "MarkdownV2") == (raw, [])


def _builder_cases() -> list[tuple[str, Callable[[FakeBotAPI, SentMessage], dict[str, Any]]]]:
    group = group_chat(-4001, "Team Nord")
    supergroup = group_chat(-1001234567890, "Team Süd", supergroup=True)
    chat = private_chat(ALICE)
    return [
        ("text", lambda api, sent: builders.message_update(ALICE, chat, "Hallo 👋")),
        ("command", lambda api, sent: builders.message_update(ALICE, chat, "/start abc")),
        ("group_command", lambda api, sent: builders.message_update(ALICE, group, "/hilfe@x_bot")),
        ("photo", lambda api, sent: builders.photo_update(ALICE, chat, caption="Foto")),
        ("document", lambda api, sent: builders.document_update(ALICE, chat)),
        ("voice", lambda api, sent: builders.voice_update(ALICE, chat)),
        (
            "callback",
            lambda api, sent: builders.callback_update(
                ALICE, builders.message_dict_from_sent(sent, api.bot_user), "case:new:1"
            ),
        ),
        (
            "bot_added",
            lambda api, sent: builders.my_chat_member_update(
                ALICE, group, old_status="left", new_status="member", bot_user=api.bot_user
            ),
        ),
        (
            "bot_promoted",
            lambda api, sent: builders.my_chat_member_update(
                ALICE,
                supergroup,
                old_status="member",
                new_status="administrator",
                bot_user=api.bot_user,
            ),
        ),
        (
            "bot_kicked",
            lambda api, sent: builders.my_chat_member_update(
                ALICE, group, old_status="member", new_status="kicked", bot_user=api.bot_user
            ),
        ),
        ("migrate", lambda api, sent: builders.migrate_update(ALICE, group, -1001234567890)),
        ("migrate_from", lambda api, sent: builders.migrate_from_update(ALICE, supergroup, -4001)),
        ("group_created", lambda api, sent: builders.new_group_created(ALICE, group)),
    ]


@pytest.mark.parametrize(("name", "build"), _builder_cases(), ids=[c[0] for c in _builder_cases()])
async def test_builders_round_trip_through_de_json(
    api: FakeBotAPI,
    tg_bot: PTBBot,
    name: str,
    build: Callable[[FakeBotAPI, SentMessage], dict[str, Any]],
) -> None:
    """Every builder output parses with Update.de_json, with no field PTB does not know."""
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Ja", callback_data="case:new:1")]])
    await tg_bot.send_message(CHAT, "Anlegen?", reply_markup=markup)
    data = build(api, api.sent(CHAT)[0])
    api.push_update(data)

    (update,) = await tg_bot.get_updates(timeout=0)
    assert update.update_id == 1000
    assert _unknown_fields(update) == []
    assert Update.de_json(api.pending_updates()[0], tg_bot) == update
    assert update.effective_chat is not None
    assert update.effective_user is not None and update.effective_user.id == ALICE.id
    if name == "callback":
        query = update.callback_query
        assert isinstance(query, CallbackQuery)
        assert isinstance(query.message, Message)
        assert query.message.reply_markup == markup
        assert query.data == "case:new:1"


async def test_command_entities_satisfy_command_handler(tg_bot: PTBBot) -> None:
    """Built commands (also /cmd@bot, with UTF-16 lengths) are accepted by PTB's CommandHandler."""

    async def callback(update: Update, context: object) -> None:
        """Never called; only check_update is exercised."""

    handler = CommandHandler("start", callback)
    chat = private_chat(ALICE)
    group = group_chat(-4001, "Team Nord")
    accepted = [
        "/start",
        "/start Einladungscode_42",
        "/start@sozialraum_test_bot",
        "/START@Sozialraum_Test_Bot ä",
    ]
    for text in accepted:
        for where in (chat, group):
            update = Update.de_json(builders.message_update(ALICE, where, text), tg_bot)
            assert handler.check_update(update), text
    for text in ("/start@other_bot", "start", "Hallo /start", "/startx"):
        update = Update.de_json(builders.message_update(ALICE, chat, text), tg_bot)
        assert not handler.check_update(update), text

    data = builders.message_update(ALICE, chat, "/start@sozialraum_test_bot 😀")
    assert data["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 26}]
    assert builders.utf16_len("😀") == 2


def test_form_encoded_and_multipart_calls_both_decode(api: FakeBotAPI) -> None:
    """Form, multipart, JSON and query-string parameters decode to the same typed values."""
    markup = {"inline_keyboard": [[{"text": "Ja", "callback_data": "yes"}]]}
    base = f"{api.url}/bot{TOKEN}"
    with httpx.Client() as client:
        form = client.post(
            f"{base}/sendMessage",
            data={"chat_id": "42", "text": "[1] Hinweis", "reply_markup": json.dumps(markup)},
        )
        multipart = client.post(
            f"{base}/sendDocument",
            data={"chat_id": "-100", "caption": "Bericht ✓", "disable_notification": "true"},
            files={"document": ('Bericht "Nord".txt', b"Zeile 1\r\nZeile 2", "text/plain")},
        )
        as_json = client.post(f"{base}/sendMessage", json={"chat_id": 42, "text": "json"})
        query = client.get(f"{base}/getChat?chat_id=-1001234567890")
        file_404 = client.get(f"{api.url}/file/bot{TOKEN}/documents/none.pdf")

    assert [r.status_code for r in (form, multipart, as_json, query)] == [200] * 4
    assert file_404.status_code == 404
    calls = api.calls
    assert calls[0].params == {"chat_id": 42, "text": "[1] Hinweis", "reply_markup": markup}
    assert calls[1].params == {
        "chat_id": -100,
        "caption": "Bericht ✓",
        "disable_notification": True,
    }
    assert calls[1].files["document"].content == b"Zeile 1\r\nZeile 2"
    assert calls[1].files["document"].mime_type == "text/plain"
    assert calls[1].files["document"].filename == 'Bericht "Nord".txt'
    assert calls[2].params == {"chat_id": 42, "text": "json"}
    assert query.json()["result"]["type"] == "supergroup"
    assert [m.chat_id for m in api.sent()] == [42, -100, 42]


async def test_chat_queries_and_commands_parse(api: FakeBotAPI, tg_bot: PTBBot) -> None:
    """getChat, getChatMember, setMyCommands/getMyCommands and deleteMessage behave."""
    chat = await tg_bot.get_chat(-1001234567890)
    assert isinstance(chat, ChatFullInfo)
    assert (chat.type, _unknown_fields(chat)) == ("supergroup", [])
    member = await tg_bot.get_chat_member(-4001, ALICE.id)
    assert isinstance(member, ChatMemberMember)
    api.set_chat_member(-4001, ALICE.id, "administrator")
    admin = await tg_bot.get_chat_member(-4001, ALICE.id)
    assert isinstance(admin, ChatMemberAdministrator)
    assert _unknown_fields(admin) == []
    assert await tg_bot.leave_chat(-4001)

    scope = BotCommandScopeChat(CHAT)
    commands = [BotCommand("start", "Starten"), BotCommand("hilfe", "Hilfe anzeigen")]
    assert await tg_bot.set_my_commands(commands, scope=scope, language_code="de")
    assert api.commands({"type": "chat", "chat_id": CHAT}, "de") == [c.to_dict() for c in commands]
    assert await tg_bot.get_my_commands(scope=scope, language_code="de") == tuple(commands)
    assert await tg_bot.get_my_commands() == ()
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await tg_bot.set_my_commands([BotCommand("Start-Now", "x")])

    sent = await tg_bot.send_message(CHAT, "weg damit")
    assert await tg_bot.delete_message(CHAT, sent.message_id)
    assert await tg_bot.delete_message(CHAT, 10_001)  # a user's message
    assert api.deleted == {(CHAT, sent.message_id), (CHAT, 10_001)}
    assert api.sent(CHAT)[0].deleted
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await tg_bot.delete_message(CHAT, sent.message_id)


async def test_wait_helpers_see_changes_from_other_threads(
    api: FakeBotAPI, tg_bot: PTBBot
) -> None:
    """wait_for (blocking, other thread) and wait_for_async both observe new calls."""
    seen: list[bool] = []
    waiter = threading.Thread(
        target=lambda: seen.append(api.wait_for(lambda fake: bool(fake.sent(CHAT)), timeout=2))
    )
    waiter.start()
    await tg_bot.send_message(CHAT, "da")
    assert await api.wait_for_async(lambda fake: len(fake.sent(CHAT)) == 1, timeout=1)
    await asyncio.to_thread(waiter.join, 2)
    assert seen == [True]
    assert not await api.wait_for_async(lambda fake: len(fake.sent()) > 1, timeout=0.05)

    api.reset()
    assert (api.calls, api.sent(), api.deleted) == ([], [], set())
    assert api.push_update(builders.message_update(ALICE, private_chat(ALICE), "x")) == 1000


@pytest.mark.slow
async def test_real_polling_application_answers_a_pushed_command(api: FakeBotAPI) -> None:
    """PTB's Updater polls, handles a pushed /start, replies and confirms the offset."""

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Reply to /start."""
        assert update.effective_message is not None
        await update.effective_message.reply_text("Willkommen!")

    application = (
        Application.builder()
        .token(TOKEN)
        .base_url(api.url + "/bot")
        .base_file_url(api.url + "/file/bot")
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0.0)
        update_id = api.push_update(
            builders.message_update(ALICE, private_chat(ALICE), "/start@sozialraum_test_bot")
        )
        answered = await api.wait_for_async(lambda fake: bool(fake.sent(ALICE.id)), timeout=3)
        await application.updater.stop()
        await application.stop()

    assert answered
    assert [m.text for m in api.sent(ALICE.id)] == ["Willkommen!"]
    assert (api.confirmed_offset, api.pending_updates()) == (update_id + 1, [])
    assert [c.method for c in api.calls][:3] == ["getMe", "deleteWebhook", "getUpdates"]
