"""The administration's page "Konten und zweiter Faktor" (issue 15 findings 6, 8): privileged accounts and
role changes waiting for a second admin, and the one-time enrolment code for a colleague's second factor.
Rules in `audit.accounts` and `audit.signin`."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from audit import accounts, signin
from fallmanagement.errors import DomainError
from org.choices import Role
from org.models import Staff


class EnrolmentIssueForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Benutzername"), max_length=150)


def _require_admin(request) -> None:
    if request.user.role != Role.ADMIN:
        raise PermissionDenied


@login_required
def accounts_page(request):
    _require_admin(request)
    form = EnrolmentIssueForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        staff = Staff.objects.filter(username=form.cleaned_data["username"]).first()
        if staff is None:
            form.add_error("username", _("Kein Konto mit diesem Benutzernamen."))
        else:
            try:
                issued = {
                    "code": signin.enrolment_code_issue(user=staff, acting_user=request.user),
                    "staff": staff,
                }
            except DomainError as exc:
                form.add_error("username", exc.message)
    pending = list(accounts.pending_requests().order_by("requested_at", "pk")[:100])
    return render(request, "audit/accounts.html", {"pending": pending, "form": form, "issued": issued})


@login_required
@require_POST
def account_confirm(request, pk: int):
    _require_admin(request)
    pending = accounts.pending_requests().filter(pk=pk).first()
    if pending is None:
        raise Http404
    try:
        accounts.account_request_confirm(request=pending, acting_user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Das Konto %(name)s ist freigegeben.") % {"name": pending.staff.username})
    return redirect("audit:accounts")
