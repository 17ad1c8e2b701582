"""The profiling switch (bench/README.md, "Profiling"): with ``RAPPORT_PROFILE_DIR`` set, every
request leaves a cProfile file named after it; it is off by default."""

from __future__ import annotations

import pstats

from tests.conftest import make_app
from webapp.config import load_config


def test_each_request_leaves_a_profile_named_after_it(tmp_path):
    profiles = tmp_path / "profiles"
    app = make_app(f"sqlite:///{tmp_path / 'p.db'}", PROFILE_DIR=str(profiles))

    assert app.test_client().get("/sign-in").status_code == 200
    assert app.test_client().get("/health/nothing-here").status_code == 404

    written = sorted(path.name for path in profiles.iterdir())
    assert len(written) == 2
    assert written[0].startswith("GET.health.nothing-here.")
    assert written[1].startswith("GET.sign-in.")
    stats = pstats.Stats(str(profiles / written[1]))
    assert any(name == "sign_in" for _, _, name in stats.stats), "the view's own frame is in it"


def test_the_folder_comes_from_the_environment_and_is_off_by_default(monkeypatch, tmp_path):
    monkeypatch.delenv("RAPPORT_PROFILE_DIR", raising=False)
    assert load_config(tmp_path)["PROFILE_DIR"] == ""
    monkeypatch.setenv("RAPPORT_PROFILE_DIR", str(tmp_path / "profiles"))
    assert load_config(tmp_path)["PROFILE_DIR"] == str(tmp_path / "profiles")
