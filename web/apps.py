from django.apps import AppConfig


class WebConfig(AppConfig):
    """The HTML front: every page (views, forms, urls, navigation, page composition, templates, template
    tags) above all domain apps. Pages call services and selectors only (docs/architecture.md)."""

    name = "web"
    verbose_name = "Oberfläche"
