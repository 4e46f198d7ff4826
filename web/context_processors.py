"""Navigation by role for `base.html` (the entries: `web.nav`)."""

from django.conf import settings

from web import nav


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": nav.items(user), "jobcenter_name": settings.JOBCENTER_NAME}
