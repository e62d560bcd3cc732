"""Webhook mode behind a reverse proxy: Telegram POSTs updates, the secret header is checked.

The answer 200 is given only after the update was handled and committed; if handling fails,
the answer is 500 and Telegram delivers the update again (a redelivery of a handled update is
skipped by its stored id).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Sequence
from urllib.parse import urlsplit

import tornado.httpserver
import tornado.web
from telegram import Update

from bot.runtime import SozialraumApplication

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


class UpdateHandler(tornado.web.RequestHandler):
    """Receives one update per request."""

    def initialize(self, bot_application: SozialraumApplication, secret: str) -> None:
        """Tornado hands the bot application and the secret to each request."""
        self.bot_application = bot_application
        self.secret = secret

    async def post(self) -> None:
        """Check the secret, handle the update, then answer."""
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.warning("webhook request with a wrong or missing secret refused")
            self.set_status(403)
            return
        try:
            data = json.loads(self.request.body)
            update = Update.de_json(data, self.bot_application.bot)
        except (ValueError, TypeError, KeyError):
            self.set_status(400)
            return
        if update is None:
            self.set_status(400)
            return
        try:
            await self.bot_application.process_update(update)
        except Exception:
            log.exception("update %s could not be stored; Telegram will retry", update.update_id)
            self.set_status(500)
            return
        self.set_status(200)

    def log_exception(self, *args: object) -> None:  # pragma: no cover - tornado hook
        """Keep request bodies out of the log."""
        log.error("webhook request failed")


def webhook_app(
    application: SozialraumApplication, path: str, secret: str
) -> tornado.web.Application:
    """The tornado application serving one path."""
    return tornado.web.Application(
        [(path, UpdateHandler, {"bot_application": application, "secret": secret})],
        log_function=lambda _handler: None,
    )


async def serve(
    application: SozialraumApplication,
    stop: asyncio.Event,
    *,
    url: str,
    secret: str,
    listen: str,
    port: int,
    allowed_updates: Sequence[str],
) -> None:
    """Register the webhook with Telegram and serve until ``stop`` is set."""
    path = urlsplit(url).path or "/"
    server = tornado.httpserver.HTTPServer(webhook_app(application, path, secret))
    server.listen(port, address=listen)
    await application.bot.set_webhook(
        url=url, secret_token=secret, allowed_updates=list(allowed_updates)
    )
    log.info("webhook listening on %s:%s%s", listen, port, path)
    try:
        await stop.wait()
    finally:
        server.stop()
        await server.close_all_connections()
