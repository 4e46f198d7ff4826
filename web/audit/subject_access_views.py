"""The datenschutz page "Auskunft nach Art. 15 DSGVO" (DP-2): the subject access report of one client as a
JSON or PDF download. Composition in `jobs.subject_access`; every download is logged there."""

from __future__ import annotations

import json

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from fallmanagement.errors import DomainError
from jobs.subject_access import client_id_for, subject_access_report
from org.choices import Role


class SubjectAccessForm(forms.Form):
    client = forms.CharField(
        label=_("Kundennummer oder Kund*in-ID"), max_length=40, strip=True, help_text=_("z. B. 123D456789")
    )
    format = forms.ChoiceField(
        label=_("Format"), choices=[("pdf", _("PDF")), ("json", _("JSON"))], initial="pdf"
    )


@login_required
def subject_access(request):
    if request.user.role != Role.DATENSCHUTZ:
        raise PermissionDenied
    form = SubjectAccessForm(request.GET or None)
    if form.is_valid():
        fmt = form.cleaned_data["format"]
        client_id = client_id_for(form.cleaned_data["client"])
        try:
            report = subject_access_report(client_id=client_id or 0, acting_user=request.user, fmt=fmt)
        except DomainError as exc:
            form.add_error("client", exc.message)
        else:
            name = f"auskunft-kundin-{client_id}"
            if fmt == "json":
                body = json.dumps(report, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)
                response = HttpResponse(body, content_type="application/json; charset=utf-8")
            else:
                from weasyprint import HTML  # imported lazily: loading WeasyPrint is slow

                html = render_to_string("audit/subject_access_pdf.html", {"report": report})
                response = HttpResponse(
                    HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(),
                    content_type="application/pdf",
                )
            response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
            return response
    return render(request, "audit/subject_access.html", {"form": form})
