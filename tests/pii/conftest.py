import pytest


@pytest.fixture(autouse=True)
def _pii_keys(monkeypatch, tmp_path):
    # Keys for the keyed operators come from the environment; never touch the user's ~/.config in tests.
    monkeypatch.setenv("CURATE_PII_KEY", "test-hmac-key-0123456789")
    monkeypatch.setenv("CURATE_PII_KEY_FILE", str(tmp_path / "pii.key"))
    monkeypatch.delenv("CURATE_PII_ENC_KEY", raising=False)


@pytest.fixture(scope="session")
def detector():
    from curate.pii.engine import get_detector

    return get_detector("none")
