from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Wirkungsanalyse und Berichte"

    def ready(self):
        # The exit (cases, below this app) writes the anonymous outcome record through this recorder: it
        # hands over plain values only and never imports reporting (cases.services.exit).
        from cases.services import exit as case_exit
        from reporting.services import outcome_record_create

        case_exit.set_outcome_recorder(outcome_record_create)
