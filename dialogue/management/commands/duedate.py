import re
import sys
from datetime import date, datetime

from django.core.management.base import BaseCommand

from dialogue.workcalendar import get_calendar
from dialogue.workdays import OutOfRange

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
OFFSET_PATTERN = re.compile(r"^[+-]?\d+$")


class InputError(ValueError):
    pass


def parse_date(text: str) -> date:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a plain calendar date
        except ValueError:
            continue
    raise InputError(f"Ngày không hợp lệ: «{text}». Nhập theo dạng YYYY-MM-DD hoặc dd/mm/yyyy.")


def parse_offset(text: str) -> int:
    if not OFFSET_PATTERN.match(text):
        raise InputError(
            f"Số ngày không hợp lệ: «{text}». Nhập số nguyên có dấu, ví dụ +5 hoặc -7."
        )
    value = int(text)
    if value == 0:
        raise InputError("Số ngày phải khác 0: dùng +N cho «sau», -N cho «trước».")
    return value


class Command(BaseCommand):
    help = (
        "Hạn xử lý: DATE (YYYY-MM-DD hoặc dd/mm/yyyy) cộng/trừ OFFSET ngày làm việc "
        "(+5 sau, -7 trước); --calendar-days để tính theo ngày."
    )

    def add_arguments(self, parser):
        parser.add_argument("date")
        parser.add_argument("offset")
        parser.add_argument("--calendar-days", action="store_true")

    def handle(self, *args, date: str, offset: str, calendar_days: bool, **options):
        try:
            start = parse_date(date)
            amount = parse_offset(offset)
            deadline = get_calendar().explain(start, amount, calendar_days=calendar_days)
        except (InputError, OutOfRange) as error:
            self.stderr.write(f"Lỗi: {error}")
            sys.exit(2)
        self.stdout.write(deadline.due.isoformat())
        self.stdout.write(deadline.text)
