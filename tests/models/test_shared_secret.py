from models.shared_secret import adopt
from survey.keys import load_secret


def test_first_writer_wins_and_others_adopt(engine):
    assert adopt(engine, "survey", "a" * 64) == "a" * 64
    assert adopt(engine, "survey", "b" * 64) == "a" * 64
    assert adopt(engine, "other", "c" * 64) == "c" * 64


def test_two_machines_agree_through_the_database(engine, tmp_path):
    first, second = tmp_path / "m1" / "secret.key", tmp_path / "m2" / "secret.key"
    one = load_secret(first, engine)
    two = load_secret(second, engine)
    assert one == two and len(one) >= 64
    # The second machine's own file now holds the secret in force, still readable by its owner only.
    assert second.read_text().encode() == one
    assert second.stat().st_mode & 0o777 == 0o600
