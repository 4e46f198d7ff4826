"""Client search (WORK-2): customer number (exact), name (word prefix, umlauts, small typos), household
number (exact) and birth date — always inside the viewer's scope (`cases.selectors.clients_visible_to`,
DP-1): outside it the search finds nothing.

Names are matched in the database against `Client.search_name` (" nachname vorname", normalised by
`fm_search_normalise`: lower case, accents and umlauts folded, ß → ss, ae/oe/ue → a/o/u; migration 0006) with the trigram GIN
index: a query word matches a word of the name that starts with it (`LIKE '% word%'`) or that is similar
to it (`word <% search_name`, word similarity ≥ `WORD_SIMILARITY`). All query words must match.

`parse_search(text)` checks the input (German messages, `InvalidInput` → 400); `clients_search(...)` runs
the search and returns the hits (evaluated: the similarity threshold is set for its transaction only).
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.postgres.fields import ArrayField
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    CharField,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from audit.models import Capacity
from audit.services import record_bulk
from cases import access
from cases.models import Case, Client, Household
from cases.selectors import clients_visible_to
from catalog import clock
from fallmanagement.errors import InvalidInput
from org.choices import Role

MAX_QUERY = 100
MAX_WORDS = 5
MIN_WORD = 2
# Trigram word similarity from which a name word counts as "a small typo away" ("Etsold" → "Etzold": 0.4).
WORD_SIMILARITY = 0.4
LIMIT = 50
SMALL_SCOPE = 5000  # up to this many cases in scope the search starts from their client ids

_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_WORD = re.compile(r"[^\W\d_]+")  # letters only (umlauts included), no digits or punctuation
_IDENT = re.compile(r"^[\w\-/]+$")


@dataclass(frozen=True)
class SearchQuery:
    """A checked search input: either a birth date, or an identifier and/or name words."""

    text: str
    birth_date: datetime.date | None = None
    ident: str | None = None
    words: tuple[str, ...] = field(default_factory=tuple)


def parse_search(text) -> SearchQuery:
    """Check the search input; `InvalidInput` with a German message for anything unusable."""
    if not isinstance(text, str):
        raise InvalidInput(_("Bitte geben Sie einen Suchbegriff ein."), fields={"search": [_("Fehlt.")]})
    if "\x00" in text:
        raise InvalidInput(
            _("Der Suchbegriff enthält unzulässige Zeichen."), fields={"search": [_("Unzulässige Zeichen.")]}
        )
    text = " ".join(text.split())
    if not text:
        raise InvalidInput(_("Bitte geben Sie einen Suchbegriff ein."), fields={"search": [_("Fehlt.")]})
    if len(text) > MAX_QUERY:
        raise InvalidInput(
            _("Der Suchbegriff ist zu lang (höchstens %(n)s Zeichen).") % {"n": MAX_QUERY},
            fields={"search": [_("Zu lang.")]},
        )
    match = _GERMAN_DATE.match(text)
    iso = _ISO_DATE.match(text)
    if match or iso:
        day, month, year = match.groups() if match else tuple(reversed(iso.groups()))
        try:
            birth_date = datetime.date(int(year), int(month), int(day))
        except ValueError:
            raise InvalidInput(
                _("„%(text)s“ ist kein gültiges Datum. Bitte im Format TT.MM.JJJJ eingeben.")
                % {"text": text},
                fields={"search": [_("Kein gültiges Datum.")]},
            ) from None
        return SearchQuery(text=text, birth_date=birth_date)
    ident = text if _IDENT.match(text) and any(ch.isdigit() for ch in text) else None
    words = tuple(dict.fromkeys(w for w in _WORD.findall(text) if len(w) >= MIN_WORD))[:MAX_WORDS]
    if ident is None and not words:
        raise InvalidInput(
            _(
                "Bitte suchen Sie nach einem Namen (mindestens %(n)s Buchstaben), einer Kundennummer, "
                "einer BG-Nummer oder einem Geburtsdatum (TT.MM.JJJJ)."
            )
            % {"n": MIN_WORD},
            fields={"search": [_("Kein verwendbarer Suchbegriff.")]},
        )
    return SearchQuery(text=text, ident=ident, words=words if ident is None else ())


class _NameWordMatches(Func):
    """`search_name` has a word starting with the normalised `word`, or a word similar to it."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra):
        column, column_params = compiler.compile(self.source_expressions[0])
        word, word_params = compiler.compile(self.source_expressions[1])
        normalised = f"public.fm_search_normalise({word})"
        sql = f"({column} LIKE ('%% ' || {normalised} || '%%') OR {normalised} <%% {column})"
        return sql, (*column_params, *word_params, *word_params, *column_params)


class _WordSimilarity(Func):
    function = "public.word_similarity"
    output_field = FloatField()


def search_filter(query: SearchQuery) -> Q:
    """The condition on `Client` for a checked query."""
    if query.birth_date is not None:
        return Q(birth_date=query.birth_date)
    if query.ident is not None:
        idents = {query.ident, query.ident.upper()}
        # The household's id first (unique index on the number): an OR across the join would make
        # PostgreSQL scan all clients, `customer_number = … OR household_id = ANY(…)` is a BitmapOr.
        households = list(Household.objects.filter(number__in=idents).values_list("pk", flat=True))
        return Q(customer_number__in=idents) | Q(household_id__in=households)
    q = Q()
    for word in query.words:
        q &= Q(_NameWordMatches(F("search_name"), Value(word)))
    return q


def _set_threshold() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)", [str(WORD_SIMILARITY)]
        )


def search_queryset(base: QuerySet[Client], query: SearchQuery) -> QuerySet[Client]:
    """`base` (already scoped) narrowed to the query, best matches first. Evaluate it inside
    `search_transaction()`."""
    qs = base.filter(search_filter(query))
    if query.words:
        joined = " ".join(query.words)
        qs = qs.annotate(
            rank=_WordSimilarity(Func(Value(joined), function="public.fm_search_normalise"), F("search_name"))
        ).order_by("-rank", "last_name", "first_name", "pk")
    else:
        qs = qs.order_by("last_name", "first_name", "pk")
    return qs


class search_transaction:  # noqa: N801 - used as a context manager
    """A transaction in which the typo threshold of the name search holds (SET LOCAL semantics)."""

    def __enter__(self):
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        _set_threshold()
        return self

    def __exit__(self, *exc):
        return self._atomic.__exit__(*exc)


@dataclass(frozen=True)
class SearchHit:
    client: Client
    case_id: int | None  # the newest case of the client in the viewer's scope
    case_state: str | None
    capacity: str


def clients_search(
    user, text, *, today: datetime.date | None = None, limit: int = LIMIT
) -> tuple[SearchQuery, list[SearchHit], bool]:
    """(query, hits, more): up to `limit` clients in the viewer's scope matching `text`, each with the
    newest case the viewer may open; `more` when there were further hits. Refuses bad input (400)."""
    today = clock.today(today)
    query = parse_search(text)
    with access.scope_memo():  # the scope is resolved once for the hits and their newest case
        return _search(user, query, today, limit)


def _search(user, query: SearchQuery, today: datetime.date, limit: int):
    scope = access.case_scope_q(user, today)
    if scope is None:
        return query, [], False
    newest = Case.objects.filter(scope, client=OuterRef("pk")).order_by("-pk")
    base = clients_visible_to(user, today=today)
    if user.role in (Role.FALLMANAGER, Role.TEAMLEITUNG):
        # A small scope (an FM's ~150 cases, a TL's ~1,500): its client ids first, one index-only read,
        # so the name match runs on those rows only — however common the name is nationally.
        ids = list(
            Case.objects.filter(scope).order_by().values_list("client_id", flat=True)[: SMALL_SCOPE + 1]
        )
        if len(ids) <= SMALL_SCOPE:
            # As one array parameter: 1,500 placeholders cost more to compile and send than the query runs.
            base = Client.objects.filter(
                pk__in=RawSQL("SELECT unnest(%s::bigint[])", [sorted(set(ids))]), anonymised_on__isnull=True
            )
    # No join for the household number: with many matches PostgreSQL would hash-join the whole household
    # table; the subquery runs for the rows shown only (above the sort and the limit).
    number = Household.objects.filter(pk=OuterRef("household_id")).values("number")[:1]
    # The newest case in scope as one subquery (id, state, FM, referrer): four would each be planned and run
    # per hit (issue 17: the search's planning time).
    newest_case = newest.annotate(
        newest=Func(
            F("pk"),
            F("state"),
            F("fallmanager_id"),
            F("referred_by_id"),
            function="ARRAY",
            template="ARRAY[%(expressions)s::text]",
            arg_joiner="::text, ",
            output_field=ArrayField(CharField()),
        )
    ).values("newest")[:1]
    base = base.annotate(
        household_number=Subquery(number),
        newest_case=Subquery(newest_case, output_field=ArrayField(CharField())),
    )
    with search_transaction():
        rows = list(search_queryset(base, query)[: limit + 1])
    hits = []
    for c in rows[:limit]:
        case_id, state, fm_id, referred_by_id = c.newest_case or (None, None, None, None)
        c.case_id = int(case_id) if case_id else None
        c.case_fm_id = int(fm_id) if fm_id else None
        c.case_referred_by_id = int(referred_by_id) if referred_by_id else None
        hits.append(SearchHit(client=c, case_id=c.case_id, case_state=state, capacity=_capacity(user, c)))
    return query, hits, len(rows) > limit


def _capacity(user, client: Client) -> str:
    """Why the viewer may see this hit (DP-2), from the loaded row — no query per hit."""
    role = user.role
    if role == Role.FALLMANAGER:
        return Capacity.OWN_CASE if client.case_fm_id == user.pk else Capacity.SUBSTITUTION
    if role == Role.PAP:
        return Capacity.PAP_REFERRAL if client.case_referred_by_id == user.pk else Capacity.PAP_SITE
    return {Role.TEAMLEITUNG: Capacity.TEAMLEITUNG, Role.BEREICHSLEITUNG: Capacity.BEREICHSLEITUNG}.get(
        role, Capacity.OTHER
    )


def search_log(*, user, hits: list[SearchHit], query: SearchQuery, via: str, today=None) -> None:
    """DP-2: one access-log row per client shown, one INSERT per capacity; the query itself is not logged
    (it may hold a name), only what kind of search it was."""
    kind = "birth_date" if query.birth_date else "number" if query.ident else "name"
    groups: dict[str, list[Client]] = defaultdict(list)
    for hit in hits:
        groups[hit.capacity].append(hit.client)
    for capacity, clients in groups.items():
        record_bulk(
            user=user,
            action="client.search",
            objs=clients,
            capacity=capacity,
            context={"via": via, "search": kind},
            today=today,
        )


__all__ = [
    "LIMIT",
    "MAX_QUERY",
    "SearchHit",
    "SearchQuery",
    "clients_search",
    "parse_search",
    "search_filter",
    "search_log",
    "search_queryset",
    "search_transaction",
]
