"""Every token that guards something carries at least 128 bits from the operating system's CSPRNG."""

from __future__ import annotations

import base64
import math
from collections import Counter

from models.links import new_token
from models.secret import SECRET_BYTES, load_secret
from survey.tokens import new_client_id, new_submission_id

MIN_BITS = 128
SAMPLES = 2000


def _bits_urlsafe(token: str) -> int:
    return len(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))) * 8


def _observed_entropy_per_char(tokens: list[str]) -> float:
    counts = Counter("".join(tokens))
    total = sum(counts.values())
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def test_link_tokens_have_at_least_128_random_bits():
    tokens = [new_token() for _ in range(SAMPLES)]
    assert len(set(tokens)) == SAMPLES
    assert min(_bits_urlsafe(t) for t in tokens) >= MIN_BITS
    # Characters spread over the whole URL-safe alphabet (~6 bits each), not a counter or a timestamp.
    assert _observed_entropy_per_char(tokens) > 5.9
    assert len(tokens[0]) * _observed_entropy_per_char(tokens) >= MIN_BITS


def test_submission_and_device_ids_have_at_least_128_random_bits():
    sids = [new_submission_id() for _ in range(SAMPLES)]
    assert len(set(sids)) == SAMPLES and all(len(bytes.fromhex(s)) * 8 >= MIN_BITS for s in sids)
    assert _observed_entropy_per_char(sids) > 3.95  # hex: 4 bits a character
    cids = [new_client_id() for _ in range(SAMPLES)]
    assert len(set(cids)) == SAMPLES and min(_bits_urlsafe(c) for c in cids) >= MIN_BITS


def test_survey_secret_is_256_random_bits_in_a_private_file(tmp_path):
    path = tmp_path / "data" / "survey_secret.key"
    secret = load_secret(path)
    assert SECRET_BYTES * 8 >= 256 and len(bytes.fromhex(secret.decode())) == SECRET_BYTES
    assert path.stat().st_mode & 0o777 == 0o600
    other = load_secret(tmp_path / "other" / "survey_secret.key")
    assert other != secret
    assert load_secret(path) == secret  # kept, not regenerated
