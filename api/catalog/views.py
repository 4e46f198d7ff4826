"""JSON API: the catalogues (API.md "Catalogues"), readable by any signed-in user."""

from __future__ import annotations

from rest_framework import generics, serializers

from catalog import clock
from catalog.models import ExitReason, Need, RejectionReason


class NeedSerializer(serializers.ModelSerializer):
    class Meta:
        model = Need
        fields = ["code", "label", "key_group", "life_area"]


class ExitReasonSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExitReason
        fields = ["code", "label", "is_integration", "is_employment", "requires_justification"]


class RejectionReasonSerializer(serializers.ModelSerializer):
    class Meta:
        model = RejectionReason
        fields = ["code", "label", "requires_justification"]


class _CatalogList(generics.ListAPIView):
    """Entries that are active and valid today, in catalogue order."""

    model: type

    def get_queryset(self):
        return self.model.objects.valid_on(clock.today()).order_by("sort", "code")


class NeedList(_CatalogList):
    """Handlungsbedarfe with key group and life area."""

    model = Need
    serializer_class = NeedSerializer


class ExitReasonList(_CatalogList):
    """Beendigungsgründe (EXIT-2)."""

    model = ExitReason
    serializer_class = ExitReasonSerializer


class RejectionReasonList(_CatalogList):
    """Ablehnungsgründe nach dem Clearing (CLR-3)."""

    model = RejectionReason
    serializer_class = RejectionReasonSerializer
