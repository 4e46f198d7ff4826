"""The project's URLs plus stand-ins for `home`, `login` and `logout` while the UI apps do not
define them yet (the tests then exercise Django's own sign-in view with the project's settings)."""

from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import NoReverseMatch, path, reverse

from fallmanagement.urls import urlpatterns as project_urlpatterns

urlpatterns = list(project_urlpatterns)


def _defined(name: str) -> bool:
    from django.urls import get_resolver

    try:
        get_resolver("fallmanagement.urls").reverse(name)
    except NoReverseMatch:
        return False
    return True


def _home(request):
    return HttpResponse("Startseite")


if not _defined("home"):
    urlpatterns.append(path("", _home, name="home"))
if not _defined("login"):
    urlpatterns.append(path("anmelden/", auth_views.LoginView.as_view(), name="login"))
if not _defined("logout"):
    urlpatterns.append(path("abmelden/", auth_views.LogoutView.as_view(), name="logout"))

__all__ = ["reverse", "urlpatterns"]
