from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    name = "audit"

    def ready(self):
        from audit import checks, dbroles, signals  # noqa: F401

        post_migrate.connect(dbroles.post_migrate_grants, sender=self, dispatch_uid="audit_db_grants")
