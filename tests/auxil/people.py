"""The people who play the users in end-to-end tests."""

from __future__ import annotations

from tests.auxil.builders import TgChat, TgUser, group_chat

ADMIN = TgUser(1001, "Ada", "Admin", username="ada_admin")
COORDINATOR = TgUser(2001, "Carla", "Koordination", username="carla_k")
CASEWORKER = TgUser(3001, "Sven", "Sozialarbeit")
PROVIDER = TgUser(3002, "Petra", "Träger")
NETWORKER = TgUser(3003, "Nils", "Netzwerk")
OTHER_COORDINATOR = TgUser(2002, "Olga", "Süd")
STRANGER = TgUser(9001, "Fremd", "Person", language_code="en")
HOSTILE = TgUser(9002, "<b>Tom & Jerry</b>", "<i>x</i>")

NORD_A_GROUP: TgChat = group_chat(-100111, "Sozialraumteam Nord A")
SUED_A_GROUP: TgChat = group_chat(-100222, "Sozialraumteam Süd A")
