from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The JSON API of API.md: serializers, views, urls, the error handler and pagination, above all domain
    apps. Views validate shape with serializers and call services and selectors only."""

    name = "api"
    verbose_name = "API"
