"""Writes the Swedish texts of one demo experience from its values and data/'s sentences.

Every random choice is made in a fixed order from the row's generator, so the
same seed writes the same texts; adding or removing a sentence in data/ changes
which one a given seed picks from that list on.
"""

from __future__ import annotations

import random

from kb.tools.demo.datafiles import Texts


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _fill(template: str, slots: dict) -> str:
    return template.format_map(slots) if "{" in template else template


class Writer:
    def __init__(self, rng: random.Random, texts: Texts):
        self.rng = rng
        self.texts = texts
        self.topics = texts.topics
        self._adv_good = texts.adverbials["neutral"] + texts.adverbials["good"]
        self._adv_bad = texts.adverbials["neutral"] + texts.adverbials["bad"]

    def sentence(self, topic: str, tone: str, slots: dict) -> str:
        """One sentence about a topic; tone is "good", "bad" or "missing"."""
        rng = self.rng
        spec = self.topics[topic]
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
            adverbial = rng.choice(self._adv_good if polarity == "good" else self._adv_bad)
            return f"{_fill(adverbial, slots)} {verb} {subject} {rest}."
        return f"{_cap(subject)} {verb} {rest}."

    def sentences(self, picks: list[tuple[str, str]], slots: dict) -> list[str]:
        return [self.sentence(topic, tone, slots) for topic, tone in picks]

    def short(self, topic: str | None, polarity: str, slots: dict, fallback: str) -> str:
        if topic is None:
            return fallback
        return _fill(self.rng.choice(self.topics[topic][polarity + "_short"]), slots)

    def write(self, row: dict, goods: list[str], bads: list[tuple[str, str]], slots: dict) -> None:
        rng = self.rng
        texts = self.texts
        body_texts = texts.body
        satisfaction = row["satisfaction"]
        tier = "high" if satisfaction >= 4 else "mid" if satisfaction == 3 else "low"

        # Pros: what works, fewer for the dissatisfied.
        n_pros = rng.randint(2, 5) if tier != "low" else rng.randint(1, 3)
        picks = [(t, "good") for t in rng.sample(goods, min(n_pros, len(goods)))]
        pros = self.sentences(picks, slots)
        while len(pros) < min(2, n_pros):
            pros.append(_fill(rng.choice(texts.pros), slots))
        # Cons: what doesn't, fewer for the satisfied.
        n_cons = rng.randint(1, 3) if tier == "high" else rng.randint(2, 5)
        picks = rng.sample(bads, min(n_cons, len(bads)))
        cons = self.sentences(picks, slots)
        if not cons:
            cons.append(_fill(rng.choice(texts.cons), slots))

        # Tips before switching: general advice plus one about a weak spot.
        tips = [_fill(t, slots) for t in rng.sample(texts.tips, rng.randint(1, 3))]
        if bads:
            tip = self.topics[rng.choice(bads)[0]]["tip"]
            tips.insert(rng.randint(0, len(tips)), _fill(tip, slots))
        elif goods:
            tips.append(_fill(self.topics[rng.choice(goods)]["tip"], slots))

        # Body: context, a few observations, a verdict.
        status = row["usage_status"]
        intros = body_texts["intros"]
        if status == "former":
            intro = rng.choice(intros["former"])
        elif status == "evaluating":
            intro = rng.choice(intros["evaluating"])
        elif row["reviewer_role"] == "konsult":
            intro = rng.choice(intros["consultant"])
        else:
            intro = rng.choice(intros["current"])
        body = [_fill(intro, slots)]
        if row["switched_from_id"] is not None:
            body.append(_fill(rng.choice(body_texts["switch_story"]), slots))
        if rng.random() < 0.6:
            body.append(_fill(rng.choice(body_texts["middle"]), slots))
        mixed = [(t, "good") for t in goods] + bads
        for topic, tone in rng.sample(mixed, min(rng.randint(1, 2), len(mixed))):
            body.append(self.sentence(topic, tone, slots))
        if status == "evaluating":
            closing = [_fill(rng.choice(body_texts["closings_evaluating"]), slots)]
        elif status == "former":
            closing = [_fill(rng.choice(body_texts["closings_former"][tier]), slots)]
        else:
            closing = [_fill(rng.choice(body_texts["closings"][tier]), slots)]
        if row["considering_switch_to_id"] is not None:
            closing.append(_fill(rng.choice(body_texts["considering"]), slots))
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
        if status == "evaluating":
            kind = "evaluating"
        elif status == "former" and rng.random() < 0.6:
            kind = "former"
        elif row["switched_from_id"] is not None and rng.random() < 0.5:
            kind = "switched"
        else:
            kind = tier
        title = _cap(_fill(rng.choice(texts.titles[kind]), title_slots))
        if len(title) > 150:
            title = title[:147].rsplit(" ", 1)[0] + "…"

        row["title"] = title
        row["pros"] = " ".join(pros)
        row["cons"] = " ".join(cons)
        row["tips"] = " ".join(tips)
        row["body"] = "\n\n".join(p for p in paragraphs if p)
        if row["switched_from_id"] is not None:
            reason = [_fill(rng.choice(texts.switch_reasons), slots)]
            if rng.random() < 0.6:
                reason.append(_fill(rng.choice(texts.switch_extra), slots))
            row["switch_reason"] = " ".join(reason)
        else:
            row["switch_reason"] = ""
