"""The administrator keeps the child population for each reporting year (the rate per 10,000
children). Narratives and report versions are written only through the reporting pages."""

from django.contrib import admin

from iro_service.admin import NoDeleteAdminMixin

from .models import ChildPopulation


@admin.register(ChildPopulation)
class ChildPopulationAdmin(NoDeleteAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "children_under_18", "source", "updated_at")
    ordering = ("-start_year",)
    search_fields = ("source",)
