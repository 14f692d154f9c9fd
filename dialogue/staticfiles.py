"""Static files in production: WhiteNoise's compressed manifest storage, with one correction.

Django's manifest post-processing rewrites every ``url(...)`` of a stylesheet to its hashed name,
and leaves alone only URLs whose scheme is made of letters (``^[a-z]+:``). The PDF stylesheet
(``css/documents.css``) loads its fonts through ``doithoai-static:`` URLs, which only the PDF
renderer's locked fetcher understands (dialogue.documents); a scheme may contain digits, ``+``,
``-`` and ``.`` (RFC 3986, 3.1), so such URLs are left as written here too.
"""

from __future__ import annotations

import re

from whitenoise.storage import CompressedManifestStaticFilesStorage

#: Any URL with a scheme (RFC 3986 §3.1) is not a path to a static file.
_HAS_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:", re.IGNORECASE)


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def url_converter(self, name, hashed_files, template=None):
        convert = super().url_converter(name, hashed_files, template)

        def converter(matchobj):
            if _HAS_SCHEME.match(matchobj.group("url")):
                return matchobj.group("matched")
            return convert(matchobj)

        return converter
