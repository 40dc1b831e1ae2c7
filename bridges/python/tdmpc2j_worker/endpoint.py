"""The only object Java can call: makes envs of the suites this worker serves and steps them by handle.

Every method returns bytes that start with a status byte: 0 and the result, or 1 and the Python exception
(type, message, traceback, and the row of a batched request it came from, -1 when none), so a failure inside an env
reaches Java as data, never as a dead connection.

Py4J runs each call from Java on a thread of its own, so calls on one env can overlap (a close from one Java thread
while another's step is in flight, or the worker's own closeAll at shutdown). Each env has a lock that every reset,
step, batched call and close holds while it uses the env, so no suite ever has two threads in one env. A close waits
for the call in flight for as long as Java asks; then it takes the env out of reach of new calls and returns, and
the call in flight closes the env when it ends (a long step is no reason to stop the worker and its other envs; a
worker that does not answer the close at all, hung in a call holding the GIL, Java kills).
"""

import contextlib
import itertools
import struct
import threading
import traceback

import numpy as np

from . import suites, wire

_OK = b"\x00"
_ERROR = b"\x01"
_STEP_HEAD = struct.Struct("<iBq")
_COUNTS = struct.Struct("<ii")
# the attribute that marks an exception with the row of a batched request whose env raised it
_ROW = "_tdmpc2j_row"


class WorkerError(Exception):
    """A request the worker refuses (unknown handle, wrong action size)."""


class Endpoint:
    class Java:
        implements = ["io.github.tdmpc2j.bridge.py4j.WorkerEndpoint"]

    def __init__(self, allowed_suites):
        """allowed_suites: the suite names this worker may make envs of."""
        self._allowed = tuple(allowed_suites)
        self._envs = {}
        self._locks = {}  # handle -> the lock held while the env is used
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._versions = None
        # handle -> why the env must be reset before it steps again: a step or batched call that failed with it
        # may have left it part way (a batch's rows before the failing one stepped, Java got none of their results)
        self._unsynced = {}
        # handle -> (env, its lock) closed while a call used it: that call closes it as it lets go of the lock
        self._closing = {}

    def ping(self):
        return _call(lambda: wire.text(self.versions()))

    def versions(self):
        if self._versions is None:
            self._versions = suites.versions(self._allowed)
        return self._versions

    def make(self, suite, task, seed, options):
        return _call(lambda: self._make(suite, task, seed, options))

    def reset(self, handle, seed):
        def run():
            with self._holding([handle]):
                env = self._env(handle)
                try:
                    obs, info = env.reset(seed)
                except BaseException:
                    self._unsynced[handle] = "its reset failed"
                    raise
                self._unsynced.pop(handle, None)
                return wire.reset_result(obs, info)

        return _call(run)

    def step(self, handle, action):
        def run():
            with self._holding([handle]):
                env = self._env(handle)
                self._check_synced(handle)
                action_values = self._action(env, wire.decode(action), 0)
                try:
                    return wire.step_result(*env.step(action_values))
                except BaseException:
                    self._unsynced[handle] = "its step failed"
                    raise

        return _call(run)

    def stepMany(self, request):
        return _call(lambda: self._step_many(wire.decode(request)))

    def close(self, handle, wait_seconds):
        """Closes the env once the call using it (if any) has returned, waiting for that call up to wait_seconds;
        past that, the env is closed by that call as it ends, and this returns."""
        def run():
            self._close(handle, max(0.0, float(wait_seconds)))
            return b""

        return _call(run)

    def closeAll(self):
        """Closes every env, each once the call using it (if any) has returned."""
        with self._lock:
            handles = list(self._envs)
        for handle in handles:
            try:
                self._close(handle)
            except Exception:  # closing is best effort at shutdown
                traceback.print_exc()
        with self._lock:  # envs a close left to their call in flight: each is closed before its lock is free
            pending = [lock for _, lock in self._closing.values()]
        for lock in pending:
            with lock:
                pass

    def _close(self, handle, wait=None):
        """Closes the env at once or once the call using it returns, waiting for that call `wait` seconds (None:
        until it returns). An env still in use then is out of reach of new calls, and the call closes it."""
        with self._lock:
            lock = self._locks.get(handle)
        if lock is None:
            return
        if wait is None:
            lock.acquire()
        elif not (lock.acquire(timeout=wait) if wait > 0 else lock.acquire(blocking=False)):
            with self._lock:
                if not lock.acquire(blocking=False):  # still in use: its call closes it (_release)
                    if self._locks.get(handle) is lock:
                        del self._locks[handle]
                        self._closing[handle] = (self._envs.pop(handle), lock)
                        self._unsynced.pop(handle, None)
                    return
        try:
            with self._lock:
                env = self._envs.pop(handle, None) if self._locks.get(handle) is lock else None
                if env is not None:
                    del self._locks[handle]
                    self._unsynced.pop(handle, None)
            if env is not None:
                env.close()
        finally:
            self._release(handle, lock)

    def _release(self, handle, lock):
        """Lets go of an env's lock; first closes the env when a close gave up waiting for this call."""
        with self._lock:
            env, _ = self._closing.pop(handle, (None, None))
            if env is None:
                lock.release()  # under self._lock: a close sees the lock held or the env free, never in between
                return
        try:
            env.close()
        except BaseException:  # the call's own result still goes back; the worker logs this on stderr
            traceback.print_exc()
        finally:
            lock.release()

    @contextlib.contextmanager
    def _holding(self, handles):
        """Holds the locks of the envs of `handles`, each once and in handle order (two batched calls sharing envs
        never wait for each other in a cycle). An env closed while this waited is then missing: a WorkerError."""
        with self._lock:
            locks = [(h, self._locks.get(h)) for h in sorted(set(handles))]
        held = []
        try:
            for handle, lock in locks:
                if lock is not None:
                    lock.acquire()
                    held.append((handle, lock))
            for handle in handles:
                self._env(handle)
            yield
        finally:
            for handle, lock in reversed(held):
                self._release(handle, lock)

    def _make(self, suite, task, seed, options):
        if suite not in self._allowed:
            raise WorkerError(f"this worker serves the suites {', '.join(self._allowed)}, not '{suite}'")
        env = suites.make(suite, task, int(seed), _parse_options(options))
        with self._lock:
            handle = next(self._ids)
            self._envs[handle] = env
            self._locks[handle] = threading.Lock()
        obs_low, obs_high, act_low, act_high, max_steps = env.spaces()
        return (wire.int32(handle) + wire.box(obs_low, obs_high) + wire.box(act_low, act_high)
                + wire.int32(max_steps or 0))

    def _step_many(self, request):
        """count, repeat, then per env: handle, kind (0 step, 1 reset), seed, action. A step repeats the action
        `repeat` times (fewer if the episode ends), summing the rewards, as an action-repeat wrapper does. The reply
        is the number of results (i32), then a step result per env.

        The whole request is read and checked before any env moves, so a refused request changes nothing. If an env
        raises, the rows before it have stepped and the rows after it have not, but Java gets only the exception,
        marked with the row (of the request) it came from: every env of the request is marked as needing a reset,
        and a step of one before its reset is refused."""
        count, repeat = _COUNTS.unpack_from(request, 0)
        if repeat < 1:
            raise WorkerError(f"action repeat must be at least 1, got {repeat}")
        offset = _COUNTS.size
        rows = []
        try:
            for _ in range(count):
                handle, kind, seed = _STEP_HEAD.unpack_from(request, offset)
                offset += _STEP_HEAD.size
                env = self._env(handle)
                rows.append((handle, env, kind, seed, self._action(env, request, offset)))
                offset += 4 * env.action_size
        except BaseException as e:
            _mark_row(e, len(rows))
            raise
        with self._holding([row[0] for row in rows]):
            for i, (handle, _, kind, *_) in enumerate(rows):
                if kind != 1:
                    try:
                        self._check_synced(handle)
                    except BaseException as e:
                        _mark_row(e, i)
                        raise
            return self._run_rows(rows, count, repeat)

    def _run_rows(self, rows, count, repeat):
        out = []
        try:
            for handle, env, kind, seed, action in rows:
                if kind == 1:
                    obs, info = env.reset(seed)
                    self._unsynced.pop(handle, None)
                    out.append(wire.step_result(obs, 0.0, False, False, info))
                    continue
                total = 0.0
                for _ in range(repeat):
                    obs, reward, terminated, truncated, info = env.step(action)
                    total += reward
                    if terminated or truncated:
                        break
                out.append(wire.step_result(obs, total, terminated, truncated, info))
        except BaseException as e:
            for handle, *_ in rows:
                self._unsynced[handle] = f"a batched call of {count} envs with it failed at row {len(out)}"
            _mark_row(e, len(out))
            raise
        return wire.int32(len(out)) + b"".join(out)

    def _env(self, handle):
        env = self._envs.get(handle)
        if env is None:
            raise WorkerError(f"no env with handle {handle}: it was closed or never made")
        return env

    def _check_synced(self, handle):
        why = self._unsynced.get(handle)
        if why is not None:
            raise WorkerError(f"env {handle} must be reset before it steps again: {why}, which may have left it part"
                              " way through a step")

    @staticmethod
    def _action(env, data, offset):
        available = (len(data) - offset) // 4
        if offset == 0 and available != env.action_size:
            raise WorkerError(f"action has {available} values but the env takes {env.action_size}")
        if available < env.action_size:
            raise WorkerError(f"request ends inside an action: {available} values left, {env.action_size} needed")
        return np.frombuffer(data, dtype="<f4", count=env.action_size, offset=offset)


def _mark_row(e, row):
    """Marks `e` as raised by the env of row `row` of a batched request (an exception that takes no attribute, as
    one of a C extension's types may not, goes back unmarked)."""
    try:
        setattr(e, _ROW, row)
    except (AttributeError, TypeError):
        pass


def _call(fn):
    try:
        return _OK + fn()
    except BaseException as e:  # everything goes back to Java, even KeyboardInterrupt
        tb = "".join(traceback.format_exception(type(e), e, e.__traceback__))
        kind = type(e).__qualname__
        if type(e).__module__ != "builtins":
            kind = type(e).__module__ + "." + kind
        row = getattr(e, _ROW, -1)
        return (_ERROR + wire.text(kind) + wire.text(str(e)) + wire.text(tb[-8000:])
                + wire.int32(row if isinstance(row, int) else -1))


def _parse_options(options):
    """Options arrive as 'key=value' lines; values stay strings for the suite to interpret."""
    parsed = {}
    for line in (options or "").splitlines():
        if line.strip():
            key, sep, value = line.partition("=")
            if not sep:
                raise WorkerError(f"option line '{line}' is not key=value")
            parsed[key.strip()] = value.strip()
    return parsed
