from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data builder (`manage.py load_demo`): runs every case through the real services."""

    name = "demo"
    verbose_name = "Demodaten"
