"""Who may do what. Plain rules on an :class:`Actor`, loaded fresh from the database per update."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage import directory
from bot.storage.models import Member, Role

#: Roles a coordinator may hand out; ``fachbereichsleitung`` approves money later on, so only
#: administrators create it (a coordinator cannot make someone their own approver).
COORDINATOR_INVITABLE = tuple(role for role in Role if role is not Role.FACHBEREICHSLEITUNG)
MANAGING_ROLES = frozenset({Role.KOORDINATION})
NETWORK_ROLES = frozenset({Role.NETZWERK})


@dataclass(frozen=True)
class Actor:
    """The person behind an update, as the database knows them right now."""

    telegram_id: int
    member: Member | None
    is_admin: bool
    roles: dict[int, frozenset[str]] = field(default_factory=dict)

    @property
    def is_known(self) -> bool:
        """Administrators and members of at least one team; everybody else is a stranger."""
        return self.is_admin or bool(self.roles)

    @property
    def team_ids(self) -> set[int]:
        """Teams the actor belongs to."""
        return set(self.roles)

    def roles_in(self, team_id: int) -> frozenset[str]:
        """Roles held in one team."""
        return self.roles.get(team_id, frozenset())

    def can_manage(self, team_id: int) -> bool:
        """Coordinators manage their own teams; administrators manage every team."""
        return self.is_admin or bool(self.roles_in(team_id) & MANAGING_ROLES)

    def can_run_network(self, team_id: int) -> bool:
        """Network meetings are the network worker's work too: they set up and change them."""
        return self.can_manage(team_id) or bool(self.roles_in(team_id) & NETWORK_ROLES)

    def invitable_roles(self, team_id: int) -> tuple[str, ...]:
        """Roles this actor may invite people into, in a team."""
        if self.is_admin:
            return tuple(Role)
        if self.can_manage(team_id):
            return COORDINATOR_INVITABLE
        return ()


async def load_actor(
    session: AsyncSession, *, telegram_id: int, admin_ids: frozenset[int]
) -> Actor:
    """Read the actor's membership and roles from the database."""
    member = await directory.get_member(session, telegram_id=telegram_id)
    roles: dict[int, frozenset[str]] = {}
    if member is not None and member.id is not None:
        raw = await directory.roles_by_team(session, member_id=member.id)
        roles = {team_id: frozenset(team_roles) for team_id, team_roles in raw.items()}
    return Actor(
        telegram_id=telegram_id, member=member, is_admin=telegram_id in admin_ids, roles=roles
    )
