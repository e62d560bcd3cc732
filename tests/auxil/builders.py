"""Builders for Telegram updates in the Bot API JSON format (what Telegram would send).

Every function returns plain ``dict`` objects that can be queued with
:meth:`tests.auxil.fake_bot_api.FakeBotAPI.push_update` or turned into PTB objects with
``telegram.Update.de_json(data, bot)``. ``update_id`` values produced here are placeholders;
``push_update`` overwrites them with the server's own sequence.

Message ids chosen here start at 10001 and count up globally, so they never collide with the
ids the fake server hands out for the bot's own messages (1, 2, 3, … per chat).
"""

from __future__ import annotations

import copy
import itertools
import mimetypes
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.auxil.fake_bot_api import SentMessage

__all__ = [
    "TgChat",
    "TgUser",
    "callback_update",
    "chat_dict_for_id",
    "chat_member_dict",
    "document_update",
    "group_chat",
    "message_dict_from_sent",
    "message_update",
    "migrate_from_update",
    "migrate_update",
    "my_chat_member_update",
    "new_group_created",
    "photo_update",
    "private_chat",
    "utf16_len",
    "voice_update",
]

_update_ids = itertools.count(1)
_message_ids = itertools.count(10_001)
_callback_ids = itertools.count(1)
_file_ids = itertools.count(1)

# tdlib's bot command rule: "/" + 1-64 of [A-Za-z0-9_], optionally "@" + 3-32 of the same.
_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>@])")


def utf16_len(text: str) -> int:
    """Return the length of ``text`` in UTF-16 code units, the unit Telegram offsets use."""
    return len(text.encode("utf-16-le")) // 2


def _now() -> int:
    return int(time.time())


@dataclass(frozen=True)
class TgUser:
    """A Telegram user as it appears in updates."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "de"
    is_bot: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return the Bot API ``User`` object."""
        data: dict[str, Any] = {
            "id": self.id,
            "is_bot": self.is_bot,
            "first_name": self.first_name,
        }
        if self.last_name is not None:
            data["last_name"] = self.last_name
        if self.username is not None:
            data["username"] = self.username
        if self.language_code is not None:
            data["language_code"] = self.language_code
        return data


@dataclass(frozen=True)
class TgChat:
    """A Telegram chat (private, group or supergroup) as it appears in updates."""

    id: int
    type: str
    title: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    username: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the Bot API ``Chat`` object."""
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.type == "private":
            data["first_name"] = self.first_name or f"User {self.id}"
            if self.last_name is not None:
                data["last_name"] = self.last_name
        elif self.title is not None:
            data["title"] = self.title
        if self.username is not None:
            data["username"] = self.username
        return data


def private_chat(user: TgUser) -> TgChat:
    """Return the private chat between ``user`` and the bot."""
    return TgChat(
        id=user.id,
        type="private",
        first_name=user.first_name,
        last_name=user.last_name,
        username=user.username,
    )


def group_chat(chat_id: int, title: str, *, supergroup: bool = False) -> TgChat:
    """Return a group (negative id) or supergroup (id like -100xxxxxxxxxx) chat."""
    if chat_id >= 0:
        raise ValueError(f"group chat ids are negative, got {chat_id}")
    return TgChat(id=chat_id, type="supergroup" if supergroup else "group", title=title)


def chat_dict_for_id(chat_id: int) -> dict[str, Any]:
    """Return a plausible ``Chat`` object for a bare chat id (type derived from the id)."""
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": f"User {chat_id}"}
    if chat_id < -1_000_000_000_000:
        return {"id": chat_id, "type": "supergroup", "title": f"Supergroup {chat_id}"}
    return {"id": chat_id, "type": "group", "title": f"Group {chat_id}"}


def _command_entities(text: str) -> list[dict[str, Any]]:
    """Return the ``bot_command`` entity Telegram attaches to a text starting with a command."""
    match = _COMMAND_RE.match(text)
    if match is None:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))}]


def _base_message(user: TgUser, chat: TgChat, message_id: int | None) -> dict[str, Any]:
    return {
        "message_id": next(_message_ids) if message_id is None else message_id,
        "from": user.to_dict(),
        "chat": chat.to_dict(),
        "date": _now(),
    }


def _wrap(key: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {"update_id": next(_update_ids), key: payload}


def message_update(
    user: TgUser,
    chat: TgChat,
    text: str,
    *,
    message_id: int | None = None,
    bot_username: str = "sozialraum_test_bot",
) -> dict[str, Any]:
    """Return an update with a text message; commands get their ``bot_command`` entity.

    ``bot_username`` is informational: like Telegram, the entity covers any ``@suffix``
    (``/start@sozialraum_test_bot`` or ``/start@other_bot``); PTB decides which bot is meant.
    """
    del bot_username  # Telegram does not look at it either; kept for call-site readability.
    message = _base_message(user, chat, message_id)
    message["text"] = text
    entities = _command_entities(text)
    if entities:
        message["entities"] = entities
    return _wrap("message", message)


def _file_ids_pair(prefix: str) -> tuple[str, str]:
    n = next(_file_ids)
    return f"{prefix}AgIAAxkBAAI{n:06d}fakeFileIdForTests", f"AgAD{n:06d}"


def photo_update(user: TgUser, chat: TgChat, *, caption: str | None = None) -> dict[str, Any]:
    """Return an update with a photo message (three sizes, like Telegram sends)."""
    message = _base_message(user, chat, None)
    sizes = []
    for width, height, size in ((90, 68, 1_200), (320, 240, 14_000), (1280, 960, 120_000)):
        file_id, unique_id = _file_ids_pair("AgAC")
        sizes.append(
            {
                "file_id": file_id,
                "file_unique_id": unique_id,
                "file_size": size,
                "width": width,
                "height": height,
            }
        )
    message["photo"] = sizes
    if caption is not None:
        message["caption"] = caption
        entities = _command_entities(caption)
        if entities:
            message["caption_entities"] = entities
    return _wrap("message", message)


def document_update(user: TgUser, chat: TgChat, *, file_name: str = "akte.pdf") -> dict[str, Any]:
    """Return an update with a document message."""
    message = _base_message(user, chat, None)
    file_id, unique_id = _file_ids_pair("BQAC")
    message["document"] = {
        "file_id": file_id,
        "file_unique_id": unique_id,
        "file_name": file_name,
        "mime_type": mimetypes.guess_type(file_name)[0] or "application/octet-stream",
        "file_size": 34_567,
    }
    return _wrap("message", message)


def voice_update(user: TgUser, chat: TgChat) -> dict[str, Any]:
    """Return an update with a voice message."""
    message = _base_message(user, chat, None)
    file_id, unique_id = _file_ids_pair("AwAC")
    message["voice"] = {
        "file_id": file_id,
        "file_unique_id": unique_id,
        "duration": 3,
        "mime_type": "audio/ogg",
        "file_size": 8_765,
    }
    return _wrap("message", message)


def callback_update(user: TgUser, message: dict[str, Any], data: str) -> dict[str, Any]:
    """Return an update for ``user`` pressing the button with ``data`` under ``message``."""
    chat_id = int(message["chat"]["id"])
    query = {
        "id": str(4_000_000_000_000_000 + next(_callback_ids)),
        "from": user.to_dict(),
        "chat_instance": str(abs(chat_id) * 1_000_003 + 17),
        "message": copy.deepcopy(message),
        "data": data,
    }
    return _wrap("callback_query", query)


def message_dict_from_sent(sent: SentMessage, bot_user: dict[str, Any]) -> dict[str, Any]:
    """Return the ``Message`` object of a message the bot sent (current state, edits applied)."""
    if sent.raw:
        message = copy.deepcopy(sent.raw)
        message["from"] = copy.deepcopy(bot_user)
        return message
    message = {
        "message_id": sent.message_id,
        "from": copy.deepcopy(bot_user),
        "chat": chat_dict_for_id(sent.chat_id),
        "date": _now(),
    }
    if sent.text is not None:
        message["text"] = sent.text
    if sent.caption is not None:
        message["caption"] = sent.caption
    if sent.reply_markup and "inline_keyboard" in sent.reply_markup:
        message["reply_markup"] = copy.deepcopy(sent.reply_markup)
    return message


_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
)

_RESTRICTED_FLAGS = (
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
    "can_send_messages",
    "can_send_polls",
    "can_send_other_messages",
    "can_add_web_page_previews",
    "can_manage_topics",
    "can_send_audios",
    "can_send_documents",
    "can_send_photos",
    "can_send_videos",
    "can_send_video_notes",
    "can_send_voice_notes",
    "can_edit_tag",
    "can_react_to_messages",
)


def chat_member_dict(user: dict[str, Any], status: str) -> dict[str, Any]:
    """Return a ``ChatMember`` object with every field the Bot API requires for ``status``."""
    member: dict[str, Any] = {"status": status, "user": copy.deepcopy(user)}
    if status in ("member", "left"):
        return member
    if status == "kicked":
        member["until_date"] = 0
    elif status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update({"can_be_edited": False, "is_anonymous": False})
        member.update(dict.fromkeys(_ADMIN_RIGHTS, True))
    elif status == "restricted":
        member.update({"is_member": True, "until_date": 0})
        member.update(dict.fromkeys(_RESTRICTED_FLAGS, False))
    else:
        raise ValueError(f"unknown chat member status {status!r}")
    return member


def my_chat_member_update(
    actor: TgUser,
    chat: TgChat,
    *,
    old_status: str,
    new_status: str,
    bot_user: dict[str, Any],
) -> dict[str, Any]:
    """Return the update Telegram sends when ``actor`` adds/removes/promotes the bot."""
    payload = {
        "chat": chat.to_dict(),
        "from": actor.to_dict(),
        "date": _now(),
        "old_chat_member": chat_member_dict(bot_user, old_status),
        "new_chat_member": chat_member_dict(bot_user, new_status),
    }
    return _wrap("my_chat_member", payload)


def migrate_update(actor: TgUser, old_chat: TgChat, new_chat_id: int) -> dict[str, Any]:
    """Return the service message in the old group announcing the upgrade to a supergroup."""
    message = _base_message(actor, old_chat, None)
    message["migrate_to_chat_id"] = new_chat_id
    return _wrap("message", message)


def migrate_from_update(actor: TgUser, new_chat: TgChat, old_chat_id: int) -> dict[str, Any]:
    """Return the first service message in the new supergroup (``migrate_from_chat_id``)."""
    message = _base_message(actor, new_chat, None)
    message["migrate_from_chat_id"] = old_chat_id
    return _wrap("message", message)


def new_group_created(actor: TgUser, chat: TgChat) -> dict[str, Any]:
    """Return the service message for a freshly created group or supergroup."""
    message = _base_message(actor, chat, None)
    key = "supergroup_chat_created" if chat.type == "supergroup" else "group_chat_created"
    message[key] = True
    return _wrap("message", message)
