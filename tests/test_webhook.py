"""Webhook mode: the secret header is checked, and an update is answered 200 after handling."""

from __future__ import annotations

import asyncio
import socket

import httpx

from bot.app import ALLOWED_UPDATES
from bot.webhook import SECRET_HEADER, serve
from tests.auxil import people
from tests.auxil.builders import message_update, private_chat
from tests.auxil.data import Directory
from tests.auxil.world import World

SECRET = "s3cret-for-the-webhook-test"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_webhook_checks_secret_and_handles_each_update_once(
    world: World, teams: Directory
) -> None:
    """Wrong or missing secret: 403 and nothing handled; the right one: handled once."""
    port = _free_port()
    stop = asyncio.Event()
    server = asyncio.create_task(
        serve(
            world.app,
            stop,
            url="https://bot.example.org/telegram/hook",
            secret=SECRET,
            listen="127.0.0.1",
            port=port,
            allowed_updates=ALLOWED_UPDATES,
        )
    )
    update = message_update(people.CASEWORKER, private_chat(people.CASEWORKER), "/team")
    update["update_id"] = 777
    url = f"http://127.0.0.1:{port}/telegram/hook"
    try:
        assert await world.fake.wait_for_async(lambda f: bool(f.webhook()), timeout=5)
        async with httpx.AsyncClient() as client:
            assert (await client.post(url, json=update)).status_code == 403
            wrong = await client.post(url, json=update, headers={SECRET_HEADER: "nope"})
            assert wrong.status_code == 403
            assert world.fake.sent(people.CASEWORKER.id) == []

            headers = {SECRET_HEADER: SECRET}
            assert (await client.post(url, json=update, headers=headers)).status_code == 200
            assert (await client.post(url, json=update, headers=headers)).status_code == 200
            bad = await client.post(url, content=b"{not json", headers=headers)
            assert bad.status_code == 400
    finally:
        stop.set()
        await asyncio.wait_for(server, timeout=5)
    replies = world.fake.sent(people.CASEWORKER.id)
    assert len(replies) == 1
    assert "Sozialraumteam Nord A" in (replies[0].text or "")
    registered = world.fake.webhook()
    assert registered["url"] == "https://bot.example.org/telegram/hook"
    assert registered["secret_token"] == SECRET
