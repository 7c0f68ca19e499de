"""adyen-platform fixtures are produced by tools/adyen.py (same SDK, same keys); run that file.
Run: envs/payloads/.venv/bin/python adyen-platform.py"""
import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).with_name("adyen.py")), run_name="__main__")
