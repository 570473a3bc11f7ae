"""Running a piece of a test in several threads at once, as several requests would (each thread opens its
own database connection and must close it)."""

import threading


def run_in_threads(target, arguments, *, timeout=None):
    """Run `target(*args)` in one thread per `args` of `arguments`, then wait for every thread (up to
    `timeout` seconds each)."""
    threads = [threading.Thread(target=target, args=args) for args in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
