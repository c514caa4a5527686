"""Time budgets in threads other than the main one: one watchdog per process, exceptions only where due."""

import threading
import time

from pipeline.segment.budget import BudgetExceeded, time_budget


def spin(seconds: float) -> None:
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        sum(range(100))


def in_thread(target) -> None:
    thread = threading.Thread(target=target)
    thread.start()
    thread.join(20)
    assert not thread.is_alive()


def ran(budget: float, seconds: float) -> str:
    """Spin for `seconds` within a budget of `budget` seconds: "finished", or "stopped" when the budget fired."""
    try:
        with time_budget(budget):
            spin(seconds)
        return "finished"
    except BudgetExceeded:
        return "stopped"


def test_many_budgets_in_a_thread_share_one_watchdog_and_none_fires_early():
    seen: set[threading.Thread] = set()

    def many():
        before = set(threading.enumerate())
        for _ in range(500):
            with time_budget(30):
                seen.update(set(threading.enumerate()) - before)  # what keeps the budget of this block
        seen.add(threading.current_thread())

    in_thread(many)
    # the block's own thread, and one watchdog at most (none when an earlier test of this process started it)
    assert 1 <= len(seen) <= 2


def test_a_slow_block_is_stopped_while_quick_blocks_in_other_threads_go_on():
    outcome = {}

    def slow():
        outcome["slow"] = ran(0.2, 10)

    def quick():
        try:
            for _ in range(200):
                with time_budget(5):
                    spin(0.002)
            time.sleep(0.4)  # past the slow one's deadline: nothing may land here
            outcome["quick"] = "finished"
        except BudgetExceeded:
            outcome["quick"] = "stopped"

    threads = [threading.Thread(target=f) for f in (slow, quick)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert outcome == {"slow": "stopped", "quick": "finished"}


def test_an_earlier_deadline_wakes_the_watchdog():
    outcome = []

    def long_then_short():
        with time_budget(60):  # the watchdog now sleeps towards this deadline
            outcome.append(ran(0.1, 10))

    in_thread(long_then_short)
    assert outcome == ["stopped"]


def test_the_time_budget_holds_in_a_thread_and_ends_with_its_block():
    outcome = []

    def slow():
        outcome.append(ran(0.05, 5))

    def quick():
        with time_budget(0.05):
            pass
        time.sleep(0.2)  # the budget is over with its block: nothing may land here
        outcome.append("quick")

    for target in (slow, quick):
        in_thread(target)
    assert outcome == ["stopped", "quick"]
