"""The organisation's structure as data: read, check, import and show a structure file.

Every youth office cuts its area differently (Norderstedt: regions and social spaces;
Kreis Segeberg: Gemeindeteams and Familienbüros), so the structure lives in a TOML file an
administrator edits, not in code. This package knows nothing about Telegram: the CLI calls
:func:`load_structure_file`, then :func:`import_structure` inside one transaction, and prints
:meth:`ImportReport.summary`; ``python -m bot structure show`` prints
:func:`describe_structure`.

The file is flat tables that point at each other by ``key``::

    [organisation]      key, name, state, emergency_contact
    [[provider]]        name
    [[region]]          key, name
    [[social_space]]    key, region, name, areas (optional)
    [[team]]            key, name, social_space (optional)
    [[budget]]          year, coordinator_limit, reserve, beratung, netzwerk, fua (optional)
    [[budget_space]]    year, social_space, beratung, netzwerk, fua (optional overrides)

Amounts are German text ("9.360,00"); ``[[budget]]`` amounts apply to every social space,
``[[budget_space]]`` replaces them for one social space and year.

Validation stops at the first problem and names its line, because an administrator fixes
one clear message faster than a wall of follow-up errors.

Modules: :mod:`~bot.structure.spec` (the checked result and :class:`StructureError`),
:mod:`~bot.structure.locator` (line numbers), :mod:`~bot.structure.checks` (single values),
:mod:`~bot.structure.validator` (sections and their rules), :mod:`~bot.structure.reader`
(TOML to specs), :mod:`~bot.structure.importer` (database), :mod:`~bot.structure.describe`
(the CLI's tree).
"""

from __future__ import annotations

from bot.structure.describe import describe_structure
from bot.structure.importer import ImportReport, import_structure
from bot.structure.reader import load_structure_file, parse_structure
from bot.structure.spec import (
    BUDGET_CATEGORIES,
    EMERGENCY_CONTACT_MAX,
    EXAMPLE_COMMAND,
    GERMAN_STATES,
    KEY_MAX,
    KINDS,
    NAME_MAX,
    BudgetPotSpec,
    BudgetSpec,
    OrganisationSpec,
    RegionSpec,
    SocialSpaceSpec,
    StructureError,
    StructureFile,
    TeamSpec,
)

__all__ = [
    "BUDGET_CATEGORIES",
    "EMERGENCY_CONTACT_MAX",
    "EXAMPLE_COMMAND",
    "GERMAN_STATES",
    "KEY_MAX",
    "KINDS",
    "NAME_MAX",
    "BudgetPotSpec",
    "BudgetSpec",
    "ImportReport",
    "OrganisationSpec",
    "RegionSpec",
    "SocialSpaceSpec",
    "StructureError",
    "StructureFile",
    "TeamSpec",
    "describe_structure",
    "import_structure",
    "load_structure_file",
    "parse_structure",
]
