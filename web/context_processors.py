"""Navigation by role for `base.html` (the entries: `web.nav`)."""

from django.conf import settings

from web import nav
from web.search.views import may_search


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {
        "nav_items": nav.items(user),
        "jobcenter_name": settings.JOBCENTER_NAME,
        "header_search": may_search(user),  # the client search in the header (WORK-2)
    }
