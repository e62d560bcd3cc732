"""The retention job: free text of closed topics expires, the statistics stay, nothing else.

Topics are written directly through :mod:`bot.storage.topics` (sealed with a vault of the
test's own); the clock stands on Monday 23 November 2026, 09:00 in Berlin.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import time, timedelta
from itertools import count
from zoneinfo import ZoneInfo

import pytest

from bot.app import build_application, start_application, stop_application
from bot.clock import FrozenClock
from bot.config import Settings
from bot.crypto import Vault, new_key
from bot.runtime import Services
from bot.scheduler import retention
from bot.storage import audit, topics
from bot.storage.db import Database
from bot.storage.models import CaseTopic, Role, Team, TopicStatus
from bot.storage.topics import SealedText
from tests.auxil import people
from tests.auxil.data import add_member, seed_directory
from tests.auxil.world import World

BERLIN = ZoneInfo("Europe/Berlin")
QUESTION = "Wie kann die Mutter beim Übergang in die Grundschule entlastet werden?"
SITUATION = "Das Kind fehlt oft, die Mutter arbeitet im Schichtdienst."


@dataclass(frozen=True)
class Topics:
    """Ids of the three topics every test starts with."""

    closed_31_days_ago: int
    closed_29_days_ago: int
    queued: int


async def seed_topics(db: Database, clock: FrozenClock, vault: Vault) -> Topics:
    """Three topics of Sven's in Nord A: closed 31 and 29 days ago, and one still queued.

    All were submitted 60 days ago; every text, the outcome notes too, is sealed by ``vault``.
    """
    now = clock.now()
    seeded = await seed_directory(db, now=now)
    author = await add_member(db, people.CASEWORKER, seeded.nord_a, Role.ASD, now=now)
    numbers = count(1)
    submitted = now - timedelta(days=60)
    ids: list[int] = []
    async with db.transaction() as session:
        team = await session.get(Team, seeded.nord_a)
        assert team is not None
        for _ in range(3):
            case = await topics.new_case(
                session,
                organisation_id=team.organisation_id,
                team_id=seeded.nord_a,
                owner_id=author,
                now=submitted,
                draw=lambda wide: f"Linde-{next(numbers)}",
            )
            topic = await topics.add_topic(
                session,
                case=case,
                author_id=author,
                text=SealedText(
                    question=vault.seal(QUESTION),
                    situation=vault.seal(SITUATION),
                    will=vault.seal("Die Familie möchte zusammenbleiben."),
                    resources=None,
                    tried=vault.seal("Beratung im Familienzentrum"),
                ),
                urgent=False,
                help_kind="ambulant",
                meeting_id=None,
                now=submitted,
            )
            assert topic.id is not None
            ids.append(topic.id)
        for topic_id, days in ((ids[0], 31), (ids[1], 29)):
            topic = await topics.get_topic(session, topic_id=topic_id)
            assert topic is not None
            await topics.close(
                session,
                topic=topic,
                status=TopicStatus.DISCUSSED,
                now=now - timedelta(days=days),
                outcome="ambulante_hilfe",
                outcome_note=vault.seal("Hilfe zur Erziehung wird beantragt."),
            )
    return Topics(closed_31_days_ago=ids[0], closed_29_days_ago=ids[1], queued=ids[2])


async def _topic(db: Database, topic_id: int) -> CaseTopic:
    async with db.transaction() as session:
        topic = await topics.get_topic(session, topic_id=topic_id)
    assert topic is not None
    return topic


@pytest.fixture
def vault() -> Vault:
    """A vault with a fresh key of its own."""
    return Vault([new_key()])


@pytest.fixture
def services(settings: Settings, db: Database, clock: FrozenClock) -> Services:
    """Services for calling the job directly, without an Application."""
    return Services(settings=settings, db=db, clock=clock)


async def test_text_of_topics_closed_more_than_thirty_days_ago_is_deleted(
    services: Services, db: Database, clock: FrozenClock, vault: Vault
) -> None:
    """31 days after closing the text is gone; code, dates, kind, urgency and outcome stay."""
    made = await seed_topics(db, clock, vault)
    before = await _topic(db, made.closed_31_days_ago)

    assert await retention.purge_expired(services) == [made.closed_31_days_ago]

    after = await _topic(db, made.closed_31_days_ago)
    for field in (*topics.TEXT_FIELDS, "outcome_note"):
        assert getattr(after, field) is None
    assert after.text_deleted_at == clock.now()
    for kept in (
        "case_id",
        "team_id",
        "author_id",
        "status",
        "urgent",
        "help_kind",
        "outcome",
        "submitted_at",
        "closed_at",
    ):
        assert getattr(after, kept) == getattr(before, kept)
    async with db.transaction() as session:
        assert await topics.code_of(session, topic=after) == "Linde-1"


async def test_topics_closed_29_days_ago_and_queued_topics_keep_their_text(
    services: Services, db: Database, clock: FrozenClock, vault: Vault
) -> None:
    """A topic closed within the period and a queued one are untouched and still open."""
    made = await seed_topics(db, clock, vault)
    await retention.purge_expired(services)

    for topic_id in (made.closed_29_days_ago, made.queued):
        topic = await _topic(db, topic_id)
        assert topic.text_deleted_at is None
        assert vault.open_optional(topic.question) == QUESTION
        assert vault.open_optional(topic.situation) == SITUATION


async def test_each_deletion_is_audited_without_content(
    services: Services, db: Database, clock: FrozenClock, vault: Vault
) -> None:
    """One ``topic.text_deleted`` entry per topic, by the system, naming only the topic id."""
    made = await seed_topics(db, clock, vault)
    await retention.purge_expired(services)

    async with db.transaction() as session:
        [entry] = await audit.entries(session, action="topic.text_deleted")
    assert entry.actor_id is None
    assert entry.object_type == "case_topic"
    assert entry.object_id == str(made.closed_31_days_ago)
    assert entry.at == clock.now()
    assert entry.details == {"retention_days": 30}


async def test_a_second_run_changes_nothing(
    services: Services, db: Database, clock: FrozenClock, vault: Vault
) -> None:
    """Running again (a day later, as the daily job does) deletes and audits nothing more."""
    made = await seed_topics(db, clock, vault)
    await retention.purge_expired(services)
    first = await _topic(db, made.closed_31_days_ago)

    clock.advance(timedelta(hours=12))
    assert await retention.purge_expired(services) == []

    assert (await _topic(db, made.closed_31_days_ago)).text_deleted_at == first.text_deleted_at
    assert (await _topic(db, made.closed_29_days_ago)).text_deleted_at is None
    async with db.transaction() as session:
        assert len(await audit.entries(session, action="topic.text_deleted")) == 1


async def test_the_retention_period_comes_from_the_settings(
    settings: Settings, db: Database, clock: FrozenClock, vault: Vault
) -> None:
    """With ``BOT_TOPIC_RETENTION_DAYS=60`` a topic closed 31 days ago keeps its text."""
    made = await seed_topics(db, clock, vault)
    longer = settings.model_copy(update={"bot_topic_retention_days": 60})
    assert await retention.purge_expired(Services(settings=longer, db=db, clock=clock)) == []
    clock.advance(timedelta(days=30))
    assert await retention.purge_expired(Services(settings=longer, db=db, clock=clock)) == [
        made.closed_31_days_ago
    ]


async def test_the_log_tells_the_count_and_no_text(
    services: Services,
    db: Database,
    clock: FrozenClock,
    vault: Vault,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The log line holds the number of topics, neither text nor token."""
    made = await seed_topics(db, clock, vault)
    token = (await _topic(db, made.closed_31_days_ago)).question
    assert token is not None
    with caplog.at_level(logging.INFO, logger="bot.scheduler.retention"):
        await retention.purge_expired(services)
    assert "retention deleted the text of 1 case topics" in caplog.text
    assert QUESTION not in caplog.text
    assert token not in caplog.text


async def test_the_daily_job_deletes_what_expired_since_the_start(
    world: World, vault: Vault
) -> None:
    """The scheduled job itself, run by the JobQueue's own means, purges and audits."""
    made = await seed_topics(world.db, world.clock, vault)
    assert world.app.job_queue is not None
    [job] = world.app.job_queue.get_jobs_by_name(retention.JOB_NAME)

    await job.run(world.app)

    assert (await _topic(world.db, made.closed_31_days_ago)).text_deleted_at == world.clock.now()
    assert (await _topic(world.db, made.closed_29_days_ago)).text_deleted_at is None
    async with world.db.transaction() as session:
        assert len(await audit.entries(session, action="topic.text_deleted")) == 1


async def test_start_catches_up_and_schedules_the_daily_job_once_by_name(
    world: World, settings: Settings, vault: Vault
) -> None:
    """Start deletes what expired during downtime; the job runs daily at 03:30 in Berlin.

    A restarted bot has the job once, and scheduling again replaces it by its name.
    """
    assert world.app.job_queue is not None
    [job] = world.app.job_queue.get_jobs_by_name(retention.JOB_NAME)
    assert job.next_t is not None
    assert job.next_t.astimezone(BERLIN).time() == time(3, 30)

    made = await seed_topics(world.db, world.clock, vault)
    restarted = build_application(settings, clock=world.clock)
    await start_application(restarted, run_outbox=False)
    try:
        assert (await _topic(world.db, made.closed_31_days_ago)).text_deleted_at is not None
        assert (await _topic(world.db, made.closed_29_days_ago)).text_deleted_at is None
        assert restarted.job_queue is not None
        assert len(restarted.job_queue.get_jobs_by_name(retention.JOB_NAME)) == 1
        retention.schedule(restarted.job_queue, restarted.bot_data["services"])
        assert len(restarted.job_queue.get_jobs_by_name(retention.JOB_NAME)) == 1
    finally:
        await stop_application(restarted)
