#!/usr/bin/env python3
"""Writes Tests/GreenlightCoreTests/Fixtures/codecarbon-header.csv from CodeCarbon's own EmissionsData.

CodeCarbon writes emissions.csv with pandas from `EmissionsData.values`, whose keys are the dataclass's fields
in declaration order, so the field order of `codecarbon/output_methods/emissions_data.py` is the header.

Usage (from the repository root):

    python3 Scripts/gen-codecarbon-header.py [--version 3.3.2] [--wheel PATH_TO_WHEEL]

Without --wheel the script runs `pip download --no-deps codecarbon==VERSION` into a temporary folder, unpacks
the wheel, and imports only emissions_data.py (it needs nothing beyond the standard library), so CodeCarbon's
dependencies need not be installed.
"""

import argparse
import dataclasses
import glob
import importlib.util
import os
import subprocess
import sys
import tempfile
import zipfile


def fields_from_wheel(wheel):
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(wheel) as z:
            z.extract("codecarbon/output_methods/emissions_data.py", tmp)
            z.extract("codecarbon/_version.py", tmp)
        path = os.path.join(tmp, "codecarbon/output_methods/emissions_data.py")
        spec = importlib.util.spec_from_file_location("cc_emissions_data", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        names = [f.name for f in dataclasses.fields(module.EmissionsData)]
        version_ns = {}
        with open(os.path.join(tmp, "codecarbon/_version.py")) as f:
            exec(f.read(), version_ns)
        return names, version_ns.get("__version__")


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--version", default="3.3.2")
    p.add_argument("--wheel", help="an already downloaded codecarbon wheel")
    p.add_argument("--out", default=os.path.join(root, "Tests/GreenlightCoreTests/Fixtures/codecarbon-header.csv"))
    a = p.parse_args()

    with tempfile.TemporaryDirectory() as dl:
        wheel = a.wheel
        if wheel is None:
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                            "-d", dl, f"codecarbon=={a.version}"], check=True)
            wheels = glob.glob(os.path.join(dl, "codecarbon-*.whl"))
            if len(wheels) != 1:
                sys.exit(f"expected one wheel in {dl}, found {wheels}")
            wheel = wheels[0]
        names, version = fields_from_wheel(wheel)

    if version != a.version:
        sys.exit(f"wheel is codecarbon {version}, expected {a.version}")
    with open(a.out, "w", newline="") as f:
        f.write(",".join(names) + "\n")
    print(f"wrote {a.out}: {len(names)} columns from codecarbon {version} EmissionsData")


if __name__ == "__main__":
    main()
