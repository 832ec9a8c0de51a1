"""Corpora to build: the real docs/ as is, or N synthetic questions recombined from it.

Everything is read from the real project and written to a temporary project directory; nothing
in the real project is modified. Generation is deterministic for a given seed and N.
"""

from __future__ import annotations

import random
import re
import shutil
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from llmqa.content import Document, dump_front_matter, read_document, source_fingerprint
from llmqa.site import NOTE_PATTERN

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PROJECT_FILES = ("mkdocs.yml",)
PROJECT_DIRS = ("hooks", "overrides", "data", "sources")

_ANSWER_ANCHOR = re.compile(r"^##\s.*\{\s*#answer-(\d+)\s*\}\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_LIST_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])\s+")
_LINK_TARGET = re.compile(r"\]\(([^)\s]*)")
_ZH_SENTENCE_END = re.compile(r"(?<=[。!?;])")
_EN_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


@dataclass
class Block:
    """A top-level Markdown block of a real answer, with its English counterpart when known."""

    kind: str  # paragraph | list | table | fence | note | admonition | quote | heading | other
    zh: str
    en: str | None = None
    topic: str = ""
    safe: bool = True  # can be copied into another page without breaking a strict build

    @property
    def sentences(self) -> int:
        return max(1, len([s for s in _ZH_SENTENCE_END.split(self.zh) if _CJK.search(s)]))

    @property
    def items(self) -> int:
        return max(1, sum(1 for line in self.zh.splitlines() if _LIST_ITEM.match(line) or line.startswith("|")))


@dataclass
class RealPage:
    id: str
    topic: str
    tags: list[str]
    status: str
    title_zh: str
    title_en: str
    sources: list[dict]
    answers: list[list[Block]] = field(default_factory=list)  # answered pages: blocks per answer


def question_paths(docs_dir: Path, topic_ids: set[str]) -> list[Path]:
    """Chinese question and article pages: docs/<topic>/<id>.md."""
    return sorted(p for p in docs_dir.glob("*/*.md") if p.parent.name in topic_ids and not p.name.startswith("index.") and p.name.count(".") == 1)


def _topic_ids() -> set[str]:
    return {t["id"] for t in yaml.safe_load((ROOT / "data" / "topics.yml").read_text(encoding="utf-8"))}


def _answer_sections(body: str) -> dict[int, str]:
    sections: dict[int, list[str]] = {}
    current = None
    in_code = False
    for line in body.splitlines():
        if _FENCE.match(line):
            in_code = not in_code
        if not in_code and line.startswith("#"):
            match = _ANSWER_ANCHOR.match(line)
            current = int(match[1]) if match else None
            if current is not None:
                sections[current] = []
            continue
        if current is not None:
            sections[current].append(line)
    return {number: "\n".join(lines).strip("\n") for number, lines in sections.items()}


def split_blocks(text: str) -> list[str]:
    """Top-level blocks: a block starts at an unindented line after a blank line (outside code)."""
    blocks: list[list[str]] = []
    in_code = False
    previous_blank = True
    for line in text.splitlines():
        if in_code:
            blocks[-1].append(line)
            if _FENCE.match(line):
                in_code = False
            previous_blank = False
            continue
        if not line.strip():
            if blocks:
                blocks[-1].append(line)
            previous_blank = True
            continue
        starts = previous_blank and not line.startswith((" ", "\t"))
        if starts or not blocks:
            blocks.append([line])
        else:
            blocks[-1].append(line)
        if _FENCE.match(line):
            in_code = True
        previous_blank = False
    return ["\n".join(lines).strip("\n") for lines in blocks if "".join(lines).strip()]


def classify(block: str) -> str:
    first = block.lstrip().splitlines()[0]
    if NOTE_PATTERN.match(first):
        return "note"
    if first.startswith(("!!!", "???")):
        return "admonition"
    if _FENCE.match(first):
        return "fence"
    if first.startswith("#"):
        return "heading"
    if first.startswith("|"):
        return "table"
    if first.startswith(">"):
        return "quote"
    if _LIST_ITEM.match(first):
        return "list"
    return "paragraph"


def is_safe(block: str) -> bool:
    """Copyable into any page of a strict build: no headings, ids, footnotes, images, local links."""
    if re.search(r"^\s*#", block, re.MULTILINE) and classify(block) != "fence":
        return False
    if any(marker in block for marker in ("[[", "[^", "![", "{ #", "{#", "<script", "*[")):
        return False
    return all(target.startswith(("http://", "https://")) for target in _LINK_TARGET.findall(block))


def _sentences(text: str, splitter: re.Pattern, keep, endings: str, terminator: str) -> list[str]:
    """Sentences of `text` (list markers dropped) that `keep` accepts, each ending in one of `endings`."""
    found = []
    for line in text.splitlines():
        line = _LIST_ITEM.sub("", line.strip())
        for sentence in splitter.split(line):
            sentence = sentence.strip()
            if _clean_sentence(sentence) and keep(sentence):
                found.append(sentence if sentence[-1] in endings else sentence + terminator)
    return found


def _zh_sentences(text: str) -> list[str]:
    return _sentences(text, _ZH_SENTENCE_END, lambda s: len(_CJK.findall(s)) >= 6 and len(s) <= 300, "。!?;", "。")


def _en_sentences(text: str) -> list[str]:
    return _sentences(text, _EN_SENTENCE_END, lambda s: not _CJK.search(s) and len(s.split()) >= 5 and len(s) <= 400, ".!?", ".")


def _clean_sentence(sentence: str) -> bool:
    if not sentence or sentence.startswith(("!!!", "#", "|", ">", "```", "~~~")):
        return False
    if any(c in sentence for c in "[]<>|{}"):
        return False
    if sentence.count("\\(") != sentence.count("\\)") or sentence.count("\\[") != sentence.count("\\]"):
        return False  # a formula cut by the sentence split (KaTeX would fail the build)
    return sentence.count("`") % 2 == 0 and sentence.count("**") % 2 == 0 and sentence.count("$") % 2 == 0


class Pool:
    """What the real corpus offers to recombine: pages, blocks, sentences, source references."""

    def __init__(self, docs_dir: Path = DOCS):
        self.topic_ids = _topic_ids()
        catalog_en: dict[str, str] = {}
        for path in sorted((ROOT / "sources" / "catalog").glob("*.yml")):
            for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
                if item.get("id") and item.get("en"):
                    catalog_en.setdefault(item["id"], item["en"])
        self.glossary = yaml.safe_load((ROOT / "data" / "glossary.yml").read_text(encoding="utf-8")) or []
        self.pages: list[RealPage] = []
        self.blocks: dict[str, list[Block]] = defaultdict(list)  # kind -> safe blocks
        self.zh_sentences: dict[str, list[str]] = defaultdict(list)  # topic -> sentences
        self.en_sentences: list[str] = []
        self.answer_refs: list[dict] = []
        self.question_refs: list[dict] = []
        for path in question_paths(docs_dir, self.topic_ids):
            try:
                document = read_document(path)
            except Exception:  # noqa: BLE001 - a page another contributor is editing right now
                continue
            meta = document.meta
            if not isinstance(meta.get("id"), str):
                continue
            twin = path.with_name(f"{path.stem}.en.md")
            en_document = None
            if twin.exists():
                try:
                    en_document = read_document(twin)
                except Exception:  # noqa: BLE001
                    en_document = None
            title_en = (en_document.meta.get("title") if en_document else None) or catalog_en.get(meta["id"]) or ""
            if _CJK.search(title_en):
                title_en = ""
            page = RealPage(
                meta["id"],
                meta.get("topic", path.parent.name),
                [t for t in (meta.get("tags") or []) if isinstance(t, str)],
                meta.get("status", "answered"),
                str(meta.get("title", meta["id"])),
                title_en,
                [dict(ref) for ref in (meta.get("sources") or []) if isinstance(ref, dict)],
            )
            self.pages.append(page)
            for ref in page.sources:
                (self.answer_refs if ref.get("role") == "answer" else self.question_refs).append(ref)
            if page.status != "answered":
                continue
            zh_answers = _answer_sections(document.body)
            en_answers = _answer_sections(en_document.body) if en_document and en_document.meta.get("status") == "answered" else {}
            for number in sorted(zh_answers):
                zh_blocks = split_blocks(zh_answers[number])
                en_blocks = split_blocks(en_answers.get(number, ""))
                aligned = len(en_blocks) == len(zh_blocks) and all(classify(a) == classify(b) for a, b in zip(zh_blocks, en_blocks, strict=False))
                answer = []
                for index, text in enumerate(zh_blocks):
                    english = en_blocks[index] if aligned else None
                    if english is not None and _CJK_RUN.search(english) and classify(text) != "fence":
                        english = None
                    block = Block(classify(text), text, english, page.topic, is_safe(text) and (english is None or is_safe(english)))
                    answer.append(block)
                    if block.safe and block.kind != "paragraph":
                        self.blocks[block.kind].append(block)
                    self.zh_sentences[page.topic].extend(_zh_sentences(text) if block.kind in ("paragraph", "list") else [])
                    if english:
                        self.en_sentences.extend(_en_sentences(english) if block.kind in ("paragraph", "list") else [])
                if answer:
                    page.answers.append(answer)
        for term in self.glossary:
            definition = (term.get("definition") or {}).get("en") or ""
            self.en_sentences.extend(_en_sentences(definition))
            zh_definition = (term.get("definition") or {}).get("zh") or ""
            if not any(self.zh_sentences.values()):  # only if the real answers offer nothing at all
                self.zh_sentences["_glossary"].extend(_zh_sentences(zh_definition))
        self.en_sentences = sorted(set(self.en_sentences))
        self.all_zh_sentences = sorted({s for sentences in self.zh_sentences.values() for s in sentences})
        self.answered = [p for p in self.pages if p.answers]
        if not self.pages or not self.answered or not self.all_zh_sentences or not self.en_sentences:
            raise SystemExit("bench: the real corpus under docs/ offers no answered pages to recombine")

    def describe(self) -> dict:
        return {
            "real_questions": len(self.pages),
            "real_answered": len(self.answered),
            "zh_sentences": len(self.all_zh_sentences),
            "en_sentences": len(self.en_sentences),
            "blocks": {kind: len(blocks) for kind, blocks in sorted(self.blocks.items())},
            "blocks_with_english": sum(1 for blocks in self.blocks.values() for b in blocks if b.en),
        }


@dataclass
class Question:
    id: str
    topic: str
    status: str


@dataclass
class Corpus:
    kind: str  # real | synthetic
    questions: list[Question]
    stats: dict


class Generator:
    """N synthetic questions, each a Chinese page and its English twin."""

    def __init__(self, pool: Pool, seed: int = 20240601, unanswered: float = 0.25, xref_rate: float = 0.05, related_rate: float = 0.03):
        self.pool = pool
        self.seed = seed
        self.unanswered = unanswered
        self.xref_rate = xref_rate
        self.related_rate = related_rate

    # -- sentences and blocks ------------------------------------------------------------------

    def _zh_paragraph(self, rng: random.Random, topic: str, count: int) -> str:
        local = self.pool.zh_sentences.get(topic) or []
        return "".join(rng.choice(local) if local and rng.random() < 0.7 else rng.choice(self.pool.all_zh_sentences) for _ in range(count))

    def _en_paragraph(self, rng: random.Random, count: int) -> str:
        return " ".join(rng.choice(self.pool.en_sentences) for _ in range(count))

    def _en_list(self, rng: random.Random, template: str) -> str:
        lines = []
        number = 0
        for line in template.splitlines():
            match = _LIST_ITEM.match(line)
            if match:
                number += 1
                marker = f"{number}." if match[0].strip()[0].isdigit() else "-"
                lines.append(f"{marker} {rng.choice(self.pool.en_sentences)}")
        return "\n".join(lines) or self._en_paragraph(rng, 2)

    def _answer(self, rng: random.Random, topic: str, template: list[Block]) -> tuple[list[str], list[str]]:
        """Blocks of one answer in both languages, shaped like a real answer."""
        zh, en = [], []
        for shape in template:
            kind = shape.kind
            candidates = self.pool.blocks.get(kind, []) if kind not in ("paragraph", "heading", "other") else []
            if kind == "note":
                candidates = [b for b in candidates if b.en]  # twins must carry the same notes
            if candidates:
                local = [b for b in candidates if b.topic == topic]
                block = rng.choice(local if local and rng.random() < 0.6 else candidates)
                zh.append(block.zh)
                if block.en:
                    en.append(block.en)
                elif kind == "list":
                    en.append(self._en_list(rng, block.zh))
                elif kind == "fence" and not _CJK.search(block.zh):
                    en.append(block.zh)
                else:
                    en.append(self._en_paragraph(rng, min(4, block.items)))
            else:
                count = min(shape.sentences, 8)
                zh.append(self._zh_paragraph(rng, topic, count))
                en.append(self._en_paragraph(rng, count))
        if not zh:
            zh, en = [self._zh_paragraph(rng, topic, 3)], [self._en_paragraph(rng, 3)]
        return zh, en

    # -- pages ---------------------------------------------------------------------------------

    def plan(self, n: int) -> list[dict]:
        """Ids, topics, titles, tags and status of n questions, in the real topic and tag spread."""
        rng = random.Random(f"{self.seed}:{n}:plan")
        pages = self.pool.pages
        by_id = {p.id: p for p in pages}
        reserved = [t["question"] for t in self.pool.glossary if t.get("question")]  # ids the glossary links to
        used: set[str] = set()
        uses: Counter = Counter()
        plans = []
        for index in range(n):
            if index < len(reserved) and reserved[index] in by_id:
                template = by_id[reserved[index]]
            else:
                template = rng.choice(pages)
            k = uses[template.id]
            uses[template.id] += 1
            title_zh, title_en = template.title_zh, template.title_en
            if not title_en:
                term = rng.choice(self.pool.glossary) if self.pool.glossary else {"en": "this method"}
                title_en = f"What should you know about {term['en']}?"
            if k:
                term = self.pool.glossary[(k * 7 + index) % len(self.pool.glossary)] if self.pool.glossary else {"zh": f"变体{k}", "en": f"variant {k}"}
                title_zh = f"{title_zh}(以{term['zh']}为例)"
                title_en = f"{title_en} (the case of {term['en']})"
            base = template.id if k == 0 else f"{template.id}-{k + 1}"
            page_id, bump = base, 1
            while page_id in used:
                bump += 1
                page_id = f"{base}-{bump}"
            used.add(page_id)
            status = "unanswered" if rng.random() < self.unanswered else "answered"
            plans.append({"id": page_id, "topic": template.topic, "tags": list(template.tags), "title_zh": title_zh, "title_en": title_en, "status": status})
        return plans

    def write(self, docs_dir: Path, n: int) -> Corpus:
        plans = self.plan(n)
        rng = random.Random(f"{self.seed}:{n}:bodies")
        by_topic: dict[str, list[str]] = defaultdict(list)
        for plan in plans:
            by_topic[plan["topic"]].append(plan["id"])
        all_ids = [plan["id"] for plan in plans]
        answered_by_topic: dict[str, list[RealPage]] = defaultdict(list)
        for page in self.pool.answered:
            answered_by_topic[page.topic].append(page)
        stats: Counter = Counter()
        questions = []
        for plan in plans:
            topic = plan["topic"]
            zh_meta = {"id": plan["id"], "title": plan["title_zh"], "topic": topic, "tags": plan["tags"], "status": plan["status"]}
            en_meta = {"id": plan["id"], "title": plan["title_en"], "topic": topic, "tags": plan["tags"], "status": plan["status"]}

            def others(count: int, topic: str = topic, page_id: str = plan["id"]) -> list[str]:
                local = [i for i in by_topic[topic] if i != page_id]
                choices = local if local and rng.random() < 0.8 else [i for i in all_ids if i != page_id]
                return sorted(set(rng.sample(choices, min(count, len(choices))))) if choices else []

            if plan["status"] == "answered":
                local = answered_by_topic.get(topic)
                shape = rng.choice(local if local and rng.random() < 0.6 else self.pool.answered)
                refs = [dict(r) for r in shape.sources if r.get("role") == "answer"]
                while len(refs) < len(shape.answers):
                    refs.append(dict(rng.choice(self.pool.answer_refs)))
                zh_meta["sources"] = refs[: len(shape.answers)] if refs else [dict(rng.choice(self.pool.answer_refs))]
                zh_body, en_body = [], []
                several = len(shape.answers) > 1
                for number, answer in enumerate(shape.answers, 1):
                    zh_blocks, en_blocks = self._answer(rng, topic, answer)
                    if number == len(shape.answers) and rng.random() < self.xref_rate:
                        targets = others(rng.choice((1, 1, 2)))
                        if targets:
                            zh_blocks.append("延伸阅读:" + "、".join(f"[[{t}]]" for t in targets) + "。")
                            en_blocks.append("Further reading: " + ", ".join(f"[[{t}]]" for t in targets) + ".")
                            stats["cross_references"] += len(targets)
                            stats["pages_with_cross_references"] += 1
                    zh_body.append(f"## 回答{f' {number}' if several else ''} {{ #answer-{number} }}\n\n" + "\n\n".join(zh_blocks) + "\n")
                    en_body.append(f"## Answer{f' {number}' if several else ''} {{ #answer-{number} }}\n\n" + "\n\n".join(en_blocks) + "\n")
                    stats["answers"] += 1
                    stats["notes"] += sum(1 for b in zh_blocks if NOTE_PATTERN.match(b.splitlines()[0]))
                zh_text, en_text = "\n" + "\n".join(zh_body), "\n" + "\n".join(en_body)
            else:
                zh_meta["sources"] = [dict(rng.choice(self.pool.question_refs or self.pool.answer_refs))]
                zh_meta["sources"][0]["role"] = "question"
                zh_text = en_text = ""
            if rng.random() < self.related_rate:
                related = others(rng.choice((1, 2)))
                if related:
                    zh_meta["related"] = related
                    stats["pages_with_related"] += 1
            path = docs_dir / topic / f"{plan['id']}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            if zh_text.strip():
                en_meta["zh_hash"] = source_fingerprint(Document(path, zh_meta, zh_text, 1))
            path.write_text(dump_front_matter(zh_meta) + zh_text, encoding="utf-8")
            path.with_name(f"{plan['id']}.en.md").write_text(dump_front_matter(en_meta) + en_text, encoding="utf-8")
            stats[plan["status"]] += 1
            stats["zh_chars"] += len(zh_text)
            stats["en_chars"] += len(en_text)
            questions.append(Question(plan["id"], topic, plan["status"]))
        topics = Counter(q.topic for q in questions)
        return Corpus(
            "synthetic",
            questions,
            {
                "questions": n,
                "zh_pages": n,
                "en_pages": n,
                "answered": stats["answered"],
                "unanswered": stats["unanswered"],
                "answers": stats["answers"],
                "notes": stats["notes"],
                "pages_with_cross_references": stats["pages_with_cross_references"],
                "cross_references": stats["cross_references"],
                "pages_with_related": stats["pages_with_related"],
                "median_answered_zh_chars": _median_chars(docs_dir, questions),
                "topics": dict(sorted(topics.items())),
                "seed": self.seed,
            },
        )


def _median_chars(docs_dir: Path, questions: list[Question]) -> int:
    sizes = [len((docs_dir / q.topic / f"{q.id}.md").read_text(encoding="utf-8")) for q in questions if q.status == "answered"]
    return int(statistics.median(sizes)) if sizes else 0


def real_corpus(docs_dir: Path) -> Corpus:
    questions = []
    topic_ids = _topic_ids()
    en = 0
    for path in question_paths(docs_dir, topic_ids):
        try:
            meta = read_document(path).meta
        except Exception:  # noqa: BLE001
            continue
        if isinstance(meta.get("id"), str):
            questions.append(Question(meta["id"], meta.get("topic", path.parent.name), meta.get("status", "answered")))
            en += path.with_name(f"{path.stem}.en.md").exists()
    counts = Counter(q.status for q in questions)
    return Corpus(
        "real",
        questions,
        {
            "questions": len(questions),
            "zh_pages": len(questions),
            "en_pages": en,
            "answered": counts["answered"],
            "unanswered": counts["unanswered"],
            "articles": counts["article"],
            "median_answered_zh_chars": _median_chars(docs_dir, questions),
            "topics": dict(sorted(Counter(q.topic for q in questions).items())),
        },
    )


def prepare_project(dest: Path, *, real: bool) -> None:
    """A copy of the project to build in: configuration, hooks, templates, data, sources and the
    non-question pages of docs/ (all of docs/ for the real corpus)."""
    dest.mkdir(parents=True, exist_ok=True)
    ignore_cache = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in PROJECT_FILES:
        shutil.copy2(ROOT / name, dest / name)
    for name in PROJECT_DIRS:
        shutil.copytree(ROOT / name, dest / name, ignore=ignore_cache)
    topic_ids = _topic_ids()

    def ignore(directory: str, names: list[str]) -> set[str]:
        skipped = set(ignore_cache(directory, names))
        if not real and Path(directory).parent == DOCS and Path(directory).name in topic_ids:
            skipped |= {n for n in names if n.endswith(".md") and not n.startswith("index.")}
        return skipped

    shutil.copytree(DOCS, dest / "docs", ignore=ignore)
