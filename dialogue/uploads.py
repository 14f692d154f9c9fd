"""Uploads over the limit are refused while they stream in, not after they are read in full.

`SizeLimitUploadHandler` comes first in FILE_UPLOAD_HANDLERS: it counts the bytes of the files of
a request as they arrive and, past settings.UPLOAD_MAX_BYTES, stops reading the request (the rest
of the body is never read, stored or spooled to disk). The view then finds `refused(request)`
true and shows its form's field error; the fields sent before the file are kept.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

REFUSED_ATTRIBUTE = "upload_too_large"


class SizeLimitUploadHandler(FileUploadHandler):
    chunk_size = 64 * 1024

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_MAX_BYTES:
            if self.request is not None:
                setattr(self.request, REFUSED_ATTRIBUTE, True)
            # Reset: do not read (exhaust) the rest of the body either.
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int):
        return None  # the next handlers build the file


def refused(request: HttpRequest) -> bool:
    """Whether a file of `request` was refused for its size (read request.POST/FILES first)."""
    return getattr(request, REFUSED_ATTRIBUTE, False)
