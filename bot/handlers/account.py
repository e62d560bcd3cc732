"""The member's own matters: help, settings, privacy notice, own data, cancelling a dialogue."""

from __future__ import annotations

import json
from io import BytesIO

from telegram import InputFile, Update
from telegram.ext import BaseHandler, CommandHandler

from bot.handlers.common import (
    Choice,
    consume,
    edit_or_send,
    is_group,
    is_private,
    keyboard,
    reply,
    tr,
)
from bot.handlers.gate import ButtonAction
from bot.i18n import LANGUAGES, both
from bot.personal_data import collect_personal_data
from bot.runtime import BotContext
from bot.storage import audit, interaction
from bot.storage.models import Button, Role


def _decides_money(roles: frozenset[str]) -> bool:
    """Coordinators approve up to their limit, the Fachbereichsleitung any amount in its region."""
    return bool(roles & {Role.KOORDINATION, Role.FACHBEREICHSLEITUNG})


async def show_help(update: Update, context: BotContext) -> None:
    """Help for my roles and the chat I am in."""
    actor = context.scope.actor
    if actor is None or not actor.is_known:
        await reply(update, context, both("help.stranger"))
        return
    sections = [tr(context, "help.group" if is_group(update) else "help.member")]
    if actor.team_ids and not is_group(update):
        sections.append(tr(context, "help.topics"))
    if actor.team_ids:
        sections.extend(tr(context, key) for key in ("help.ideas", "help.offers"))
    if actor.team_ids and not is_group(update):
        sections.append(tr(context, "help.budget"))
        if any(_decides_money(actor.roles_in(team_id)) for team_id in actor.team_ids):
            sections.append(tr(context, "help.budget_deciders"))
    if actor.is_admin or any(actor.can_manage(team_id) for team_id in actor.team_ids):
        sections.append(tr(context, "help.coordinator"))
    if actor.is_admin:
        sections.append(tr(context, "help.admin"))
    await reply(update, context, "\n\n".join(sections))


async def _settings_view(context: BotContext, chat_id: int) -> tuple[str, object]:
    member = context.actor.member
    assert member is not None
    text = tr(
        context,
        "settings.overview",
        language=tr(context, f"language.{member.language}"),
        reminders=tr(context, "settings.on" if member.reminders_enabled else "settings.off"),
    )
    rows = [
        [
            Choice(tr(context, f"language.{code}"), "settings.language", {"language": code})
            for code in LANGUAGES
        ],
        [
            Choice(
                tr(
                    context,
                    "settings.reminders_off"
                    if member.reminders_enabled
                    else "settings.reminders_on",
                ),
                "settings.reminders",
                {"enabled": not member.reminders_enabled},
            )
        ],
    ]
    return text, await keyboard(context, rows, chat_id=chat_id)


async def settings(update: Update, context: BotContext) -> None:
    """Language and personal reminders."""
    if not is_private(update):
        await reply(update, context, tr(context, "common.private_only"))
        return
    text, markup = await _settings_view(context, update.effective_chat.id)  # type: ignore[union-attr]
    await reply(update, context, text, keyboard=markup)  # type: ignore[arg-type]


async def on_language(update: Update, context: BotContext, button: Button) -> None:
    """Switch the language."""
    member = context.actor.member
    language = str(button.payload.get("language"))
    if member is None or language not in LANGUAGES:
        await update.callback_query.answer(tr(context, "button.stale"), show_alert=True)  # type: ignore[union-attr]
        return
    await consume(context, button)
    member.language = language
    context.session.add(member)
    await _record_setting(context, "language")
    await update.callback_query.answer(tr(context, "settings.saved"))  # type: ignore[union-attr]
    text, markup = await _settings_view(context, update.effective_chat.id)  # type: ignore[union-attr]
    await edit_or_send(update, context, text, keyboard=markup)  # type: ignore[arg-type]


async def on_reminders(update: Update, context: BotContext, button: Button) -> None:
    """Switch personal reminders on or off."""
    member = context.actor.member
    if member is None:
        await update.callback_query.answer(tr(context, "button.stale"), show_alert=True)  # type: ignore[union-attr]
        return
    await consume(context, button)
    member.reminders_enabled = bool(button.payload.get("enabled"))
    context.session.add(member)
    await _record_setting(context, "reminders_enabled")
    await update.callback_query.answer(tr(context, "settings.saved"))  # type: ignore[union-attr]
    text, markup = await _settings_view(context, update.effective_chat.id)  # type: ignore[union-attr]
    await edit_or_send(update, context, text, keyboard=markup)  # type: ignore[arg-type]


async def _record_setting(context: BotContext, name: str) -> None:
    member = context.actor.member
    assert member is not None and member.id is not None
    await audit.record(
        context.session,
        at=context.now,
        actor_id=context.actor.telegram_id,
        action="member.settings_changed",
        object_type="member",
        object_id=member.id,
        details={"setting": name},
    )


async def privacy(update: Update, context: BotContext) -> None:
    """What is stored, for how long, and who sees it."""
    actor = context.scope.actor
    text = tr(context, "privacy.notice") if actor and actor.is_known else both("privacy.notice")
    await reply(update, context, text)


async def my_data(update: Update, context: BotContext) -> None:
    """Everything stored about me, as a JSON file (GDPR Art. 15)."""
    if not is_private(update):
        await reply(update, context, tr(context, "common.private_only"))
        return
    user = update.effective_user
    assert user is not None
    data = await collect_personal_data(context.session, telegram_id=user.id)
    if data is None:
        await reply(update, context, both("mydata.nothing"))
        return
    payload = json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8")
    await context.bot.send_document(
        chat_id=user.id,
        document=InputFile(BytesIO(payload), filename="meine-daten.json"),
        caption=tr(context, "mydata.caption"),
    )


async def cancel(update: Update, context: BotContext) -> None:
    """Leave any running dialogue; its open buttons stop working."""
    chat = update.effective_chat
    user = update.effective_user
    assert chat is not None and user is not None
    ended = await interaction.clear_dialog(context.session, telegram_id=user.id, chat_id=chat.id)
    dropped = await interaction.drop_buttons(context.session, telegram_id=user.id, chat_id=chat.id)
    await reply(update, context, tr(context, "cancel.done" if ended or dropped else "cancel.none"))


def handlers() -> list[BaseHandler]:
    """Handlers of this feature."""
    return [
        CommandHandler(["hilfe", "help"], show_help),
        CommandHandler(["einstellungen", "settings"], settings),
        CommandHandler("datenschutz", privacy),
        CommandHandler("meinedaten", my_data),
        CommandHandler(["abbrechen", "cancel"], cancel),
    ]


BUTTONS: dict[str, ButtonAction] = {
    "settings.language": on_language,
    "settings.reminders": on_reminders,
}
