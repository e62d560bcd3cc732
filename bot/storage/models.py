"""Database tables. Alembic migrations create them; ``tests/test_migrations.py`` checks both agree.

The directory is organisation → region → social space → team; members hold one or more roles
per team. Only what the bot needs is kept: Telegram id, display name, language, roles.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, Text, UniqueConstraint
from sqlalchemy import text as sql_text
from sqlmodel import Field, SQLModel

from bot.storage.types import UTCDateTime


class Role(StrEnum):
    """Roles a member can hold in a team."""

    ASD = "asd"
    TRAEGER_AMBULANT = "traeger_ambulant"
    TRAEGER_STATIONAER = "traeger_stationaer"
    TRAEGER_FUA = "traeger_fua"
    NETZWERK = "netzwerk"
    JUGENDARBEIT = "jugendarbeit"
    KOORDINATION = "koordination"
    FACHBEREICHSLEITUNG = "fachbereichsleitung"


def _ts(**kwargs: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kwargs)


class Organisation(SQLModel, table=True):
    """A youth office (Jugendamt) with its structure, loaded from a structure file."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=64)
    name: str = Field(max_length=200)
    state: str = Field(default="SH", max_length=8)
    emergency_contact: str = Field(default="", sa_type=Text)


class Region(SQLModel, table=True):
    """A region of an organisation (e.g. Nord, Süd)."""

    __table_args__ = (UniqueConstraint("organisation_id", "slug"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    slug: str = Field(max_length=64)
    name: str = Field(max_length=200)


class SocialSpace(SQLModel, table=True):
    """A social space (Sozialraum) with the areas it covers."""

    __tablename__ = "social_space"
    __table_args__ = (UniqueConstraint("region_id", "slug"),)

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(foreign_key="region.id", index=True)
    slug: str = Field(max_length=64)
    name: str = Field(max_length=200)
    areas: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class Provider(SQLModel, table=True):
    """A free welfare provider (freier Träger) working in the organisation."""

    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    name: str = Field(max_length=200)


class Team(SQLModel, table=True):
    """A social-space team; ``chat_id`` is the Telegram group bound to it."""

    __table_args__ = (UniqueConstraint("organisation_id", "slug"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    social_space_id: int | None = Field(default=None, foreign_key="social_space.id", index=True)
    slug: str = Field(max_length=64)
    name: str = Field(max_length=200)
    chat_id: int | None = Field(default=None, sa_type=BigInteger, unique=True)


class Member(SQLModel, table=True):
    """A Telegram user the bot knows."""

    id: int | None = Field(default=None, primary_key=True)
    telegram_id: int = Field(sa_type=BigInteger, unique=True)
    display_name: str = Field(max_length=200)
    language: str = Field(default="de", max_length=8)
    reminders_enabled: bool = Field(default=True)
    created_at: datetime = _ts()


class Membership(SQLModel, table=True):
    """One role of one member in one team; several rows give several roles."""

    __table_args__ = (UniqueConstraint("member_id", "team_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    role: str = Field(max_length=32)
    created_at: datetime = _ts()


class Invite(SQLModel, table=True):
    """A one-time invitation; only the SHA-256 of the code is stored."""

    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(unique=True, max_length=64)
    team_id: int = Field(foreign_key="team.id", index=True)
    role: str = Field(max_length=32)
    created_by: int = Field(sa_type=BigInteger)
    created_at: datetime = _ts()
    expires_at: datetime = _ts()
    used_at: datetime | None = _ts(default=None)
    used_by: int | None = Field(default=None, sa_type=BigInteger)


class BotChat(SQLModel, table=True):
    """A group the bot is a member of, as told by ``my_chat_member`` updates."""

    __tablename__ = "bot_chat"

    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    title: str = Field(default="", max_length=255)
    status: str = Field(max_length=32)
    updated_at: datetime = _ts()


class ProcessedUpdate(SQLModel, table=True):
    """Telegram update ids that were handled, so that a redelivery is skipped."""

    __tablename__ = "processed_update"

    update_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    processed_at: datetime = _ts(index=True)


class Dialog(SQLModel, table=True):
    """The running dialogue of a user in a chat; survives restarts."""

    __table_args__ = (UniqueConstraint("telegram_id", "chat_id"),)

    id: int | None = Field(default=None, primary_key=True)
    telegram_id: int = Field(sa_type=BigInteger)
    chat_id: int = Field(sa_type=BigInteger)
    kind: str = Field(max_length=32)
    step: str = Field(max_length=32)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = _ts()


class Button(SQLModel, table=True):
    """What an inline button means; ``callback_data`` carries only the random token.

    Pressing a button looks the token up here and checks the presser's rights again, so a
    forged or stale ``callback_data`` finds nothing or is refused.
    """

    token: str = Field(primary_key=True, max_length=32)
    batch: str = Field(max_length=32, index=True)
    chat_id: int = Field(sa_type=BigInteger)
    telegram_id: int | None = Field(default=None, sa_type=BigInteger)
    action: str = Field(max_length=32)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _ts()
    expires_at: datetime = _ts(index=True)


class OutboxStatus(StrEnum):
    """Life of an outbox message."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNCERTAIN = "uncertain"


class OutboxMessage(SQLModel, table=True):
    """A message the bot sends on its own (not a direct reply), sent exactly once."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "not_before"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_type=BigInteger)
    text: str = Field(sa_type=Text)
    reply_markup: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    dedupe_key: str | None = Field(default=None, unique=True, max_length=200)
    status: str = Field(default=OutboxStatus.PENDING, max_length=16)
    attempts: int = Field(default=0)
    created_at: datetime = _ts()
    not_before: datetime = _ts()
    sent_at: datetime | None = _ts(default=None)
    message_id: int | None = Field(default=None, sa_type=BigInteger)
    last_error: str | None = Field(default=None, max_length=200)


class AuditEntry(SQLModel, table=True):
    """Append-only record of a change: who, what, which object, when. Never content."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _ts(index=True)
    actor_id: int | None = Field(default=None, sa_type=BigInteger)
    action: str = Field(max_length=64)
    object_type: str = Field(max_length=32)
    object_id: str = Field(max_length=64)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class ConsultationSeries(SQLModel, table=True):
    """A team's repeating meeting: the weekly collegial consultation or the network meeting.

    Times are wall-clock in the bot's zone (``BOT_TIMEZONE``); public holidays come from the
    organisation's federal state, so neither is stored here. ``place`` is an organisational
    place (a room, a video link), never case data.

    The submission deadline is ``deadline_kind`` ``weekday`` (cases due on
    ``deadline_weekday`` at ``deadline_minutes`` after midnight) or ``before`` (due
    ``deadline_minutes`` before the start). ``recurrence`` is ``weekly`` (every
    ``interval_weeks`` weeks) or ``monthly`` (the ``monthly_nth`` weekday, -1 the last).
    ``sequence`` goes up with every change, for calendar clients that compare it.
    """

    __tablename__ = "consultation_series"
    __table_args__ = (UniqueConstraint("team_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id")  # indexed by the unique constraint
    kind: str = Field(default="consultation", max_length=16)
    weekday: int
    start_time: str = Field(max_length=5)
    duration_minutes: int
    place: str = Field(default="", sa_type=Text)
    minutes_per_case: int = Field(default=30)
    deadline_kind: str = Field(max_length=16)
    deadline_weekday: int | None = Field(default=None)
    deadline_minutes: int
    reminder_offsets: list[int] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    quorum: int = Field(default=1)
    holiday_policy: str = Field(default="skip", max_length=24)
    recurrence: str = Field(default="weekly", max_length=16)
    interval_weeks: int = Field(default=1)
    monthly_nth: int | None = Field(default=None)
    start_date: date
    end_date: date | None = Field(default=None)
    sequence: int = Field(default=0)
    created_by: int = Field(sa_type=BigInteger)
    created_at: datetime = _ts()
    updated_by: int = Field(sa_type=BigInteger)
    updated_at: datetime = _ts()


class SeriesCancellation(SQLModel, table=True):
    """One date of a series that does not take place."""

    __tablename__ = "series_cancellation"
    __table_args__ = (UniqueConstraint("series_id", "original_date"),)

    id: int | None = Field(default=None, primary_key=True)
    series_id: int = Field(foreign_key="consultation_series.id", index=True)
    original_date: date
    reason: str = Field(default="", sa_type=Text)
    created_by: int = Field(sa_type=BigInteger)
    created_at: datetime = _ts()


class SeriesMove(SQLModel, table=True):
    """One date of a series moved to another day (and time, if ``new_time`` is set)."""

    __tablename__ = "series_move"
    __table_args__ = (UniqueConstraint("series_id", "original_date"),)

    id: int | None = Field(default=None, primary_key=True)
    series_id: int = Field(foreign_key="consultation_series.id", index=True)
    original_date: date
    new_date: date
    new_time: str | None = Field(default=None, max_length=5)
    note: str = Field(default="", sa_type=Text)
    created_by: int = Field(sa_type=BigInteger)
    created_at: datetime = _ts()


class SeriesPause(SQLModel, table=True):
    """No meetings of a series from ``start_date`` to ``end_date``, both inclusive."""

    __tablename__ = "series_pause"

    id: int | None = Field(default=None, primary_key=True)
    series_id: int = Field(foreign_key="consultation_series.id", index=True)
    start_date: date
    end_date: date
    note: str = Field(default="", sa_type=Text)
    created_by: int = Field(sa_type=BigInteger)
    created_at: datetime = _ts()


class MeetingStatus(StrEnum):
    """What became of a meeting."""

    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


class Meeting(SQLModel, table=True):
    """One date of a series that the bot works with, made when it is first needed.

    A series' dates are computed, not stored; a meeting row is made for a date when its first
    reminder is handled or someone asks for its answers, so that answers and reminders have
    something to point at. ``original_date`` is the date's identity (a moved meeting keeps it);
    ``starts_at``/``ends_at`` follow moves and are refreshed from the series by the reminder
    job. ``rsvp_outbox_id`` is the outbox row of the group message with the answer buttons
    (no foreign key: sent outbox rows are purged after a month).
    """

    __table_args__ = (UniqueConstraint("series_id", "original_date"),)

    id: int | None = Field(default=None, primary_key=True)
    series_id: int = Field(foreign_key="consultation_series.id")  # indexed by the constraint
    original_date: date
    starts_at: datetime = _ts()
    ends_at: datetime = _ts()
    status: str = Field(default=MeetingStatus.PLANNED, max_length=16)
    rsvp_outbox_id: int | None = Field(default=None)
    created_at: datetime = _ts()
    minutes_asked_at: datetime | None = _ts(default=None)
    closed_at: datetime | None = _ts(default=None)


class RsvpAnswer(StrEnum):
    """A member's answer to "are you coming?"."""

    YES = "yes"
    NO = "no"
    MAYBE = "maybe"


class Rsvp(SQLModel, table=True):
    """One member's current answer for one meeting; a new answer replaces the old one."""

    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id")  # indexed by the constraint
    member_id: int = Field(foreign_key="member.id", index=True)
    answer: str = Field(max_length=8)
    updated_at: datetime = _ts()


class ReminderStatus(StrEnum):
    """How a reminder was handled: sent on time, sent late, or dropped."""

    SENT = "sent"
    LATE = "late"
    DROPPED = "dropped"


class ReminderLog(SQLModel, table=True):
    """A reminder of one meeting at one offset that was handled; the row makes it exactly-once.

    The row is inserted in the same transaction that queues the reminder in the outbox, and
    the unique constraint refuses a second one, so a reminder is handled once per due time,
    across restarts and parallel runs alike. When the meeting moves after the reminder went
    out, the row is claimed again for the new ``due_at`` (a conditional UPDATE on the old one).
    ``reason`` says why a reminder was dropped.
    """

    __tablename__ = "reminder_log"
    __table_args__ = (UniqueConstraint("meeting_id", "offset_minutes"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id")  # indexed by the constraint
    offset_minutes: int
    due_at: datetime = _ts()
    status: str = Field(max_length=16)
    reason: str = Field(default="", max_length=16)
    handled_at: datetime = _ts()


class CaseCode(SQLModel, table=True):
    """A case's pseudonymous code ("Linde-17"), unique per organisation; never derived from data.

    A case keeps its code across topics: a follow-up topic points at the same code, so the
    team speaks of "Linde-17" from the first consultation to the last. Only the member who
    brought the case may bring follow-ups of it.
    """

    __tablename__ = "case_code"
    __table_args__ = (UniqueConstraint("organisation_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id")  # indexed by the constraint
    team_id: int = Field(foreign_key="team.id", index=True)
    owner_id: int = Field(foreign_key="member.id", index=True)
    code: str = Field(max_length=32)
    created_at: datetime = _ts()


class TopicStatus(StrEnum):
    """Where a case topic stands."""

    QUEUED = "queued"
    DEFERRED = "deferred"
    """Still on a meeting that ended; the minutes say it goes to the next date when closed."""
    DISCUSSED = "discussed"
    WITHDRAWN = "withdrawn"
    DROPPED = "dropped"


class CaseTopic(SQLModel, table=True):
    """A pseudonymised case topic for a consultation; its free text is encrypted at rest.

    The text columns hold Fernet tokens (:mod:`bot.crypto`), never plain text, and are set to
    NULL by the retention job ``text_deleted_at``; code, dates, kind of help, urgency and
    outcome category stay for statistics. ``meeting_id`` is the consultation whose agenda
    holds the topic (NULL while the team has no date to put it on); ``position`` orders the
    agenda after urgency.
    """

    __tablename__ = "case_topic"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_code.id", index=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    author_id: int = Field(foreign_key="member.id", index=True)
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", index=True)
    position: int = Field(default=0)
    status: str = Field(default=TopicStatus.QUEUED, max_length=16)
    urgent: bool = Field(default=False)
    help_kind: str = Field(default="offen", max_length=16)
    question: str | None = Field(default=None, sa_type=Text)
    situation: str | None = Field(default=None, sa_type=Text)
    will: str | None = Field(default=None, sa_type=Text)
    resources: str | None = Field(default=None, sa_type=Text)
    tried: str | None = Field(default=None, sa_type=Text)
    outcome: str | None = Field(default=None, max_length=24)
    outcome_note: str | None = Field(default=None, sa_type=Text)
    times_moved: int = Field(default=0)
    submitted_at: datetime = _ts()
    updated_at: datetime = _ts()
    closed_at: datetime | None = _ts(default=None)
    text_deleted_at: datetime | None = _ts(default=None)


class Attendance(SQLModel, table=True):
    """Who came to a held meeting: taken from the answers, correctable by the coordinator."""

    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id")  # indexed by the constraint
    member_id: int = Field(foreign_key="member.id", index=True)
    present: bool
    corrected_by: int | None = Field(default=None, sa_type=BigInteger)
    updated_at: datetime = _ts()


# ── Network ideas (issue 6) ─────────────────────────────────────────────────────────────────


class IdeaSession(SQLModel, table=True):
    """A network meeting in the team's group while the bot collects "Idee:" messages.

    ``meeting_id`` is the network-meeting date of that day, when the team has one.
    ``ended_at`` is NULL while the meeting runs.
    """

    __tablename__ = "idea_session"

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    chat_id: int = Field(sa_type=BigInteger)
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", index=True)
    started_by: int = Field(sa_type=BigInteger)
    started_at: datetime = _ts()
    ended_by: int | None = Field(default=None, sa_type=BigInteger)
    ended_at: datetime | None = _ts(default=None)


class Idea(SQLModel, table=True):
    """An idea for a low-threshold offer, numbered per team ("Idee #12").

    The text passed the privacy gate before it was stored; it names no families. ``origin``,
    ``work_kind`` and ``target_group`` are NULL until somebody tags them; ``partners`` is a list
    of vocabulary words (:mod:`bot.ideas`). ``drop_reason`` is kept only for dropped ideas.
    """

    __table_args__ = (UniqueConstraint("team_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id")  # indexed by the unique constraint
    number: int
    text: str = Field(sa_type=Text)
    author_id: int = Field(foreign_key="member.id", index=True)
    session_id: int | None = Field(default=None, foreign_key="idea_session.id", index=True)
    origin: str | None = Field(default=None, max_length=16)
    work_kind: str | None = Field(default=None, max_length=16)
    target_group: str | None = Field(default=None, max_length=16)
    partners: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="idea", max_length=16)
    responsible_id: int | None = Field(default=None, foreign_key="member.id")
    drop_reason: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class IdeaVote(SQLModel, table=True):
    """One member's 👍 for one idea; pressing again takes it back (the row is deleted)."""

    __tablename__ = "idea_vote"
    __table_args__ = (UniqueConstraint("idea_id", "member_id"),)

    id: int | None = Field(default=None, primary_key=True)
    idea_id: int = Field(foreign_key="idea.id")  # indexed by the unique constraint
    member_id: int = Field(foreign_key="member.id", index=True)
    created_at: datetime = _ts()


class IdeaStatusChange(SQLModel, table=True):
    """One step of an idea's life; the yearly report asks which ideas ever got running."""

    __tablename__ = "idea_status_change"

    id: int | None = Field(default=None, primary_key=True)
    idea_id: int = Field(foreign_key="idea.id", index=True)
    from_status: str = Field(max_length=16)
    to_status: str = Field(max_length=16)
    actor_id: int = Field(sa_type=BigInteger)
    at: datetime = _ts()


# ── Map of offers (issue 6) ─────────────────────────────────────────────────────────────────


class Offer(SQLModel, table=True):
    """An offer in a social space's map of offers (Ressourcenkarte): public, organisational data.

    Place, phone and e-mail are the offer's organisational contact, public by nature; the
    free texts (target group, description) pass the privacy gate like every other free text.
    ``natural_key`` is the folded name and provider (:func:`bot.offers.search.natural_key`):
    one offer per name and provider in a social space, so a CSV re-import updates it.
    ``archived_at`` hides an offer from searches without losing its links.
    """

    __tablename__ = "offer"
    __table_args__ = (UniqueConstraint("social_space_id", "natural_key"),)

    id: int | None = Field(default=None, primary_key=True)
    social_space_id: int = Field(foreign_key="social_space.id")  # indexed by the constraint
    natural_key: str = Field(max_length=255)
    name: str = Field(max_length=120)
    provider: str = Field(max_length=120)
    kind: str = Field(max_length=60)
    target_group: str = Field(default="", max_length=200)
    place: str = Field(default="", max_length=200)
    times: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=32)
    email: str = Field(default="", max_length=254)
    description: str = Field(default="", sa_type=Text)
    free_of_charge: bool | None = Field(default=None)
    created_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = _ts()
    updated_by: int | None = Field(default=None, sa_type=BigInteger)
    updated_at: datetime = _ts()
    archived_at: datetime | None = _ts(default=None)


class IdeaOffer(SQLModel, table=True):
    """An offer an idea is linked to (it grew from it, or builds on it): two ids."""

    __tablename__ = "idea_offer"

    idea_id: int = Field(foreign_key="idea.id", primary_key=True)
    offer_id: int = Field(foreign_key="offer.id", primary_key=True, index=True)
    created_by: int = Field(sa_type=BigInteger)
    created_at: datetime = _ts()


class CaseTopicOffer(SQLModel, table=True):
    """An offer named as a resource of a case topic: two ids, never text (the topic is sealed)."""

    __tablename__ = "case_topic_offer"

    topic_id: int = Field(foreign_key="case_topic.id", primary_key=True)
    offer_id: int = Field(foreign_key="offer.id", primary_key=True, index=True)
    created_by: int = Field(sa_type=BigInteger)
    created_at: datetime = _ts()


# ── Social-space budget (issue 5) ───────────────────────────────────────────────────────────


class BudgetYear(SQLModel, table=True):
    """An organisation's budget year as the structure file sets it: the coordinators' limit.

    Coordinators may approve requests up to ``coordinator_limit`` cents (0: not at all); the
    Fachbereichsleitung approves any amount in its region.
    """

    __tablename__ = "budget_year"
    __table_args__ = (UniqueConstraint("organisation_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id")  # indexed by the constraint
    year: int
    coordinator_limit: int = Field(default=0, sa_type=BigInteger)
    updated_at: datetime = _ts()


class BudgetPot(SQLModel, table=True):
    """Money of one social space (or, for the reserve, the organisation) in one year and category.

    ``allocated``, ``committed`` and ``settled`` (cents) cache the sums of the pot's bookings
    in ``budget_booking``; ``python -m bot budget verify`` recomputes them. The row is locked
    (``SELECT … FOR UPDATE``) by every booking, so two approvals cannot both take the last
    money. ``warned_percent`` is the highest use threshold (80, 100) already announced.
    """

    __tablename__ = "budget_pot"
    __table_args__ = (
        UniqueConstraint("organisation_id", "social_space_id", "year", "category"),
        # NULLs never collide in the constraint above, so the reserve has its own index.
        Index(
            "ux_budget_pot_reserve",
            "organisation_id",
            "year",
            "category",
            unique=True,
            sqlite_where=sql_text("social_space_id IS NULL"),
            postgresql_where=sql_text("social_space_id IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id")  # indexed by the constraint
    social_space_id: int | None = Field(default=None, foreign_key="social_space.id", index=True)
    year: int
    category: str = Field(max_length=16)
    allocated: int = Field(default=0, sa_type=BigInteger)
    committed: int = Field(default=0, sa_type=BigInteger)
    settled: int = Field(default=0, sa_type=BigInteger)
    warned_percent: int = Field(default=0)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class SpendingRequest(SQLModel, table=True):
    """A team member's request for money from a pot, and what became of it.

    ``amount`` is what was asked, ``approved`` what was committed, ``actual`` what was paid;
    ``claimed`` is a settlement above the approved amount that waits for a second approval.
    ``idea_id`` points at the network idea (issue 6) the money is for, if any.
    """

    __tablename__ = "spending_request"
    __table_args__ = (Index("ix_spending_request_status", "status", "pot_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    pot_id: int = Field(foreign_key="budget_pot.id", index=True)
    requester_id: int = Field(foreign_key="member.id", index=True)
    amount: int = Field(sa_type=BigInteger)
    approved: int | None = Field(default=None, sa_type=BigInteger)
    actual: int | None = Field(default=None, sa_type=BigInteger)
    claimed: int | None = Field(default=None, sa_type=BigInteger)
    purpose: str = Field(sa_type=Text)
    idea_id: int | None = Field(default=None, foreign_key="idea.id", index=True)
    provider_id: int | None = Field(default=None, foreign_key="provider.id")
    provider_name: str | None = Field(default=None, max_length=200)
    desired_date: date | None = Field(default=None)
    status: str = Field(default="requested", max_length=16)
    reason: str | None = Field(default=None, sa_type=Text)
    decided_by: int | None = Field(default=None, foreign_key="member.id")
    decided_at: datetime | None = _ts(default=None)
    settled_at: datetime | None = _ts(default=None)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class BudgetBooking(SQLModel, table=True):
    """One append-only ledger line: signed cent deltas of one pot, why, by whom and when.

    ``counterpart_pot_id`` is the other side of a reallocation, reserve draw or carry-over;
    ``actor_id`` is a Telegram id like the audit log's (``None`` for the command line).
    """

    __tablename__ = "budget_booking"

    id: int | None = Field(default=None, primary_key=True)
    pot_id: int = Field(foreign_key="budget_pot.id", index=True)
    kind: str = Field(max_length=16)
    d_allocated: int = Field(default=0, sa_type=BigInteger)
    d_committed: int = Field(default=0, sa_type=BigInteger)
    d_settled: int = Field(default=0, sa_type=BigInteger)
    request_id: int | None = Field(default=None, foreign_key="spending_request.id", index=True)
    counterpart_pot_id: int | None = Field(default=None, foreign_key="budget_pot.id")
    actor_id: int | None = Field(default=None, sa_type=BigInteger)
    note: str = Field(default="", max_length=200)
    at: datetime = _ts()
