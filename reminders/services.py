"""Writes on one person's reminders."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fallmanagement.errors import NotPermitted
from org.models import Staff
from reminders.models import Reminder


@transaction.atomic
def reminder_mark_done(*, reminder: Reminder, acting_user: Staff) -> Reminder:
    """Only the recipient marks her reminder done (others get 404 from the selector already)."""
    locked = Reminder.objects.select_for_update().get(pk=reminder.pk)
    if locked.recipient_id != acting_user.pk:
        raise NotPermitted(_("Das ist nicht Ihre Erinnerung."))
    if locked.done_at is None:
        locked.done_at = timezone.now()
        locked.save(update_fields=["done_at"])
    return locked
