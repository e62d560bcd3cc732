"""``/angebote`` and ``/angebot``: the map of offers (Ressourcenkarte) of the team's social space.

``/angebote <Stichwort>`` searches (team members; in private and in the team's group) and
answers with the best matches and a "Mehr" button that pages; without a keyword it lists the
kinds of offer as buttons. In private chat every result has a number button that opens the
offer's card: network workers and coordinators change or archive it there and link it to an
idea; a member with an open case topic in that team names it as one of the topic's resources.

``/angebot`` (network workers and coordinators, private chat) adds an offer in a short
dialogue kept in the ``dialog`` table (kind ``angebot``): every answer is checked at once
(:mod:`bot.offers.fields`; the free texts pass the privacy gate), optional ones can be
skipped, and nothing is stored until "Speichern" on the summary, which checks the rights, the
values and the natural key once more. Changing an offer runs the same dialogue from its
summary. Every press re-reads the offer and the presser's rights; a button carries ids only.
"""

from __future__ import annotations

import logging
from typing import Any, Final

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.handlers.common import (
    Choice,
    alert,
    audit_action,
    chat_id_of,
    close_keyboard,
    command_args,
    consume,
    edit_or_send,
    is_group,
    is_private,
    keyboard,
    reply,
    tr,
    with_prefix,
)
from bot.handlers.dialogue import (
    delete_refused,
    dialog_of_button,
    discard,
    end_dialog,
    save_step,
)
from bot.handlers.gate import ButtonAction, DialogStep
from bot.i18n import Markup
from bot.offers import fields
from bot.offers.search import fold, rank, same_kind
from bot.privacy import Allowlist
from bot.runtime import BotContext
from bot.storage import directory, interaction, topics
from bot.storage import offers as store
from bot.storage.models import Button, Dialog, Offer, TopicStatus
from bot.topics.intake import organisation_names

log = logging.getLogger(__name__)

DIALOG_KIND: Final = "angebot"
IDEA_KIND: Final = "angebot_idee"
STEP_CONFIRM: Final = "confirm"
STEP_CHOOSE: Final = "choose"
STEP_IDEA: Final = "idea"
PAGE: Final = 5
MAX_QUERY: Final = 100
MAX_KIND_BUTTONS: Final = 12
MODE_TEXT: Final = "text"
MODE_KIND: Final = "kind"


# -- who sees and who edits ------------------------------------------------------------------


async def _visible_spaces(update: Update, context: BotContext) -> tuple[list[int], str]:
    """The social spaces whose offers the actor may see here, or the key of why none."""
    actor = context.actor
    if is_group(update):
        team = await directory.team_by_chat(context.session, chat_id=chat_id_of(update))
        if team is None or team.id is None:
            return [], "offers.group_not_bound"
        if team.id not in actor.team_ids and not actor.is_admin:
            return [], "offers.group_not_member"
        if team.social_space_id is None:
            return [], "offers.no_space"
        return [team.social_space_id], ""
    if actor.is_admin:
        return [space.id for space, _ in await store.all_spaces(context.session) if space.id], ""
    spaces = sorted(set((await store.spaces_of_teams(context.session, actor.team_ids)).values()))
    return spaces, "" if spaces else "offers.no_space"


async def _editable_spaces(context: BotContext) -> list[int]:
    """Social spaces in which the actor adds and changes offers (network work, coordination)."""
    actor = context.actor
    if actor.is_admin:
        return [space.id for space, _ in await store.all_spaces(context.session) if space.id]
    by_team = await store.spaces_of_teams(context.session, actor.team_ids)
    return sorted({space for team, space in by_team.items() if actor.can_run_network(team)})


async def _may_edit(context: BotContext, space_id: int) -> bool:
    return space_id in await _editable_spaces(context)


async def _allowlist(context: BotContext, space_id: int, values: dict[str, Any]) -> Allowlist:
    """The organisation's own names plus the offer's name, provider and place pass the gate."""
    organisation_id = await store.organisation_of_space(context.session, space_id=space_id)
    names = (
        await organisation_names(context.session, organisation_id=organisation_id)
        if organisation_id is not None
        else []
    )
    own = [str(values.get(name) or "") for name in ("name", "provider", "place")]
    return Allowlist.from_names([*names, *own])


# -- showing offers --------------------------------------------------------------------------


def card(context: BotContext, offer: Offer, *, space: str = "") -> str:
    """One offer as the chat shows it (HTML, every value escaped)."""
    lines = [tr(context, "offers.card_title", name=offer.name, provider=offer.provider)]
    facts = [tr(context, "offers.card_kind", kind=offer.kind)]
    if offer.target_group:
        facts.append(tr(context, "offers.card_target", target=offer.target_group))
    if offer.free_of_charge is not None:
        facts.append(
            tr(context, "offers.card_free" if offer.free_of_charge else "offers.card_paid")
        )
    lines.append(" · ".join(facts))
    if offer.place:
        lines.append(tr(context, "offers.card_place", place=offer.place))
    if offer.times:
        lines.append(tr(context, "offers.card_times", times=offer.times))
    contact = []
    if offer.phone:
        contact.append(tr(context, "offers.card_phone", phone=offer.phone))
    if offer.email:
        contact.append(tr(context, "offers.card_email", email=offer.email))
    if contact:
        lines.append(" · ".join(contact))
    if offer.description:
        lines.append(tr(context, "offers.card_text", text=offer.description))
    if space:
        lines.append(tr(context, "offers.card_space", space=space))
    if offer.archived_at is not None:
        lines.append(tr(context, "offers.card_archived"))
    return "\n".join(lines)


async def _matches(context: BotContext, spaces: list[int], mode: str, query: str) -> list[Offer]:
    offers = await store.active_offers(context.session, space_ids=spaces)
    if mode == MODE_KIND:
        chosen = [offer for offer in offers if same_kind(offer.kind, query)]
        return sorted(chosen, key=lambda offer: (fold(offer.name), offer.id or 0))
    return rank(offers, query)


async def _show_page(
    update: Update,
    context: BotContext,
    spaces: list[int],
    *,
    mode: str,
    query: str,
    offset: int,
) -> None:
    """One page of results with number buttons (private chat) and "Mehr" when there is more."""
    found = await _matches(context, spaces, mode, query)
    if not found:
        await reply(update, context, tr(context, "offers.nothing", query=query))
        return
    page = found[offset : offset + PAGE]
    names = await store.space_names(context.session, spaces) if len(spaces) > 1 else {}
    if offset == 0:
        key = "offers.results_kind" if mode == MODE_KIND else "offers.results"
        head = tr(context, key, query=query, count=len(found))
    else:
        head = tr(
            context,
            "offers.results_more",
            query=query,
            first=offset + 1,
            last=offset + len(page),
            count=len(found),
        )
    parts = [head]
    for number, offer in enumerate(page, start=offset + 1):
        space = names.get(offer.social_space_id, "")
        parts.append(f"<b>{number}.</b> " + card(context, offer, space=space))
    if offset == 0 and mode == MODE_TEXT:
        parts.append(tr(context, "offers.ranking_note"))
    rows: list[list[Choice]] = []
    if is_private(update):
        rows.append(
            [
                Choice(str(number), "angebote.open", {"offer_id": offer.id})
                for number, offer in enumerate(page, start=offset + 1)
            ]
        )
    rest = len(found) - offset - len(page)
    if rest > 0:
        label = tr(
            context,
            "offers.button_more",
            first=offset + PAGE + 1,
            last=offset + PAGE + min(rest, PAGE),
            count=len(found),
        )
        rows.append(
            [Choice(label, "angebote.more", {"mode": mode, "q": query, "offset": offset + PAGE})]
        )
    markup = await keyboard(context, rows, chat_id=chat_id_of(update)) if rows else None
    await reply(update, context, "\n\n".join(parts), keyboard=markup)


async def search(update: Update, context: BotContext) -> None:
    """``/angebote <Stichwort>``: the best matches; without a keyword the kinds as buttons."""
    spaces, problem = await _visible_spaces(update, context)
    if problem:
        await reply(update, context, tr(context, problem))
        return
    query = " ".join(command_args(update))
    if len(query) > MAX_QUERY:
        await reply(update, context, tr(context, "offers.query_too_long", limit=MAX_QUERY))
        return
    if any(char.isalnum() for char in query):
        await _show_page(update, context, spaces, mode=MODE_TEXT, query=query, offset=0)
        return
    offers = await store.active_offers(context.session, space_ids=spaces)
    editor = is_private(update) and bool(await _editable_spaces(context))
    if not offers:
        await reply(
            update, context, tr(context, "offers.empty_editor" if editor else "offers.empty")
        )
        return
    kinds = store.kinds_of(offers)
    rows = [
        [
            Choice(f"{kind} ({count})", "angebote.kind", {"kind": kind})
            for kind, count in kinds[index : index + 2]
        ]
        for index in range(0, min(len(kinds), MAX_KIND_BUTTONS), 2)
    ]
    text = tr(context, "offers.intro", count=len(offers))
    if editor:
        text += "\n\n" + tr(context, "offers.intro_editor")
    markup = await keyboard(context, rows, chat_id=chat_id_of(update))
    await reply(update, context, text, keyboard=markup)


async def on_kind(update: Update, context: BotContext, button: Button) -> None:
    """A kind chosen from the list: its offers, by name."""
    spaces, problem = await _visible_spaces(update, context)
    if problem:
        await alert(update, context, problem)
        return
    await close_keyboard(update, context, button)
    kind = str(button.payload.get("kind", ""))[:MAX_QUERY]
    await _show_page(update, context, spaces, mode=MODE_KIND, query=kind, offset=0)


async def on_more(update: Update, context: BotContext, button: Button) -> None:
    """The next page, searched again with the presser's rights of now."""
    spaces, problem = await _visible_spaces(update, context)
    if problem:
        await alert(update, context, problem)
        return
    mode = MODE_KIND if button.payload.get("mode") == MODE_KIND else MODE_TEXT
    query = str(button.payload.get("q", ""))[:MAX_QUERY]
    offset = button.payload.get("offset")
    if not isinstance(offset, int) or offset < 0:
        await alert(update, context, "button.stale")
        return
    if offset >= len(await _matches(context, spaces, mode, query)):
        await alert(update, context, "offers.no_more")
        return
    await close_keyboard(update, context, button)
    await _show_page(update, context, spaces, mode=mode, query=query, offset=offset)


# -- one offer's card ------------------------------------------------------------------------


async def _offer_for(
    update: Update, context: BotContext, offer_id: object
) -> tuple[Offer | None, str]:
    """The offer a button is about, if the presser may see it now (editors: archived too)."""
    if not isinstance(offer_id, int):
        return None, "button.stale"
    offer = await store.get_offer(context.session, offer_id=offer_id)
    if offer is None:
        return None, "offers.gone"
    spaces, _ = await _visible_spaces(update, context)
    if offer.social_space_id not in spaces:
        return None, "offers.not_visible"
    if offer.archived_at is not None and not await _may_edit(context, offer.social_space_id):
        return None, "offers.gone"
    return offer, ""


async def _topic_teams(context: BotContext, space_id: int) -> list[int]:
    """The actor's teams working in a social space."""
    by_team = await store.spaces_of_teams(context.session, context.actor.team_ids)
    return sorted(team for team, space in by_team.items() if space == space_id)


async def _open_topics(context: BotContext, space_id: int) -> list[tuple[int, str]]:
    """My queued case topics in teams of this social space: (topic id, case code)."""
    member = context.actor.member
    if member is None or member.id is None:
        return []
    teams = set(await _topic_teams(context, space_id))
    mine = [
        topic
        for topic in await topics.topics_of_author(context.session, author_id=member.id)
        if topic.team_id in teams and topic.status == TopicStatus.QUEUED and topic.id
    ]
    codes = await topics.codes_by_case(context.session, case_ids={t.case_id for t in mine})
    return [(topic.id, codes.get(topic.case_id, "?")) for topic in mine if topic.id]


async def _send_card(update: Update, context: BotContext, offer: Offer) -> None:
    assert offer.id is not None
    text = card(context, offer)
    ideas = await store.ideas_of_offer(context.session, offer_id=offer.id)
    if ideas:
        numbers = ", ".join(f"#{idea.number}" for idea in ideas)
        text += "\n" + tr(context, "offers.card_ideas", numbers=numbers)
    payload = {"offer_id": offer.id}
    rows: list[list[Choice]] = []
    if await _may_edit(context, offer.social_space_id):
        if offer.archived_at is None:
            rows.append(
                [
                    Choice(tr(context, "offers.button_edit"), "angebote.edit", payload),
                    Choice(tr(context, "offers.button_archive"), "angebote.archive", payload),
                ]
            )
            rows.append([Choice(tr(context, "offers.button_idea"), "angebote.idea", payload)])
        else:
            rows.append(
                [Choice(tr(context, "offers.button_restore"), "angebote.restore", payload)]
            )
    if offer.archived_at is None and await _open_topics(context, offer.social_space_id):
        rows.append([Choice(tr(context, "offers.button_topic"), "angebote.topic", payload)])
    markup = await keyboard(context, rows, chat_id=chat_id_of(update)) if rows else None
    await reply(update, context, text, keyboard=markup)


async def on_open(update: Update, context: BotContext, button: Button) -> None:
    """A result's number pressed: the offer's card with what the presser may do with it."""
    offer, why = await _offer_for(update, context, button.payload.get("offer_id"))
    if offer is None:
        await alert(update, context, why)
        return
    await update.callback_query.answer()  # type: ignore[union-attr]
    await _send_card(update, context, offer)


async def _editable_offer(update: Update, context: BotContext, button: Button) -> Offer | None:
    """The offer of an editor's button, re-read and re-checked; answers refusals itself."""
    offer, why = await _offer_for(update, context, button.payload.get("offer_id"))
    if offer is None:
        await alert(update, context, why)
        return None
    if not await _may_edit(context, offer.social_space_id):
        await alert(update, context, "offers.not_editor_short")
        return None
    return offer


async def _archive(update: Update, context: BotContext, button: Button, *, archived: bool) -> None:
    offer = await _editable_offer(update, context, button)
    if offer is None:
        return
    assert offer.id is not None
    await consume(context, button)
    changed = await store.set_archived(
        context.session,
        offer=offer,
        archived=archived,
        actor_id=context.actor.telegram_id,
        now=context.now,
    )
    if changed:
        await audit_action(
            context,
            "offer.archived" if archived else "offer.restored",
            object_type="offer",
            object_id=offer.id,
            details={"social_space_id": offer.social_space_id},
        )
    await update.callback_query.answer()  # type: ignore[union-attr]
    key = "offers.archived" if archived else "offers.restored"
    text = tr(context, key, name=offer.name)
    markup = None
    if archived:
        markup = await keyboard(
            context,
            [
                [
                    Choice(
                        tr(context, "offers.button_restore"),
                        "angebote.restore",
                        {"offer_id": offer.id},
                    )
                ]
            ],
            chat_id=chat_id_of(update),
        )
    await edit_or_send(update, context, text, keyboard=markup)


async def on_archive(update: Update, context: BotContext, button: Button) -> None:
    """Archive: the offer leaves the searches; it can be brought back."""
    await _archive(update, context, button, archived=True)


async def on_restore(update: Update, context: BotContext, button: Button) -> None:
    """Bring an archived offer back into the searches."""
    await _archive(update, context, button, archived=False)


# -- linking to a case topic -----------------------------------------------------------------


async def on_topic(update: Update, context: BotContext, button: Button) -> None:
    """Which of my open case topics names this offer as a resource."""
    offer, why = await _offer_for(update, context, button.payload.get("offer_id"))
    if offer is None or offer.archived_at is not None:
        await alert(update, context, why or "offers.gone")
        return
    mine = await _open_topics(context, offer.social_space_id)
    if not mine:
        await alert(update, context, "offers.no_open_topics")
        return
    await consume(context, button)
    await update.callback_query.answer()  # type: ignore[union-attr]
    rows = [
        [
            Choice(code, "angebote.topic_pick", {"offer_id": offer.id, "topic_id": topic_id})
            for topic_id, code in mine[index : index + 3]
        ]
        for index in range(0, len(mine), 3)
    ]
    markup = await keyboard(context, rows, chat_id=chat_id_of(update))
    await edit_or_send(
        update, context, tr(context, "offers.choose_topic", name=offer.name), keyboard=markup
    )


async def on_topic_pick(update: Update, context: BotContext, button: Button) -> None:
    """Store the link (ids only), after checking topic and offer again."""
    offer, why = await _offer_for(update, context, button.payload.get("offer_id"))
    topic_id = button.payload.get("topic_id")
    if offer is None or offer.archived_at is not None or not isinstance(topic_id, int):
        await alert(update, context, why or "offers.gone")
        return
    mine = dict(await _open_topics(context, offer.social_space_id))
    if topic_id not in mine:
        await alert(update, context, "offers.topic_not_open")
        return
    assert offer.id is not None
    await consume(context, button)
    if await store.link_topic(
        context.session,
        topic_id=topic_id,
        offer_id=offer.id,
        actor_id=context.actor.telegram_id,
        now=context.now,
    ):
        await audit_action(
            context,
            "offer.linked_topic",
            object_type="offer",
            object_id=offer.id,
            details={"topic_id": topic_id},
        )
    await update.callback_query.answer()  # type: ignore[union-attr]
    await edit_or_send(
        update, context, tr(context, "offers.topic_linked", name=offer.name, code=mine[topic_id])
    )


# -- linking to an idea ----------------------------------------------------------------------


async def on_idea(update: Update, context: BotContext, button: Button) -> None:
    """Ask for the number of the idea to link (ideas are numbered per team)."""
    offer = await _editable_offer(update, context, button)
    if offer is None:
        return
    await close_keyboard(update, context, button)
    await interaction.set_dialog(
        context.session,
        telegram_id=context.actor.telegram_id,
        chat_id=chat_id_of(update),
        kind=IDEA_KIND,
        step=STEP_IDEA,
        data={"offer_id": offer.id},
        now=context.now,
    )
    await reply(update, context, tr(context, "offers.ask_idea", name=offer.name))


async def on_idea_text(update: Update, context: BotContext, dialog: Dialog) -> None:
    """The idea's number, typed ("12" or "#12"): linked if it is an idea of this space."""
    message = update.effective_message
    assert message is not None
    offer = await store.get_offer(context.session, offer_id=int(dialog.data.get("offer_id", 0)))
    if offer is None or offer.id is None or not await _may_edit(context, offer.social_space_id):
        await end_dialog(update, context)
        await reply(update, context, tr(context, "offers.not_editor"))
        return
    typed = (message.text or "").strip().removeprefix("#").strip()
    if not typed.isdigit() or len(typed) > 9:
        await reply(update, context, tr(context, "offers.idea_number"))
        return
    idea = None
    for team_id in await _topic_teams(context, offer.social_space_id) or await _space_teams(
        context, offer.social_space_id
    ):
        idea = await store.idea_by_number(context.session, team_id=team_id, number=int(typed))
        if idea is not None:
            break
    if idea is None or idea.id is None:
        await reply(update, context, tr(context, "offers.idea_unknown", number=int(typed)))
        return
    await end_dialog(update, context)
    if await store.link_idea(
        context.session,
        idea_id=idea.id,
        offer_id=offer.id,
        actor_id=context.actor.telegram_id,
        now=context.now,
    ):
        await audit_action(
            context,
            "offer.linked_idea",
            object_type="offer",
            object_id=offer.id,
            details={"idea_id": idea.id},
        )
    await reply(
        update, context, tr(context, "offers.idea_linked", name=offer.name, number=idea.number)
    )


async def _space_teams(context: BotContext, space_id: int) -> list[int]:
    """Every team of a social space (administrators link ideas without being members)."""
    return sorted(
        team.id
        for team in await directory.teams(context.session)
        if team.id is not None and team.social_space_id == space_id
    )


# -- the add / change dialogue ---------------------------------------------------------------


async def start_add(update: Update, context: BotContext) -> None:
    """``/angebot``: a new offer for the map (network workers and coordinators, private)."""
    if not is_private(update):
        await reply(update, context, tr(context, "offers.private_only"))
        return
    spaces = await _editable_spaces(context)
    if not spaces:
        await reply(update, context, tr(context, "offers.not_editor"))
        return
    if len(spaces) == 1:
        await _begin(update, context, spaces[0])
        return
    names = await store.space_names(context.session, spaces)
    rows = [
        [Choice(names.get(space, "?"), "angebot.space", {"space_id": space})] for space in spaces
    ]
    markup = await keyboard(context, rows, chat_id=chat_id_of(update))
    await reply(update, context, tr(context, "offers.choose_space"), keyboard=markup)


async def on_space(update: Update, context: BotContext, button: Button) -> None:
    """Social space chosen: the dialogue begins."""
    space_id = button.payload.get("space_id")
    if not isinstance(space_id, int) or not await _may_edit(context, space_id):
        await alert(update, context, "offers.not_editor_short")
        return
    await close_keyboard(update, context, button)
    await _begin(update, context, space_id)


async def _begin(update: Update, context: BotContext, space_id: int) -> None:
    names = await store.space_names(context.session, [space_id])
    intro = tr(context, "offers.add_intro", space=names.get(space_id, "?"))
    data: dict[str, Any] = {"space_id": space_id, "values": {}}
    await _ask(update, context, data, fields.FIELDS[0], prefix=intro)


async def on_edit(update: Update, context: BotContext, button: Button) -> None:
    """Change a stored offer: its summary, from which a field is chosen."""
    offer = await _editable_offer(update, context, button)
    if offer is None:
        return
    await close_keyboard(update, context, button)
    data: dict[str, Any] = {
        "space_id": offer.social_space_id,
        "offer_id": offer.id,
        "values": store.OfferData.of(offer).as_dict(),
    }
    await _ask(update, context, data, STEP_CHOOSE)


async def _ask(
    update: Update, context: BotContext, data: dict[str, Any], step: str, *, prefix: str = ""
) -> None:
    """Store the dialogue at ``step`` and ask its question (after ``prefix``, e.g. why not)."""
    chat_id = chat_id_of(update)
    data = await save_step(update, context, kind=DIALOG_KIND, step=step, data=data)
    payload: dict[str, Any] = {"asked": data["asked"]}
    values = data.get("values", {})
    rows: list[list[Choice]] = []
    if step == STEP_CONFIRM:
        offer = Offer(
            social_space_id=0, natural_key="", **store.OfferData.from_dict(values).as_dict()
        )
        key = "offers.confirm_change" if data.get("offer_id") else "offers.confirm"
        text = tr(context, key, card=Markup(card(context, offer)))
        rows = [
            [Choice(tr(context, "offers.button_save"), "angebot.save", payload)],
            [
                Choice(tr(context, "offers.button_change"), "angebot.change", payload),
                Choice(tr(context, "offers.button_discard"), "angebot.discard", payload),
            ],
        ]
    elif step == STEP_CHOOSE:
        offer = Offer(
            social_space_id=0, natural_key="", **store.OfferData.from_dict(values).as_dict()
        )
        text = tr(context, "offers.choose_field", card=Markup(card(context, offer)))
        labels = [
            Choice(tr(context, fields.LABELS[name]), "angebot.field", {**payload, "field": name})
            for name in fields.FIELDS
        ]
        rows = [labels[index : index + 2] for index in range(0, len(labels), 2)]
        rows.append([Choice(tr(context, "offers.button_back"), "angebot.back", payload)])
    else:
        text = tr(
            context,
            "offers.step",
            number=fields.FIELDS.index(step) + 1,
            total=len(fields.FIELDS),
            question=Markup(tr(context, f"offers.ask.{step}")),
        )
        current = values.get(step)
        if data.get("editing") and current not in (None, ""):
            shown = _shown_value(context, step, current)
            text += "\n" + tr(context, "offers.current", value=shown)
        if step == "kind":
            kinds = [
                Choice(kind, "angebot.kind", {**payload, "kind": kind})
                for kind in fields.SUGGESTED_KINDS
            ]
            rows = [kinds[index : index + 2] for index in range(0, len(kinds), 2)]
        elif step == "free_of_charge":
            rows = [
                [
                    Choice(
                        tr(context, "offers.button_free"),
                        "angebot.free",
                        {**payload, "free": True},
                    ),
                    Choice(
                        tr(context, "offers.button_paid"),
                        "angebot.free",
                        {**payload, "free": False},
                    ),
                ],
                [
                    Choice(
                        tr(context, "offers.button_unknown"),
                        "angebot.free",
                        {**payload, "free": None},
                    )
                ],
            ]
        elif step in fields.OPTIONAL:
            rows = [[Choice(tr(context, "offers.button_skip"), "angebot.skip", payload)]]
        if data.get("editing"):
            rows.append([Choice(tr(context, "offers.button_back"), "angebot.back", payload)])
    markup = await keyboard(context, rows, chat_id=chat_id) if rows else None
    await reply(update, context, with_prefix(prefix, text), keyboard=markup)


def _shown_value(context: BotContext, step: str, value: object) -> str:
    if step == "free_of_charge":
        return tr(context, "offers.card_free" if value else "offers.card_paid")
    return str(value)


def _next_step(data: dict[str, Any], step: str) -> str:
    """After an answer: back to the summary when a field was being changed, else onwards."""
    if data.pop("editing", False):
        return STEP_CONFIRM
    index = fields.FIELDS.index(step) + 1
    return fields.FIELDS[index] if index < len(fields.FIELDS) else STEP_CONFIRM


async def _duplicate(context: BotContext, data: dict[str, Any]) -> Offer | None:
    """Another offer of the space with the same name and provider, if there is one."""
    values = data.get("values", {})
    if not values.get("name") or not values.get("provider"):
        return None
    key = store.OfferData.from_dict(values).key
    found = await store.find_by_key(context.session, space_id=int(data["space_id"]), key=key)
    if found is None or found.id == data.get("offer_id"):
        return None
    return found


async def _take(
    update: Update, context: BotContext, data: dict[str, Any], step: str, value: object
) -> None:
    """Keep a checked (or skipped) answer and ask the next question."""
    data["values"] = {**data.get("values", {}), step: value}
    if step in ("name", "provider"):
        other = await _duplicate(context, data)
        if other is not None:
            prefix = tr(context, "offers.duplicate", name=other.name, provider=other.provider)
            await _ask(update, context, data, "name", prefix=prefix)
            return
    await _ask(update, context, data, _next_step(data, step))


async def _dialog_space(update: Update, context: BotContext, data: dict[str, Any]) -> bool:
    """Whether the actor may still edit the dialogue's space (and its offer still exists)."""
    space_id = data.get("space_id")
    ok = isinstance(space_id, int) and await _may_edit(context, space_id)
    offer_id = data.get("offer_id")
    if ok and offer_id is not None:
        offer = await store.get_offer(context.session, offer_id=int(offer_id))
        ok = offer is not None and offer.social_space_id == space_id
    if not ok:
        await end_dialog(update, context)
        await reply(update, context, tr(context, "offers.not_editor"))
    return ok


async def on_text(update: Update, context: BotContext, dialog: Dialog) -> None:
    """A typed answer to the current question."""
    message = update.effective_message
    assert message is not None
    data = dict(dialog.data)
    if not await _dialog_space(update, context, data):
        return
    step = dialog.step
    if step not in fields.FIELDS:
        await _ask(update, context, data, step, prefix=tr(context, "offers.use_buttons"))
        return
    allow = await _allowlist(context, int(data["space_id"]), data.get("values", {}))
    checked = fields.check(step, message.text or "", allow=allow)
    if isinstance(checked, fields.Problem):
        if checked.key == "offers.problem.identifying":
            # An answer with an identifier leaves the chat too (Telegram keeps it otherwise).
            await delete_refused(update, context, what="offer answer")
        prefix = fields.describe(checked, context.lang)
        await _ask(update, context, data, step, prefix=prefix)
        return
    if checked == "" and step in fields.OPTIONAL:
        await _ask(update, context, data, step, prefix=tr(context, "offers.use_skip"))
        return
    await _take(update, context, data, step, checked)


async def _current(update: Update, context: BotContext, button: Button) -> Dialog | None:
    """The dialogue this button belongs to, if it is still at the question the button answers."""
    return await dialog_of_button(update, context, button, kind=DIALOG_KIND)


async def _pressed(
    update: Update, context: BotContext, button: Button, *steps: str
) -> tuple[Dialog, dict[str, Any]] | None:
    """The dialogue of a press at one of ``steps``; stale presses are answered here."""
    dialog = await _current(update, context, button)
    if dialog is None or (steps and dialog.step not in steps):
        await alert(update, context, "button.stale")
        return None
    await close_keyboard(update, context, button)
    data = dict(dialog.data)
    if not await _dialog_space(update, context, data):
        return None
    return dialog, data


async def on_kind_button(update: Update, context: BotContext, button: Button) -> None:
    """A suggested kind."""
    pressed = await _pressed(update, context, button, "kind")
    if pressed is None:
        return
    kind = str(button.payload.get("kind", ""))
    if kind not in fields.SUGGESTED_KINDS:
        await _ask(update, context, pressed[1], "kind")
        return
    await _take(update, context, pressed[1], "kind", kind)


async def on_skip(update: Update, context: BotContext, button: Button) -> None:
    """Leave an optional field empty."""
    pressed = await _pressed(update, context, button, *fields.OPTIONAL)
    if pressed is not None:
        dialog, data = pressed
        await _take(update, context, data, dialog.step, "")


async def on_free(update: Update, context: BotContext, button: Button) -> None:
    """Free of charge: yes, no, or not known."""
    pressed = await _pressed(update, context, button, "free_of_charge")
    if pressed is not None:
        free = button.payload.get("free")
        await _take(
            update, context, pressed[1], "free_of_charge", free if isinstance(free, bool) else None
        )


async def on_change(update: Update, context: BotContext, button: Button) -> None:
    """From the summary: which field to change."""
    pressed = await _pressed(update, context, button, STEP_CONFIRM)
    if pressed is not None:
        await _ask(update, context, pressed[1], STEP_CHOOSE)


async def on_field(update: Update, context: BotContext, button: Button) -> None:
    """Answer one question again, then back to the summary."""
    pressed = await _pressed(update, context, button, STEP_CHOOSE)
    if pressed is None:
        return
    _, data = pressed
    name = str(button.payload.get("field"))
    if name not in fields.FIELDS:
        await _ask(update, context, data, STEP_CONFIRM)
        return
    data["editing"] = True
    await _ask(update, context, data, name)


async def on_back(update: Update, context: BotContext, button: Button) -> None:
    """Back to the summary without changing anything."""
    pressed = await _pressed(update, context, button)
    if pressed is not None:
        data = pressed[1]
        data.pop("editing", None)
        await _ask(update, context, data, STEP_CONFIRM)


async def on_discard(update: Update, context: BotContext, button: Button) -> None:
    """Throw the draft away; nothing was stored."""
    await discard(update, context, button, kind=DIALOG_KIND, done_key="offers.discarded")


async def on_save(update: Update, context: BotContext, button: Button) -> None:
    """Store the offer after checking rights, every value and the natural key once more."""
    dialog = await _current(update, context, button)
    if dialog is None or dialog.step != STEP_CONFIRM:
        await alert(update, context, "button.stale")
        return
    data = dict(dialog.data)
    await consume(context, button)
    await update.callback_query.answer()  # type: ignore[union-attr]
    if not await _dialog_space(update, context, data):
        return
    space_id = int(data["space_id"])
    values = data.get("values", {})
    allow = await _allowlist(context, space_id, values)
    for name in fields.FIELDS:
        raw = values.get(name)
        if name == "free_of_charge":
            continue
        checked = fields.check(name, str(raw or ""), allow=allow)
        if isinstance(checked, fields.Problem):
            await _ask(update, context, data, name, prefix=fields.describe(checked, context.lang))
            return
    other = await _duplicate(context, data)
    if other is not None:
        prefix = tr(context, "offers.duplicate", name=other.name, provider=other.provider)
        await _ask(update, context, data, "name", prefix=prefix)
        return
    offer_data = store.OfferData.from_dict(values)
    actor_id = context.actor.telegram_id
    if data.get("offer_id") is None:
        offer = await store.add_offer(
            context.session, space_id=space_id, data=offer_data, actor_id=actor_id, now=context.now
        )
        action, key = "offer.created", "offers.saved"
    else:
        found = await store.get_offer(context.session, offer_id=int(data["offer_id"]))
        assert found is not None
        offer = found
        await store.update_offer(
            context.session, offer=offer, data=offer_data, actor_id=actor_id, now=context.now
        )
        action, key = "offer.changed", "offers.changed"
    assert offer.id is not None
    await audit_action(
        context,
        action,
        object_type="offer",
        object_id=offer.id,
        details={"social_space_id": space_id},
    )
    await end_dialog(update, context)
    await edit_or_send(update, context, tr(context, key, card=Markup(card(context, offer))))


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """Handlers of this feature."""
    return [
        CommandHandler(["angebote", "offers"], search),
        CommandHandler(["angebot", "offer"], start_add),
    ]


BUTTONS: dict[str, ButtonAction] = {
    "angebote.kind": on_kind,
    "angebote.more": on_more,
    "angebote.open": on_open,
    "angebote.archive": on_archive,
    "angebote.restore": on_restore,
    "angebote.edit": on_edit,
    "angebote.topic": on_topic,
    "angebote.topic_pick": on_topic_pick,
    "angebote.idea": on_idea,
    "angebot.space": on_space,
    "angebot.kind": on_kind_button,
    "angebot.skip": on_skip,
    "angebot.free": on_free,
    "angebot.change": on_change,
    "angebot.field": on_field,
    "angebot.back": on_back,
    "angebot.discard": on_discard,
    "angebot.save": on_save,
}

DIALOGS: dict[str, DialogStep] = {DIALOG_KIND: on_text, IDEA_KIND: on_idea_text}
