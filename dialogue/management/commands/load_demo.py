import secrets
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dialogue import demo

PROJECT_APPS = ("dialogue", "sessions", "petitions", "followups")


def random_password() -> str:
    return secrets.token_urlsafe(12)


class Command(BaseCommand):
    help = "Load the demo data drawn from the source documents (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load it with DEBUG=0 too (a training server); every demo user then gets a "
            "random password, printed once.",
        )

    def handle(self, *args, allow_production: bool = False, **options):
        production = not settings.DEBUG
        if production and not allow_production:
            raise CommandError(
                "DEBUG=0: this looks like a production server, and the demo adds made-up "
                "plans, petitions and users. Add --allow-production to load it anyway (the demo "
                "users then get random passwords)."
            )
        demo.load(new_password=random_password if production else None)
        # Each app contributes its own demo.py; INSTALLED_APPS order puts dependencies first.
        for config in apps.get_app_configs():
            if config.name in PROJECT_APPS[1:] and find_spec(f"{config.name}.demo"):
                import_module(f"{config.name}.demo").load()
        self.stdout.write(self.style.SUCCESS("Dữ liệu mẫu đã sẵn sàng. Tài khoản mẫu:"))
        if production:
            for username, password in demo.issued_passwords.items():
                self.stdout.write(f"  {username:<8} / {password}")
            self.stdout.write(
                "Mật khẩu chỉ hiện một lần; tài khoản đã có từ trước giữ mật khẩu cũ."
                if demo.issued_passwords
                else "Các tài khoản mẫu đã có từ trước và giữ mật khẩu của chúng."
            )
            return
        for username, password, role in demo.logins():
            self.stdout.write(f"  {username:<8} / {password}   {role}")
