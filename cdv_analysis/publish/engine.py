"""Warm kernels for papermill: the ``cdv-chaud`` engine and the worker processes that host it.

Starting a kernel and importing pandas, matplotlib and seaborn
costs more than running most reports. This engine keeps one kernel per worker
process, started once with those imports done (as Quarto's keep-alive kernel
does), and runs every notebook in it through papermill's own client, so the
executed notebook keeps papermill's metadata and failure marking.

Between two reports the kernel is reset: the user namespace, the history and
the execution counter (a new IPython session), open figures, matplotlib's
rcParams and the warning filters are restored to their state just after the
imports. A kernel is recycled after a failed report, a timeout, or
``REPORTS_PER_KERNEL`` reports, so that a report can never inherit a broken
kernel or a slowly growing one.

The functions ``prepare_kernel`` and ``reset_kernel`` run inside the kernel;
everything else runs in the worker process.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
import os
import shutil
import signal
import warnings

from ..errors import CdvError

__all__ = ["ENGINE_NAME", "REPORTS_PER_KERNEL", "WarmEngine", "KernelPool", "pool", "init_worker",  # noqa: F822 (WarmEngine comes from the module __getattr__, lazily)
           "ensure_registered", "scratch_folder"]

ENGINE_NAME = "cdv-chaud"
# A kernel grows by about 0.2 MiB a report (measured over 120 portraits, from 180 MiB, its time per report unchanged);
# a new kernel costs about 2 s of processor: a national build (436 pages) starts 5 instead of 12.
REPORTS_PER_KERNEL = 100
IN_MEMORY_HISTORY = "--HistoryManager.hist_file=:memory:"
_SETUP_TIMEOUT = 300  # seconds for the imports of a new kernel (a loaded machine can be slow)

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------------------
# Inside the kernel

# The same imports, in the same order, as the notebooks' setup cells: a warm
# kernel is then in exactly the state a cold one reaches after its setup cell.
_PRELOAD = "__import__('cdv_analysis.publish.engine', fromlist=['prepare_kernel']).prepare_kernel()"
_RESET = "__import__('cdv_analysis.publish.engine', fromlist=['reset_kernel']).reset_kernel({cwd!r})"
_KERNEL_STATE: dict = {}


def prepare_kernel() -> None:
    """Heavy imports, then a snapshot of the global state every report starts from (in the kernel)."""
    import matplotlib
    import matplotlib.pyplot  # noqa: F401 - activates the inline backend as a notebook does

    import cdv_analysis  # noqa: F401
    from cdv_analysis.presentation import charts, narrative, notebook  # noqa: F401
    from cdv_analysis.analysis import checks, indicators  # noqa: F401
    from cdv_analysis import config  # noqa: F401
    from cdv_analysis.ingest import iorw  # noqa: F401

    _KERNEL_STATE["rc"] = dict(matplotlib.rcParams)
    _KERNEL_STATE["filters"] = list(warnings.filters)
    # The libraries' objects stay for the kernel's life: out of the garbage collector's sight, so that a full
    # collection (each reset does one, and pandas and matplotlib trigger many) scans only a report's objects.
    gc.collect()
    gc.freeze()


def reset_kernel(cwd: str) -> None:
    """Forget the previous report (in the kernel): namespace, history, figures, rcParams, warnings."""
    import matplotlib
    import matplotlib.pyplot as plt
    from IPython import get_ipython

    os.chdir(cwd)  # first: the previous report's folder is gone, and resetting looks at the working directory
    get_ipython().reset(new_session=True)  # as ``%reset -f``, and the execution counter restarts at 1
    plt.close("all")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecated keys of the snapshot warn when set again
        matplotlib.rcParams.update(_KERNEL_STATE["rc"])
    warnings.filters[:] = _KERNEL_STATE["filters"]
    warnings._filters_mutated()  # forget "already shown once" warnings: a cold kernel shows them again


# ---------------------------------------------------------------------------
# In the worker process


class KernelError(CdvError, RuntimeError):
    """A warm kernel could not be prepared or reset."""


class WarmKernel:
    """One running kernel, its client, and how many reports it has run."""

    def __init__(self, kernel_name: str, start_timeout: float):
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self.kernel_name = kernel_name
        self.reports = 0
        self.km = AsyncKernelManager(kernel_name=kernel_name)
        # History in memory: each cell of each report would otherwise be written to the user's
        # ~/.ipython history database (a thread and a disk write per cell), for nobody to read.
        run_sync(self.km.start_kernel)(cwd=os.getcwd(), extra_arguments=[IN_MEMORY_HISTORY])
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.allow_stdin = False
        run_sync(self.kc.wait_for_ready)(timeout=start_timeout)
        self.run(_PRELOAD, _SETUP_TIMEOUT)

    def run(self, code: str, timeout: float) -> None:
        """Run code silently (no history, no counter); raise :class:`KernelError` if it fails."""
        from jupyter_core.utils import run_sync

        errors: list[str] = []

        def hook(message: dict) -> None:
            if message["msg_type"] == "error":
                errors.append(f"{message['content']['ename']}: {message['content']['evalue']}")

        reply = run_sync(self.kc.execute_interactive)(code, silent=True, store_history=False, timeout=timeout,
                                                      output_hook=hook, allow_stdin=False)
        if reply["content"]["status"] != "ok" or errors:
            raise KernelError("; ".join(errors) or reply["content"].get("evalue", "kernel error"))

    def reset(self) -> None:
        self.run(_RESET.format(cwd=os.getcwd()), _SETUP_TIMEOUT)

    @property
    def pid(self) -> int | None:
        provisioner = getattr(self.km, "provisioner", None)
        return getattr(provisioner, "pid", None) if provisioner else None

    def shutdown(self) -> None:
        """Stop the kernel politely, then for good."""
        from jupyter_core.utils import run_sync

        try:
            self.kc.stop_channels()
            run_sync(self.km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - a dying kernel must not fail the build
            self.kill()

    def kill(self) -> None:
        """Kill the kernel's process group at once (safe in a signal handler: no event loop).

        The kernel is then reaped, so that a worker stopping right after leaves
        no defunct kernel behind (an orphan is only reaped if PID 1 does so).
        """
        pid = self.pid
        if pid:
            try:
                os.killpg(pid, signal.SIGKILL)  # the kernel leads its own session (jupyter_client)
            except (ProcessLookupError, PermissionError):
                pass
            process = getattr(getattr(self.km, "provisioner", None), "process", None)
            try:
                if process is not None:
                    process.wait(5)
            except Exception:  # noqa: BLE001 - already reaped, or stuck in the kernel (D state)
                pass
        try:
            os.unlink(self.km.connection_file)
        except (OSError, TypeError):
            pass


class KernelPool:
    """The warm kernels of one worker process (one per kernel name; a worker runs one report at a time)."""

    def __init__(self, reports_per_kernel: int = REPORTS_PER_KERNEL):
        self.reports_per_kernel = reports_per_kernel
        self.idle: dict[str, WarmKernel] = {}
        self.busy: list[WarmKernel] = []
        self.started = 0

    def acquire(self, kernel_name: str, start_timeout: float) -> WarmKernel:
        """A reset kernel, taken from the pool or started now."""
        kernel = self.idle.pop(kernel_name, None)
        if kernel is not None:
            try:
                kernel.reset()
            except Exception:  # noqa: BLE001 - a kernel that cannot reset is replaced
                logger.warning("noyau remplacé : remise à zéro impossible", exc_info=True)
                kernel.shutdown()
                kernel = None
        if kernel is None:
            kernel = WarmKernel(kernel_name, start_timeout)
            self.started += 1
            kernel.reset()
        self.busy.append(kernel)
        return kernel

    def release(self, kernel: WarmKernel, healthy: bool) -> None:
        """Back to the pool, or shut down after a failure or its quota of reports."""
        self.busy.remove(kernel)
        kernel.reports += 1
        if healthy and kernel.reports < self.reports_per_kernel and kernel.kernel_name not in self.idle:
            self.idle[kernel.kernel_name] = kernel
        else:
            kernel.shutdown()

    def warm_up(self, kernel_name: str = "python3", start_timeout: float = 120) -> None:
        """Start a kernel before the first report asks for one."""
        if kernel_name not in self.idle:
            kernel = WarmKernel(kernel_name, start_timeout)
            self.started += 1
            self.idle[kernel_name] = kernel

    def kernels(self) -> list[WarmKernel]:
        return [*self.idle.values(), *self.busy]

    def shutdown(self) -> None:
        for kernel in self.kernels():
            kernel.shutdown()
        self.idle.clear()
        self.busy.clear()

    def kill(self) -> None:
        for kernel in self.kernels():
            kernel.kill()


_POOL: KernelPool | None = None


def pool() -> KernelPool:
    """This process's kernel pool, shut down when the process exits."""
    global _POOL
    if _POOL is None:
        import atexit

        _POOL = KernelPool()
        atexit.register(_POOL.shutdown)
    return _POOL


def _failed(book) -> bool:
    return any(cell.get("metadata", {}).get("papermill", {}).get("exception") for cell in book.cells)


def _warm_engine_class() -> type:
    """The engine class, built on first use.

    papermill imports its engines' entry points while it is itself being imported,
    so this module must not import papermill at import time (that would be circular).
    """
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine
    from papermill.utils import merge_kwargs, remove_args

    class WarmEngine(NBClientEngine):
        """Papermill engine ``cdv-chaud``: papermill's notebook client on a kernel from the worker's pool."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            kernel = pool().acquire(kernel_name, start_timeout)
            healthy = False
            # papermill rewrites the whole output notebook before and after every cell, for
            # watching long runs; a report's output is a temporary file read once at the end,
            # and those ~200 writes were half a warm report's time. notebook_complete() saves it.
            nb_man.save = lambda **kwargs: None
            try:
                client = PapermillNotebookClient(nb_man, km=kernel.km, **merge_kwargs(
                    kwargs, timeout=execution_timeout, startup_timeout=start_timeout, kernel_name=kernel_name,
                    log=logger, log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file))
                client.kc = kernel.kc  # the kernel's own client: the notebook client neither starts nor stops it
                executed = client.execute()
                healthy = not _failed(executed)
                return executed
            finally:
                del nb_man.save  # back to papermill's own, for the final save
                pool().release(kernel, healthy)

    WarmEngine.__module__, WarmEngine.__qualname__ = __name__, "WarmEngine"
    return WarmEngine


@functools.lru_cache(maxsize=1)
def _engine() -> type:
    return _warm_engine_class()


def __getattr__(name: str):
    if name == "WarmEngine":  # the entry point papermill loads
        return _engine()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def ensure_registered() -> None:
    """Register the engine even where the package's entry points are not installed (e.g. a source tree)."""
    from papermill.engines import papermill_engines

    if ENGINE_NAME not in papermill_engines._engines:
        papermill_engines.register(ENGINE_NAME, _engine())


# ---------------------------------------------------------------------------
# Worker processes


_SCRATCH: set[str] = set()  # folders of the report being built, removed if the worker is stopped


@contextlib.contextmanager
def scratch_folder(path: str):
    """Declare a temporary folder that a stopped worker must remove (``os._exit`` skips ``finally``)."""
    _SCRATCH.add(str(path))
    try:
        yield path
    finally:
        _SCRATCH.discard(str(path))


def _stop_on_sigterm(signum, frame) -> None:  # pragma: no cover - runs in a worker being stopped
    if _POOL is not None:
        _POOL.kill()
    for path in list(_SCRATCH):
        shutil.rmtree(path, ignore_errors=True)
    os._exit(128 + signum)


def init_worker(log_path: str | None, warm: bool, handover: str | None = None) -> None:
    """Set up a build worker: its output goes to the log file, SIGTERM stops its kernels, kernels start early.

    ``handover``: the build's folder of territories validated while planning, named in the environment that
    its kernels inherit (``ingest.handover.VARIABLE``).

    Kernels inherit the worker's standard streams, so their warnings (unencrypted
    TCP, interrupts at shutdown) land in the log too. SIGINT from the terminal is
    left to the parent, which stops the workers itself.
    """
    if log_path:
        descriptor = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(descriptor, 1)
        os.dup2(descriptor, 2)
        os.close(descriptor)
        logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(process)d %(name)s %(levelname)s "
                                                          "%(message)s", force=True)
        logging.captureWarnings(True)
    signal.signal(signal.SIGINT, lambda signum, frame: None)  # a handler, not SIG_IGN: kernels must not inherit it
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    from ..lifeline import die_with_parent

    die_with_parent()  # a killed cdv takes its workers (and, through their SIGTERM handler, their kernels) along
    if handover:
        from ..ingest import handover as handed

        os.environ[handed.VARIABLE] = handover
    if warm:
        ensure_registered()
        try:
            pool().warm_up()
        except Exception:  # noqa: BLE001 - the first report will start (and report on) its own kernel
            logger.exception("préchauffage du noyau impossible")
