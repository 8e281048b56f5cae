#!/usr/bin/env python3
"""Marginal CPU cost of CodeCarbon's tracker sampling at 1 Hz, measured like GreenlightBenchmarks does.

The tracker runs in a child process whose CPU time (/proc/PID/stat) is read twice after start-up, so only
the sampling counts, as GreenlightBenchmarks does for Greenlight.
Usage: pip install codecarbon==3.3.2; python3 Scripts/bench-codecarbon.py [--seconds 60]
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


def cpu_seconds(pid):
    """User + system CPU of the whole process from /proc/PID/stat, exited threads included.

    CodeCarbon's scheduler starts a thread per measurement, so a sum over live threads (schedstat, as
    GreenlightBenchmarks uses for Greenlight's long-lived threads) would lose the exited ones.
    Resolution: one clock tick (10 ms): use a window of a minute or more.
    """
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def sampling_overhead(seconds):
    p = subprocess.Popen([sys.executable, "-c", CHILD, str(seconds + 8)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(6)  # import and tracker start-up take a few seconds of CPU
    t0, c0 = time.monotonic(), cpu_seconds(p.pid)
    time.sleep(seconds)
    t1, c1 = time.monotonic(), cpu_seconds(p.pid)
    p.wait()
    return c1 - c0, t1 - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=60)
    args = ap.parse_args()
    import codecarbon
    cpu, wall = sampling_overhead(args.seconds)
    print(f"codecarbon {codecarbon.__version__} OfflineEmissionsTracker(measure_power_secs=1): "
          f"{cpu * 1000:.0f} ms CPU over {wall:.2f} s of sampling = {cpu / wall * 100:.4f} % of one core "
          f"({cpu / wall * 1e6:.0f} µs per sample)")


if __name__ == "__main__":
    main()
