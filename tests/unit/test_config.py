"""Configuration from the environment: safe development defaults, a strict production."""

from __future__ import annotations

import stat

import pytest

from webapp.config import ConfigError, load_config

SETTINGS = (
    "RAPPORT_ENV",
    "SECRET_KEY",
    "DATABASE_URL",
    "PORT",
    "SIGN_IN_RATE_LIMIT",
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "TWILIO_ENABLED",
    "PUBLIC_BASE_URL",
    "SCHEDULER_WRITERS",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)


def test_production_without_a_secret_key_refuses_to_start(monkeypatch, tmp_path):
    monkeypatch.setenv("RAPPORT_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", "postgresql://rapport@db/rapport")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(tmp_path)
    assert not (tmp_path / "secret_key").exists()


def test_production_with_a_secret_key_uses_it_and_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("RAPPORT_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    config = load_config(tmp_path)
    assert config["SECRET_KEY"] == "from-the-environment"
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["REMEMBER_COOKIE_SECURE"] is True
    assert not (tmp_path / "secret_key").exists()


def test_development_creates_a_persistent_key_file_and_reuses_it(tmp_path):
    instance = tmp_path / "instance"
    first = load_config(instance)
    key_file = instance / "secret_key"
    assert key_file.read_text() == first["SECRET_KEY"]
    assert len(first["SECRET_KEY"]) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_config(instance)["SECRET_KEY"] == first["SECRET_KEY"]  # sessions survive a restart


def test_development_keys_differ_between_instances(tmp_path):
    assert load_config(tmp_path / "a")["SECRET_KEY"] != load_config(tmp_path / "b")["SECRET_KEY"]


def test_development_cookies_are_not_secure_but_http_only_and_lax(tmp_path):
    config = load_config(tmp_path)
    assert config["RAPPORT_ENV"] == "development"
    assert config["SESSION_COOKIE_SECURE"] is False
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_database_defaults_to_sqlite_under_the_instance_folder(tmp_path):
    assert (
        load_config(tmp_path)["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'rapport.db'}"
    )


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgresql://u:p@db:5432/rapport", "postgresql+psycopg://u:p@db:5432/rapport"),
        ("postgres://u:p@db/rapport", "postgresql+psycopg://u:p@db/rapport"),
        ("postgresql+psycopg://u@db/rapport", "postgresql+psycopg://u@db/rapport"),
        ("sqlite:////srv/rapport.db", "sqlite:////srv/rapport.db"),
    ],
)
def test_database_url_uses_psycopg_3(monkeypatch, tmp_path, given, used):
    monkeypatch.setenv("DATABASE_URL", given)
    assert load_config(tmp_path)["SQLALCHEMY_DATABASE_URI"] == used


def test_port_and_sign_in_limit_come_from_the_environment(monkeypatch, tmp_path):
    assert load_config(tmp_path)["PORT"] == 5000
    monkeypatch.setenv("PORT", "8080")
    monkeypatch.setenv("SIGN_IN_RATE_LIMIT", "3 per hour")
    config = load_config(tmp_path)
    assert config["PORT"] == 8080
    assert config["SIGN_IN_RATE_LIMIT"] == "3 per hour"


def test_an_unknown_environment_name_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("RAPPORT_ENV", "prod")
    with pytest.raises(ConfigError, match="RAPPORT_ENV"):
        load_config(tmp_path)


def test_twilio_is_not_configured_and_enabled_by_default(tmp_path):
    config = load_config(tmp_path)
    assert (config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"]) == ("", "")
    assert config["TWILIO_ENABLED"] is True
    assert config["PUBLIC_BASE_URL"] == "http://127.0.0.1:5000"


@pytest.mark.parametrize(("given", "enabled"), [("false", False), ("0", False), ("true", True)])
def test_twilio_can_be_switched_off_keeping_its_credentials(monkeypatch, tmp_path, given, enabled):
    monkeypatch.setenv("TWILIO_ENABLED", given)
    assert load_config(tmp_path)["TWILIO_ENABLED"] is enabled


def test_production_with_twilio_needs_the_public_base_url(monkeypatch, tmp_path):
    monkeypatch.setenv("RAPPORT_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC123")
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL"):
        load_config(tmp_path)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://rapport.example.com/")
    assert load_config(tmp_path)["PUBLIC_BASE_URL"] == "https://rapport.example.com"


def test_the_scheduler_writes_two_batches_at_once_unless_told(monkeypatch, tmp_path):
    assert load_config(tmp_path)["SCHEDULER_WRITERS"] == 2
    monkeypatch.setenv("SCHEDULER_WRITERS", "1")
    assert load_config(tmp_path)["SCHEDULER_WRITERS"] == 1


@pytest.mark.parametrize("given", ["0", "9", "two", "-1", ""])
def test_a_scheduler_writers_setting_out_of_range_is_refused(monkeypatch, tmp_path, given):
    monkeypatch.setenv("SCHEDULER_WRITERS", given)
    with pytest.raises(ConfigError, match="SCHEDULER_WRITERS must be a number from 1 to 8"):
        load_config(tmp_path)
