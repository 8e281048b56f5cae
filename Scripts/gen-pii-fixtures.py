#!/usr/bin/env python3
"""Generate Tests/GreenlightPrivacyTests/Fixtures/pii-faker.jsonl: labelled PII in five locales, from Faker.

An evaluation set independent of ../shared/data/pii/notes-en_US.jsonl (other sentences, other locales, other
generators' formats), so the recognizers are checked on data they were not designed against. Requirements:
Faker==40.63.0. Run from the repository root (the file is never edited by hand):

    python3 Scripts/gen-pii-fixtures.py

Each line is {"id", "locale", "text", "entities": [{"entity", "start", "end"}]} with code-point offsets.
Phone numbers come from Faker's en_US, en_GB, de_DE, fr_FR and nl_NL providers; IBANs from the same locales;
cards, SSNs, IP addresses, URLs and dates from en_US; names from all five (PERSON, reported, not gated).
Hard negatives: Luhn-failing 13–19-digit references, version strings, clock times and order numbers.
"""
import json
import random

from faker import Faker

LOCALES = ["en_US", "en_GB", "de_DE", "fr_FR", "nl_NL"]


def main():
    rng = random.Random(7)
    records = []

    def add(locale, before, value, after, entity):
        text = before + value + after
        ents = [] if entity is None else [{"entity": entity, "start": len(before), "end": len(before) + len(value)}]
        records.append({"id": len(records), "locale": locale, "text": text, "entities": ents})

    for locale in LOCALES:
        f = Faker(locale)
        f.seed_instance(11)
        for _ in range(200):
            add(locale, "Please call ", f.phone_number(), " before noon.", "PHONE_NUMBER")
        for _ in range(60):
            add(locale, "IBAN: ", f.iban(), ".", "IBAN_CODE")
        for _ in range(60):
            add(locale, "Write to ", f.email(), " today.", "EMAIL_ADDRESS")
        for _ in range(40):
            add(locale, "Patient ", f.first_name() + " " + f.last_name(), " was admitted.", "PERSON")
    f = Faker("en_US")
    f.seed_instance(3)
    for _ in range(200):
        add("en_US", "Card ", f.credit_card_number(), " expires soon.", "CREDIT_CARD")
    for _ in range(200):
        add("en_US", "SSN ", f.ssn(), " on file.", "US_SSN")
    for k in range(200):
        add("en_US", "host ", f.ipv4() if k % 2 else f.ipv6(), " is down", "IP_ADDRESS")
    for _ in range(200):
        add("en_US", "See ", f.url() + f.uri_path(), " for details.", "URL")
    for _ in range(200):
        add("en_US", "Born ", f.date(), " in town.", "DATE_TIME")
    for _ in range(300):
        kind = rng.choice(["reference", "version", "time", "order"])
        if kind == "reference":
            while True:
                s = "".join(rng.choice("0123456789") for _ in range(rng.randint(13, 19)))
                digits = [int(c) for c in reversed(s)]
                total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits))
                if total % 10:
                    break
            add("en_US", "Reference " + s + " noted.", "", "", None)
        elif kind == "version":
            add("en_US", "Upgraded to %d.%d.%d today." % (rng.randint(0, 20), rng.randint(0, 99), rng.randint(0, 999)), "", "", None)
        elif kind == "time":
            add("en_US", "Starts at %02d:%02d:%02d sharp." % (rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)), "", "", None)
        else:
            add("en_US", "Order %d shipped." % rng.randint(10**11, 10**15), "", "", None)
    with open("Tests/GreenlightPrivacyTests/Fixtures/pii-faker.jsonl", "w", encoding="utf-8") as out:
        for r in records:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
