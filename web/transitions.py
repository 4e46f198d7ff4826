"""The UI's column of the transition table (`cases.transitions`): the form of each lifecycle step. Checked
against the table at import, so a step cannot exist in the table without its form."""

from __future__ import annotations

from cases import transitions
from web.cases.forms import CloseForm, TransitionForm
from web.intake import forms as intake_forms

FORMS: dict[str, type[TransitionForm]] = {
    "start_clearing": intake_forms.StartClearingForm,
    "admit": intake_forms.AdmitForm,
    "reject": intake_forms.RejectForm,
    "return_to_pap": intake_forms.ReturnForm,
    "forward": intake_forms.ForwardForm,
    "dispute": intake_forms.DisputeForm,
    "decide_dispute": intake_forms.DecideDisputeForm,
    "close": CloseForm,
}
transitions.check_columns("UI forms", FORMS)
