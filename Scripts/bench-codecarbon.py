#!/usr/bin/env python3
"""Marginal CPU cost of CodeCarbon's tracker sampling at 1 Hz, measured like GreenlightBenchmarks does.

Two runs of different length (tracker started, then sleep, then stopped) in child processes; the CPU
difference over the wall-time difference is the cost of sampling, start-up and shutdown cancelling out.
Usage: pip install codecarbon==3.3.2; python3 Scripts/bench-codecarbon.py [--seconds 20]
"""
import argparse
import os
import subprocess
import sys
import time

CHILD = """
import logging, sys, time
logging.disable(logging.CRITICAL)
from codecarbon import OfflineEmissionsTracker
t = OfflineEmissionsTracker(country_iso_code="FRA", measure_power_secs=1, save_to_file=False,
                            log_level="critical", tracking_mode="process")
t.start()
time.sleep(float(sys.argv[1]))
t.stop()
"""


def run(seconds):
    start = time.monotonic()
    p = subprocess.Popen([sys.executable, "-c", CHILD, str(seconds)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    if status != 0:
        sys.exit(f"codecarbon child failed with status {status}")
    return time.monotonic() - start, usage.ru_utime + usage.ru_stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=20)
    args = ap.parse_args()
    import codecarbon
    short_wall, short_cpu = run(2)
    long_wall, long_cpu = run(2 + args.seconds)
    cpu, wall = long_cpu - short_cpu, long_wall - short_wall
    print(f"codecarbon {codecarbon.__version__} OfflineEmissionsTracker(measure_power_secs=1): "
          f"{cpu * 1000:.1f} ms CPU per {wall:.2f} s of sampling = {cpu / wall * 100:.4f} % of one core "
          f"({cpu / wall * 1e6:.0f} µs per sample); start-up + shutdown: {(short_cpu - cpu * (short_wall - 0) / wall) * 1000:.0f} ms CPU")


if __name__ == "__main__":
    main()
