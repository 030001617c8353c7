"""Writes the Swedish texts of one demo experience from its values and data/'s sentences.

Every random choice is made in a fixed order from the row's generator, so the
same seed writes the same texts; adding or removing a sentence in data/ changes
which one a given seed picks from that list on.

Each sentence comes from a pool tagged with a tone (kb.tools.demo.pools) and is
drawn only among those whose tone fits the row's satisfaction: a ★1–2 reads as a
dissatisfied customer's text, a ★4–5 as a satisfied one's. What a row's body says
about single areas follows too: the dissatisfied tell what does not work, the
satisfied what does, the middle both. With `trace` set to a list, every piece written
is noted there as (field, pool, tone) – how the tests check the rule on every row.
"""

from __future__ import annotations

import random

from kb.tools.demo.datafiles import Texts
from kb.tools.demo.pools import Pool

# The tone of a sentence about one area, by what the row says of that area.
TOPIC_TONES = {"good": "positive", "bad": "negative", "missing": "negative"}


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _fill(template: str, slots: dict) -> str:
    return template.format_map(slots) if "{" in template else template


class Writer:
    def __init__(self, rng: random.Random, texts: Texts):
        self.rng = rng
        self.texts = texts
        self.topics = texts.topics
        self.pools = texts.pools
        self._tips = [entry.text for entry in texts.tips.entries]
        self.trace: list[tuple[str, str, str]] | None = None
        self._key: tuple[int, frozenset[str]] = (3, frozenset())  # satisfaction, row flags

    def _note(self, field: str, pool: str, tone: str) -> None:
        if self.trace is not None:
            self.trace.append((field, pool, tone))

    def _pick(self, field: str, pool: Pool, slots: dict) -> str:
        # Pool.pick, inlined: a row makes a dozen of these.
        found = pool._candidates.get(self._key)
        if found:
            entry = found[int(self.rng.random() * len(found))]
        else:  # the first draw for this key (or none fits: LookupError)
            entry = pool.pick(self.rng, *self._key)
        if self.trace is not None:
            self.trace.append((field, pool.name, entry.tone))
        text = entry.text
        return text.format_map(slots) if "{" in text else text

    def sentence(self, topic: str, tone: str, slots: dict, field: str = "body") -> str:
        """One sentence about a topic; tone is "good", "bad" or "missing"."""
        rng = self.rng
        spec = self.topics[topic]
        if self.trace is not None:
            self.trace.append((field, f"topics.json {topic}", TOPIC_TONES[tone]))
        if tone == "missing" and "missing" in spec and rng.random() < 0.5:
            return _fill(spec["missing"], slots)
        polarity = "good" if tone == "good" else "bad"
        if rng.random() < 0.3:
            return _fill(rng.choice(spec[polarity + "_full"]), slots)
        subject = _fill(rng.choice(spec["subjects"]), slots)
        verb, rest = rng.choice(spec[polarity]).split("|")
        rest = _fill(rest, slots)
        # A fronted adverbial takes Swedish V2 order (adverbial, verb, subject). Topics
        # marked past_tense get none: "I dag" or "Numera" reads wrong before "tog".
        if rng.random() < 0.35 and not spec.get("past_tense"):
            pool = self.texts.adverbials_good if polarity == "good" else self.texts.adverbials_bad
            adverbial = self._pick(field, pool, slots)
            return f"{adverbial} {verb} {subject} {rest}."
        return f"{_cap(subject)} {verb} {rest}."

    def sentences(self, picks: list[tuple[str, str]], slots: dict, field: str) -> list[str]:
        return [self.sentence(topic, tone, slots, field) for topic, tone in picks]

    def short(self, topic: str | None, polarity: str, slots: dict, fallback: str) -> str:
        if topic is None:
            return fallback
        return _fill(self.rng.choice(self.topics[topic][polarity + "_short"]), slots)

    def write(self, row: dict, goods: list[str], bads: list[tuple[str, str]], slots: dict,
              flags: frozenset[str], switch=None) -> None:
        """The row's texts. `switch` is the (reason, extra sentence or None) of
        kb.tools.demo.switches a switched row gives as why it switched."""
        rng = self.rng
        texts = self.texts
        pools = self.pools
        satisfaction = row["satisfaction"]
        self._key = (satisfaction, flags)
        tier = "high" if satisfaction >= 4 else "mid" if satisfaction == 3 else "low"

        # Pros: what works, fewer for the dissatisfied.
        n_pros = rng.randint(2, 5) if tier != "low" else rng.randint(1, 3)
        picks = [(t, "good") for t in rng.sample(goods, min(n_pros, len(goods)))]
        pros = self.sentences(picks, slots, "pros")
        while len(pros) < min(2, n_pros):
            pros.append(self._pick("pros", texts.pros, slots))
        # Cons: what doesn't, fewer for the satisfied.
        n_cons = rng.randint(1, 3) if tier == "high" else rng.randint(2, 5)
        picks = rng.sample(bads, min(n_cons, len(bads)))
        cons = self.sentences(picks, slots, "cons")
        if not cons:
            cons.append(self._pick("cons", texts.cons, slots))

        # Tips before switching: general advice plus one about a weak spot.
        tips = [_fill(t, slots) for t in rng.sample(self._tips, rng.randint(1, 3))]
        self._note("tips", texts.tips.name, "neutral")
        if bads:
            tip = self.topics[rng.choice(bads)[0]]["tip"]
            tips.insert(rng.randint(0, len(tips)), _fill(tip, slots))
        elif goods:
            tips.append(_fill(self.topics[rng.choice(goods)]["tip"], slots))

        # Body: context, a few observations, a verdict.
        status = row["usage_status"]
        if status in ("former", "evaluating"):
            intro = pools[f"intros.{status}"]
        elif row["reviewer_role"] == "konsult":
            intro = pools["intros.consultant"]
        else:
            intro = pools["intros.current"]
        body = [self._pick("body", intro, slots)]
        if row["switched_from_id"] is not None:
            body.append(self._pick("body", pools["switch_story"], slots))
        if rng.random() < 0.6:
            body.append(self._pick("body", pools["middle"], slots))
        # The areas the body dwells on: what fails for the dissatisfied, what works for
        # the satisfied, both in the middle.
        if tier == "low":
            observed = bads
        elif tier == "high":
            observed = [(t, "good") for t in goods]
        else:
            observed = [(t, "good") for t in goods] + bads
        for topic, tone in rng.sample(observed, min(rng.randint(1, 2), len(observed))):
            body.append(self.sentence(topic, tone, slots))
        if status == "evaluating":
            closing = [self._pick("body", pools["closings_evaluating"], slots)]
        elif status == "former":
            closing = [self._pick("body", pools["closings_former"], slots)]
        else:
            closing = [self._pick("body", pools["closings"], slots)]
        if row["considering_switch_to_id"] is not None:
            closing.append(self._pick("body", pools["considering"], slots))
        paragraphs = [" ".join(body[:3]), " ".join(body[3:] + closing)]

        # Title.
        good_topics = rng.sample(goods, min(2, len(goods)))
        bad_topics = [t for t, _ in rng.sample(bads, min(2, len(bads)))]
        g1 = good_topics[0] if good_topics else None
        g2 = good_topics[1] if len(good_topics) > 1 else None
        b1 = bad_topics[0] if bad_topics else None
        b2 = bad_topics[1] if len(bad_topics) > 1 else None
        fallback = texts.title_fallbacks
        title_slots = dict(slots)
        title_slots["good_short"] = self.short(g1, "good", slots, fallback["good_short"])
        title_slots["good_short2"] = self.short(g2, "good", slots, fallback["good_short2"])
        title_slots["bad_short"] = self.short(b1, "bad", slots, fallback["bad_short"])
        title_slots["bad_short2"] = self.short(b2, "bad", slots, fallback["bad_short2"])
        title_slots["good_area"] = self.topics[g1]["area"] if g1 else fallback["good_area"]
        title_slots["bad_area"] = self.topics[b1]["area"] if b1 else fallback["bad_area"]
        title_slots["bad_area2"] = self.topics[b2]["area"] if b2 else fallback["bad_area2"]
        title_slots["Good_short"] = _cap(title_slots["good_short"])
        title_slots["Bad_short"] = _cap(title_slots["bad_short"])
        if status in ("evaluating", "former"):
            kind = status
        elif row["switched_from_id"] is not None and rng.random() < 0.5:
            kind = "switched"
        else:
            kind = "rating"
        title = _cap(self._pick("title", texts.titles[kind], title_slots))
        if len(title) > 150:
            title = title[:147].rsplit(" ", 1)[0] + "…"

        row["title"] = title
        row["pros"] = " ".join(pros)
        row["cons"] = " ".join(cons)
        row["tips"] = " ".join(tips)
        row["body"] = "\n\n".join(p for p in paragraphs if p)
        if switch is not None:
            reason, extra = switch
            self._note("switch_reason", "switch_reasons.json reasons", reason.tone)
            said = [_fill(reason.text, slots)]
            if extra is not None:
                self._note("switch_reason", "switch_reasons.json extra", extra.tone)
                said.append(_fill(extra.text, slots))
            row["switch_reason"] = " ".join(said)
        else:
            row["switch_reason"] = ""
