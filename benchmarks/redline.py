"""Redline benchmark: medians of repeated runs for comparing long documents and the cases that used to blow up.

Run: .venv/bin/python benchmarks/redline.py [--repeat N]   (CPU time; benchmarks/side_by_side.py compares
two revisions in turns)

- two ~100-page documents (the canonical draft's articles repeated), a few words changed in five clauses:
  compare alone, and `redline` of the two .docx files end to end (read both, compare, write the redline);
- time against length (25 → 200 pages): linear when the per-page time stays flat;
- real drafts of 100 and 200 pages (pages counted by LibreOffice) reviewed as Word records it:
  `redline` of the draft and its reviewed copy end to end, and `absorb` of the review (dry run: everything
  but the writing), with the ratio of the two sizes; absorb of a review of a deal file of 8,000 lines;
  at 100 pages also both commands as a user runs them, each in a new process (absorb writing the deal
  file, restored before each run), in elapsed and CPU time;
- the pathological cases of issue 17: all of a party's duties in one table cell with 100 of 1,000 duties
  reworded, one duty changed among 1,000, and 3,000 service-level rows with every seventh target changed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from termsmith import api  # noqa: E402
from termsmith.draft.document import Clause, LineBreak, Paragraph, Section, Span, Table  # noqa: E402
from termsmith.render.word import render_docx  # noqa: E402
from termsmith.review.fromdocx import relabel  # noqa: E402
from termsmith.review.redline import compare  # noqa: E402

CANONICAL = ROOT / "examples" / "acme-globex-technology.yaml"
DATE = "2027-01-01T00:00:00Z"
PAGES_PER_COPY = 25  # the canonical draft's articles fill about 25 pages


def command_medians(cmd: list[str], repeat: int, before=None) -> tuple[float, float]:
    """(elapsed, CPU) medians of a termsmith command run `repeat` times, each in a new process as a user runs
    it (bench.py's runner); `before()` runs untimed before each run (to restore a file the command edits)."""
    from bench import TERMSMITH, timed_run

    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(repeat):
        if before is not None:
            before()
        timed_run([*TERMSMITH, *cmd], walls, cpus)
    return statistics.median(walls), statistics.median(cpus)


def median(fn, repeat: int) -> float:
    """The median CPU time of `repeat` runs (the machine is shared: wall-clock time measures the others too)."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


def long_draft(base, copies: int):
    """The canonical draft with its articles repeated `copies` times (ids and bookmarks made unique)."""
    articles = [s for s in base.sections if s.kind == "article"]
    rest = [s for s in base.sections if s.kind != "article"]
    sections = []
    for k in range(copies):
        for s in articles:
            clauses = tuple(replace(c, id=f"{c.id}.{k}", anchor=f"{c.anchor[:30]}_{k}",
                                    blocks=tuple(replace(b, anchor=f"{c.anchor[:30]}_{k}")
                                                 if isinstance(b, Paragraph) and b.anchor else b for b in c.blocks))
                            for c in s.clauses)
            sections.append(replace(s, id=f"{s.id}.{k}", anchor=f"{s.anchor[:30]}_{k}", clauses=clauses))
    return relabel(replace(base, sections=tuple(sections + rest), notes=()))  # notes point at the originals


def edited(draft, every: int = 60):
    """A few words changed in every `every`-th clause paragraph (five clauses in 100 pages)."""
    count = 0
    sections = []
    for s in draft.sections:
        clauses = []
        for c in s.clauses:
            count += 1
            if count % every == 0 and isinstance(c.blocks[0], Paragraph):
                p = c.blocks[0]
                p = replace(p, inlines=(*p.inlines, Span(" This sentence was added by the reviewer.")))
                c = replace(c, blocks=(p, *c.blocks[1:]))
            clauses.append(c)
        sections.append(replace(s, clauses=tuple(clauses)))
    return replace(draft, sections=tuple(sections))


def with_block(base, block):
    clause = Clause("bench.x", "1.0.0", "Bench", "1", "_Ref_bench_x",
                    (Paragraph("clause", 1, "1", (Span("As follows:"),), "_Ref_bench_x"), block))
    section = Section("schedule", "bench", "Bench", "Schedule 9", "_Ref_bench", (clause,))
    return relabel(replace(base, sections=(*base.sections, section)))


def duties_cell(duties):
    cell = []
    for i, text in enumerate(duties):
        if i:
            cell.append(LineBreak())
        cell.append(Span(text))
    return Table(((Span("Party"),), (Span("Duties"),)), (((Span("Acme"),), tuple(cell)),), ("left", "left"))


def sla_rows(rows):
    return Table(((Span("Metric"),), (Span("Target"),)), tuple(((Span(a),), (Span(b),)) for a, b in rows),
                 ("left", "left"))


def duty(i: int) -> str:
    return f"Deliver integration work package {i} to the other Party within the agreed period of days"


def long_library(folder: Path, copies: int = 4) -> Path:
    """The bundled library with each article that defines no terms repeated `copies` times (new ids and
    areas): the canonical deal then drafts about 100 pages from a deal file of the usual size."""
    import re
    import shutil

    root = folder / "library"
    shutil.copytree(ROOT / "clause_library", root)
    manifest = (root / "library.yaml").read_text(encoding="utf-8")
    extra = []
    for area_dir in sorted((root / "clauses").iterdir()):
        texts = {f: f.read_text(encoding="utf-8") for f in area_dir.glob("*.md")}
        area = next((re.search(r"(?m)^area: (\S+)", t).group(1) for t in texts.values()), None)
        if area is None or area.startswith("schedule") or area in ("parties", "definitions", "signatures") or \
                any("define(" in t or "defines:" in t for t in texts.values()):
            continue
        m = re.search(rf"(?m)^  - {{id: {re.escape(area)}, title: (.+)}}$", manifest)
        if m is None:
            continue
        for k in range(1, copies):
            copy_dir = root / "clauses" / f"{area_dir.name}-{k}"
            copy_dir.mkdir()
            for f, text in texts.items():
                text = re.sub(r"(?m)^id: ([^.\s]+)\.", rf"id: \1-{k}.", text, count=1)
                (copy_dir / f.name).write_text(re.sub(r"(?m)^area: .*$", f"area: {area}-{k}", text, count=1),
                                               encoding="utf-8")
            line = f"  - {{id: {area}-{k}, title: {m.group(1)}}}"
            if line not in extra:  # an area's clauses may sit in several folders
                extra.append(line)
    anchor = "  - {id: signatures"
    manifest = manifest.replace(anchor, "\n".join(extra) + "\n" + anchor, 1) if anchor in manifest else manifest
    (root / "library.yaml").write_text(manifest, encoding="utf-8")
    return root


def pdf_pages(docx: Path, folder: Path) -> int | None:
    """The document's page count as LibreOffice lays it out (None without LibreOffice)."""
    import re
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{folder / 'profile'}",
                    "--convert-to", "pdf", "--outdir", str(folder), str(docx)], check=True, capture_output=True,
                   timeout=600)
    pdf = (folder / docx.name).with_suffix(".pdf").read_bytes()
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def real_review(folder: Path, copies: int):
    """A real draft of the canonical deal from a library with `copies` of each article, its reviewed copy
    (tracked changes as Word writes them, a comment), and its page count."""
    import shutil

    sys.path.insert(0, str(ROOT / "tests"))
    from reviewed import WordEdit  # the test helper that writes tracked changes as Word does

    folder.mkdir()
    library = long_library(folder, copies)
    deal = folder / "deal.yaml"
    shutil.copy(CANONICAL, deal)
    api.draft(deal, folder / "out", library=library)
    docx = next((folder / "out").glob("*.docx"))
    edit = WordEdit(docx)
    edit.replace("180 days", "120 days")
    edit.replace("must continue to perform their obligations", "must keep performing their obligations")
    edit.insert_after("Each Party must make available to the other Party", " promptly")
    edit.comment("Force Majeure Event", "Is the list of events complete?")
    reviewed = folder / "out" / "reviewed.docx"
    edit.save(reviewed)
    return deal, docx, reviewed, library, pdf_pages(docx, folder)


def long_deal(folder: Path, metrics: int = 1600):
    """The canonical deal with `metrics` more service levels (a deal file of 8,000 lines), drafted and
    reviewed (one tracked change)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from reviewed import WordEdit

    text = CANONICAL.read_text(encoding="utf-8")
    extra = "".join(f"    - id: m{i}\n      provider: globex\n      description: Response to incident class {i}\n"
                    f"      target: {i % 20 + 1}\n      unit: hours\n" for i in range(metrics))
    anchor = "    - id: p2-response\n"
    deal = folder / "long-deal.yaml"
    deal.write_text(text.replace(anchor, extra + anchor, 1), encoding="utf-8")
    api.draft(deal, folder / "long-out")
    docx = next((folder / "long-out").glob("*.docx"))
    edit = WordEdit(docx)
    edit.replace("180 days", "120 days")
    reviewed = folder / "long-out" / "reviewed.docx"
    edit.save(reviewed)
    return deal, reviewed, len(deal.read_text(encoding="utf-8").splitlines())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    import os

    load_before = os.getloadavg()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench import python_speed  # the same fixed workload as bench.py: figures of two machines compare

    speed = python_speed()
    base = api.build(CANONICAL)
    rows = []

    old, new = long_draft(base, 4), edited(long_draft(base, 4))
    rows.append(("compare two ~100-page drafts (5 clauses edited)",
                 median(lambda: compare(old, new, author="b", date=DATE), args.repeat)))
    with tempfile.TemporaryDirectory() as tmp:
        a, b = Path(tmp) / "a.docx", Path(tmp) / "b.docx"
        a.write_bytes(render_docx(old))
        b.write_bytes(render_docx(new))
        out = Path(tmp) / "r.docx"
        rows.append(("redline a.docx b.docx (~100 pages each): read, compare, write",
                     median(lambda: api.redline(a, b, out, force=True), args.repeat)))

    per_page = []
    for copies in (1, 2, 4, 8):
        o, n = long_draft(base, copies), edited(long_draft(base, copies))
        t = median(lambda o=o, n=n: compare(o, n, author="b", date=DATE), args.repeat)
        per_page.append((copies * PAGES_PER_COPY, t))
    for pages, t in per_page:
        rows.append((f"compare, {pages} pages ({1000 * t / pages:.2f} ms a page)", t))

    reworded = [duty(i).replace("agreed", "stated") if i % 10 == 0 else duty(i) for i in range(1000)]
    cases = {
        "one table cell: 100 of 1,000 duties reworded": (duties_cell([duty(i) for i in range(1000)]),
                                                        duties_cell(reworded)),
        "one table cell: 1 duty changed among 1,000": (duties_cell([duty(i) for i in range(1000)]),
                                                      duties_cell([duty(i) + (" promptly" if i == 500 else "")
                                                                   for i in range(1000)])),
    }
    sla = [(f"Metric {i}", f"{99 + (i % 10) / 10}%") for i in range(3000)]
    cases["3,000 service-level rows, every 7th target changed"] = (
        sla_rows(sla), sla_rows([(m, t if i % 7 else "99.99%") for i, (m, t) in enumerate(sla)]))
    for name, (o, n) in cases.items():
        od, nd = with_block(base, o), with_block(base, n)
        rows.append((name, median(lambda od=od, nd=nd: compare(od, nd, author="b", date=DATE), args.repeat)))

    # real drafts (the canonical deal from a library with repeated articles), reviewed as Word records it
    growth: dict[str, list[tuple[int, float]]] = {"redline": [], "absorb": []}
    commands: list[tuple[str, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        reviews = {}
        for copies in (11, 27):  # 100 and 200 pages as LibreOffice lays them out (13 copies: 112, 22: 168)
            deal, docx, reviewed, library, pages = real_review(Path(tmp) / f"x{copies}", copies)
            out = Path(tmp) / f"r{copies}.docx"
            api.redline(docx, reviewed, out, force=True)  # warm: the library's parsed clauses cached
            api.absorb(reviewed, deal, dry_run=True, library=library)
            reviews[copies] = (deal, docx, reviewed, library, pages, out)
        # both sizes in turns, so that the machine's speed, which can halve within a minute on a shared
        # machine, weighs on each alike and the ratio of the two says how the time grows
        times: dict[tuple[str, int], list[float]] = {}
        for _ in range(args.repeat):
            for copies, (deal, docx, reviewed, library, pages, out) in reviews.items():
                for what, run in (("redline", lambda a=docx, b=reviewed, o=out: api.redline(a, b, o, force=True)),
                                  ("absorb", lambda r=reviewed, d=deal, lib=library: api.absorb(
                                      r, d, dry_run=True, library=lib))):
                    start = time.process_time()
                    run()
                    times.setdefault((what, copies), []).append(time.process_time() - start)
        for copies, (deal, docx, reviewed, library, pages, out) in reviews.items():
            size = f"{pages} pages" if pages else f"{copies} copies of the articles"
            t = statistics.median(times[("redline", copies)])
            rows.append((f"redline draft.docx reviewed.docx, a real {size} draft: read, compare, write", t))
            growth["redline"].append((pages or copies * PAGES_PER_COPY, t))
            t = statistics.median(times[("absorb", copies)])
            rows.append((f"absorb its review (3 tracked changes, a comment; dry run), {size}", t))
            growth["absorb"].append((pages or copies * PAGES_PER_COPY, t))
            if copies == 11:  # what a user waits for: the commands, each in a new process
                wall, cpu = command_medians(["redline", str(docx), str(reviewed), "-o", str(out), "--force"],
                                            args.repeat)
                commands.append((f"termsmith redline draft.docx reviewed.docx -o out.docx, {size}", wall, cpu))
                original = deal.read_bytes()
                wall, cpu = command_medians(["absorb", str(reviewed), "--deal", str(deal), "--library", str(library)],
                                            args.repeat, before=lambda d=deal, o=original: d.write_bytes(o))
                deal.write_bytes(original)
                commands.append((f"termsmith absorb reviewed.docx --deal deal.yaml (writes it), {size}", wall, cpu))
        deal, reviewed, lines = long_deal(Path(tmp))
        rows.append((f"absorb a review of a deal file of {lines:,} lines (1 tracked change; dry run)",
                     median(lambda: api.absorb(reviewed, deal, dry_run=True), args.repeat)))
        from termsmith.review.dealedit import edit_deal

        text = deal.read_text(encoding="utf-8")
        rows.append((f"  of which: the deal file edited in place ({lines:,} lines)",
                     median(lambda: edit_deal(text, [(("slas", "metrics", 900, "target"), 7)],
                                              {"exit.plan": {"based_on": "1.0.0", "text": "Ours.\n"}}),
                            args.repeat)))

    width = max(len(r[0]) for r in [*rows, *commands])
    load_after = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores; load average (1, 5, 15 min) "
          f"{' '.join(f'{x:.2f}' for x in load_before)} at the start, "
          f"{' '.join(f'{x:.2f}' for x in load_after)} at the end; CPU time, medians of {args.repeat} runs")
    print(f"machine speed: a fixed Python workload takes {speed * 1000:.0f} ms here at the start, "
          f"{python_speed(3) * 1000:.0f} ms at the end (as in bench.py)")
    print(f"{'figure':<{width}}  median")
    for name, t in rows:
        print(f"{name:<{width}}  {t * 1000:8.1f} ms")
    for name, wall, cpu in commands:
        print(f"{name:<{width}}  {wall * 1000:8.1f} ms elapsed, {cpu * 1000:.1f} ms CPU")
    first, last = per_page[0], per_page[-1]
    print(f"time per page, {last[0]} vs {first[0]} pages: ratio {(last[1] / last[0]) / (first[1] / first[0]):.2f} "
          "(1.0 = linear)")
    for what, points in growth.items():
        (p1, t1), (p2, t2) = points
        print(f"{what} of a real draft, {p2} vs {p1} pages: time ratio {t2 / t1:.2f}, per page "
              f"{(t2 / p2) / (t1 / p1):.2f} (1.0 = linear)")


if __name__ == "__main__":
    main()
