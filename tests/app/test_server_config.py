"""The Streamlit server options `make run` and the browser tests read from .streamlit/config.toml."""

import tomllib
from pathlib import Path

from streamlit import config

ROOT = Path(__file__).resolve().parents[2]


def test_no_full_garbage_collection_after_each_script_run():
    # The live panel reruns twice a second; a full collection after each stalled the camera thread (README, Speed).
    options = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert options["runner"]["postScriptGC"] is False
    # The name is one Streamlit knows (a misspelt option is ignored without a word): reading it raises otherwise.
    assert config.get_option("runner.postScriptGC") in (True, False)
