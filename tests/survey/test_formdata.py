"""The one-pass form parser gives exactly what werkzeug's parser gives, or leaves the body to it."""

from __future__ import annotations

from io import BytesIO

import pytest
from flask import Request
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.exceptions import HTTPException
from werkzeug.test import EnvironBuilder

from survey.formdata import SurveyRequest, parse_multipart

BOUNDARY = "----WebKitFormBoundaryQ3xQ0Gm1uYkq9ZVX"
MAX_MEMORY = 64 * 1024
MAX_PARTS = 50


def browser_body(fields: dict[str, str], photo: tuple[str, str, bytes] = ("", "application/octet-stream", b""),
                 boundary: str = BOUNDARY) -> bytes:
    """What Chromium sends for the survey form (every field, then the photo part)."""
    out = b""
    for name, value in fields.items():
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode() + b"\r\n"
    filename, content_type, data = photo
    out += (f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n").encode() + data + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


FIELDS = {"sid": "0123456789abcdef0123456789abcdef", "ft": "3.0123.abc_-.0.1764460000.AAAA", "website": "",
          "activity": "7", "activity_other": "", "score": "5", "suggestion": "活动很好，希望多组织😀<b>'; DROP TABLE rating;--"}


def parsed(request_class: type[Request], body: bytes, content_type: str) -> tuple:
    environ = EnvironBuilder(method="POST", input_stream=BytesIO(body), content_type=content_type,
                             content_length=len(body)).get_environ()
    request = request_class(environ)
    request.max_form_memory_size = MAX_MEMORY
    request.max_form_parts = MAX_PARTS
    try:
        form = list(request.form.items(multi=True))
        files = [(key, f.name, f.filename, f.content_type, f.read()) for key, f in request.files.items(multi=True)]
    except HTTPException as exc:
        return ("error", exc.code)
    return form, files


def same_as_werkzeug(body: bytes, content_type: str = f"multipart/form-data; boundary={BOUNDARY}") -> tuple:
    ours = parsed(SurveyRequest, body, content_type)
    assert ours == parsed(Request, body, content_type)
    return ours


def test_a_browser_body_is_parsed_in_one_pass_with_its_empty_photo():
    body = browser_body(FIELDS)
    result = parse_multipart(body, BOUNDARY.encode(), MAX_PARTS)
    assert result is not None  # the fast path is taken for what phones send
    fields, files = result
    assert fields == list(FIELDS.items())
    assert [(name, f.filename, f.read()) for name, f in files] == [("photo", "", b"")]
    form, _ = same_as_werkzeug(body)
    assert dict(form)["suggestion"] == FIELDS["suggestion"]


def test_a_small_photo_comes_through_as_a_file():
    body = browser_body(FIELDS, ("相片.jpg", "image/jpeg", b"\xff\xd8\xff\r\n--not-the-boundary\r\n\x00"))
    assert parse_multipart(body, BOUNDARY.encode(), MAX_PARTS) is not None
    _, files = same_as_werkzeug(body)
    assert files == [("photo", "photo", "相片.jpg", "image/jpeg", b"\xff\xd8\xff\r\n--not-the-boundary\r\n\x00")]


@pytest.mark.parametrize("body", [
    browser_body(FIELDS).replace(b"\r\n", b"\n"),  # LF line breaks
    browser_body({"a": f"x\r\n--{BOUNDARY}zz\r\n"}),  # the boundary's text inside a value
    browser_body(FIELDS).replace(f"--{BOUNDARY}\r\n".encode(), f"--{BOUNDARY}  \r\n".encode(), 1),  # padded boundary
    b"preamble\r\n" + browser_body(FIELDS),
    browser_body(FIELDS) + b"epilogue",
    browser_body(FIELDS)[:-30],  # cut short: no closing boundary
    browser_body(FIELDS).replace(b'name="score"', b'name="sc\\"ore"'),
    browser_body(FIELDS).replace(b'name="score"', b'name="sc%22ore"'),
    browser_body(FIELDS).replace(b'name="score"', b"name=score"),
    browser_body(FIELDS).replace(b'name="score"', b'name="score"\r\n\tfolded'),
    browser_body(FIELDS).replace(b'name="score"\r\n', b'name="score"\r\nContent-Type: text/plain; charset=iso-8859-1\r\n'),
    browser_body(FIELDS).replace(b'name="score"\r\n', b'name="score"\r\nX-Extra: 1\r\n'),
    browser_body(FIELDS).replace(b'name="score"', b'name="\xff"'),  # not UTF-8
    browser_body(FIELDS).replace(b"Content-Type: application/octet-stream", b"Content-Type: image/png\nX: 1"),
    browser_body({f"f{i}": "v" for i in range(MAX_PARTS + 5)}),  # too many parts: werkzeug's 413
    f"--{BOUNDARY}--\r\n".encode(),
    b"",
], ids=["lf", "boundary-in-value", "padded-boundary", "preamble", "epilogue", "truncated", "backslash-quote",
        "percent-quote", "unquoted-name", "folded", "part-charset", "extra-header", "non-utf8-header", "lone-lf",
        "too-many-parts", "empty-form", "empty-body"])
def test_odd_bodies_are_left_to_werkzeug_and_come_out_the_same(body):
    assert parse_multipart(body, BOUNDARY.encode(), MAX_PARTS) is None
    same_as_werkzeug(body)


def test_urlencoded_bodies_come_out_the_same():
    same_as_werkzeug(b"sid=ab&score=5&suggestion=%E6%B4%BB%E5%8A%A8+%3Cb%3E&empty=&flag", "application/x-www-form-urlencoded")
    same_as_werkzeug(b"suggestion=%ff%fe&x=\xff", "application/x-www-form-urlencoded")  # bad UTF-8 either way


def test_a_large_body_is_streamed_by_werkzeug():
    body = browser_body(FIELDS, ("big.png", "image/png", b"\x89PNG" + b"\x00" * (MAX_MEMORY + 10)))
    form, files = same_as_werkzeug(body)
    assert dict(form)["score"] == "5" and files[0][2] == "big.png"


def test_a_body_shorter_than_announced_is_a_client_error():
    body = browser_body(FIELDS)
    environ = EnvironBuilder(method="POST", input_stream=BytesIO(body),
                             content_type=f"multipart/form-data; boundary={BOUNDARY}",
                             content_length=len(body)).get_environ()
    environ["wsgi.input"] = BytesIO(body[:-10])  # the phone's connection dropped mid-body
    request = SurveyRequest(environ)
    with pytest.raises(HTTPException) as caught:
        request.form  # noqa: B018
    assert caught.value.code == 400


# Generated bodies: browser-shaped parts with hostile names, values and files, then one random
# mutation (a byte changed, inserted or removed), compared with werkzeug's result.
_text = st.lists(st.sampled_from(list('ab"%\\\r\n-; =:\t') + ["—", "团", "😀", f"\r\n--{BOUNDARY}"]),
                 max_size=12).map("".join)
_part = st.one_of(
    st.tuples(st.just("field"), _text, _text),
    st.tuples(st.just("file"), _text, _text, st.sampled_from(["", "image/png", "text/plain; charset=latin-1"]),
              st.binary(max_size=20)),
)


def _encode(parts: list[tuple]) -> bytes:
    out = b""
    for part in parts:
        if part[0] == "field":
            _, name, value = part
            out += f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        else:
            _, name, filename, content_type, data = part
            head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            if content_type:
                head += f"Content-Type: {content_type}\r\n"
            out += (head + "\r\n").encode() + data + b"\r\n"
    return out + f"--{BOUNDARY}--\r\n".encode()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(_part, max_size=5), where=st.floats(0, 1), action=st.sampled_from(["none", "change", "insert", "drop"]),
       byte=st.sampled_from([b"\r", b"\n", b"-", b'"', b"\\", b"%", b" ", b"\xff", b"x"]))
def test_generated_bodies_come_out_the_same(parts, where, action, byte):
    body = _encode(parts)
    at = int(where * len(body))
    if action == "change" and body:
        body = body[:at] + byte + body[at + 1:]
    elif action == "insert":
        body = body[:at] + byte + body[at:]
    elif action == "drop" and body:
        body = body[:at] + body[at + 1:]
    same_as_werkzeug(body)


def test_generated_plain_bodies_take_the_fast_path():
    # The comparison above means little if the one-pass parser declined everything.
    plain = [("field", "score", "5"), ("field", "suggestion", "团支部 😀 <script>"), ("file", "photo", "", "", b"")]
    assert parse_multipart(_encode(plain), BOUNDARY.encode(), MAX_PARTS) is not None
