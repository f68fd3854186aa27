import dataclasses
import os

from locator.config import Config
from locator.process import PerProcess


def test_per_process_makes_one_per_deployment_and_a_new_one_after_a_fork():
    made = []
    registry = PerProcess(lambda config: made.append(config.index_prefix) or len(made))
    config = Config(index_prefix="a")
    assert registry.get(config) == registry.get(dataclasses.replace(config)) == 1
    assert registry.get(dataclasses.replace(config, index_prefix="b")) == 2
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child must not reuse its parent's object (its threads did not survive)
        os.write(write, str(registry.get(config)).encode())
        os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(read, 8) == b"3"
