"""The typed objects of page composition (`web.pages`): a section, and the page objects that sections receive
and share data through."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Section:
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


@dataclass
class StartPage:
    """The start page of one user on one day, and what its sections read once for all of them."""

    user: Any
    today: datetime.date
    # The FM's open cases with their review rows (cases section → reviews section).
    fm_open_cases: list | None = None
    # The TL's FMs annotated with their caseload (cases section → reporting section).
    tl_fms: list | None = None
    # The leadership dashboard figures (reporting section).
    leadership_dashboard: Any = None
    # The worklist items (WORK-1, worklist section) for sections that show the same to-dos.
    worklist: list | None = None


@dataclass
class CasePage:
    """The case page of one case for one user on one day."""

    case: Any
    user: Any
    today: datetime.date
