"""EXIT-1: the taking-over pAp reads the handover note of a closed case — and nothing else of it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from audit.decorators import audited
from cases.selectors import handover_note_get


@login_required
@audited("case.handover_note.view", context={"view": "handover_note"})
def handover_note(request: HttpRequest, pk: int) -> HttpResponse:
    note = handover_note_get(request.user, pk)
    if note is None:
        raise Http404
    request.audited_object = note.case  # DP-2: the read is logged
    return render(request, "cases/handover_note.html", {"note": note})
