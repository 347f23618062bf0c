#!/usr/bin/env python3
"""Schema checker for the Kommunal-Campus seed courses (standard library only).

Run from the repository root:  python3 courses/seed_content/check_schema.py
Exits with status 1 and lists all problems if any rule is violated.
"""

import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = ["datenmanagement.json", "cdo_rolle.json", "it_beschaffung.json"]

TOPICS = {"Datenmanagement", "CDO-Rolle & Organisation", "IT-Beschaffung"}
LEVELS = {"einsteiger", "fortgeschritten", "experte"}
PROFILES = {
    "Chief Digital Officer",
    "Datenschutzkoordination",
    "Vergabestelle",
    "IT-Leitung",
    "Sachbearbeitung Bürgeramt",
    "Führungskraft",
}
BLOCK_TYPES = {"text", "info_box", "checklist", "glossary_term", "source", "case_study"}
QUESTION_TYPES = {"single_choice", "multiple_choice", "true_false", "short_answer"}

TAGS_DESCRIPTION = {"p", "ul", "ol", "li", "b", "i", "a"}
TAGS_TEXT = {"h2", "h3", "p", "ul", "ol", "li", "b", "i", "a"}
TAGS_BOX = {"p", "ul", "li", "b", "i"}
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

MIN_LESSON_WORDS = 300  # brief: "roughly 350-700 words"
MAX_LESSON_WORDS = 800

errors = []


def err(where, msg):
    errors.append(f"{where}: {msg}")


class TagChecker(HTMLParser):
    def __init__(self, allowed):
        super().__init__(convert_charrefs=True)
        self.allowed = allowed
        self.problems = []
        self.stack = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.allowed:
            self.problems.append(f"tag <{tag}> not allowed")
        if tag == "a":
            names = [n for n, _ in attrs]
            href = dict(attrs).get("href")
            if names != ["href"] or not href or not href.startswith("https://"):
                self.problems.append(f"<a> must have exactly one https:// href, got {attrs}")
        elif attrs:
            self.problems.append(f"attributes not allowed on <{tag}>: {attrs}")
        self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.problems.append(f"self-closing tag <{tag}/> not allowed")

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"unbalanced closing tag </{tag}>")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def check_html(where, value, allowed):
    if not isinstance(value, str) or not value.strip():
        err(where, "HTML must be a non-empty string")
        return ""
    p = TagChecker(allowed)
    p.feed(value)
    p.close()
    for prob in p.problems:
        err(where, prob)
    if p.stack:
        err(where, f"unclosed tags {p.stack}")
    return " ".join(p.text)


def plain(where, value, max_len=None):
    if not isinstance(value, str) or not value.strip():
        err(where, "must be a non-empty string")
        return ""
    if "<" in value and re.search(r"</?[a-zA-Z]", value):
        err(where, "must be plain text (no HTML)")
    if max_len and len(value) > max_len:
        err(where, f"longer than {max_len} characters ({len(value)})")
    return value


def keys(where, obj, required):
    if not isinstance(obj, dict):
        err(where, "must be an object")
        return False
    missing = [k for k in required if k not in obj]
    extra = [k for k in obj if k not in required]
    if missing:
        err(where, f"missing keys {missing}")
    if extra:
        err(where, f"unexpected keys {extra}")
    return not missing


LEGAL = json.loads((HERE / "legal_acts.json").read_text(encoding="utf-8"))
ACTS = {act["abbreviation"] for act in LEGAL["acts"]}
DATE_RE = re.compile(r"^20\d\d-[01]\d-[0-3]\d$")


def check_currency(where, lesson):
    """Every lesson has its state date, a later review date and at least one known source."""
    state, review = lesson["state_date"], lesson["review_by"]
    for name, value in (("state_date", state), ("review_by", review)):
        if not isinstance(value, str) or not DATE_RE.match(value):
            err(where, f"{name} must be an ISO date")
    if isinstance(state, str) and isinstance(review, str) and review <= state:
        err(where, "review_by must be after state_date")
    sources = lesson["legal_sources"]
    if not isinstance(sources, list) or not sources:
        err(where, "legal_sources must be a non-empty list")
        return
    for si, source in enumerate(sources):
        sw = f"{where}.legal_sources[{si}]"
        if not isinstance(source, dict) or source.get("act") not in ACTS:
            err(sw, f"unknown legal act {source!r}")
            continue
        extra = set(source) - {"act", "reference", "version_date"}
        if extra:
            err(sw, f"unexpected keys {sorted(extra)}")


def words(text):
    return len(re.findall(r"\w+(?:[-.’'/]\w+)*", text))


def check_block(where, block):
    if not keys(where, block, ["type", "value"]):
        return ""
    t, v = block["type"], block["value"]
    if t not in BLOCK_TYPES:
        err(where, f"unknown block type {t!r}")
        return ""
    if t == "text":
        return check_html(where, v, TAGS_TEXT)
    if t == "info_box" and keys(where, v, ["kind", "title", "text"]):
        if v["kind"] not in ("info", "warning"):
            err(where, f"info_box kind {v['kind']!r}")
        return (
            plain(where + ".title", v["title"])
            + " "
            + check_html(where + ".text", v["text"], TAGS_BOX)
        )
    if t == "checklist" and keys(where, v, ["title", "items"]):
        out = plain(where + ".title", v["title"])
        if not isinstance(v["items"], list) or len(v["items"]) < 2:
            err(where, "checklist needs a list of at least 2 items")
            return out
        return (
            out
            + " "
            + " ".join(plain(f"{where}.items[{i}]", it) for i, it in enumerate(v["items"]))
        )
    if t == "glossary_term" and keys(where, v, ["term", "definition"]):
        return (
            plain(where + ".term", v["term"]) + " " + plain(where + ".definition", v["definition"])
        )
    if t == "source":
        if keys(where, v, ["title", "publisher", "reference", "url"]):
            plain(where + ".title", v["title"])
            plain(where + ".publisher", v["publisher"])
            if not isinstance(v["reference"], str):
                err(where, "reference must be a string")
            if not isinstance(v["url"], str) or (v["url"] and not v["url"].startswith("https://")):
                err(where, "url must be '' or an https:// URL")
        return ""  # sources are not counted as lesson words
    if t == "case_study" and keys(where, v, ["municipality", "title", "text"]):
        muni = plain(where + ".municipality", v["municipality"])
        if "fiktiv" not in muni.lower():
            err(
                where,
                "case_study municipality must be marked as fictitious ('fiktives Beispiel')",
            )
        return (
            plain(where + ".title", v["title"])
            + " "
            + check_html(where + ".text", v["text"], TAGS_BOX)
        )
    return ""


def check_question(where, q):
    if not keys(where, q, ["type", "value"]):
        return None
    t, v = q["type"], q["value"]
    if t not in QUESTION_TYPES:
        err(where, f"unknown question type {t!r}")
        return None
    if t in ("single_choice", "multiple_choice"):
        if not keys(where, v, ["question", "choices", "explanation", "pool"]):
            return t
        choices = v["choices"]
        if not isinstance(choices, list):
            err(where, "choices must be a list")
            return t
        for i, c in enumerate(choices):
            if keys(f"{where}.choices[{i}]", c, ["text", "correct"]):
                plain(f"{where}.choices[{i}].text", c["text"])
                if not isinstance(c["correct"], bool):
                    err(f"{where}.choices[{i}]", "correct must be bool")
        n_ok = sum(1 for c in choices if isinstance(c, dict) and c.get("correct") is True)
        if t == "single_choice":
            if not 3 <= len(choices) <= 4:
                err(where, f"single_choice needs 3-4 choices, has {len(choices)}")
            if n_ok != 1:
                err(where, f"single_choice needs exactly one correct choice, has {n_ok}")
        else:
            if not 4 <= len(choices) <= 5:
                err(where, f"multiple_choice needs 4-5 choices, has {len(choices)}")
            if n_ok < 2:
                err(where, f"multiple_choice needs at least two correct choices, has {n_ok}")
            if n_ok == len(choices):
                err(where, "multiple_choice should have at least one wrong choice")
    elif t == "true_false":
        if keys(where, v, ["question", "correct", "explanation", "pool"]) and not isinstance(
            v["correct"], bool
        ):
            err(where, "correct must be bool")
    elif t == "short_answer":
        if keys(where, v, ["question", "accepted_answers", "explanation", "pool"]):
            aa = v["accepted_answers"]
            if (
                not isinstance(aa, list)
                or not aa
                or not all(isinstance(a, str) and a.strip() for a in aa)
            ):
                err(where, "accepted_answers must be a non-empty list of strings")
            elif len({a.lower() for a in aa}) != len(aa):
                err(where, "accepted_answers contains case-insensitive duplicates")
    if isinstance(v, dict):
        plain(where + ".question", v.get("question"))
        plain(where + ".explanation", v.get("explanation"))
    return t


def check_course(fname):
    path = HERE / fname
    with open(path, encoding="utf-8") as f:
        raw = f.read()
    c = json.loads(raw)
    where = fname
    top = [
        "title",
        "slug",
        "teaser",
        "description",
        "topic",
        "level",
        "duration_minutes",
        "outcomes",
        "target_job_profiles",
        "pass_mark",
        "validity_months",
        "modules",
        "final_quiz",
    ]
    if not keys(where, c, top):
        return None
    plain(where + ".title", c["title"])
    if not isinstance(c["slug"], str) or not SLUG_RE.match(c["slug"]):
        err(where, f"bad slug {c['slug']!r}")
    plain(where + ".teaser", c["teaser"], max_len=250)
    check_html(where + ".description", c["description"], TAGS_DESCRIPTION)
    if c["topic"] not in TOPICS:
        err(where, f"bad topic {c['topic']!r}")
    if c["level"] not in LEVELS:
        err(where, f"bad level {c['level']!r}")
    if (
        not isinstance(c["duration_minutes"], int)
        or isinstance(c["duration_minutes"], bool)
        or c["duration_minutes"] <= 0
    ):
        err(where, "duration_minutes must be a positive int")
    outs = c["outcomes"]
    if not isinstance(outs, list) or not 4 <= len(outs) <= 6:
        err(where, "outcomes must be a list of 4-6 items")
    else:
        for i, o in enumerate(outs):
            if plain(f"{where}.outcomes[{i}]", o) and not o.startswith("Sie können"):
                err(f"{where}.outcomes[{i}]", "should start with 'Sie können'")
    tjp = c["target_job_profiles"]
    if (
        not isinstance(tjp, list)
        or not tjp
        or any(p not in PROFILES for p in tjp)
        or len(set(tjp)) != len(tjp)
    ):
        err(where, f"bad target_job_profiles {tjp}")
    for k in ("pass_mark",):
        if not isinstance(c[k], int) or isinstance(c[k], bool) or not 0 < c[k] <= 100:
            err(where, f"{k} must be an int percent")
    if c["validity_months"] is not None and (
        not isinstance(c["validity_months"], int)
        or isinstance(c["validity_months"], bool)
        or c["validity_months"] <= 0
    ):
        err(where, "validity_months must be a positive int or null")

    slugs = set()
    stats = {"modules": 0, "lessons": 0, "words": 0, "questions": 0, "lesson_words": []}
    mods = c["modules"]
    if not isinstance(mods, list) or len(mods) < 3:
        err(where, "needs at least 3 modules")
        mods = mods if isinstance(mods, list) else []
    lesson_minutes = 0
    for mi, m in enumerate(mods):
        mw = f"{where}.modules[{mi}]"
        if not keys(mw, m, ["title", "slug", "intro", "lessons"]):
            continue
        stats["modules"] += 1
        plain(mw + ".title", m["title"])
        plain(mw + ".intro", m["intro"])
        for s in (m["slug"],):
            if not isinstance(s, str) or not SLUG_RE.match(s):
                err(mw, f"bad slug {s!r}")
            elif s in slugs:
                err(mw, f"duplicate slug {s!r}")
            slugs.add(s)
        lessons = m["lessons"]
        if not isinstance(lessons, list) or len(lessons) < 2:
            err(mw, "needs at least 2 lessons")
            lessons = lessons if isinstance(lessons, list) else []
        for li, les in enumerate(lessons):
            lw = f"{mw}.lessons[{li}]"
            if not keys(
                lw,
                les,
                ["title", "slug", "minutes", "state_date", "review_by", "legal_sources", "body"],
            ):
                continue
            check_currency(lw, les)
            stats["lessons"] += 1
            plain(lw + ".title", les["title"])
            if not isinstance(les["slug"], str) or not SLUG_RE.match(les["slug"]):
                err(lw, f"bad slug {les['slug']!r}")
            elif les["slug"] in slugs:
                err(lw, f"duplicate slug {les['slug']!r}")
            slugs.add(les["slug"])
            if (
                not isinstance(les["minutes"], int)
                or isinstance(les["minutes"], bool)
                or les["minutes"] <= 0
            ):
                err(lw, "minutes must be a positive int")
            else:
                lesson_minutes += les["minutes"]
            body = les["body"]
            if not isinstance(body, list) or len(body) < 3:
                err(lw, "body must be a list of at least 3 blocks")
                continue
            text = " ".join(check_block(f"{lw}.body[{bi}]", b) for bi, b in enumerate(body))
            types = [b.get("type") for b in body if isinstance(b, dict)]
            if types[0] != "text":
                err(lw, "first block must be 'text'")
            if types[-1] != "source":
                err(lw, "last block must be 'source'")
            if len(set(types)) < 4:
                err(lw, f"should use several block types (has {sorted(set(types))})")
            n = words(text)
            if not MIN_LESSON_WORDS <= n <= MAX_LESSON_WORDS:
                err(lw, f"lesson has {n} words (expected {MIN_LESSON_WORDS}-{MAX_LESSON_WORDS})")
            stats["lesson_words"].append(n)
            stats["words"] += n
    if isinstance(c["duration_minutes"], int) and c["duration_minutes"] < lesson_minutes:
        err(
            where,
            f"duration_minutes ({c['duration_minutes']}) below sum of lesson minutes ({lesson_minutes})",
        )

    fq = c["final_quiz"]
    qw = where + ".final_quiz"
    if keys(
        qw,
        fq,
        [
            "title",
            "slug",
            "intro",
            "pass_mark",
            "attempt_limit",
            "shuffle",
            "questions_per_pool",
            "questions",
        ],
    ):
        plain(qw + ".title", fq["title"])
        plain(qw + ".intro", fq["intro"])
        if not isinstance(fq["slug"], str) or not SLUG_RE.match(fq["slug"]) or fq["slug"] in slugs:
            err(qw, f"bad or duplicate slug {fq['slug']!r}")
        if (
            not isinstance(fq["pass_mark"], int)
            or isinstance(fq["pass_mark"], bool)
            or not 0 < fq["pass_mark"] <= 100
        ):
            err(qw, "pass_mark must be an int percent")
        if (
            not isinstance(fq["attempt_limit"], int)
            or isinstance(fq["attempt_limit"], bool)
            or fq["attempt_limit"] < 1
        ):
            err(qw, "attempt_limit must be a positive int")
        if not isinstance(fq["shuffle"], bool):
            err(qw, "shuffle must be bool")
        qs = fq["questions"] if isinstance(fq["questions"], list) else []
        if len(qs) < 8:
            err(qw, f"needs at least 8 questions, has {len(qs)}")
        qtypes = [check_question(f"{qw}.questions[{i}]", q) for i, q in enumerate(qs)]
        missing = QUESTION_TYPES - set(qtypes)
        if missing:
            err(qw, f"question types missing: {sorted(missing)}")
        pools = {}
        for q in qs:
            if isinstance(q, dict) and isinstance(q.get("value"), dict):
                pools[q["value"].get("pool")] = pools.get(q["value"].get("pool"), 0) + 1
        per_pool = fq["questions_per_pool"]
        if not isinstance(per_pool, int) or per_pool < 1:
            err(qw, "questions_per_pool must be a positive int")
        elif any(size <= per_pool for size in pools.values()):
            err(qw, f"every pool needs more than {per_pool} questions so retries differ: {pools}")
        stats["questions"] = len(qs)
        stats["qtypes"] = {t: qtypes.count(t) for t in sorted(QUESTION_TYPES)}
    return c, stats


def main():
    summary = []
    for fname in FILES:
        path = HERE / fname
        if not path.exists():
            err(fname, "file missing")
            continue
        try:
            res = check_course(fname)
        except json.JSONDecodeError as e:
            err(fname, f"invalid JSON: {e}")
            continue
        if res:
            summary.append((fname, res[0], res[1]))

    print("Kommunal-Campus seed content – summary")
    print("=" * 72)
    for fname, c, s in summary:
        lw = s["lesson_words"]
        print(f"{fname}: {c.get('title')}")
        print(
            f"  modules: {s['modules']}  lessons: {s['lessons']}  words: {s['words']}"
            f"  (per lesson min {min(lw) if lw else 0} / max {max(lw) if lw else 0})"
            f"  questions: {s['questions']}  duration: {c.get('duration_minutes')} min"
        )
        print(f"  question types: {s.get('qtypes')}")
    print("=" * 72)
    if errors:
        print(f"FAILED with {len(errors)} problem(s):")
        for e in errors:
            print("  -", e)
        sys.exit(1)
    print("All checks passed.")


if __name__ == "__main__":
    main()
