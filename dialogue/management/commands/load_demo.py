from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand

from dialogue import demo

PROJECT_APPS = ("dialogue", "sessions", "petitions", "followups")


class Command(BaseCommand):
    help = "Load the demo data drawn from the source documents (safe to run again)."

    def handle(self, *args, **options):
        # Each app contributes its own demo.py; INSTALLED_APPS order puts dependencies first.
        for config in apps.get_app_configs():
            if config.name in PROJECT_APPS and find_spec(f"{config.name}.demo"):
                import_module(f"{config.name}.demo").load()
        self.stdout.write(self.style.SUCCESS("Dữ liệu mẫu đã sẵn sàng. Tài khoản mẫu:"))
        for username, password, role in demo.logins():
            self.stdout.write(f"  {username:<8} / {password}   {role}")
