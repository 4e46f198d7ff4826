"""The API's column of the transition table (`cases.transitions`): the body of each lifecycle step. Checked
against the table at import, so a step cannot exist in the table without its serializer."""

from __future__ import annotations

from api.cases.serializers import (
    CloseSerializer,
    DecideDisputeSerializer,
    DisputeSerializer,
    ForwardSerializer,
    RejectSerializer,
    ReturnToPapSerializer,
    TransitionSerializer,
)
from cases.transitions import check_columns

SERIALIZERS: dict[str, type[TransitionSerializer]] = {
    "start_clearing": TransitionSerializer,
    "admit": TransitionSerializer,
    "reject": RejectSerializer,
    "return_to_pap": ReturnToPapSerializer,
    "forward": ForwardSerializer,
    "dispute": DisputeSerializer,
    "decide_dispute": DecideDisputeSerializer,
    "close": CloseSerializer,
}
check_columns("API serializers", SERIALIZERS)
