"""The collector pause used by parsers and imports: switched back on afterwards, and what was
made meanwhile is not rescanned at once (it waits in the oldest generation)."""
import gc

from amlref.core import gcpause


def test_paused_restores_the_collector_and_ages_new_objects():
    assert gc.isenabled()
    with gcpause.paused():
        assert not gc.isenabled()
        made = [[i] for i in range(50_000)]
    assert gc.isenabled()
    young, middle, _old = gc.get_count()
    assert young < 1000 and middle < 10          # not 50,000 objects waiting in generation 0
    assert gc.get_freeze_count() == 0             # nothing left frozen for good
    assert len(made) == 50_000


def test_paused_leaves_a_disabled_collector_disabled():
    gc.disable()
    try:
        with gcpause.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
