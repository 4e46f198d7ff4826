from django.urls import reverse
from django.utils.translation import gettext as _

from org.choices import Role


def items(user) -> list[dict]:
    if user.role == Role.TEAMLEITUNG:
        return [{"label": _("Vertretungen"), "url": reverse("org:substitutions"), "order": 60}]
    if user.role == Role.ADMIN:
        # The admin's work is master data in the Django admin (organisation, staff, catalogues).
        return [{"label": _("Stammdaten"), "url": reverse("admin:index"), "order": 60}]
    return []
