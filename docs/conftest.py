"""Run every Python code block in the documentation as a test (Sybil), so the docs cannot
drift from the code. Blocks in one page share a namespace, in page order."""

from sybil import Sybil
from sybil.parsers.markdown import PythonCodeBlockParser

pytest_collect_file = Sybil(parsers=[PythonCodeBlockParser()], patterns=["*.md"]).pytest()
