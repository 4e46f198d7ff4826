from django.apps import AppConfig


class DutiesConfig(AppConfig):
    """Appointments, invitations (Meldeaufforderungen) and cooperation duties under the law of their date
    (DOMAIN MIT-1..7): the app records and drafts; the benefits department decides and computes."""

    name = "duties"
    verbose_name = "Termine und Mitwirkungspflichten"
