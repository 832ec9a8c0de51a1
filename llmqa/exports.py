"""Build-time exports of the question bank: an Anki deck and a CSV file per language."""

from __future__ import annotations

import csv
import hashlib
import html
import io
from dataclasses import dataclass
from pathlib import Path

import genanki

from .render import html_to_text

CARD_CSS = """.card { font-family: system-ui, "PingFang SC", "Noto Sans CJK SC", sans-serif; font-size: 18px; text-align: left; }
.kb-source { color: #777; font-size: 0.8em; }"""


@dataclass(frozen=True)
class Card:
    id: str
    topic: str  # display name
    topic_id: str
    tags: tuple[str, ...]
    question: str
    answer_html: str
    url: str  # absolute


def stable_id(*parts: str) -> int:
    """A stable 31-bit id for Anki models and decks (Anki wants them fixed across builds)."""
    return int(hashlib.sha1("/".join(parts).encode("utf-8")).hexdigest()[:8], 16) & 0x7FFFFFFF


def anki_model(language: str, labels: dict[str, str]) -> genanki.Model:
    return genanki.Model(
        stable_id("llmqa", "model", language),
        labels["anki_model"],
        fields=[{"name": "Question"}, {"name": "Answer"}, {"name": "Topic"}, {"name": "Link"}],
        templates=[
            {
                "name": "Card 1",
                "qfmt": "<div class='kb-topic'>{{Topic}}</div><h3>{{Question}}</h3>",
                "afmt": "{{FrontSide}}<hr id='answer'>{{Answer}}<p class='kb-source'><a href='{{Link}}'>{{Link}}</a></p>",
            }
        ],
        css=CARD_CSS,
    )


def anki_package(cards: list[Card], language: str, labels: dict[str, str]) -> genanki.Package:
    """One deck per topic under a parent deck; note GUIDs come from the question id, so a
    re-imported deck updates its cards instead of duplicating them."""
    model = anki_model(language, labels)
    decks: dict[str, genanki.Deck] = {}
    for card in cards:
        name = f"{labels['anki_deck']}::{card.topic}"
        deck = decks.setdefault(name, genanki.Deck(stable_id("llmqa", "deck", language, card.topic_id), name))
        tags = [f"topic::{card.topic_id}", *card.tags]
        deck.add_note(
            genanki.Note(model=model, fields=[html.escape(card.question), card.answer_html, html.escape(card.topic), html.escape(card.url)], tags=tags, guid=genanki.guid_for("llmqa", language, card.id))
        )
    return genanki.Package(list(decks.values()))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """A cell that spreadsheets show as text: one starting like a formula gets a leading apostrophe."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def export_names(language: str) -> dict[str, str]:
    """File names of a language's exports; the Downloads page links to these."""
    return {"anki": f"llm-interview-questions-{language}.apkg", "csv": f"llm-interview-questions-{language}.csv"}


def write_exports(cards: list[Card], language: str, labels: dict[str, str], out_dir: Path) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    names = export_names(language)
    apkg = out_dir / names["anki"]
    anki_package(cards, language, labels).write_to_file(str(apkg))
    table = out_dir / names["csv"]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "topic", "tags", "question", "answer", "url"])
    for card in cards:
        writer.writerow([csv_cell(value) for value in (card.id, card.topic, " ".join(card.tags), card.question, html_to_text(card.answer_html), card.url)])
    table.write_text("\ufeff" + buffer.getvalue(), encoding="utf-8")  # BOM: Excel opens Chinese CSV correctly
    return {"anki": apkg, "csv": table}
