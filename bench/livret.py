"""Benchmark of the booklet (livret de restitution), run by hand: `make bench` or `python bench/livret.py`.

It creates a throw-away database (`<DATABASE_URL's name>_bench`), builds workshops with 40 and 400
participants from generated data and the demo's texts, and prints:

1. warm renders in this process (tagged pdf/ua-1, and untagged for comparison): median, min and max
   seconds, pages, and the process's peak memory;
2. end to end, from the staff action (`request_version`, after commit) to a downloadable file, through
   Redis and a real `celery worker` process (needs PostgreSQL in DATABASE_URL and REDIS_URL), and the
   worker's peak memory;
3. when /usr/bin/chromium exists, a warm Chromium (Playwright) printing the same HTML, and the ratio.

Aims (issue 5, on the 2-core machine): 40 participants <= 0.8 s median warm, tagged; end to end <= 1.3x
that; 400 participants <= 6x the 40 one; worker peak memory < 300 MB; WeasyPrint <= 5x Chromium.
"""

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabrique.settings.test")
os.environ.setdefault("TEST_MEDIA_ROOT", tempfile.mkdtemp(prefix="livret-bench-media-"))

import django  # noqa: E402 - configured above

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from accompagnement.models import User  # noqa: E402
from ateliers import livret_demo  # noqa: E402
from ateliers.models import Livret, LivretStatus  # noqa: E402
from ateliers.services import livret as livret_service  # noqa: E402
from fabrique.celery import app  # noqa: E402
from fabrique.pdf import render_pdf_document  # noqa: E402
from tests.ateliers.livret_factories import make_booklet_atelier  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
RUNS = {40: 7, 400: 3}


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


CPU_TIMES = []  # this process's CPU time per run: wall-clock alone depends on the other processes


def timed(function, runs):
    durations, result = [], None
    CPU_TIMES.clear()
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        result = function()
        durations.append(time.perf_counter() - start)
        CPU_TIMES.append(time.process_time() - cpu)
    return durations, result


def line(label, durations, extra=""):
    print(
        f"  {label:<34} median {statistics.median(durations):6.3f} s   min {min(durations):6.3f} s"
        f"   max {max(durations):6.3f} s   ({len(durations)} runs){extra}"
    )


def build(participants):
    atelier = make_booklet_atelier(
        participants=participants, organisations=25, prefix=f"Ministère ({participants}) n°"
    )
    livret_demo.fill_content(atelier)
    return atelier


def bench_warm(ateliers):
    print("\n1. Warm renders in one process (context + template + WeasyPrint)")
    # Warm-up: imports, fonts, the first layout.
    render_pdf_document(livret_service.LIVRET_TEMPLATE, livret_service.build_context(ateliers[40]))
    medians = {}
    for participants, atelier in ateliers.items():
        for variant, label in (("pdf/ua-1", "tagged pdf/ua-1"), (None, "untagged")):

            def render(atelier=atelier, variant=variant):
                context = livret_service.build_context(atelier)
                return render_pdf_document(livret_service.LIVRET_TEMPLATE, context, variant=variant)

            durations, rendered = timed(render, RUNS[participants])
            line(
                f"{participants} participants, {label}",
                durations,
                f"   {rendered.page_count} pages, {len(rendered.content) // 1024} Ko,"
                f" CPU median {statistics.median(CPU_TIMES):.3f} s",
            )
            medians[(participants, variant)] = statistics.median(durations)
        print(f"  peak memory of this process so far: {peak_rss_mb():.0f} MB")
    ratio = medians[(400, "pdf/ua-1")] / medians[(40, "pdf/ua-1")]
    tag_cost = medians[(40, "pdf/ua-1")] / medians[(40, None)]
    print(f"  400 / 40 participants (tagged): {ratio:.2f}x   (aim <= 6x)")
    print(f"  tagging cost at 40 participants: {tag_cost:.2f}x the untagged render")
    return medians


def database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def vm_hwm_mb(pid):
    for row in Path(f"/proc/{pid}/status").read_text().splitlines():
        if row.startswith("VmHWM:"):
            return int(row.split()[1]) / 1024
    return float("nan")


def bench_end_to_end(atelier, bare_median):
    print("\n2. End to end: staff action -> Redis -> celery worker process -> file ready")
    redis_url = os.environ.get("REDIS_URL", "")
    if connection.vendor != "postgresql" or not redis_url:
        print("  skipped: needs PostgreSQL in DATABASE_URL and REDIS_URL (the worker is another process)")
        return
    queue = f"livret-bench-{os.getpid()}"
    app.conf.update(task_always_eager=False, task_default_queue=queue)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_QUEUE": queue,
        "DJANGO_SETTINGS_MODULE": "fabrique.settings.test",
    }
    log = Path(tempfile.mkstemp(prefix="livret-bench-worker-", suffix=".log")[1])
    with log.open("w") as output:
        worker = subprocess.Popen(  # noqa: S603 - our own celery binary with fixed arguments
            [
                str(Path(sys.executable).with_name("celery")),
                "-A",
                "fabrique",
                "worker",
                "--pool=solo",
                "-Q",
                queue,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=WARNING",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    staff = User.objects.filter(is_staff=True).first() or User.objects.create_user(
        email="bench@dgafp.gouv.fr", is_staff=True
    )

    def generate():
        livret = livret_service.request_version(atelier, by=staff)  # enqueued on commit (autocommit)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            status = Livret.objects.filter(pk=livret.pk).values_list("status", flat=True).get()
            if status in {LivretStatus.PRET, LivretStatus.ECHEC}:
                break
            time.sleep(0.005)
        livret.refresh_from_db()
        assert livret.status == LivretStatus.PRET, livret.failure_reason
        with livret.file.open("rb") as handle:
            assert handle.read(4) == b"%PDF"
        return livret

    def bare():
        context = livret_service.build_context(atelier)
        return render_pdf_document(livret_service.LIVRET_TEMPLATE, context)

    try:
        generate()  # the worker's first render: imports, fonts
        # Interleaved with a bare render in this process, so both see the same load on the shared machine.
        durations, bares, ratios, waits, renders = [], [], [], [], []
        for _ in range(7):
            bare_durations, _rendered = timed(bare, 1)
            e2e_durations, livret = timed(generate, 1)
            durations += e2e_durations
            bares += bare_durations
            ratios.append(e2e_durations[0] / bare_durations[0])
            waits.append((livret.started_at - livret.queued_at).total_seconds())
            renders.append((livret.rendered_at - livret.started_at).total_seconds())
        line("40 participants, tagged, end to end", durations, f"   {livret.page_count} pages")
        line("  the bare render, interleaved", bares)
        print(
            f"  queued -> worker starts: median {statistics.median(waits):.3f} s; "
            f"worker start -> file saved: median {statistics.median(renders):.3f} s"
        )
        print(
            f"  end to end / bare warm render: {statistics.median(ratios):.2f}x"
            " (median of paired runs; aim <= 1.3x)"
        )
        print(f"  against section 1's median: {statistics.median(durations) / bare_median:.2f}x")
        print(f"  worker process peak memory (VmHWM): {vm_hwm_mb(worker.pid):.0f} MB   (aim < 300 MB)")
    finally:
        worker.terminate()
        worker.wait(30)


def bench_chromium(atelier, weasy_median):
    print("\n3. Warm Chromium (Playwright) printing the same HTML")
    if not Path(CHROMIUM).exists():
        print(f"  skipped: no {CHROMIUM}")
        return
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - optional part of the benchmark

    html = render_to_string(livret_service.LIVRET_TEMPLATE, livret_service.build_context(atelier))
    page_file = Path(tempfile.mkstemp(prefix="livret-bench-", suffix=".html")[1])
    page_file.write_text(html)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--allow-file-access-from-files"]
        )
        page = browser.new_page()
        page.goto(page_file.as_uri())

        def print_pdf():
            return page.pdf(format="A4", print_background=True, prefer_css_page_size=True)

        print_pdf()
        durations, content = timed(print_pdf, 7)
        browser.close()
    line("40 participants, Chromium page.pdf()", durations, f"   {len(content) // 1024} Ko")
    ratio = weasy_median / statistics.median(durations)
    print(
        f"  WeasyPrint (tagged) / Chromium: {ratio:.1f}x   (aim <= 5x; Chromium cannot number the sommaire)"
    )


def main():
    setup_test_environment()
    settings_dict = connection.settings_dict
    original_name = settings_dict["NAME"]
    settings_dict.setdefault("TEST", {})
    if connection.vendor == "postgresql":
        settings_dict["TEST"]["NAME"] = f"{settings_dict['NAME']}_bench"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"Load average before: {load} ({os.cpu_count()} CPUs)")
    print(
        f"Database: {connection.vendor}; Redis: {os.environ.get('REDIS_URL') or 'none'}; "
        f"media: {settings.MEDIA_ROOT}"
    )
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        ateliers = {n: build(n) for n in (40, 400)}
        medians = bench_warm(ateliers)
        bare = medians[(40, "pdf/ua-1")]
        bench_end_to_end(ateliers[40], bare)
        bench_chromium(ateliers[40], bare)
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0)
    print("\nLoad average after: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
