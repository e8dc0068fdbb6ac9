"""Turn a bench results JSON into RESULTS.md (numbers, ratios, targets) and PNG plots.

Re-render without re-running: ``uv run --with matplotlib python bench/report.py
bench/results/latest.json``. The part of RESULTS.md between the analysis
markers is written by hand and kept across runs.
"""

import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

START, END = "<!-- analysis:start -->", "<!-- analysis:end -->"


def med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def runs(results: dict, **match: Any) -> list[dict]:
    return [r for r in results["runs"] if all(r.get(k) == v for k, v in match.items())]


def summarize(rows: list[dict]) -> dict[str, float]:
    return {
        "rps": med([r["rps"] for r in rows]),
        "p50": med([r["latency_ms"]["p50"] for r in rows]),
        "p95": med([r["latency_ms"]["p95"] for r in rows]),
        "p99": med([r["latency_ms"]["p99"] for r in rows]),
        "n": len(rows),
        "wrk_cpu": med([r["wrk_cpu"] for r in rows]),
        "server_cpu": med([r["server_cpu"] for r in rows]),
        "machine": med([r["machine_busy"] for r in rows]),
        "load": med([r["loadavg"] for r in rows]),
        "non2xx": sum(
            n for r in rows for code, n in r["statuses"].items() if not code.startswith("2")
        ),
        "5xx": sum(r["server_errors"] for r in rows),
    }


def ratio_to(results: dict, phase: str, op: str, base: str, clients: int) -> float:
    """Median over repetitions of op/base throughput, paired within a repetition."""
    pairs = defaultdict(dict)
    for r in results["runs"]:
        if r.get("phase") == phase and r["clients"] == clients and r["op"] in (op, base):
            pairs[r.get("rep")][r["op"]] = r["rps"]
    return med([p[op] / p[base] for p in pairs.values() if op in p and base in p and p[base]])


def analyse(results: dict) -> dict[str, Any]:
    levels = results["config"]["levels"]
    table: dict[tuple[str, str, int], dict] = {}
    for phase, server, ops in (
        ("matrix", "EdDSA", ("healthz", "heartbeat", "acquire", "release")),
        ("rs256", "RS256+online", ("healthz", "acquire")),
    ):
        for op in ops:
            for c in levels:
                rows = runs(results, phase=phase, op=op, clients=c)
                if rows:
                    table[(server, op, c)] = summarize(rows) | {
                        "vs_healthz": ratio_to(results, phase, op, "healthz", c)
                    }
    peak = {
        key: max(
            (table[(key[0], key[1], c)]["rps"] for c in levels if (*key, c) in table), default=0
        )
        for key in {(s, o) for s, o, _ in table}
    }
    scale = defaultdict(dict)
    for r in runs(results, phase="scale"):
        scale[(r["op"], r["size"])].setdefault("rows", []).append(r)
    scale_table = {k: summarize(v["rows"]) for k, v in scale.items()}
    return {"table": table, "peak": peak, "scale": scale_table}


def marginal_us(row: dict) -> float:
    """Reaper time per reaped session, less what a run with nothing expired costs."""
    if not row["reaper_reaped"]:
        return float("nan")
    return (row["reaper_s"] - row.get("reaper_idle_s", 0)) / row["reaper_reaped"] * 1e6


def pct(a: float, b: float) -> str:
    return fmt(a / b * 100) if b else "-"


def fmt(x: float, digits: int = 0) -> str:
    if x != x:  # NaN
        return "-"
    return f"{x:,.{digits}f}"


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("**met**" if ok else "**not met**")


def policy_ratios(results: dict) -> dict[int, float]:
    """Acquire on the seat-policy licenses ÷ plain acquire, paired within a repetition
    and level (the policy phase runs both), median per level."""
    pairs: dict[tuple, dict[str, float]] = defaultdict(dict)
    for r in runs(results, phase="policy"):
        pairs[(r.get("rep"), r["clients"])][r.get("policy")] = r["rps"]
    per_level: dict[int, list[float]] = defaultdict(list)
    for (_, clients), p in pairs.items():
        if p.get("plain") and p.get("policy"):
            per_level[clients].append(p["policy"] / p["plain"])
    return {c: med(v) for c, v in sorted(per_level.items())}


def targets(results: dict, a: dict) -> list[tuple[str, str, str]]:
    t = a["table"]
    out = []
    # RS256 against EdDSA over the levels both were run at.
    both = [
        c
        for c in results["config"]["levels"]
        if ("RS256+online", "acquire", c) in t and ("EdDSA", "acquire", c) in t
    ]
    rs = max((t[("RS256+online", "acquire", c)]["rps"] for c in both), default=0)
    acq_both = max((t[("EdDSA", "acquire", c)]["rps"] for c in both), default=0)
    levels = results["config"]["levels"]

    def per_level(op: str) -> str:
        return ", ".join(
            f"c={c}: {fmt(t[('EdDSA', op, c)]['vs_healthz'] * 100)} %"
            for c in levels
            if ("EdDSA", op, c) in t
        )

    ratios = results.get("ratios", {})

    def paired(name: str, title: str, floor: float, per_level: dict | None = None) -> None:
        levels_ = per_level if per_level is not None else ratios.get(name, {})
        if not levels_:
            return
        mid = med(list(levels_.values()))
        shown = ", ".join(f"c={c}: {fmt(v * 100)} %" for c, v in levels_.items())
        out.append((title, f"median {fmt(mid * 100)} % (by level: {shown})", verdict(mid >= floor)))

    paired(
        "heartbeat / healthz",
        "heartbeat throughput ≥ 70 % of the bare endpoint, paired (issue 14)",
        0.70,
    )
    row = t.get(("EdDSA", "heartbeat", 32))
    paced_rows = runs(results, phase="paced", op="heartbeat")
    paced = summarize(paced_rows) if paced_rows else None
    paced_bare_rows = runs(results, phase="paced", op="healthz")
    paced_bare = summarize(paced_bare_rows) if paced_bare_rows else None
    text = (
        f"closed loop (32 clients sending back to back): p99 {fmt(row['p99'], 1)} ms "
        f"(p50 {fmt(row['p50'], 1)}, p95 {fmt(row['p95'], 1)}) at {fmt(row['rps'])} req/s"
        if row
        else "not run"
    )
    if paced:
        text += (
            f"; paced (32 clients offering {fmt(results['paced']['offered_rps'])} req/s, half "
            f"the peak): p99 {fmt(paced['p99'], 1)} ms (p50 {fmt(paced['p50'], 1)}, p95 "
            f"{fmt(paced['p95'], 1)}) at {fmt(paced['rps'])} req/s"
        )
    ok = None
    if paced and paced_bare:
        text += (
            f"; the bare endpoint paced the same way: p99 {fmt(paced_bare['p99'], 1)} ms "
            f"(p50 {fmt(paced_bare['p50'], 1)}, p95 {fmt(paced_bare['p95'], 1)})"
        )
        ok = paced["p99"] < 20 and paced["p99"] <= 1.5 * paced_bare["p99"]
    out.append(
        (
            "heartbeat p99, paced at half the bare peak: < 20 ms and ≤ 1.5 x the bare "
            "endpoint's paced p99 (issue 21)",
            text,
            verdict(ok),
        )
    )
    paired("acquire / budget", "acquire ≥ 80 % of its budget, paired (issue 21)", 0.80)
    paired(
        "acquire_queue_on / acquire",
        "acquire with the line on and empty ≥ 95 % of plain acquire, paired (issue 21)",
        0.95,
    )
    paired(
        "acquire_person / acquire",
        "a person's acquire ≥ 85 % of a license key's, paired (issue 17)",
        0.85,
    )
    policy = policy_ratios(results)
    paired(
        "policy",
        "acquire with overage, a reservation and a cap ≥ 90 % of plain acquire, paired (issue 22)",
        0.90,
        policy,
    )
    rsa = "RS256+online"
    rsa_per_level = ", ".join(
        f"c={c}: {pct(t[(rsa, 'acquire', c)]['rps'], t[('EdDSA', 'acquire', c)]['rps'])} %"
        for c in levels
        if ("RS256+online", "acquire", c) in t and ("EdDSA", "acquire", c) in t
    )
    out.append(
        (
            "acquire with an RSA-4096 root (RS256, online keys) ≥ 80 % of EdDSA",
            f"peak {fmt(rs)} vs {fmt(acq_both)} req/s = {pct(rs, acq_both)} % ({rsa_per_level})",
            verdict(rs >= 0.8 * acq_both if acq_both and rs else None),
        )
    )
    sizes = results["config"]["scale_sizes"]
    lo, hi = min(sizes), max(sizes)
    parts, ok = [], True
    for op in ("acquire", "heartbeat"):
        a_lo, a_hi = a["scale"].get((op, lo)), a["scale"].get((op, hi))
        if not a_lo or not a_hi:
            ok = None
            continue
        r50, r95, r99 = (a_hi[p] / a_lo[p] for p in ("p50", "p95", "p99"))
        ok = ok and r50 <= 1.5 and r95 <= 1.5
        parts.append(f"{op}: p50 x{r50:.2f}, p95 x{r95:.2f}, p99 x{r99:.2f}")
    out.append(
        (
            f"latency at {hi:,} live sessions within 1.5x of at {lo:,} (p50 and p95)",
            "; ".join(parts) or "not run",
            verdict(ok),
        )
    )
    reaper = results.get("scale", [])
    if reaper:
        per = [marginal_us(r) for r in reaper if r["reaper_reaped"]]
        desc = "; ".join(
            f"{r['live']:,} live: {r['reaper_reaped']:,} reaped in {r['reaper_s'] * 1000:,.0f} ms "
            f"(nothing expired: {r.get('reaper_idle_s', 0) * 1000:,.0f} ms)"
            for r in reaper
        )
        ok = (
            bool(per)
            and max(per) / min(per) <= 2
            and all(r["reaper_reaped"] == r["expired"] for r in reaper)
        )
        out.append(
            (
                "reaper time proportional to the expired sessions (marginal cost per reaped "
                "session within 2x across sizes)",
                f"{desc}; {', '.join(f'{p:,.0f}' for p in per)} µs per reaped session",
                verdict(ok),
            )
        )
    dash = results.get("dashboard", {}).get("queries", [])
    if dash:
        worst = max((q for q in dash if "p95_ms" in q), key=lambda q: q["p95_ms"], default=None)
        slow = [
            q["name"] + (f" ({q['error']})" if "error" in q else "")
            for q in dash
            if q.get("p95_ms", 0) >= 100
        ]
        out.append(
            (
                "dashboard queries p95 < 100 ms "
                f"({results['dashboard']['session_rows']:,} session rows, "
                f"{results['dashboard']['usage_rows']:,} usage rows)",
                (f"worst: {worst['name']} p95 {worst['p95_ms']:,.0f} ms" if worst else "")
                + (f"; ≥ 100 ms: {'; '.join(slow)}" if slow else "; all below"),
                verdict(not slow and not any("error" in q for q in dash)),
            )
        )
    checks = results.get("checks", {})
    if checks:
        over = len(checks["over_allocated_redis"]) + len(checks["over_allocated_sql"])
        churn = results.get("churn", {})
        out.append(
            (
                "zero over-allocations (Redis and PostgreSQL, every license, at the end)",
                f"{checks['licenses_checked']} licenses: "
                f"{len(checks['over_allocated_redis'])} over in "
                f"Redis, {len(checks['over_allocated_sql'])} over in PostgreSQL; contention: "
                f"{churn.get('clients')} clients on {churn.get('seats_total')} seats, peak "
                f"{churn.get('peak_redis_members')} members in "
                f"{churn.get('redis_samples')} samples",
                verdict(
                    over == 0 and churn.get("peak_redis_members", 0) <= churn.get("seats_total", 0)
                ),
            )
        )
        out.append(
            (
                "zero 5xx",
                f"{checks['server_errors_5xx']} 5xx, {checks['socket_errors']} socket errors "
                f"in {sum(r['requests'] for r in results['runs']):,} requests",
                verdict(checks["server_errors_5xx"] == 0 and checks["socket_errors"] == 0),
            )
        )
    return out


def render(results: dict, previous: str = "") -> str:
    a = analyse(results)
    m = results["machine"]
    cfg = results["config"]
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`bench/run.py`); the analysis section is kept across runs.",
        "",
        "## Machine and setup",
        "",
        f"- {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; Linux {m['kernel']}",
        f"- Python {m['python']}, Django {m['django']}, gunicorn {m['gunicorn']}, redis-py "
        f"{m['redis_py']}; Redis {m['redis_server']}; {m['postgresql']}; {m['wrk']}",
        f"- code: {m['git']}; run {m['date']}, {results.get('total_s', '?')} s in all"
        f"{' (BENCH_QUICK)' if cfg['quick'] else ''}",
        f"- server: {cfg['server']}; WEB_CONCURRENCY={cfg['workers']}, "
        f"GUNICORN_THREADS={cfg['threads']}",
        f"- load generator: {cfg['load_generator']}",
        "- PostgreSQL (the machine's shared server, database of its own): "
        + ", ".join(f"{k}={v}" for k, v in results.get("postgresql_settings", {}).items()),
        f"- {cfg['reps']} repetition(s) of {cfg['seconds']:g} s per point, levels interleaved; "
        "medians shown",
        f"- 1-minute load: {' '.join(results.get('loadavg_start', []))} at start, "
        f"{' '.join(results.get('loadavg_end', []))} at end (other work on the machine shows here; "
        f"waited {results.get('quiet', {}).get('waited_s', 0)} s for a quiet machine)",
        "",
        "## Targets",
        "",
        "| target | measured | verdict |",
        "| --- | --- | --- |",
    ]
    for name, measured, ok in targets(results, a):
        lines.append(f"| {name} | {measured} | {ok} |")
    lines += ["", "## Ceilings", "", "| ceiling | per second |", "| --- | ---: |"]
    bare = a["peak"].get(("EdDSA", "healthz"), float("nan"))
    lines.append(f"| framework: `GET /healthz` (bare DRF view), peak over levels | {fmt(bare)} |")
    for label, row in results.get("crypto", {}).items():
        lines.append(
            f"| crypto: token signature {label}, one core | {fmt(row['per_second_cpu'])} |"
        )
    for label, rps in results.get("seat_store", {}).items():
        lines.append(f"| seat store: {label} | {fmt(rps)} |")
    crypto = {row["algorithm"]: row["per_second_cpu"] for row in results.get("crypto", {}).values()}
    store = results.get("seat_store", {})
    store_hb = next((v for k, v in store.items() if k.startswith("heartbeat script")), float("nan"))
    store_acq = next((v for k, v in store.items() if k.startswith("acquire script")), float("nan"))
    lines += [
        "",
        "## Seat protocol throughput and latency",
        "",
        "Each operation as a ratio of its ceilings: the bare endpoint at the same level "
        "(paired within a repetition), the seat store's script rate, and for acquire the "
        "signatures per second of two cores.",
        "",
        "| server | op | clients | req/s | p50 ms | p95 ms | p99 ms | ÷ bare | ÷ seat store "
        "| ÷ crypto (2 cores) | wrk cores | server cores | machine busy | load |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: |",
    ]
    for (server, op, c), row in sorted(
        a["table"].items(), key=lambda kv: (kv[0][0] != "EdDSA", kv[0][1], kv[0][2])
    ):
        if op == "heartbeat":
            store_ratio = fmt(row["rps"] / store_hb * 100, 1) + " %"
        elif op == "acquire":
            store_ratio = fmt(row["rps"] / store_acq * 100, 1) + " %"
        else:
            store_ratio = "-"
        alg = "EdDSA"  # online keys sign with Ed25519 too
        crypto_ratio = (
            fmt(row["rps"] / (2 * crypto[alg]) * 100, 1) + " %"
            if op == "acquire" and alg in crypto
            else "-"
        )
        lines.append(
            f"| {server} | {op} | {c} | {fmt(row['rps'])} | {fmt(row['p50'], 2)} | "
            f"{fmt(row['p95'], 2)} | {fmt(row['p99'], 2)} | "
            f"{fmt(row['vs_healthz'] * 100) + ' %' if op != 'healthz' else '-'} | {store_ratio} | "
            f"{crypto_ratio} | {fmt(row['wrk_cpu'], 2)} | {fmt(row['server_cpu'], 2)} | "
            f"{fmt(row['machine'], 2)} | {fmt(row['load'], 1)} |"
        )
    root = runs(results, phase="rs256-root")
    if root:
        r = summarize(root)
        lines += [
            "",
            f"RS256 root signing every token (TOKEN_ONLINE_KEYS=0), 32 clients: {fmt(r['rps'])} "
            f"req/s, p50 {fmt(r['p50'], 1)} ms, p99 {fmt(r['p99'], 1)} ms: the cap online keys "
            "remove.",
        ]
    for key in ("eddsa_token", "rs256_token", "rs256_root_token"):
        if key in results:
            tok = results[key]
            lines.append(
                f"- {key.replace('_', ' ')}: header alg `{tok['token_alg']}`, "
                "signer JWK has a root "
                f"certificate: {tok['signer_has_root_cert']}, JWKS algs {tok['jwks_algs']}"
            )
    churn = results.get("churn")
    if churn:
        lines += [
            "",
            f"Contention: {churn['clients']} clients acquire-then-release on a license of "
            f"{churn['seats_total']} seats: statuses {churn['statuses']}; the seat set never held "
            f"more than {churn['peak_redis_members']} members ({churn['redis_samples']} samples).",
        ]
    if results.get("scale"):
        lines += [
            "",
            f"## Scale: live sessions over {cfg['scale_licenses']:,} licenses "
            f"({cfg['scale_clients']} clients)",
            "",
            "| live sessions | op | req/s | p50 ms | p95 ms | p99 ms | x p50 at smallest |",
            "| ---: | --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        lo = min(cfg["scale_sizes"])
        for (op, size), row in sorted(a["scale"].items(), key=lambda kv: (kv[0][0], kv[0][1])):
            base = a["scale"].get((op, lo))
            lines.append(
                f"| {size:,} | {op} | {fmt(row['rps'])} | {fmt(row['p50'], 2)} | "
                f"{fmt(row['p95'], 2)} | {fmt(row['p99'], 2)} | "
                f"{fmt(row['p50'] / base['p50'], 2) if base else '-'} |"
            )
        lines += [
            "",
            "Reaper (`licenses.services.sessions_reap`, in-process) with 1 % of the live sessions "
            "expired:",
            "",
            "| live sessions | expired | reaped | seconds | seconds, nothing expired "
            "| µs per reaped session (marginal) | seeding s |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for r in results["scale"]:
            lines.append(
                f"| {r['live']:,} | {r['expired']:,} | {r['reaper_reaped']:,} | "
                f"{r['reaper_s']:.3f} | {r.get('reaper_idle_s', float('nan')):.3f} | "
                f"{fmt(marginal_us(r))} | {r['seed_s']:.1f} |"
            )
    dash = results.get("dashboard")
    if dash:
        lines += [
            "",
            f"## Dashboard reads ({dash['session_rows']:,} session rows, {dash['usage_rows']:,} "
            "usage rows, one organization holding them all)",
            "",
            *(
                [
                    f"Usage rows seeded in {dash['usage_seed_s']:.0f} s, then rolled up by hour as "
                    f"the Celery beat task does (`rollup_usage`, the whole history at once) in "
                    f"{dash['usage_rollup_s']:.0f} s.",
                    "",
                ]
                if dash.get("usage_rollup_s") and dash.get("usage_seed_s")
                else []
            ),
            "| read | endpoint | p50 ms | p95 ms | max ms | runs |",
            "| --- | --- | ---: | ---: | ---: | ---: |",
        ]
        for q in dash["queries"]:
            if "error" in q:
                lines.append(f"| {q['name']} | `{q.get('path', '')}` | {q['error']} | | | |")
            else:
                lines.append(
                    f"| {q['name']} | `{q.get('path', '')}` | {fmt(q['p50_ms'], 1)} | "
                    f"{fmt(q['p95_ms'], 1)} "
                    f"| {fmt(q['max_ms'], 1)} | {q['runs']} |"
                )
    lines += [
        "",
        "## Plots",
        "",
        "![throughput vs concurrency](plots/throughput_vs_concurrency.png)",
        "![latency vs concurrency](plots/latency_vs_concurrency.png)",
        "![latency vs live sessions](plots/latency_vs_sessions.png)",
        "",
    ]
    analysis = previous or f"{START}\n## Analysis\n\n(written by hand)\n{END}\n"
    return "\n".join(lines) + "\n" + analysis


def plots(results: dict, folder: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is missing: run with `uv run --with matplotlib`; no plots written")
        return
    folder.mkdir(parents=True, exist_ok=True)
    a = analyse(results)
    levels = results["config"]["levels"]
    series = [
        ("EdDSA", "healthz", "GET /healthz (bare)"),
        ("EdDSA", "heartbeat", "heartbeat"),
        ("EdDSA", "acquire", "acquire (EdDSA)"),
        ("RS256+online", "acquire", "acquire (RS256 root, online keys)"),
        ("EdDSA", "release", "release"),
    ]
    fig, ax = plt.subplots(figsize=(8, 5))
    for server, op, label in series:
        pts = [
            (c, a["table"][(server, op, c)]["rps"]) for c in levels if (server, op, c) in a["table"]
        ]
        if pts:
            ax.plot(*zip(*pts, strict=True), marker="o", label=label)
    ax.set_xscale("log", base=2)
    ax.set_xticks(levels, [str(c) for c in levels])
    ax.set_xlabel("concurrent clients (closed loop)")
    ax.set_ylabel("requests/s (median)")
    ax.set_title("Throughput vs concurrency (2 cores, gunicorn gthread)")
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(folder / "throughput_vs_concurrency.png", dpi=110)
    plt.close(fig)

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), sharey=True)
    for ax, pct in zip(axes, ("p50", "p99"), strict=True):
        for server, op, label in series:
            pts = [
                (c, a["table"][(server, op, c)][pct])
                for c in levels
                if (server, op, c) in a["table"]
            ]
            if pts:
                ax.plot(*zip(*pts, strict=True), marker="o", label=label)
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xticks(levels, [str(c) for c in levels])
        ax.set_xlabel("concurrent clients")
        ax.set_title(f"{pct} latency")
        ax.grid(True, alpha=0.3)
    axes[0].set_ylabel("ms")
    axes[0].axhline(20, color="grey", linestyle="--", linewidth=0.8)
    axes[1].axhline(20, color="grey", linestyle="--", linewidth=0.8)
    axes[1].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(folder / "latency_vs_concurrency.png", dpi=110)
    plt.close(fig)

    if results.get("scale"):
        sizes = sorted({size for _, size in a["scale"]})
        fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
        for op, style in (("heartbeat", "-"), ("acquire", "--")):
            for pct in ("p50", "p95", "p99"):
                pts = [(s, a["scale"][(op, s)][pct]) for s in sizes if (op, s) in a["scale"]]
                if pts:
                    axes[0].plot(*zip(*pts, strict=True), style, marker="o", label=f"{op} {pct}")
        axes[0].set_xscale("log")
        axes[0].set_xlabel("live sessions (over 1,000 licenses)")
        axes[0].set_ylabel("ms")
        axes[0].set_title(
            f"Latency vs live sessions ({results['config']['scale_clients']} clients)"
        )
        axes[0].grid(True, alpha=0.3)
        axes[0].legend(fontsize=8)
        rows = results["scale"]
        axes[1].plot(
            [r["expired"] for r in rows], [r["reaper_s"] for r in rows], marker="o", label="reaper"
        )
        axes[1].set_xscale("log")
        axes[1].set_yscale("log")
        axes[1].set_xlabel("expired sessions (1 % of live)")
        axes[1].set_ylabel("seconds")
        axes[1].set_title("Reaper time vs expired sessions")
        axes[1].grid(True, alpha=0.3)
        fig.tight_layout()
        fig.savefig(folder / "latency_vs_sessions.png", dpi=110)
        plt.close(fig)


def write(results: dict, bench_dir: Path, out_dir: Path | None = None) -> Path:
    if out_dir is not None:
        md, plot_dir = out_dir / "RESULTS.md", out_dir / "plots"
    elif results["config"]["quick"]:
        md, plot_dir = bench_dir / "results" / "RESULTS-quick.md", bench_dir / "results" / "plots"
    else:
        md, plot_dir = bench_dir / "RESULTS.md", bench_dir / "plots"
    previous = ""
    if md.exists():
        text = md.read_text()
        if START in text and END in text:
            previous = text[text.index(START) : text.index(END) + len(END)] + "\n"
    md.write_text(render(results, previous))
    plots(results, plot_dir)
    print(md.read_text().split("## Ceilings")[0])
    return md


if __name__ == "__main__":
    path = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else Path(__file__).parent / "results" / "latest.json"
    )
    write(json.loads(path.read_text()), Path(__file__).resolve().parent)
