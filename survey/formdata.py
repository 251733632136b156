"""Small form bodies parsed in one pass: the request class of the survey app.

Every rating arrives as ``multipart/form-data`` (the form has a photo field), a few hundred bytes
long. Werkzeug's multipart parser is a streaming state machine made for large uploads; on such a
body it took about half of the CPU of a whole rating POST (measured: bench/bench_survey.py and
callgrind). Here a body of at most ``max_form_memory_size`` bytes is read at once and split on its
boundary instead.

Only the plain shape browsers send is taken: CRLF line breaks, each part with a
``Content-Disposition: form-data; name="…"`` (and ``filename="…"`` for a file) and at most a
``Content-Type``, no quotes, backslashes or percent signs inside those values, and the boundary
nowhere but between parts. Anything else (and every larger body, such as one with a photo) is
handed to werkzeug's parser unchanged, so odd or hostile input gets werkzeug's handling, limits
and errors. ``tests/survey/test_formdata.py`` checks the result against werkzeug's on generated bodies.
"""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any
from urllib.parse import parse_qsl

from flask import Request
from werkzeug.datastructures import FileStorage, Headers, MultiDict
from werkzeug.exceptions import ClientDisconnected

URLENCODED = "application/x-www-form-urlencoded"
_MULTIPART = re.compile(r"multipart/form-data;\s*boundary=([0-9A-Za-z'()+_,./:=?-]{1,70})")
_DISPOSITION = re.compile(r'form-data; name="([^"\\%\r\n]*)"(?:; filename="([^"\\%\r\n]*)")?')

Fields = list[tuple[str, str]]
Files = list[tuple[str, FileStorage]]


def parse_multipart(body: bytes, boundary: bytes, max_parts: int | None = None) -> tuple[Fields, Files] | None:
    """The fields and files of a plain multipart body, as werkzeug would give them; ``None``: not plain."""
    delimiter = b"--" + boundary
    head = delimiter + b"\r\n"
    end = b"\r\n" + delimiter + b"--"
    stop = body.rfind(end)
    if not body.startswith(head) or stop < 0 or body[stop + len(end):] not in (b"", b"\r\n"):
        return None
    parts = body[len(head):stop].split(b"\r\n" + head)
    if body.count(delimiter) != len(parts) + 1 or (max_parts is not None and len(parts) > max_parts):
        return None  # the boundary also inside a part, or in a shape split() does not see: werkzeug
    fields: Fields = []
    files: Files = []
    for part in parts:
        raw_headers, sep, data = part.partition(b"\r\n\r\n")
        try:
            text = raw_headers.decode()
        except UnicodeDecodeError:
            return None
        lines = text.split("\r\n")
        if not sep or text.count("\r") != len(lines) - 1 or text.count("\n") != len(lines) - 1:
            return None  # a lone CR or LF: werkzeug splits lines differently
        headers: list[tuple[str, str]] = []
        disposition = content_type = None
        for line in lines:
            key, colon, value = line.partition(":")
            key, value = key.strip(" \t"), value.strip(" \t")
            lower = key.lower()
            if not colon or line[:1] in (" ", "\t"):
                return None  # folded or malformed header line
            if lower == "content-disposition" and disposition is None:
                disposition = value
            elif lower == "content-type" and content_type is None:
                content_type = value
            else:
                return None
            headers.append((key, value))
        match = _DISPOSITION.fullmatch(disposition or "")
        if match is None:
            return None
        name, filename = match.groups()
        if filename is None:
            if content_type is not None:
                return None  # a text part with its own charset: werkzeug decides
            fields.append((name, data.decode("utf-8", "replace")))
        else:
            files.append((name, FileStorage(BytesIO(data), filename, name, headers=Headers(headers))))
    return fields, files


class SurveyRequest(Request):
    """Flask's request; a small urlencoded or plain multipart body is parsed in one pass."""

    def _load_form_data(self) -> None:
        if "form" in self.__dict__:
            return
        parsed = self._parse_small()
        if parsed is None:
            super()._load_form_data()
            return
        fields, files = parsed
        d = self.__dict__
        d["stream"], d["form"], d["files"] = BytesIO(), MultiDict(fields), MultiDict(files)

    def _parse_small(self) -> tuple[Fields, Files] | None:
        environ: dict[str, Any] = self.environ
        content_type = environ.get("CONTENT_TYPE", "")
        length = environ.get("CONTENT_LENGTH", "")
        limit = self.max_form_memory_size
        multipart = _MULTIPART.fullmatch(content_type)
        if (multipart is None and content_type != URLENCODED) or not length.isdigit() or limit is None \
                or int(length) > limit or hasattr(self, "_cached_data"):
            return None
        body = environ["wsgi.input"].read(int(length))
        if len(body) < int(length):
            raise ClientDisconnected()  # as werkzeug's limited stream does
        parsed: tuple[Fields, Files] | None = None
        if multipart is not None:
            parsed = parse_multipart(body, multipart.group(1).encode(), self.max_form_parts)
        else:
            try:
                text = body.decode()
            except UnicodeDecodeError:
                pass
            else:
                parsed = parse_qsl(text, keep_blank_values=True, errors="werkzeug.url_quote"), []
        if parsed is None:
            self._cached_data = body  # werkzeug parses it from here (_get_stream_for_parsing)
        return parsed
