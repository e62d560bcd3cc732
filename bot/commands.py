"""The command menus Telegram shows, per chat type and language (scoped ``set_my_commands``)."""

from __future__ import annotations

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
)

from bot.i18n import LANGUAGES, t

PRIVATE_COMMANDS = (
    "start",
    "team",
    "einladen",
    "entfernen",
    "austreten",
    "beratung",
    "netzwerktreffen",
    "absagen",
    "verschieben",
    "pause",
    "termine",
    "kalender",
    "zusagen",
    "thema",
    "themen",
    "agenda",
    "idee",
    "ideen",
    "angebote",
    "angebot",
    "ausgabe",
    "antraege",
    "freigeben",
    "budget",
    "buchungen",
    "export",
    "umbuchen",
    "einstellungen",
    "datenschutz",
    "meinedaten",
    "hilfe",
    "abbrechen",
)
GROUP_COMMANDS = (
    "verbinden",
    "team",
    "termine",
    "agenda",
    "kalender",
    "idee",
    "ideen",
    "treffen",
    "angebote",
    "budget",
    "hilfe",
    "datenschutz",
)


def menu(commands: tuple[str, ...], language: str) -> list[BotCommand]:
    """Commands with their descriptions in one language."""
    return [BotCommand(name, t(language, f"menu.{name}")) for name in commands]


async def publish_commands(bot: Bot, default_language: str) -> None:
    """Tell Telegram which commands to offer in private chats and in groups."""
    scopes: list[tuple[BotCommandScope, tuple[str, ...]]] = [
        (BotCommandScopeAllPrivateChats(), PRIVATE_COMMANDS),
        (BotCommandScopeAllGroupChats(), GROUP_COMMANDS),
    ]
    for scope, commands in scopes:
        await bot.set_my_commands(menu(commands, default_language), scope=scope)
        for language in LANGUAGES:
            await bot.set_my_commands(
                menu(commands, language), scope=scope, language_code=language
            )
