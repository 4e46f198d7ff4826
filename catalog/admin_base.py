"""The base of every master-data admin (DP-1, issue 15 finding 5): Django's delete confirmation lists
every dependent object by name — deleting a site would list its clients, deleting a staff member her
cases. Here it names only how many objects of which kind depend on it."""

from django.contrib import admin


def _counted(model_count: dict, protected: list) -> tuple[list, list]:
    summary = [f"{label}: {count}" for label, count in model_count.items() if count]
    kinds: dict[str, int] = {}
    for obj in protected:
        label = str(obj._meta.verbose_name_plural) if hasattr(obj, "_meta") else str(type(obj).__name__)
        kinds[label] = kinds.get(label, 0) + 1
    return summary, [f"{label}: {count}" for label, count in kinds.items()]


class CountOnlyDeleteMixin:
    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        summary, protected_summary = _counted(model_count, protected)
        return summary, model_count, perms_needed, protected_summary


class MasterDataAdmin(CountOnlyDeleteMixin, admin.ModelAdmin):
    """A ModelAdmin for master data."""
