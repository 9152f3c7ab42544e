import os

from nlpdeck import env


def test_cache_is_project_local_and_offline():
    variables = env.offline_environ()
    assert variables["HF_HUB_OFFLINE"] == "1"
    assert variables["TRANSFORMERS_OFFLINE"] == "1"
    assert variables["HF_HOME"] == str(env.HF_HOME)
    assert env.HF_HOME.is_relative_to(env.ROOT) or "NLPDECK_HF_HOME" in os.environ


def test_activate_sets_the_variables_for_this_process():
    env.activate()
    for name, value in env.offline_environ().items():
        assert os.environ[name] == value


def test_huggingface_hub_sees_offline_mode():
    import huggingface_hub.constants as hub

    assert hub.HF_HUB_OFFLINE is True
    assert hub.HF_HOME == str(env.HF_HOME)
