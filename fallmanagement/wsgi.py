import os

from django.core.wsgi import get_wsgi_application

from fallmanagement.admission import AdmissionControl

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fallmanagement.settings")
# Overload is answered with 503 + Retry-After instead of queued (fallmanagement/admission.py).
application = AdmissionControl(get_wsgi_application())
