#!/usr/bin/env python3
"""Turns run-matrix.sh's RESULT lines into results/table.md, the plot's data and plot.gp.

With --w9-raw (run-w9.sh's RESULT lines, scenario=W9), table.md also gets the browser pages'
section, and w9.dat / w9.gp are written for results/w9-plot.png.

Each cell is the median over the runs with the range (min-max) beside it. Standard library only.
"""
import argparse
import collections
import os
import statistics

TARGETS = ["everyvoice", "ws", "socketio", "bun"]
TITLES = {"everyvoice": "everyvoice", "ws": "Node ws", "socketio": "Socket.IO", "bun": "Bun"}


def parse(path):
    rows = []
    with open(path) as f:
        for line in f:
            if not line.startswith("RESULT "):
                continue
            d = {}
            for item in line.split()[1:]:
                if "=" in item:
                    k, v = item.split("=", 1)
                    d[k] = v
            rows.append(d)
    return rows


def num(d, key):
    try:
        return float(d[key])
    except (KeyError, ValueError):
        return None


class Data:
    def __init__(self, rows):
        self.by = collections.defaultdict(list)  # (config, target, phase) -> [row]
        for r in rows:
            self.by[(r.get("config"), r.get("target"), r.get("phase"))].append(r)

    def values(self, config, target, phase, key, transform=None):
        out = []
        for r in self.by.get((config, target, phase), []):
            v = num(r, key)
            if v is None:
                continue
            out.append(transform(r, v) if transform else v)
        return out


def stat(values):
    if not values:
        return None
    return statistics.median(values), min(values), max(values), len(values)


def fmt(values, digits=1, unit=""):
    s = stat(values)
    if s is None:
        return "n/a"
    med, lo, hi, n = s
    f = "{:,.%df}" % digits
    if n == 1 or lo == hi:
        return f.format(med) + unit
    return "%s (%s–%s)%s" % (f.format(med), f.format(lo), f.format(hi), unit)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True)
    ap.add_argument("--meta", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--big", default="5000")
    ap.add_argument("--bun-note", default="")
    ap.add_argument("--w9-raw", default="", help="run-w9.sh's RESULT lines (results/w9-raw.txt), if any")
    ap.add_argument("--w9-meta", default="", help="run-w9.sh's notes on the machine and run (results/w9-meta.txt)")
    a = ap.parse_args()

    data = Data(parse(a.raw))
    big = "big" + a.big
    present = [t for t in TARGETS if any(k[1] == t for k in data.by)]
    cols = TARGETS

    def cell(t, fn):
        if t not in present:
            return "n/a"
        return fn(t)

    def row(label, fn):
        return "| " + label + " | " + " | ".join(cell(t, fn) for t in cols) + " |"

    per_kmsg = lambda r, v: v  # noqa: E731
    lines = []
    lines.append("| scenario | " + " | ".join(TITLES[t] for t in cols) + " |")
    lines.append("| --- | " + " | ".join("---" for _ in cols) + " |")
    for config, label in (("c100", "100"), ("c1000", "1,000"), (big, "{:,}".format(int(a.big)) + " (one meeting)")):
        lines.append(row("W1 %s clients, 10 updates/s: time to last client p50, ms" % label,
                         lambda t, c=config: fmt(data.values(c, t, "W1", "last_p50_ms"), 1)))
        lines.append(row("W1 %s clients: time to last client p99, ms" % label,
                         lambda t, c=config: fmt(data.values(c, t, "W1", "last_p99_ms"), 1)))
    lines.append(row("W1 1,000: each update at each client p99, ms",
                     lambda t: fmt(data.values("c1000", t, "W1", "lat_p99_ms"), 1)))
    lines.append(row("W1 %s: each update at each client p50 / p99, ms" % "{:,}".format(int(a.big)),
                     lambda t: "%s / %s" % (fmt(data.values(big, t, "W1", "lat_p50_ms"), 0),
                                            fmt(data.values(big, t, "W1", "lat_p99_ms"), 0))))
    lines.append(row("W1 %s: server CPU use, %% of its core" % "{:,}".format(int(a.big)),
                     lambda t: fmt(data.values(big, t, "W1", "cpu_s",
                                               lambda r, v: 100 * v / max(1e-9, float(r["seconds"]))), 0)))
    lines.append(row("W2 1,000 clients, 1 in flight: delivered messages/s",
                     lambda t: fmt(data.values("c1000", t, "W2", "delivered_per_s"), 0)))
    lines.append(row("W2: time to last client p99, ms",
                     lambda t: fmt(data.values("c1000", t, "W2", "last_p99_ms"), 1)))
    lines.append(row("W2: server CPU per delivered message, µs",
                     lambda t: fmt(data.values("c1000", t, "W2", "cpu_s",
                                               lambda r, v: v * 1e6 / max(1.0, float(r["delivered"]))), 1)))
    lines.append(row("W3 1,000 clients, 8 in flight: delivered messages/s",
                     lambda t: fmt(data.values("c1000", t, "W3", "delivered_per_s"), 0)))
    lines.append(row("W3: time to last client p99, ms",
                     lambda t: fmt(data.values("c1000", t, "W3", "last_p99_ms"), 1)))
    lines.append(row("W3: server CPU per delivered message, µs",
                     lambda t: fmt(data.values("c1000", t, "W3", "cpu_s",
                                               lambda r, v: v * 1e6 / max(1.0, float(r["delivered"]))), 1)))
    lines.append(row("W3: server CPU use, % of its core",
                     lambda t: fmt(data.values("c1000", t, "W3", "cpu_s",
                                               lambda r, v: 100 * v / max(1e-9, float(r["seconds"]))), 0)))
    lines.append(row("W3: evload's CPU per delivered message, µs",
                     lambda t: fmt(data.values("c1000", t, "W3", "gen_cpu_s",
                                               lambda r, v: v * 1e6 / max(1.0, float(r["delivered"]))), 1)))
    lines.append(row("W4 100 clients, 8 in flight: readers' p99 before, ms",
                     lambda t: fmt(data.values("w4", t, "W4", "p99_before_ms"), 1)))
    lines.append(row("W4: readers' p99 with 1 client not reading, ms",
                     lambda t: fmt(data.values("w4", t, "W4", "p99_after_ms"), 1)))
    lines.append(row("W4: server RSS growth while stalled (last third), MiB",
                     lambda t: "%s (%s)" % (fmt(data.values("w4", t, "W4", "rss_growth_kib", lambda r, v: v / 1024), 1),
                                            fmt(data.values("w4", t, "W4", "rss_growth_last_third_kib",
                                                            lambda r, v: v / 1024), 1))))
    lines.append(row("W4 passes (runs)",
                     lambda t: "%d of %d" % (int(sum(data.values("w4", t, "W4", "w4_pass"))),
                                             len(data.values("w4", t, "W4", "w4_pass")))))
    lines.append(row("W5 5,000 idle connections: server RSS per connection, KiB",
                     lambda t: fmt(data.values("idle5000", t, "W5", "per_conn_kib"), 1)))
    lines.append(row("W6 join storm, 1,000 clients: connections/s to full state",
                     lambda t: fmt(data.values("c1000", t, "W6", "conn_per_s"), 0)))
    lines.append(row("W6 join storm, %s clients (one run): connections/s" % "{:,}".format(int(a.big)),
                     lambda t: fmt(data.values(big, t, "W6", "conn_per_s"), 0)))
    lines.append(row("W6 %s: server CPU for the join storm, s" % "{:,}".format(int(a.big)),
                     lambda t: fmt(data.values(big, t, "W6", "cpu_s"), 1)))
    def w7(t, key, digits):
        if t != "everyvoice":
            return "n/a (no polls)"
        rows = data.by.get((big, t, "W7"), [])
        if not rows:
            return "not measured (the set-up did not finish)"
        if rows[0].get("available") != "1":
            return "not available (no polls in this server version)"
        return fmt(data.values(big, t, "W7", key), digits)

    lines.append(row("W7 vote storm, %s votes in 2 s: after the last vote, every client shows the final count, ms"
                     % "{:,}".format(int(a.big)), lambda t: w7(t, "final_max_ms", 1)))
    lines.append(row("W7: server CPU for the storm, s", lambda t: w7(t, "cpu_s", 2)))

    # Targets (everyvoice), from the medians.
    def med(config, t, phase, key):
        s = stat(data.values(config, t, phase, key))
        return s[0] if s else None

    targets = []
    w1k = med("c1000", "everyvoice", "W1", "last_p99_ms")
    w5k = med(big, "everyvoice", "W1", "last_p99_ms")
    targets.append(("W1 p99 at 1,000 at most 20 ms", w1k, w1k is not None and w1k <= 20, "%.1f ms"))
    if a.big == "5000":
        targets.append(("W1 p99 at 5,000 at most 100 ms", w5k, w5k is not None and w5k <= 100, "%.1f ms"))
    e2, ws2, bun2 = (med("c1000", t, "W2", "delivered_per_s") for t in ("everyvoice", "ws", "bun"))
    if e2 is not None and ws2:
        targets.append(("W2 at least 1.2 × ws", e2 / ws2, e2 >= 1.2 * ws2, "%.2f ×"))
    if e2 is not None and bun2:
        targets.append(("W2 at least Bun", e2 / bun2, e2 >= bun2, "%.2f ×"))
    e3, bun3 = (med("c1000", t, "W3", "delivered_per_s") for t in ("everyvoice", "bun"))
    if e3 is not None and bun3:
        targets.append(("W3 at least Bun", e3 / bun3, e3 >= bun3, "%.2f ×"))

    # The same comparisons by the server's CPU per delivered message (robust to a busy machine:
    # a server that is given less of its core delivers less, but spends the same per message).
    def cpu_per_msg(t, phase):
        return stat(data.values("c1000", t, phase, "cpu_s", lambda r, v: v * 1e6 / max(1.0, float(r["delivered"]))))

    c = {(t, ph): cpu_per_msg(t, ph) for t in ("everyvoice", "ws", "bun") for ph in ("W2", "W3")}
    if c[("everyvoice", "W2")] and c[("ws", "W2")]:
        r = c[("ws", "W2")][0] / c[("everyvoice", "W2")][0]
        targets.append(("W2 at least 1.2 × ws, by server CPU per delivered message", r, r >= 1.2, "%.2f ×"))
    if c[("everyvoice", "W2")] and c[("bun", "W2")]:
        r = c[("bun", "W2")][0] / c[("everyvoice", "W2")][0]
        targets.append(("W2 at least Bun, by server CPU per delivered message", r, r >= 1, "%.2f ×"))
    if c[("everyvoice", "W3")] and c[("bun", "W3")]:
        r = c[("bun", "W3")][0] / c[("everyvoice", "W3")][0]
        targets.append(("W3 at least Bun, by server CPU per delivered message", r, r >= 1, "%.2f ×"))
    w4 = data.values("w4", "everyvoice", "W4", "w4_pass")
    if w4:
        targets.append(("W4 passes", sum(w4), sum(w4) == len(w4), "%%d of %d runs" % len(w4)))
    w5 = med("idle5000", "everyvoice", "W5", "per_conn_kib")
    targets.append(("W5 at most 6 KiB per connection", w5, w5 is not None and w5 <= 6, "%.1f KiB"))
    w7ms = med(big, "everyvoice", "W7", "final_max_ms")
    w7cpu = med(big, "everyvoice", "W7", "cpu_s")
    if w7ms is None:
        w7rows = data.by.get((big, "everyvoice", "W7"), [])
        if w7rows:
            targets.append(("W7 at most 250 ms after the last vote, at most 1 CPU s", None, None, ""))
        else:
            targets.append(("W7 at most 250 ms after the last vote, at most 1 CPU s (set-up did not finish)", None,
                            False, ""))
    else:
        targets.append(("W7 (%s votes) at most 250 ms after the last vote" % "{:,}".format(int(a.big)), w7ms,
                        w7ms <= 250, "%.0f ms"))
        targets.append(("W7 at most 1 CPU second", w7cpu, w7cpu is not None and w7cpu <= 1, "%.2f s"))

    w8_lines, w8_targets = w8_section(data)
    targets += w8_targets

    tl = ["| target | everyvoice (median) | met |", "| --- | --- | --- |"]
    for name, value, ok, f in targets:
        if value is None:
            if "W7" in name and ok is None:
                tl.append("| %s | not available (no polls in this server version) | n/a |" % name)
            else:
                tl.append("| %s | not measured | **no** |" % name)
            continue
        shown = f % value
        tl.append("| %s | %s | %s |" % (name, shown, "yes" if ok else "**no**"))

    with open(a.meta) as f:
        meta = [l.rstrip("\n").lstrip("# ") for l in f if l.strip()]
    with open(os.path.join(a.out, "table.md"), "w") as f:
        f.write("<!-- written by tests/load/aggregate.py from raw.txt; do not edit -->\n")
        f.write("Median of the runs, range (min–max) in brackets.\n\n")
        for m in meta:
            f.write("- " + m + "\n")
        if a.bun_note:
            f.write("- " + a.bun_note + "\n")
        f.write("\n" + "\n".join(lines) + "\n")
        if w8_lines:
            f.write("\n" + "\n".join(w8_lines) + "\n")
        f.write("\n" + "\n".join(tl) + "\n")
        w9 = w9_rows(a.w9_raw)
        if w9:
            f.write("\n" + w9_section(w9, a.w9_meta) + "\n")
            w9_plot(w9, a.out)

    # Plot data: delivered messages/s (W2, W3) and W1 p99 time to last by clients.
    with open(os.path.join(a.out, "throughput.dat"), "w") as f:
        f.write("# target W2_med W2_min W2_max W3_med W3_min W3_max (thousand messages/s)\n")
        for t in present:
            vals = []
            for ph in ("W2", "W3"):
                s = stat(data.values("c1000", t, ph, "delivered_per_s")) or (0, 0, 0, 0)
                vals += [s[0] / 1000, s[1] / 1000, s[2] / 1000]
            f.write('"%s" %s\n' % (TITLES[t], " ".join("%.3f" % v for v in vals)))
    with open(os.path.join(a.out, "w1.dat"), "w") as f:
        f.write("# clients, then per target: median min max of W1 p99 time to last client (ms)\n")
        f.write("# targets: %s\n" % " ".join(present))
        for n, config in ((100, "c100"), (1000, "c1000"), (int(a.big), big)):
            vals = []
            for t in present:
                s = stat(data.values(config, t, "W1", "last_p99_ms")) or (float("nan"),) * 3
                vals += list(s[:3])
            f.write("%d %s\n" % (n, " ".join("%.3f" % v for v in vals)))
    colors = {"everyvoice": "#1b9e77", "ws": "#d95f02", "socketio": "#7570b3", "bun": "#e7298a"}
    gp = [
        "set terminal pngcairo size 1200,520 font 'DejaVu Sans,10'",
        "set output 'plot.png'",
        "set multiplot layout 1,2 title 'evload: everyvoice against Node ws, Socket.IO and Bun (median, range as bars)'",
        "set style data histograms",
        "set style histogram errorbars gap 2 lw 1",
        "set style fill solid 0.8 border -1",
        "set ylabel 'delivered messages/s (thousands)'",
        "set title '1,000 clients: W2 (1 in flight) and W3 (8 in flight)'",
        "set yrange [0:*]",
        "set grid ytics",
        "set key top left",
        "plot 'throughput.dat' using 2:3:4:xtic(1) title 'W2' lc rgb '#4c72b0', "
        "'' using 5:6:7 title 'W3' lc rgb '#dd8452'",
        "unset style",
        "set style data linespoints",
        "set title 'W1, 10 updates/s: p99 time until the last client has it'",
        "set xlabel 'clients'",
        "set ylabel 'ms'",
        "set logscale xy",
        "set xrange [70:7000]",
        "set yrange [*:*]",
        "set xtics (100, 1000, 5000)",
    ]
    plots = []
    for k, t in enumerate(present):
        c = 2 + 3 * k
        plots.append("'w1.dat' using 1:%d:%d:%d with yerrorlines lw 2 pt 7 lc rgb '%s' title '%s'"
                     % (c, c + 1, c + 2, colors[t], TITLES[t]))
    gp.append("plot " + ", ".join(plots))
    gp.append("unset multiplot")
    with open(os.path.join(a.out, "plot.gp"), "w") as f:
        f.write("\n".join(gp) + "\n")


# --- W8: a busy evening (configs evening<threads>t<meetings>m, everyvoice only) ---

W8_P99_MS = 20


def w8_section(data):
    configs = {}
    for (config, target, phase) in data.by:
        if phase != "W8" or target != "everyvoice" or not config or not config.startswith("evening"):
            continue
        try:
            threads, meetings = config[len("evening"):].rstrip("m").split("t")
            configs[config] = (int(threads), int(meetings))
        except ValueError:
            continue
    if not configs:
        return [], []
    lines = ["W8, a busy evening: meetings of 12 (a facilitator and 11 members) following a meeting's script, "
             "one step a second each (hands, calls and turns, a written point, a signal, a go-round, an anonymous "
             "poll, a reconnect). Everyvoice only. At 2 threads the server has both cores and shares one with evload.",
             "",
             "| threads | meetings | commands/s | command to every member p50 / p99, ms | vote or signal to its ack p99, ms "
             "| reconnect p99, ms | server CPU, % of one core | CPU per meeting-minute, ms | RSS per meeting, KiB "
             "| unanswered |",
             "| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    order = sorted(configs.items(), key=lambda kv: (kv[1][0], kv[1][1]))
    for config, (threads, meetings) in order:
        v = lambda key, t=None: data.values(config, "everyvoice", "W8", key, t)  # noqa: E731
        lines.append("| %d | %s | %s | %s / %s | %s | %s | %s | %s | %s | %s |" % (
            threads, "{:,}".format(meetings),
            fmt(v("commands", lambda r, x: x / max(1e-9, float(r["seconds"]))), 0),
            fmt(v("last_p50_ms"), 1), fmt(v("last_p99_ms"), 1), fmt(v("count_p99_ms"), 1),
            fmt(v("reconnect_p99_ms"), 1),
            fmt(v("cpu_s", lambda r, x: 100 * x / max(1e-9, float(r["seconds"]))), 0),
            fmt(v("cpu_ms_per_meeting_minute"), 1), fmt(v("rss_per_meeting_kib"), 0),
            fmt(v("lost"), 0)))
    # The most meetings held with p99 (command to every member) at most W8_P99_MS, per thread count.
    held = {}
    for config, (threads, meetings) in configs.items():
        s = stat(data.values(config, "everyvoice", "W8", "last_p99_ms"))
        lost = stat(data.values(config, "everyvoice", "W8", "lost"))
        if s and s[0] <= W8_P99_MS and (lost is None or lost[0] == 0):
            held[threads] = max(held.get(threads, 0), meetings)
    tried = sorted({m for (_, m) in configs.values()})
    targets = []
    one = [c for c, (t, m) in configs.items() if t == 1 and m == 500]
    if one:
        p99 = stat(data.values(one[0], "everyvoice", "W8", "last_p99_ms"))
        if p99:
            targets.append(("W8 500 meetings at 1 thread: p99 command to every member at most %d ms" % W8_P99_MS,
                            p99[0], p99[0] <= W8_P99_MS, "%.1f ms"))
    if 1 in held and 2 in held:
        r = held[2] / held[1]
        targets.append(("W8 meetings held at p99 at most %d ms, 2 threads against 1, at least 1.7 × (tried %s)"
                        % (W8_P99_MS, ", ".join("{:,}".format(m) for m in tried)), r, r >= 1.7,
                        "%%.2f × (%s against %s)" % ("{:,}".format(held[2]), "{:,}".format(held[1]))))
    else:
        targets.append(("W8 meetings held at p99 at most %d ms, 2 threads against 1, at least 1.7 × (tried %s)"
                        % (W8_P99_MS, ", ".join("{:,}".format(m) for m in tried)), None, False, ""))
    return lines, targets


# --- W9: the browser pages (run-w9.sh) ---

W9_PAGES = ["console", "participant", "display"]
W9_TITLES = {"console": "console", "participant": "participant page", "display": "room display"}


def w9_rows(path):
    if not path or not os.path.exists(path):
        return []
    return [r for r in parse(path) if r.get("scenario") == "W9"]


def w9_values(rows, page, people, key):
    out = []
    for r in rows:
        if r.get("page") == page and r.get("people") == str(people):
            v = num(r, key)
            if v is not None:
                out.append(v)
    return out


def w9_section(rows, meta_path):
    sizes = sorted({int(r["people"]) for r in rows if r.get("people", "").isdigit()})
    window = rows[0].get("window_s", "10")
    throttle = rows[0].get("throttle", "4")
    rate = rows[0].get("rate", "10")
    out = ["## W9: the browser pages in big meetings (run-w9.sh)", ""]
    if meta_path and os.path.exists(meta_path):
        with open(meta_path) as f:
            out += ["- " + l.rstrip("\n").lstrip("# ") for l in f if l.strip()]
        out.append("")
    out.append("Chromium, CPU throttled %sx (DevTools), %s updates/s (W1), measured over %s s; each page alone "
               "in its meeting of N evload clients; time to live unthrottled. Median of the runs, range in brackets."
               % (throttle, rate, window))
    out.append("")
    out.append("| page | people | updates drawn in the window (of %d sent) | per update p50 / p95 / max, ms | "
               "main thread per update, ms | busy %% | long tasks (longest, ms) | DOM elements | all DOM nodes after GC "
               "| JS heap after GC, MB | time to live, ms | in step (once the load stopped) |" % round(float(rate) * float(window)))
    out.append("| --- | ---: | ---: | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |")
    for page in W9_PAGES:
        for n in sizes:
            v = lambda k: w9_values(rows, page, n, k)  # noqa: E731
            if not v("updates"):
                continue
            steps = v("in_step")
            caught = [c for c, ok in zip(v("catchup_s"), steps) if ok]
            out.append("| %s | %s | %s | %s / %s / %s | %s | %s | %s; longest %s | %s | %s | %s | %s | %d of %d%s |" % (
                W9_TITLES[page], "{:,}".format(n), fmt(v("updates"), 0), fmt(v("p50_ms"), 1), fmt(v("p95_ms"), 1),
                fmt(v("max_ms"), 1), fmt(v("mean_total_ms"), 1), fmt(v("busy_pct"), 0), fmt(v("long_tasks"), 0),
                fmt(v("longest_task_ms"), 0), fmt(v("dom_nodes"), 0), fmt(v("dom_nodes_all"), 0), fmt(v("heap_mb"), 1),
                fmt(v("live_ms"), 0), int(sum(steps)), len(steps),
                ", after %s s" % fmt(caught, 1) if caught else ""))

    def med(page, n, key):
        s = stat(w9_values(rows, page, n, key))
        return s[0] if s else None

    tl = ["| W9 target | page | result (median) | met |", "| --- | --- | --- | --- |"]

    def target(name, page, value, ok, f):
        if value is None:
            tl.append("| %s | %s | not measured | n/a |" % (name, W9_TITLES[page]))
        else:
            shown = f(value) if callable(f) else f % value
            tl.append("| %s | %s | %s | %s |" % (name, W9_TITLES[page], shown, "yes" if ok else "**no**"))

    for page, limit in (("participant", 4), ("console", 16)):
        for n in (1000, 5000):
            p95 = med(page, n, "p95_ms")
            target("p95 main-thread time per update at %s at most %d ms" % ("{:,}".format(n), limit), page, p95,
                   p95 is not None and p95 <= limit, "{:,.1f} ms".format)
    for page in W9_PAGES:
        worst = [med(page, n, "long_tasks") for n in sizes]
        worst = [w for w in worst if w is not None]
        longest = [med(page, n, "longest_task_ms") for n in sizes]
        longest = [x for x in longest if x is not None]
        target("no long task (over 50 ms) after the first draw, at any size", page, max(worst) if worst else None,
               bool(worst) and max(worst) == 0,
               lambda x, lg=max(longest) if longest else 0: "{:,.0f} in the window at worst (longest {:,.0f} ms)".format(x, lg))
    for page, limit in (("participant", 5000), ("console", 20000)):
        dom = [med(page, n, "dom_nodes") for n in sizes]
        dom = [d for d in dom if d is not None]
        target("DOM elements below {:,} at every size".format(limit), page, max(dom) if dom else None,
               bool(dom) and max(dom) < limit, "{:,.0f} at most".format)
    for page in W9_PAGES:
        live = med(page, 5000, "live_ms")
        target("live within 2 s in a 5,000-person meeting, unthrottled", page, live,
               live is not None and live <= 2000, "{:,.0f} ms".format)
    return "\n".join(out) + "\n\n" + "\n".join(tl) + "\n"


def w9_plot(rows, out_dir):
    sizes = sorted({int(r["people"]) for r in rows if r.get("people", "").isdigit()})
    with open(os.path.join(out_dir, "w9.dat"), "w") as f:
        f.write("# people, then per page (%s): median min max of p95 per update (ms), median DOM elements\n"
                % " ".join(W9_PAGES))
        for n in sizes:
            vals = []
            for page in W9_PAGES:
                s = stat(w9_values(rows, page, n, "p95_ms")) or (float("nan"),) * 3
                d = stat(w9_values(rows, page, n, "dom_nodes")) or (float("nan"),)
                vals += list(s[:3]) + [d[0]]
            f.write("%d %s\n" % (n, " ".join("%.3f" % v for v in vals)))
    colors = {"console": "#1b9e77", "participant": "#d95f02", "display": "#7570b3"}
    gp = [
        "set terminal pngcairo size 1200,520 font 'DejaVu Sans,10'",
        "set output 'w9-plot.png'",
        "set multiplot layout 1,2 title 'W9: the browser pages, CPU throttled 4x, 10 updates/s (median, range as bars)'",
        "set style data linespoints",
        "set logscale xy",
        "set xrange [200:7000]",
        "set xtics (300, 1000, 5000)",
        "set grid",
        "set key top left",
        "set xlabel 'people in the meeting'",
        "set title 'main-thread time per update, p95 (targets: participant 4 ms, console 16 ms)'",
        "set ylabel 'ms'",
    ]
    plots = []
    for k, page in enumerate(W9_PAGES):
        c = 2 + 4 * k
        plots.append("'w9.dat' using 1:%d:%d:%d with yerrorlines lw 2 pt 7 lc rgb '%s' title '%s'"
                     % (c, c + 1, c + 2, colors[page], W9_TITLES[page]))
    plots.append("4 with lines dt 2 lc rgb '%s' title 'participant target'" % colors["participant"])
    plots.append("16 with lines dt 2 lc rgb '%s' title 'console target'" % colors["console"])
    gp.append("plot " + ", ".join(plots))
    gp.append("set title 'DOM elements in the page (targets: participant 5,000, console 20,000)'")
    gp.append("set ylabel 'elements'")
    plots = []
    for k, page in enumerate(W9_PAGES):
        plots.append("'w9.dat' using 1:%d with linespoints lw 2 pt 7 lc rgb '%s' title '%s'"
                     % (5 + 4 * k, colors[page], W9_TITLES[page]))
    plots.append("5000 with lines dt 2 lc rgb '%s' title 'participant target'" % colors["participant"])
    plots.append("20000 with lines dt 2 lc rgb '%s' title 'console target'" % colors["console"])
    gp.append("plot " + ", ".join(plots))
    gp.append("unset multiplot")
    with open(os.path.join(out_dir, "w9.gp"), "w") as f:
        f.write("\n".join(gp) + "\n")


if __name__ == "__main__":
    main()
