from django.db import models
from django.utils.translation import gettext_lazy as _


class FollowUpState(models.TextChoices):
    OPEN = "open", _("offen")
    DONE = "done", _("erledigt")
    CANCELLED = "cancelled", _("verworfen")
