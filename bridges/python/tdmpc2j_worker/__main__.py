"""Starts a worker: connects back to the JVM that launched it and serves envs until that JVM goes away.

The JVM passes its gateway port and the auth token in the environment (TDMPC2J_GATEWAY_PORT,
TDMPC2J_AUTH_TOKEN), never on the command line. The worker ends when its stdin reaches EOF (the JVM closed
the pipe or died) or its parent process changes; a watchdog process (watchdog.sh) kills it when the JVM is gone even
while a suite holds the GIL in a call that never returns (then none of the worker's own threads can run). The worker
leads a session of its own, so that what its envs start stays in it even once re-parented away from the worker (a
simulator server that daemonises, a multiprocessing helper whose parent ended): the JVM and the watchdog end the
whole session with the worker. It takes no notice of SIGINT and SIGTERM (a batch system's SIGTERM reaches every
process of the job, and a Ctrl-C at the terminal every process of its group), while the JVM that owns the worker stops
its run gracefully and still needs the worker to finish the step in flight. It catches them rather than ignoring them:
an ignored signal stays ignored in every process started from the worker, and a suite that ends its helper processes
with SIGTERM (subprocess's or multiprocessing's terminate()) would wait for them forever.
"""

import argparse
import os
import signal
import subprocess
import sys
import threading
import time

_WORKER_PID = os.getpid()


def _take_no_notice(signum, frame):
    """SIGINT and SIGTERM in the worker. A process forked from it (multiprocessing) inherits this handler, and takes
    the signal as it would by default; a program it runs starts with the default, as a handler is not inherited."""
    if os.getpid() != _WORKER_PID:
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)


# the JVM sets it so that the working folder, the user's, is not on sys.path; the programs a suite runs get the
# default (a script of theirs imports its neighbours)
os.environ.pop("PYTHONSAFEPATH", None)

for _sig in (signal.SIGINT, signal.SIGTERM):  # before the imports below, which take a while
    signal.signal(_sig, _take_no_notice)
try:
    os.setsid()
except OSError:  # already a group leader (started by hand from a shell): the JVM never starts it so
    pass

from py4j.java_gateway import CallbackServerParameters, GatewayParameters, JavaGateway

from . import suites
from .endpoint import Endpoint


def main(argv=None):
    parser = argparse.ArgumentParser(prog="tdmpc2j_worker")
    parser.add_argument("--domain", required=True, help="name used in log lines")
    parser.add_argument("--suites", required=True, help="comma-separated suites to serve: " + ", ".join(suites.names()))
    args = parser.parse_args(argv)

    port = int(_take_env("TDMPC2J_GATEWAY_PORT"))
    token = _take_env("TDMPC2J_AUTH_TOKEN")
    parent = os.getppid()
    jvm_pipe = _take_stdin()
    _start_watchdog(parent)
    _mujoco_warnings_to_stderr()
    endpoint = Endpoint([s for s in args.suites.split(",") if s])

    gateway = JavaGateway(
        gateway_parameters=GatewayParameters(address="127.0.0.1", port=port, auth_token=token),
        callback_server_parameters=CallbackServerParameters(
            address="127.0.0.1", port=0, auth_token=token, daemonize=True, daemonize_connections=True),
        python_server_entry_point=endpoint,
    )
    callback_port = gateway.get_callback_server().get_listening_port()
    gateway.entry_point.ready(callback_port, os.getpid(), endpoint.versions())
    print(f"worker {args.domain} ready: pid {os.getpid()}, callback port {callback_port}", flush=True)

    _wait_for_parent(parent, jvm_pipe)
    endpoint.closeAll()
    os._exit(0)  # py4j's threads would otherwise keep the process alive


def _mujoco_warnings_to_stderr():
    """MuJoCo's default warning handler appends to MUJOCO_LOG.TXT in the working directory, which is the user's;
    in this worker its warnings go to stderr, which the JVM logs. A suite may install its own handler later."""
    import importlib.util

    if importlib.util.find_spec("mujoco") is None:
        return
    import mujoco

    def warn(message):
        print("MuJoCo warning: " + message, file=sys.stderr, flush=True)

    mujoco.set_mju_user_warning(warn)


def _take_env(name):
    value = os.environ.pop(name, None)
    if not value:
        sys.exit(f"{name} is not set: this worker is started by the JVM (io.github.tdmpc2j.bridge.py4j.PythonWorker)")
    return value


def _start_watchdog(parent):
    """watchdog.sh: polls, once a second, whether the JVM (its pid and start time) and this worker live, kills the
    worker once the JVM is gone, and the rest of the worker's session once either is; it ends with the worker. In a
    session of its own, outside the one it ends."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "watchdog.sh")
    subprocess.Popen(["/bin/sh", script, str(parent), "", str(os.getpid())],
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True)


def _take_stdin():
    """Moves the JVM's pipe (the worker's stdin) to a descriptor of its own, which the processes the worker starts do
    not inherit, and puts /dev/null in its place: a suite that asks on stdin (whether to download its assets, say)
    gets EOFError at once instead of waiting for an answer that never comes. Returns the pipe's descriptor."""
    pipe = os.dup(0)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    return pipe


def _wait_for_parent(parent, jvm_pipe):
    """Returns when the JVM's pipe closes or the parent process is gone, whichever comes first."""
    done = threading.Event()

    def read_stdin():
        try:
            while os.read(jvm_pipe, 4096):
                pass
        except OSError:
            pass
        done.set()

    threading.Thread(target=read_stdin, name="stdin-watch", daemon=True).start()
    while not done.wait(0.5):
        if os.getppid() != parent:
            return


if __name__ == "__main__":
    main()
