#!/bin/sh
# Regenerates the /proc fixtures of the process-tree tests. Run on Linux: sh generate.sh
#
# stat/    real /proc/PID/stat files captured from live processes (a command name with spaces and
#          parentheses, a zombie, a kernel thread, this shell) plus malformed ones derived from them.
# tree/    a small fake procfs for ProcessTreeMonitor: a two-thread root with a worker, a zombie, a
#          child that vanished, one with a garbage stat, and an unrelated process.
# tree-nochildren/  the same tree without task/TID/children files (kernels without CONFIG_PROC_CHILDREN).
# host/    /proc/stat, cpuinfo and meminfo with known numbers for HostCPUTimes and SystemFacts.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
rm -rf stat tree tree-nochildren host
mkdir -p stat host

# ---- stat/: captured from real processes ------------------------------------------------------
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A command name with spaces and both parentheses (comm is the executable's base name).
cp "$(command -v sleep)" "$tmp/a) (b c)"
"$tmp/a) (b c)" 5 &
odd=$!
sleep 0.2
cat "/proc/$odd/stat" > stat/comm-with-parens
kill "$odd"
wait "$odd" 2>/dev/null || true

# A zombie: the child `sleep 0` of a process that never waits for it.
sh -c 'sleep 0 & exec sleep 2' &
parent=$!
sleep 0.5
zombie=$(cat "/proc/$parent/task/$parent/children" | tr -d ' ')
cat "/proc/$zombie/stat" > stat/zombie
kill "$parent"
wait "$parent" 2>/dev/null || true

# A kernel thread (kthreadd is pid 2 outside containers) and this shell.
if [ -r /proc/2/stat ]; then cat /proc/2/stat > stat/kernel-thread; fi
cat "/proc/$$/stat" > stat/shell

# Malformed variants of a real line.
line=$(cat stat/shell)
: > stat/garbage-empty
printf '%s' "$line" | cut -c1-40 > stat/garbage-truncated
printf '%s\n' "$line" | tr -d '()' > stat/garbage-no-parens
printf '%s\n' "$line" | sed 's/) \(.\) \([0-9]*\) /) \1 ppid /' > stat/garbage-letters
printf '%s\n' "$line" | sed 's/) \(.\) /) \1 -/' | sed 's/^[0-9]*/99999999999/' > stat/garbage-huge-pid
head -c 300 /dev/zero | tr '\0' ')' > stat/garbage-parens

# ---- tree/: a fake procfs with known numbers ---------------------------------------------------
# stat_line PID COMM STATE PPID UTIME STIME CUTIME CSTIME THREADS STARTTIME RSS
stat_line() {
    printf '%s (%s) %s %s %s %s 0 -1 4194304 100 0 0 0 %s %s %s %s 20 0 %s 0 %s 10000000 %s 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n' \
        "$1" "$2" "$3" "$4" "$1" "$1" "$5" "$6" "$7" "$8" "$9" "${10}" "${11}"
}
# write_proc DIR PID TIDS CHILDREN-PER-TID... ; stat comes from stdin
write_proc() {
    dir=$1 pid=$2 tids=$3
    shift 3
    mkdir -p "$dir/$pid"
    cat > "$dir/$pid/stat"
    for tid in $tids; do
        mkdir -p "$dir/$pid/task/$tid"
        cp "$dir/$pid/stat" "$dir/$pid/task/$tid/stat"
        printf '%s' "$1" > "$dir/$pid/task/$tid/children"
        shift
    done
}
make_tree() {
    dir=$1
    stat_line 1 'init' S 0 5 5 900 100 1 1 300 | write_proc "$dir" 1 1 '100 200 '
    # Root: two threads; thread 100 forked 101 and 102 (vanished), thread 104 forked 103.
    stat_line 100 '(py) thon' S 1 150 50 30 10 2 5000 1000 | write_proc "$dir" 100 '100 104' '101 102 ' '103 '
    stat_line 101 'worker 1' R 100 200 20 0 0 1 5100 500 | write_proc "$dir" 101 101 '105 '
    stat_line 103 'zombie' Z 100 40 5 0 0 1 5200 0 | write_proc "$dir" 103 103 ''
    # Listed by 101 but its stat is garbage: skipped.
    mkdir -p "$dir/105/task/105"
    printf '105 (garbage) R not numbers at all\n' > "$dir/105/stat"
    printf '' > "$dir/105/task/105/children"
    # Not in the tree.
    stat_line 200 'unrelated' S 1 7000 7000 0 0 1 400 9000 | write_proc "$dir" 200 200 ''
}
make_tree tree
make_tree tree-nochildren
find tree-nochildren -name children -delete

# ---- host/: known numbers ------------------------------------------------------------------------
cat > host/stat <<'EOF'
cpu  1000 200 300 4000 500 60 70 80 900 10
cpu0 500 100 150 2000 250 30 35 40 450 5
cpu1 500 100 150 2000 250 30 35 40 450 5
intr 12345 0 0
ctxt 67890
btime 1700000000
processes 4242
procs_running 2
procs_blocked 0
EOF
cat > host/cpuinfo <<'EOF'
processor	: 0
vendor_id	: GenuineIntel
model name	: Intel(R) Xeon(R) Platinum 8480+
cpu MHz		: 2000.000

processor	: 1
vendor_id	: GenuineIntel
model name	: Intel(R) Xeon(R) Platinum 8480+
cpu MHz		: 2000.000

EOF
cat > host/meminfo <<'EOF'
MemTotal:       16384000 kB
MemFree:         8192000 kB
MemAvailable:   12288000 kB
EOF
echo "fixtures written to $here"
