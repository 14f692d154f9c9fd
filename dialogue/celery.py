"""The Celery application. Tasks are autodiscovered in each app's tasks.py.

Without REDIS_URL, settings make every task run eagerly in-process (the embedded default).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dialogue.settings")

app = Celery("dialogue")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
