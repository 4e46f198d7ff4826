"""Navigation by role. Each app may offer `nav.items(user)`; the base template renders them."""

from importlib import import_module
from importlib.util import find_spec

from django.conf import settings

_NAV_APPS = ["cases", "intake", "reviews", "plans", "reporting", "audit", "org"]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for app in _NAV_APPS:
        if find_spec(f"{app}.nav") is None:
            continue
        module = import_module(f"{app}.nav")
        items.extend(module.items(user))
    items.sort(key=lambda item: item.get("order", 100))
    return {"nav_items": items, "jobcenter_name": settings.JOBCENTER_NAME}
