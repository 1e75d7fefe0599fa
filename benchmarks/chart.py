"""The harness's chart: throughput per stage, as a PNG next to the JSON results."""
from __future__ import annotations

from pathlib import Path


def _log_axis(ax, label: str) -> None:
    from matplotlib.ticker import FuncFormatter
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.xaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
    ax.set_xlabel(label)


def throughput_chart(results: dict, path: Path) -> Path | None:
    """Left: filings per CPU-second of each reader (corpus and generated) against its
    target, with edgartools and the lxml floor; right: filings per wall-second of each
    stage of the first end-to-end run. None when matplotlib is not installed."""
    try:
        import matplotlib
    except ImportError:
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    parse = results.get("parse", {})
    e2e = results.get("e2e")
    fig, axes = plt.subplots(1, 2 if e2e else 1, figsize=(14 if e2e else 8, 6), squeeze=False)
    ax = axes[0][0]
    labels = sorted(parse)
    values = [parse[k]["filings_per_cpu_s"] for k in labels]
    for name, entry in sorted(results.get("compared", {}).items()):
        for what in ("edgartools", "lxml_findtext"):
            if isinstance(entry.get(what), dict):
                labels.append(f"{name}/{what}")
                values.append(entry[what]["filings_per_cpu_s"])
    colors = ["tab:blue" if k.startswith("corpus/") else "tab:green" if k.startswith("generated/") else "tab:gray"
              for k in labels]
    ax.barh(labels, values, color=colors)
    targets = results.get("targets", {})
    for y, label in enumerate(labels):
        target = targets.get(label.split("/", 1)[-1])
        if target and "/" in label and label.split("/")[0] in ("corpus", "generated"):
            ax.plot([target, target], [y - 0.4, y + 0.4], color="tab:red", linewidth=2)
    _log_axis(ax, "filings per CPU-second (log scale); red: target")
    ax.set_title("Parse: blue real corpus, green generated", fontsize=10)
    if e2e:
        ax = axes[0][1]
        stages = e2e["first"].get("stages_s", {})
        filings = e2e["first"]["files_seen"]
        names = [s for s in ("discover", "parse", "consolidate", "validate", "load", "report") if stages.get(s)]
        rates = [filings / stages[s] for s in names]
        if e2e.get("export", {}).get("wall_s"):
            names.append("export")
            rates.append(filings / e2e["export"]["wall_s"])
        ax.barh(names, rates, color="tab:purple")
        ax.invert_yaxis()
        _log_axis(ax, "filings per wall-second (log scale)")
        ax.set_title(f"End to end: {filings:,} filings, empty warehouse, {e2e['first']['wall_s']:.0f} s wall",
                     fontsize=10)
        for y, (name, rate) in enumerate(zip(names, rates)):
            seconds = stages.get(name) if name != "export" else e2e["export"]["wall_s"]
            ax.text(rate, y, f" {seconds:.1f} s", va="center")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
