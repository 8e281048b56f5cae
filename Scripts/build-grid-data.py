#!/usr/bin/env python3
"""Builds Sources/GreenlightCore/Resources/grid-intensity.json from CodeCarbon 3.3.2's data files.

Usage (from the repository root):

    python3 Scripts/build-grid-data.py [--data ../shared/data/reference/codecarbon] [--out PATH]

Inputs (CodeCarbon 3.3.2, MIT licence):
  global_energy_mix.json            countries: carbon_intensity (gCO2e/kWh) and year (Our World in Data / Ember)
  carbon_intensity_per_source.json  world average (IEA 2019) and per-source lifecycle factors
  usa_emissions.json                US states, EPA eGRID2023, lbs CO2e/MWh
  canada_energy_mix.json            Canadian provinces, generation mix in percent (no factors, no year)
  china_provincial_emissions.json   Chinese provinces, MEE/NBS 2023, gCO2/kWh (CO2 only)
  nordic_emissions.json             ENTSO-E bidding zones SE1-SE4, NO1-NO5 and FI, gCO2e/kWh
  impact.csv                        cloud regions, gCO2e/kWh as published by the provider

Every entry in the output carries a source id (described under "sources") and a year (null where the
input states none). The output is deterministic: sorted keys, values rounded to 3 decimals.
"""

import argparse
import csv
import json
import os
import sys

LBS_TO_G = 453.59237  # 1 lb in grams; lbs/MWh -> g/kWh is x 453.59237 / 1000

# Canadian mix key -> key of carbon_intensity_per_source.json. Each factor is a lifecycle value in gCO2e/kWh.
CANADA_FACTOR_FOR_MIX_KEY = {
    "coal": "coal",
    "naturalGas": "natural_gas",
    "petroleum": "petroleum",
    "nuclear": "nuclear",
    "hydro": "hydroelectricity",
    "wind": "wind",
    "solar": "solar",
    "biomass": "biomass",
    # Tidal (Annapolis, Nova Scotia; 0 % in every province of the 3.3.2 file) has no factor of its own:
    # counted with the hydroelectricity factor, the closest low-carbon water technology.
    "tidal": "hydroelectricity",
    # "other" is 0 % in every province of the 3.3.2 file; it has no factor and would count as 0.
    "other": None,
}

# Canada Post / ISO 3166-2:CA province and territory codes, accepted as aliases.
CANADA_CODES = {
    "alberta": "AB", "british columbia": "BC", "manitoba": "MB", "new brunswick": "NB",
    "newfoundland and labrador": "NL", "northwest territories": "NT", "nova scotia": "NS",
    "nunavut": "NU", "ontario": "ON", "prince edward island": "PE", "quebec": "QC",
    "saskatchewan": "SK", "yukon": "YT",
}

NORDIC_COUNTRY = {"SE": "SWE", "NO": "NOR", "FI": "FIN"}

# Obvious typos in impact.csv region names: corrected key -> name in the file.
CLOUD_REGION_FIXES = {("gcp", "me-cenrtal1"): "me-central1"}


def title(name):
    small = {"and", "of"}
    return " ".join(w if w in small else w[:1].upper() + w[1:] for w in name.split())


def r3(x):
    return round(float(x), 3)


def load_json(d, name):
    with open(os.path.join(d, name), encoding="utf-8") as f:
        return json.load(f)


def build(d):
    per_source = load_json(d, "carbon_intensity_per_source.json")
    sources = {}

    # World average.
    sources["iea-2019"] = {
        "text": "IEA Global Energy & CO2 Status Report 2019 world average, via CodeCarbon 3.3.2 carbon_intensity_per_source.json",
        "url": per_source["world_average_source"],
    }
    world = {"gramsPerKWh": r3(per_source["world_average"]), "year": 2019, "source": "iea-2019"}

    # Countries.
    sources["owid-ember"] = {
        "text": "Our World in Data / Ember, via CodeCarbon 3.3.2 global_energy_mix.json",
        "url": "https://ourworldindata.org/grapher/carbon-intensity-electricity",
    }
    countries = {}
    for iso3, e in load_json(d, "global_energy_mix.json").items():
        if e.get("carbon_intensity") is None:
            sys.exit(f"{iso3}: no carbon_intensity")
        countries[iso3.upper()] = {
            "name": e["country_name"],
            "gramsPerKWh": r3(e["carbon_intensity"]),
            "year": int(e["year"]) if e.get("year") is not None else None,
            "source": "owid-ember",
        }

    regions = {}

    # United States: eGRID2023, lbs/MWh.
    usa = load_json(d, "usa_emissions.json")
    src = usa["_source"]
    sources["egrid2023"] = {
        "text": f"{src['name']} ({src['field']}), via CodeCarbon 3.3.2 usa_emissions.json",
        "url": src["url"],
    }
    regions["USA"] = {}
    for name, v in usa.items():
        if name.startswith("_"):
            continue
        code = v["regionCode"].upper()
        if code == "USA":
            # eGRID's national row: the country-level figure comes from global_energy_mix.json, as in CodeCarbon.
            continue
        regions["USA"][code] = {
            "name": title(name),
            "aliases": [name],
            "gramsPerKWh": r3(v["emissions"] * LBS_TO_G / 1000),
            "year": int(src["year"]),
            "source": "egrid2023",
        }

    # Canada: generation mix x per-source factors.
    mapping_text = ", ".join(
        f"{k}->{v if v else 'none (0)'}" for k, v in CANADA_FACTOR_FOR_MIX_KEY.items()
    )
    sources["canada-mix"] = {
        "text": "Provincial generation mix of CodeCarbon 3.3.2 canada_energy_mix.json × per-source lifecycle factors "
                "of carbon_intensity_per_source.json",
        "mapping": mapping_text + "; shares are divided by the file's total",
        "yearNote": "the file states no year (CodeCarbon keeps it under data/private_infra/2023/)",
        "url": "https://github.com/mlco2/codecarbon/tree/v3.3.2/codecarbon/data/private_infra/2023",
    }
    regions["CAN"] = {}
    for name, mix in load_json(d, "canada_energy_mix.json").items():
        total = float(mix["total"])
        g = 0.0
        for key, pct in mix.items():
            if key == "total":
                continue
            if key not in CANADA_FACTOR_FOR_MIX_KEY:
                sys.exit(f"canada {name}: unmapped mix key {key}")
            factor_key = CANADA_FACTOR_FOR_MIX_KEY[key]
            if factor_key is None:
                if pct:
                    sys.exit(f"canada {name}: {key} is {pct} % but has no factor")
                continue
            g += float(pct) / total * per_source[factor_key]
        regions["CAN"][CANADA_CODES[name]] = {
            "name": title(name),
            "aliases": [name],
            "gramsPerKWh": r3(g),
            "year": None,
            "source": "canada-mix",
        }

    # China: official provincial factors, CO2 only.
    china = load_json(d, "china_provincial_emissions.json")
    meta = china["metadata"]
    sources["mee-nbs-2023"] = {
        "text": "China MEE/NBS Announcement " + meta["announcement"]
                + ", provincial average electricity CO2 emission factors (CO2 only, not CO2e), via CodeCarbon 3.3.2 china_provincial_emissions.json",
        "url": meta["source_url"],
    }
    regions["CHN"] = {}
    for code, v in china["data"].items():
        regions["CHN"][code.upper()] = {
            "name": v["description"],
            "aliases": sorted(set(v["names"]) | {code.split("-")[1].lower()}),
            "gramsPerKWh": r3(v["emission_factor"]),
            "year": int(v["year"]),
            "source": "mee-nbs-2023",
        }

    # Nordic bidding zones.
    nordic = load_json(d, "nordic_emissions.json")
    sources["entsoe-nordic"] = {
        "text": "ENTSO-E Transparency actual generation per bidding zone × CodeCarbon lifecycle factors (FI: earlier value), "
                "via CodeCarbon 3.3.2 nordic_emissions.json",
        "url": "https://transparency.entsoe.eu/",
    }
    for zone, v in nordic["data"].items():
        iso3 = NORDIC_COUNTRY[zone[:2]]
        entry = {
            "name": v["description"],
            "aliases": [],
            "gramsPerKWh": r3(v["emission_factor"]),
            "year": int(v["year"]),
            "source": "entsoe-nordic",
        }
        if "note" in v:
            entry["note"] = v["note"]
        regions.setdefault(iso3, {})[zone.upper()] = entry

    # Cloud regions.
    cloud = {}
    with open(os.path.join(d, "impact.csv"), encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            provider = row["provider"].strip().lower()
            region = row["region"].strip()
            fixed = CLOUD_REGION_FIXES.get((provider, region))
            sid = f"cloud-{provider}"
            sources.setdefault(sid, {
                "text": f"{row['providerName']} published region carbon intensity, via CodeCarbon 3.3.2 impact.csv",
                "url": row["source"],
            })
            entry = {
                "gramsPerKWh": r3(row["impact"]),
                "countryISO3": row["countryIsoCode"].strip().upper(),
                "countryName": row["country_name"].strip(),
                "place": (row["state"] or row["city"]).strip() or None,
                "year": None,
                "source": sid,
                "url": row["source"],
            }
            if fixed:
                entry["note"] = f"listed as '{region}' in impact.csv"
                region = fixed
            cloud.setdefault(provider, {})[region] = entry

    return {
        "about": "Grid carbon intensity in gCO2e/kWh (China: gCO2/kWh) with source and year. "
                 "Generated by Scripts/build-grid-data.py from CodeCarbon 3.3.2 data files (MIT); do not edit by hand.",
        "sources": sources,
        "world": world,
        "countries": countries,
        "regions": regions,
        "cloud": cloud,
    }


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default="../shared/data/reference/codecarbon",
                   help="folder with CodeCarbon's data files, relative to the repository root")
    p.add_argument("--out", default="Sources/GreenlightCore/Resources/grid-intensity.json")
    a = p.parse_args()
    data = a.data if os.path.isabs(a.data) else os.path.join(root, a.data)
    out = a.out if os.path.isabs(a.out) else os.path.join(root, a.out)
    doc = build(data)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write("\n")
    n_regions = sum(len(v) for v in doc["regions"].values())
    n_cloud = sum(len(v) for v in doc["cloud"].values())
    print(f"wrote {out}: {len(doc['countries'])} countries, {n_regions} regions, {n_cloud} cloud regions")


if __name__ == "__main__":
    main()
