"""The three systems a document can belong to, and what each prints (DESIGN §6).

Who issues a document decides its form, not what kind of document it is:

- **State** (Nhà nước: UBND, HĐND…), Nghị định 30/2020/NĐ-CP: the Quốc hiệu "CỘNG HÒA XÃ HỘI
  CHỦ NGHĨA VIỆT NAM" and the Tiêu ngữ on the right; "Số: 12/KH-UBND"; "TM." / "KT.".
- **Party** (Đảng: Đảng ủy, Huyện ủy…), Hướng dẫn 36-HD/VPTW (2018): "ĐẢNG CỘNG SẢN VIỆT NAM"
  on the right with a rule of its length; the superior Party body and the issuing committee on
  the left with a "*" below; "Số 12-KH/ĐU" (hyphen before the kind, no colon); "T/M" / "K/T".
- **Front** (Mặt trận Tổ quốc Việt Nam): the State's Quốc hiệu and Tiêu ngữ with the Front
  committee's name on the left; numbers like the State's ("Số: 12/KH-MTTQ-BTT"); "TM." / "KT.".

Pure: no database, no templates. ``system_for_body`` guesses the system from a body's printed
name for plans entered without one (and for the data migration).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentSystem(models.TextChoices):
    STATE = "state", _("State body")
    PARTY = "party", _("Party committee")
    FRONT = "front", _("Fatherland Front committee")


@dataclass(frozen=True)
class SystemStyle:
    """What a system prints in the header, the number line and the signature block."""

    nation: str
    motto: str
    #: Printed before the number: "Số: " (Nghị định 30) or "Số " (Hướng dẫn 36).
    number_label: str
    #: Printed under the issuing body ("*" for Party committees).
    issuer_mark: str
    #: How a collective / deputy signature is written ("TM." → "T/M" for the Party).
    capacities: dict[str, str] = field(default_factory=dict)
    #: True when numbers are written "12-KH/ĐU" (kind before the slash).
    kind_before_slash: bool = False

    def capacity(self, stored: str) -> str:
        return self.capacities.get(stored, stored)


STATE_NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
STATE_MOTTO = "Độc lập - Tự do - Hạnh phúc"
PARTY_NATION = "ĐẢNG CỘNG SẢN VIỆT NAM"

STYLES: dict[str, SystemStyle] = {
    DocumentSystem.STATE: SystemStyle(
        nation=STATE_NATION, motto=STATE_MOTTO, number_label="Số: ", issuer_mark=""
    ),
    DocumentSystem.PARTY: SystemStyle(
        nation=PARTY_NATION,
        motto="",
        number_label="Số ",
        issuer_mark="*",
        capacities={"TM.": "T/M", "KT.": "K/T", "TL.": "T/L", "TUQ.": "T/U"},
        kind_before_slash=True,
    ),
    DocumentSystem.FRONT: SystemStyle(
        nation=STATE_NATION, motto=STATE_MOTTO, number_label="Số: ", issuer_mark=""
    ),
}


def style(system: str) -> SystemStyle:
    return STYLES.get(system, STYLES[DocumentSystem.STATE])


_PARTY_NAMES = re.compile(r"^(ĐẢNG ỦY|ĐẢNG UỶ|ĐẢNG BỘ|CHI BỘ|BAN THƯỜNG VỤ|BAN CHẤP HÀNH|\S+ ỦY)\b")
_FRONT_NAMES = re.compile(r"^(ỦY BAN MẶT TRẬN|UỶ BAN MẶT TRẬN|UBMTTQ|BAN THƯỜNG TRỰC ỦY BAN MẶT)")


def system_for_body(name: str) -> str:
    """The system a body belongs to, from its printed name: "ĐẢNG ỦY XÃ AN BÌNH" → Party,
    "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM XÃ …" → Front, anything else → State."""
    upper = unicodedata.normalize("NFC", name.strip()).upper()
    if _FRONT_NAMES.match(upper):
        return DocumentSystem.FRONT
    if upper.startswith(("ỦY BAN", "UỶ BAN")):
        return DocumentSystem.STATE
    if _PARTY_NAMES.match(upper):
        return DocumentSystem.PARTY
    return DocumentSystem.STATE


def document_number(source: str, kind: str, system: str, *, serial: str = "") -> str:
    """The number of a related document (``kind`` "BB", "GM"…) with the same issuer's code as
    ``source``: "12/KH-UBND" → "/BB-UBND", "15-KH/ĐU" → "-BB/ĐU". ``serial`` is left blank
    for the number written by hand when the document is registered. Empty when ``source`` does
    not follow its system's pattern."""
    source = source.strip()
    if style(system).kind_before_slash:
        match = re.fullmatch(r"[^/]*?-?[^-/]*/(.+)", source)
        if match is None or "-" not in source.partition("/")[0]:
            return ""
        return f"{serial}-{kind}/{match.group(1)}"
    symbol = source.rpartition("/")[2]
    if "/" not in source or "-" not in symbol:
        return ""
    return f"{serial}/{kind}-{symbol.partition('-')[2]}"


#: Unit kinds, longest first, as printed in capitals in a header.
_UNIT_KINDS = (
    "THÀNH PHỐ",
    "THỊ TRẤN",
    "THỊ XÃ",
    "ĐẶC KHU",
    "PHƯỜNG",
    "HUYỆN",
    "QUẬN",
    "TỈNH",
    "XÃ",
)
_UNIT_KIND = re.compile(r"(?<!\S)(" + "|".join(_UNIT_KINDS) + r")\s+(\S.*)$", flags=re.IGNORECASE)


def split_place(name: str) -> tuple[str, str]:
    """A body's name cut before its place ("ỦY BAN NHÂN DÂN ", "TỈNH HÀ NAM"): the header keeps
    the place on one line (never "TỈNH HÀ / NAM") while the text keeps ordinary spaces, so the
    PDF is searched and copied like the printed name. ``("", "")`` for an empty name."""
    name = " ".join(name.split())
    match = _UNIT_KIND.search(name)
    if match is None:
        return "", name
    return name[: match.start(1)], name[match.start(1) :]
