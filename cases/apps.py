from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Kund*innen und Fälle"

    def ready(self):
        # The audit log is a sink below this app: it learns *why* someone may read a case or client (the
        # capacity of DP-2) from the one access module, installed here once.
        from audit import services as audit
        from cases import access

        audit.set_capacity_resolver(access.capacity_for)
