"""Import, content model and checks for the LLM interview-question knowledge base."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
