"""The station service: every component, owned by one task group, with a two-phase shutdown.

Start-up: recover the outbox, then run watcher + intake, uploader, control API, housekeeping
and the retirement of idle conversion workers (a worker starts when a file needs one), each
supervised (restarted with backoff after a failure). On SIGTERM/SIGINT (or `stop()`): phase
one stops intake and lets in-flight conversions and uploads finish within the deadline; phase
two cancels whatever is left. Nothing accepted is lost either way: unfinished sources stay in
their folder, unfinished uploads stay pending.
"""

from __future__ import annotations

import json
import logging
import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import httpx

from pywats import NOT_GIVEN, AsyncWATS, Backoff, BreakerSettings, ConfigurationError
from pywats._clock import SYSTEM_CLOCK, Clock
from pywats_client._config import ClientConfig, ConfigError, load_config
from pywats_client._control import ControlServer, create_app, ensure_token
from pywats_client._control_models import (
    ENDPOINT_FILE,
    ConverterEntry,
    DryRunRequest,
    DryRunResult,
    Endpoint,
    IntakeStatus,
    LogCounts,
    OutboxCounts,
    ReloadResult,
    RetryNowResult,
    ServiceStatus,
    StationInfo,
    Totals,
    UploaderStatus,
)
from pywats_client._durable import DiskIO
from pywats_client._faults import NO_FAULTS, Faults
from pywats_client._history import ErrorHistory
from pywats_client._instance_lock import InstanceLock
from pywats_client._intake import Intake
from pywats_client._log_sink import dropped_lines, queued_lines
from pywats_client._metrics import Metrics
from pywats_client._outbox import Outbox
from pywats_client._quarantine import Quarantine
from pywats_client._sdnotify import Notifier
from pywats_client._stall import DeliveryClock, stall_problem
from pywats_client._store import Store
from pywats_client._supervisor import supervise
from pywats_client._token import TokenFollower
from pywats_client._uploader import Uploader
from pywats_client._watch import Ready, Watcher, WatchSpec
from pywats_client._workers import Converted, ConverterPool, Job
from pywats_client.converters import (
    Converter,
    ParameterError,
    UnknownConverterError,
    get_converter,
)

__all__ = ["Service"]

_log = logging.getLogger(__name__)

# Owned tasks that fail are restarted after 0.25–0.5 s at first, at most 30 s apart.
_RESTART_BACKOFF = Backoff(0.5, 30.0, floor=0.5)


def _unusable(config: ClientConfig) -> dict[int, str]:
    """The enabled entries whose converter is a plug-in that cannot be used, with why, by index."""
    found = {}
    for key, converter in enumerate(config.converters):
        if converter.enabled and (problem := converter.plugin_problem()):
            found[key] = problem
    return found


def _specs(config: ClientConfig, unusable: dict[int, str]) -> list[WatchSpec]:
    """What to watch: the enabled converters that can run, keyed by their index in the file."""
    specs = []
    for key, converter in enumerate(config.converters):
        if not converter.enabled or key in unusable:
            continue
        skip = [config.paths.data]
        if converter.after == "move":
            skip.append(converter.done_folder)
        specs.append(
            WatchSpec(
                key,
                converter.watch,
                converter.effective_patterns,
                converter.exclude,
                tuple(skip),
                _companion(converter.type),
            )
        )
    return specs


def _declared_patterns(converter: str) -> tuple[str, ...]:
    """The converter's own patterns; none when it cannot be loaded (health says why)."""
    try:
        return get_converter(converter).patterns
    except UnknownConverterError:
        return ()


def _companion(converter: str) -> Callable[[Path], Path | None] | None:
    """The converter's companion-folder rule, or None when its files stand alone."""
    try:
        cls = get_converter(converter)
    except UnknownConverterError:
        return None  # the configuration check reports it
    declared = any("companion" in vars(k) for k in cls.__mro__ if k is not Converter)
    return cls.companion if declared else None


class Service:
    """One station service instance built from `config`.

    `transport` replaces the network under the SDK client (tests put a fault-injecting proxy
    transport here); `disk` replaces the outbox's write seam; `faults` arms a crash point;
    `clock` is the time the outbox, the uploader and the watcher read. `wait_ready()` returns
    once the service runs (when `run` reports READY to systemd).
    """

    def __init__(
        self,
        config: ClientConfig,
        *,
        config_path: Path | None = None,
        faults: Faults = NO_FAULTS,
        transport: httpx.AsyncBaseTransport | None = None,
        disk: DiskIO | None = None,
        notifier: Notifier | None = None,
        shutdown_deadline: float = 10.0,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.config = config
        self.clock = clock
        self.config_path = config_path
        self.faults = faults
        self.notifier = notifier or Notifier(None)
        self.shutdown_deadline = shutdown_deadline
        self.station = config.identity()
        data = config.make_data_folder()
        self.store = Store(data / "state.db")
        self.outbox = Outbox(
            data / "outbox",
            self.store,
            max_bytes=int(config.outbox.max_mb * 1024 * 1024),
            disk=disk,
            faults=faults,
            clock=clock,
        )
        self.quarantine = Quarantine(data / "quarantine", disk)
        self.metrics = Metrics()
        self.restarts: dict[str, int] = {}
        self.pool = ConverterPool(
            config.intake.workers,
            config.intake.timeout_seconds,
            idle_seconds=config.intake.worker_idle_seconds,
        )
        try:
            self.client = AsyncWATS(
                base_url=config.server.url,
                token=config.token() or NOT_GIVEN,
                timeout=config.server.timeout,
                max_retries=0,  # the uploader retries, forever, with its own capped backoff
                # An open breaker fails fast until the next trial request, which comes no later
                # than the retry cap: during an outage the server sees one request per cap.
                breaker=BreakerSettings(cool_down=config.outbox.retry_max_seconds),
                transport=faults.around(transport),
            )
        except ConfigurationError as exc:  # e.g. what the token file holds
            raise ConfigError(f"server: {exc}", {"server": str(exc)}) from None
        # Uploads (and outbox/intake disk trouble) wait at least half the ceiling: jittered
        # across stations, never a busy loop.
        self.backoff = Backoff(
            config.outbox.retry_base_seconds, config.outbox.retry_max_seconds, floor=0.5
        )
        self.history = ErrorHistory(clock=clock)
        self.uploader = Uploader(
            self.outbox,
            self.client,
            history=self.history,
            concurrency=config.outbox.upload_concurrency,
            backoff=self.backoff,
            metrics=self.metrics,
            faults=faults,
            clock=clock,
        )
        self.unusable: dict[int, str] = {}  # entries whose plug-in cannot load (_build_intake)
        self.watcher, self.intake = self._build_intake(config)
        self.control: ControlServer | None = None
        self.started: float | None = None
        self._ready = False
        self._running = anyio.Event()
        self._stop = anyio.Event()
        self._reload_scope: anyio.CancelScope | None = None
        self._watch_scope: anyio.CancelScope | None = None
        self._register_metrics()

    def _build_intake(self, config: ClientConfig) -> tuple[Watcher, Intake]:
        # A broken plug-in costs its own folder only: its files wait there, the rest runs.
        self.unusable = _unusable(config)
        for key, problem in self.unusable.items():
            entry = config.converters[key]
            _log.error(
                "converters[%d] (%s) does not run, %s waits: %s",
                key,
                entry.type,
                entry.watch,
                problem,
            )
        watcher = Watcher(
            _specs(config, self.unusable),
            stable_seconds=config.intake.stable_seconds,
            rescan_seconds=config.intake.rescan_seconds,
            clock=self.clock,
        )
        intake = Intake(
            converters=dict(enumerate(config.converters)),
            station=self.station,
            pool=self.pool,
            outbox=self.outbox,
            quarantine=self.quarantine,
            watcher=watcher,
            metrics=self.metrics,
            faults=self.faults,
            on_accepted=self.retried,
            backoff=self.backoff,
        )
        return watcher, intake

    def _register_metrics(self) -> None:
        m = self.metrics
        m.counter("accepted_total", "Reports accepted into the outbox, by converter.")
        m.counter("delivered_total", "Reports delivered to the server, by converter.")
        m.counter("failed_total", "Files or reports quarantined, by converter and kind.")
        m.counter("upload_retries_total", "Transient upload failures (retried).")
        m.counter("disk_errors_total", "Outbox writes that failed (intake backs off).")
        m.counter("log_dropped_total", "Log lines dropped: a log sink was slow.", dropped_lines)
        m.gauge(
            "log_queued",
            "Log lines waiting for a slow log sink.",
            lambda: [((), float(queued_lines()))],
        )
        m.histogram("conversion_seconds", "Time to convert one file, by converter.")
        m.histogram("upload_seconds", "Time to deliver one report, by converter.")

        def outbox_gauge(field: str) -> Any:
            return lambda: [((), float(getattr(self.outbox.stats(), field)))]

        m.gauge("pending", "Reports waiting for delivery.", outbox_gauge("pending"))
        m.gauge("quarantined", "Reports quarantined in the outbox.", outbox_gauge("quarantined"))
        m.gauge("outbox_bytes", "Bytes of queued reports on disk.", outbox_gauge("queued_bytes"))
        m.gauge(
            "quarantined_files",
            "Source files in quarantine.",
            lambda: [((), float(len(self.quarantine.entries())))],
        )
        m.gauge(
            "in_flight",
            "Reports being uploaded now.",
            lambda: [((), float(len(self.uploader.state.in_flight)))],
        )
        m.gauge("oldest_pending_age_seconds", "Age of the oldest pending report.", self._age)
        m.gauge(
            "last_success_timestamp_seconds",
            "Unix time of the last successful upload.",
            lambda: [((), self.uploader.state.last_success or 0.0)],
        )
        m.gauge(
            "workers_running",
            "Conversion worker processes alive (they start on demand and retire when idle).",
            lambda: [((), float(self.pool.running))],
        )
        m.gauge(
            "intake_paused",
            "1 while intake waits for the disk budget or a disk error.",
            lambda: [((), float(self.intake_paused))],
        )

    def _age(self) -> list[tuple[tuple[tuple[str, str], ...], float]]:
        oldest = self.outbox.stats().oldest_pending
        return [((), max(0.0, self.clock.time() - oldest) if oldest else 0.0)]

    @property
    def intake_paused(self) -> bool:
        state = self.intake.state
        return state.paused_for_budget or state.disk_error is not None

    # -- the control API's view ---------------------------------------------------------------

    def health(self) -> list[str]:
        """Problems that make the service unhealthy (empty when healthy)."""
        problems = []
        oldest = self.outbox.stats().oldest_pending
        limit = self.config.outbox.health_max_age_minutes * 60
        age = self.clock.time() - oldest if oldest else 0.0
        if oldest and age > limit and self.uploader.state.server_answers:
            problems.append(
                f"oldest pending report is {age / 60:.0f} min old while the "
                f"server answers (error: {self.uploader.state.error})"
            )
        if self.started is not None:
            now = self.clock.time()
            clock = DeliveryClock(
                due_since=self.outbox.due_since(),
                last_attempt=self.uploader.state.last_attempt,
                started=now - (self.clock.monotonic() - self.started),
                paused_until=self.uploader.state.paused_until,
            )
            stall = stall_problem(clock, now, self.config.outbox.health_stall_seconds)
            if stall:
                problems.append(stall)
        if self.intake.state.disk_error:
            problems.append(f"outbox cannot be written: {self.intake.state.disk_error}")
        for key, problem in self.unusable.items():
            entry = self.config.converters[key]
            problems.append(
                f"converters[{key}] ({entry.type}) does not run, files in {entry.watch} wait: "
                f"{problem}"
            )
        if self.pool.start_error:
            problems.append(f"files wait for conversion: {self.pool.start_error}")
        for spec in self.watcher.missing:
            problems.append(
                f"watch folder {spec.folder} of converters[{spec.key}] does not exist; its files "
                "are taken once it appears"
            )
        return problems

    def is_ready(self) -> bool:
        return self._ready

    async def wait_ready(self) -> None:
        """Return once `run` has started every part and the service takes files."""
        await self._running.wait()

    def metrics_text(self) -> str:
        return self.metrics.render()

    def retried(self) -> None:
        self.uploader.poke()

    async def retry_now(self) -> RetryNowResult:
        """Try every pending report now instead of after the backoff (the server is back)."""
        pending = await self.uploader.retry_now()
        _log.info("retry now: %d pending report(s) due", pending)
        return RetryNowResult(pending=pending)

    def status(self) -> ServiceStatus:
        stats = self.outbox.stats()
        up = self.uploader.state
        return ServiceStatus(
            station=StationInfo(
                name=self.station.name,
                location=self.station.location,
                purpose=self.station.purpose,
            ),
            server=self.config.server.url,
            pid=os.getpid(),
            uptime_seconds=0.0 if self.started is None else self.clock.monotonic() - self.started,
            ready=self._ready,
            health=self.health(),
            outbox=OutboxCounts(
                pending=stats.pending,
                delivered=stats.delivered,
                quarantined=stats.quarantined,
                queued_bytes=stats.queued_bytes,
                budget_bytes=self.outbox.max_bytes,
                oldest_pending=stats.oldest_pending,
            ),
            uploader=UploaderStatus(
                in_flight=len(up.in_flight),
                consecutive_failures=up.consecutive_failures,
                paused_until=up.paused_until,
                next_try=self.uploader.next_try(),
                last_success=up.last_success,
                error=up.error,
                server_answers=up.server_answers,
            ),
            errors=self.history.entries(),
            intake=IntakeStatus(
                watching=self.watcher.pending,
                converting=self.intake.active,
                workers=self.pool.running,
                workers_max=self.pool.size,
                paused_for_budget=self.intake.state.paused_for_budget,
                disk_error=self.intake.state.disk_error,
                folders=[str(spec.folder) for spec in self.watcher.specs],
                missing_folders=[str(spec.folder) for spec in self.watcher.missing],
            ),
            quarantined_files=len(self.quarantine.entries()),
            log=LogCounts(queued=queued_lines(), dropped=dropped_lines()),
            restarts=dict(self.restarts),
            totals=Totals(
                accepted=self.metrics.total("accepted_total"),
                delivered=self.metrics.total("delivered_total"),
                failed=self.metrics.total("failed_total"),
            ),
        )

    def converters(self) -> list[ConverterEntry]:
        return [
            ConverterEntry(
                type=c.type,
                watch=str(c.watch),
                enabled=c.enabled,
                patterns=list(c.patterns or _declared_patterns(c.type)),
                after=c.after,
                priority=c.priority,
                parameters=c.parameters,
            )
            for c in self.config.converters
        ]

    async def dry_run(self, request: DryRunRequest) -> DryRunResult:
        """Convert the request's file without queueing anything; returns the reports."""
        converter, parameters = request.converter, request.parameters
        try:
            get_converter(converter)(parameters)
        except (UnknownConverterError, ParameterError) as exc:
            return DryRunResult(ok=False, error=str(exc))
        job = Job(converter, parameters, request.name, request.content(), self.station)
        outcome = await self.pool.convert(job)
        if isinstance(outcome, Converted):
            reports = [json.loads(document) for _, document in outcome.reports]
            return DryRunResult(ok=True, reports=reports, log=outcome.log)
        return DryRunResult(ok=False, error=outcome.reason, log=outcome.log)

    async def reload(self) -> ReloadResult:
        """Re-read the config file; converters, folders and intake settings apply at once."""
        if self.config_path is None:
            return ReloadResult(ok=False, error="the service was not started from a config file")
        try:
            fresh = await anyio.to_thread.run_sync(load_config, self.config_path)
        except ConfigError as exc:
            return ReloadResult(ok=False, error=str(exc))
        restart = [
            section
            for section in ("server", "station", "paths", "control", "outbox")
            if getattr(fresh, section) != getattr(self.config, section)
        ]
        self.config = self.config.model_copy(
            update={
                "converters": fresh.converters,
                "intake": fresh.intake,
                "logging": fresh.logging,
            }
        )
        logging.getLogger().setLevel(fresh.logging.level)
        intake = fresh.intake
        self.pool.configure(intake.workers, intake.timeout_seconds, intake.worker_idle_seconds)
        if self._reload_scope is not None:
            self._reload_scope.cancel()
        _log.info("configuration reloaded from %s", self.config_path)
        return ReloadResult(
            ok=True, applied=["converters", "intake", "logging"], restart_required=restart
        )

    # -- running ------------------------------------------------------------------------------

    def stop(self) -> None:
        """Begin the two-phase shutdown (thread-unsafe; call from the event loop)."""
        self._stop.set()

    async def run(self, *, handle_signals: bool = True) -> None:
        """Run until `stop()` or SIGTERM/SIGINT; returns after a clean shutdown."""
        data = self.config.paths.data
        lock = InstanceLock.take(data)  # before recovery touches anything another may be writing
        try:
            await self._run(data, handle_signals)
        finally:
            lock.release()

    async def _run(self, data: Path, handle_signals: bool) -> None:
        def set_aside(path: Path, reason: str) -> None:
            self.quarantine.put(path, reason=reason, converter="outbox")

        await anyio.to_thread.run_sync(self.quarantine.tidy)
        summary = await anyio.to_thread.run_sync(self.outbox.recover, set_aside)
        if any(summary.values()):
            _log.warning("outbox recovery: %s", summary)
        if self.config.control.enabled:
            app = create_app(self, ensure_token(data))
            host, port = self.config.control.host, self.config.control.port
            try:
                self.control = ControlServer(app, host, port)
            except OSError as exc:
                problem = f"cannot listen on {host}:{port}: {exc.strerror}"
                raise ConfigError(f"control.port: {problem}", {"control.port": problem}) from None
            # Atomic: a client that finds the file reads all of it.
            endpoint = Endpoint(url=self.control.url, pid=os.getpid())
            DiskIO().write_atomic(data / ENDPOINT_FILE, endpoint.model_dump_json().encode())
        self.started = self.clock.monotonic()
        try:
            async with anyio.create_task_group() as group:
                if handle_signals and os.name != "nt":  # Windows: Ctrl-C ends anyio.run
                    # Awaited: a SIGTERM right after READY must find the handler installed.
                    await group.start(self._signals)
                group.start_soon(self._intake_forever)
                group.start_soon(self._supervised, "uploader", self.uploader.run)
                group.start_soon(self._supervised, "housekeeping", self._housekeeping)
                group.start_soon(self._supervised, "workers", self.pool.run)
                if self.control is not None:
                    group.start_soon(self._supervised, "control", self.control.serve)
                if self.config.server.token_file is not None:
                    follower = TokenFollower(self.config.server.token_file, self.client)
                    # A new token is worth trying at once: reports waiting after a 401 go now.
                    group.start_soon(
                        self._supervised, "token", lambda: follower.run(self.retry_now)
                    )
                self._ready = True
                self._running.set()
                self.notifier.ready(f"watching {len(self.watcher.specs)} folder(s)")
                _log.info("station %s running", self.station.name)
                await self._stop.wait()
                await self._shutdown(group)
        finally:
            self.pool.close()
            await self.client.aclose()
            self.store.close()
            (data / ENDPOINT_FILE).unlink(missing_ok=True)
            _log.info("stopped")

    async def _shutdown(self, group: anyio.abc.TaskGroup) -> None:
        _log.info("stopping: intake closed, finishing work in flight")
        self._ready = False
        self.notifier.stopping()
        self.intake.stopping = True
        if self._watch_scope is not None:
            self._watch_scope.cancel()  # no new files; those found but not started stay put
        with anyio.move_on_after(self.shutdown_deadline):
            await self.intake.wait_idle()
            await self.uploader.drain(self.shutdown_deadline)
        self.pool.close()  # conversions still running fail and their files stay for next time
        if self.control is not None:
            await self.control.stop()
        group.cancel_scope.cancel()

    async def _supervised(self, name: str, run: Any) -> None:
        await supervise(name, run, backoff=_RESTART_BACKOFF, restarts=self.restarts)

    async def _signals(
        self, *, task_status: anyio.abc.TaskStatus[None] = anyio.TASK_STATUS_IGNORED
    ) -> None:
        with anyio.open_signal_receiver(signal.SIGTERM, signal.SIGINT) as signals:
            task_status.started()  # handlers in place: READY may be announced
            async for received in signals:
                _log.info("received %s", signal.Signals(received).name)
                self.stop()

    async def _intake_forever(self) -> None:
        """Watcher and intake; rebuilt from the current config after a reload."""
        while not self.intake.stopping:
            send, receive = anyio.create_memory_object_stream[Ready](64)
            with anyio.CancelScope() as scope:
                self._reload_scope = scope
                async with send, receive, anyio.create_task_group() as group:
                    group.start_soon(self._watch, send)
                    group.start_soon(self._consume, receive)
            if self.intake.stopping:
                return
            old = self.intake
            self.watcher, self.intake = self._build_intake(self.config)
            self.intake.state = old.state

    async def _consume(self, receive: anyio.abc.ObjectReceiveStream[Ready]) -> None:
        concurrency = 2 * self.config.intake.workers
        await self._supervised("intake", lambda: self.intake.run(receive, concurrency))

    async def _watch(self, send: anyio.abc.ObjectSendStream[Ready]) -> None:
        with anyio.CancelScope() as scope:
            self._watch_scope = scope
            await self._supervised("watcher", lambda: self.watcher.run(send))

    async def _housekeeping(self) -> None:
        keep = self.config.outbox.keep_delivered_hours * 3600
        interval = self.notifier.watchdog_interval or 30.0
        last_prune = 0.0
        while True:
            self.notifier.watchdog()
            if self.clock.monotonic() - last_prune > 600:
                pruned = await anyio.to_thread.run_sync(self.outbox.prune, keep)
                forgotten = await anyio.to_thread.run_sync(
                    self.store.ledger_prune, self.clock.time() - keep
                )
                if pruned or forgotten:
                    _log.info("pruned %d delivered report(s), %d ledger entries", pruned, forgotten)
                last_prune = self.clock.monotonic()
            await anyio.sleep(min(interval, 30.0))
