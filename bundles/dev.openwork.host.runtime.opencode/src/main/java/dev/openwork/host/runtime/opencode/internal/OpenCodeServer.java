package dev.openwork.host.runtime.opencode.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Supervises one {@code opencode serve} on 127.0.0.1: a free port, a fresh random password per
 * start, its own state directories. When it dies it is started again after a delay that doubles
 * with each crash in a row (reset once it has run a minute); when it stops answering its health
 * route three times in a row it is killed and restarted. A missing executable is a state, not an
 * error: it is looked for again every 30 seconds. Thread-safe; the listener is called on the
 * supervisor's threads.
 */
final class OpenCodeServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpenCodeServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration MISSING_RECHECK = Duration.ofSeconds(30);
    static final Duration STABLE_AFTER = Duration.ofSeconds(60);
    static final Duration LIVENESS_INTERVAL = Duration.ofSeconds(10);
    static final int LIVENESS_FAILURES = 3;
    static final long MAX_LOG_BYTES = 10L * 1024 * 1024;
    static final String INSTALL_ACTION = "Install OpenCode (npm install -g opencode-ai, or see docs/opencode.md) and set "
            + "binary = /path/to/opencode in etc/dev.openwork.host.runtime.opencode.cfg; the host starts it within 30 s.";

    enum Phase { DISABLED, MISSING, STARTING, RUNNING, RESTARTING, STOPPED }

    /** What the supervisor knows now; never holds the password. */
    record Status(Phase phase, String cause, String action, Instant since, int restarts, Integer lastExitCode,
            Instant lastCrashAt, Connection connection, Instant runningSince) {
    }

    /** Told when OpenCode starts answering and when it stops (crashed or stopped by the host). */
    interface Listener {
        void started(Connection connection);

        void stopped(Connection connection, String cause, boolean crashed);
    }

    private final OpenCodeSettings settings;
    private final OpenCodeEnvironment.Directories dirs;
    private final Listener listener;
    private final ScheduledExecutorService scheduler;
    private final OpenCodeHttp http;
    private final Supplier<Map<String, String>> hostEnvironment;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    private volatile Status status;
    private Process process;
    private Connection connection;
    private int generation;
    private int crashesInARow;
    private int restarts;
    private int livenessFailures;
    private boolean closed;
    /** The marker of the current start, inherited by everything OpenCode runs. */
    private String instance;

    OpenCodeServer(OpenCodeSettings settings, OpenCodeEnvironment.Directories dirs, Listener listener,
            ScheduledExecutorService scheduler, OpenCodeHttp http, Supplier<Map<String, String>> hostEnvironment, Clock clock) {
        this.settings = settings;
        this.dirs = dirs;
        this.listener = listener;
        this.scheduler = scheduler;
        this.http = http;
        this.hostEnvironment = hostEnvironment;
        this.clock = clock;
        this.status = new Status(Phase.STARTING, "OpenCode is starting.", null, clock.instant(), 0, null, null, null, null);
    }

    Status status() {
        return status;
    }

    void start() {
        scheduler.execute(this::launch);
        scheduler.scheduleWithFixedDelay(this::checkLiveness, LIVENESS_INTERVAL.toMillis(), LIVENESS_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * The running OpenCode, waiting up to {@code max} while it starts or restarts; empty when it is not
     * running by then, or cannot run at all (see {@link #status()} for why).
     */
    Optional<Connection> awaitRunning(Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        synchronized (this) {
            while (true) {
                Status now = status;
                if (now.phase() == Phase.RUNNING) {
                    return Optional.of(now.connection());
                }
                if (closed || now.phase() == Phase.DISABLED || now.phase() == Phase.MISSING || now.phase() == Phase.STOPPED) {
                    return Optional.empty();
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(500)));
            }
        }
    }

    /** The running OpenCode, or empty. */
    Optional<Connection> current() {
        Status now = status;
        return now.phase() == Phase.RUNNING ? Optional.of(now.connection()) : Optional.empty();
    }

    private synchronized void setStatus(Status next) {
        status = next;
        notifyAll();
    }

    private void launch() {
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        Instant now = clock.instant();
        if (!settings.enabled()) {
            setStatus(new Status(Phase.DISABLED, "OpenCode is switched off (enabled = false).",
                    "Set enabled = true in etc/dev.openwork.host.runtime.opencode.cfg to run OpenCode tasks.", now, restarts,
                    null, null, null, null));
            return;
        }
        Optional<Path> executable = resolveBinary(settings.binary(), hostEnvironment.get().get("PATH"));
        if (executable.isEmpty()) {
            Status previous = status;
            if (previous.phase() != Phase.MISSING) {
                LOG.warn("OpenCode is not installed: no executable '{}' found; looking again every {} s", settings.binary(),
                        MISSING_RECHECK.toSeconds());
            }
            setStatus(new Status(Phase.MISSING, "OpenCode is not installed: no executable '" + settings.binary()
                    + "' was found" + (settings.binary().contains("/") ? "." : " on PATH."), INSTALL_ACTION, now, restarts,
                    null, null, null, null));
            scheduler.schedule(this::launch, MISSING_RECHECK.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        int gen;
        synchronized (this) {
            gen = ++generation;
        }
        Status previous = status;
        setStatus(new Status(previous.phase() == Phase.RESTARTING ? Phase.RESTARTING : Phase.STARTING,
                previous.phase() == Phase.RESTARTING ? previous.cause() + " Restarting it now." : "OpenCode is starting.",
                previous.action(), now, restarts, previous.lastExitCode(), previous.lastCrashAt(), null, null));
        Process started;
        Connection candidate;
        try {
            for (Path dir : dirs.all()) {
                Files.createDirectories(dir);
            }
            String password = newPassword();
            int port = freePort();
            Map<String, String> environment = OpenCodeEnvironment.build(hostEnvironment.get(), settings, dirs, password);
            instance = newPassword().substring(0, 16);
            environment.put(Orphans.MARKER, instance);
            ProcessBuilder builder = new ProcessBuilder(executable.get().toString(), "serve", "--hostname", "127.0.0.1",
                    "--port", Integer.toString(port))
                    .directory(dirs.work().toFile()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().clear();
            builder.environment().putAll(environment);
            started = builder.start();
            String authorization = "Basic " + Base64.getEncoder().encodeToString(
                    (OpenCodeEnvironment.USERNAME + ":" + password).getBytes(StandardCharsets.UTF_8));
            candidate = new Connection(gen, port, authorization, started.pid(), null);
        } catch (IOException | RuntimeException e) {
            LOG.warn("OpenCode could not be started from {}", executable.get(), e);
            crashed(gen, null, "OpenCode could not be started from " + executable.get() + ": " + e.getMessage());
            return;
        }
        synchronized (this) {
            if (closed || gen != generation) {
                terminate(started, settings.stopGrace());
                return;
            }
            process = started;
        }
        LOG.info("OpenCode started from {} (pid {}), waiting for it to answer", executable.get(), started.pid());
        Instant launchedAt = clock.instant();
        pumpOutput(started, gen);
        started.onExit().thenAccept(exited -> crashed(gen, exited.exitValue(), null));
        Optional<String> version = awaitHealthy(candidate, started);
        if (version.isEmpty()) {
            if (started.isAlive()) {
                LOG.warn("OpenCode did not answer within {} s; killing it", settings.startTimeout().toSeconds());
                synchronized (this) {
                    if (gen == generation) {
                        pendingCause = "OpenCode did not answer within " + settings.startTimeout().toSeconds() + " s of starting.";
                    }
                }
                terminate(started, Duration.ZERO);
            }
            return;
        }
        Connection running = candidate.withVersion(version.get());
        synchronized (this) {
            if (closed || gen != generation || !started.isAlive()) {
                return;
            }
            connection = running;
            livenessFailures = 0;
        }
        LOG.info("OpenCode {} answers on 127.0.0.1 after {} ms", version.get(),
                Duration.between(launchedAt, clock.instant()).toMillis());
        setStatus(new Status(Phase.RUNNING, "OpenCode " + version.get() + " answers on 127.0.0.1 (pid " + started.pid() + ").",
                null, clock.instant(), restarts, status.lastExitCode(), status.lastCrashAt(), running, clock.instant()));
        listener.started(running);
    }

    /** Why the next exit happens, when the supervisor itself caused it. */
    private String pendingCause;

    private Optional<String> awaitHealthy(Connection candidate, Process started) {
        long end = System.nanoTime() + settings.startTimeout().toNanos();
        while (System.nanoTime() < end && started.isAlive()) {
            try {
                OpenCodeHttp.Answer answer = http.send(candidate, "GET", "/global/health", null, null, Duration.ofSeconds(2));
                if (answer.ok()) {
                    JsonNode health = JSON.readTree(answer.body());
                    return Optional.of(health.path("version").asText("unknown"));
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private void crashed(int gen, Integer exitCode, String failure) {
        Connection lost;
        String cause;
        long delayMillis;
        String marker;
        synchronized (this) {
            if (gen != generation) {
                return;
            }
            marker = instance;
            lost = connection;
            connection = null;
            process = null;
            if (closed) {
                return;
            }
            Status previous = status;
            boolean ranLong = previous.runningSince() != null
                    && Duration.between(previous.runningSince(), clock.instant()).compareTo(STABLE_AFTER) >= 0;
            crashesInARow = ranLong ? 1 : crashesInARow + 1;
            restarts++;
            long factor = 1L << Math.min(20, crashesInARow - 1);
            delayMillis = Math.min(settings.maxRestartDelay().toMillis(), settings.restartDelay().toMillis() * factor);
            String why = pendingCause != null ? pendingCause + " " : "";
            pendingCause = null;
            cause = failure != null ? failure
                    : why + "OpenCode stopped unexpectedly (exit code " + exitCode + ")" + (lost != null ? " while it was serving." : " while it was starting.");
            status = new Status(Phase.RESTARTING, cause + " Restart " + restarts + " in " + delayMillis + " ms.",
                    "If it keeps stopping, read " + dirs.log().resolve("opencode.log") + " and check the binary and configFile settings.",
                    clock.instant(), restarts, exitCode, clock.instant(), null, null);
            notifyAll();
        }
        killOrphans(marker);
        LOG.warn("{} Restarting it in {} ms (restart {})", cause, delayMillis, restarts);
        listener.stopped(lost, cause, true);
        scheduler.schedule(this::launch, delayMillis, TimeUnit.MILLISECONDS);
    }

    private void checkLiveness() {
        Connection running;
        Process watched;
        synchronized (this) {
            running = connection;
            watched = process;
        }
        if (running == null || watched == null) {
            return;
        }
        boolean answered;
        try {
            answered = http.send(running, "GET", "/global/health", null, null, Duration.ofSeconds(5)).ok();
        } catch (IOException e) {
            answered = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        synchronized (this) {
            if (running != connection) {
                return;
            }
            livenessFailures = answered ? 0 : livenessFailures + 1;
            if (livenessFailures < LIVENESS_FAILURES) {
                return;
            }
            pendingCause = "OpenCode stopped answering its health route (" + LIVENESS_FAILURES + " checks in a row).";
        }
        LOG.warn("OpenCode (pid {}) stopped answering; killing it to restart it", watched.pid());
        terminate(watched, Duration.ZERO);
    }

    /** Copies OpenCode's output to its own log file (never the host's log: it may echo prompts). */
    private void pumpOutput(Process started, int gen) {
        Path log = dirs.log().resolve("opencode.log");
        Thread pump = new Thread(() -> {
            try {
                if (Files.exists(log) && Files.size(log) > MAX_LOG_BYTES) {
                    Files.move(log, dirs.log().resolve("opencode.log.1"), StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                LOG.debug("OpenCode's log could not be rotated", e);
            }
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8));
                    OutputStream out = Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                out.write(("--- " + clock.instant() + " start " + gen + " (pid " + started.pid() + ")\n").getBytes(StandardCharsets.UTF_8));
                String line;
                while ((line = reader.readLine()) != null) {
                    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (IOException e) {
                LOG.debug("OpenCode's output ended", e);
            }
        }, "openwork-opencode-output");
        pump.setDaemon(true);
        pump.start();
    }

    /** Stops OpenCode for good: SIGTERM to it and everything it started, SIGKILL after the grace period. */
    @Override
    public void close() {
        Process running;
        Connection lost;
        String marker;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            marker = instance;
            running = process;
            lost = connection;
            process = null;
            connection = null;
            status = new Status(Phase.STOPPED, "OpenCode was stopped with the runtime.", null, clock.instant(), restarts,
                    status.lastExitCode(), status.lastCrashAt(), null, null);
            notifyAll();
        }
        if (running != null) {
            terminate(running, settings.stopGrace());
            LOG.info("OpenCode (pid {}) stopped", running.pid());
        }
        killOrphans(marker);
        if (lost != null) {
            listener.stopped(lost, "the OpenCode runtime stopped", false);
        }
    }

    /** Commands a dead OpenCode left running would go on without anyone watching them. */
    private static void killOrphans(String marker) {
        if (marker != null) {
            int killed = Orphans.kill(marker);
            if (killed > 0) {
                LOG.info("Killed {} process(es) the stopped OpenCode had left running", killed);
            }
        }
    }

    static void terminate(Process process, Duration grace) {
        List<ProcessHandle> tree = new ArrayList<>();
        process.descendants().forEach(tree::add);
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long end = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < end && tree.stream().anyMatch(ProcessHandle::isAlive)) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The executable: a path as given, or the first match on PATH. */
    static Optional<Path> resolveBinary(String binary, String path) {
        if (binary.contains("/")) {
            Path given = Path.of(binary);
            return Files.isRegularFile(given) && Files.isExecutable(given) ? Optional.of(given) : Optional.empty();
        }
        String search = path == null || path.isBlank() ? OpenCodeEnvironment.DEFAULT_PATH : path;
        for (String dir : search.split(File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path candidate = Path.of(dir, binary);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private String newPassword() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
