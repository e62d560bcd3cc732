"""``python -m tests.auxil.pg_available URL``: exit 0 if PostgreSQL answers at URL, else 1."""

from __future__ import annotations

import asyncio
import sys

import asyncpg


async def _probe(url: str) -> bool:
    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    try:
        connection = await asyncpg.connect(dsn, timeout=5)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    await connection.close()
    return True


if __name__ == "__main__":
    sys.exit(0 if asyncio.run(_probe(sys.argv[1])) else 1)
