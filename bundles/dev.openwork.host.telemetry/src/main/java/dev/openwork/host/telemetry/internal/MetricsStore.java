package dev.openwork.host.telemetry.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.openwork.host.api.telemetry.MetricsBucket;
import dev.openwork.host.api.telemetry.MetricsSummary;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The counters, their hourly slices for the charts, and their file. Every method is synchronized:
 * events arrive on EventAdmin's threads, readers come from HTTP and the console, and each call is
 * short. Writes replace the file atomically (temp file, fsync, rename), so a crash leaves either the
 * previous or the new file, and at most the counts since the last flush are lost.
 */
final class MetricsStore {

    static final String CONNECTIONS = "connections";
    static final String CONNECTION_FAILURES = "connection_failures";
    static final String PAIRING = "pairing";
    static final String PAIRING_WINDOWS = "pairing_windows";
    static final String TASKS = "tasks";
    static final String PERMISSION_PROMPTS = "permission_prompts";
    static final String PERMISSION_ANSWERS = "permission_answers";
    static final String DEVICES_PAIRED = "devices_paired";
    static final String DEVICES_REVOKED = "devices_revoked";
    /** Counters without labels keep their count under this label. */
    static final String NO_LABEL = "";
    /** What the charts need per hour; everything else is kept as totals only. */
    private static final List<String> CHARTED = List.of(TASKS, CONNECTION_FAILURES, CONNECTIONS);
    static final double[] DURATION_BOUNDS_SECONDS = {1, 5, 30, 60, 300, 1800, 3600, 21600};

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path file;
    private final Clock clock;
    private StoredMetrics state;
    private Instant runStartedAt;
    private boolean dirty;

    private MetricsStore(Path file, Clock clock, StoredMetrics state) {
        this.file = file;
        this.clock = clock;
        this.state = state;
    }

    /**
     * Reads the file (a missing one starts from zero; an unreadable one is set aside as
     * {@code metrics.json.unreadable-<time>} and counting starts again, rather than failing the host).
     */
    static MetricsStore open(Path file, Clock clock) {
        StoredMetrics state = null;
        if (Files.exists(file)) {
            try {
                state = JSON.readValue(file.toFile(), StoredMetrics.class);
                if (state.taskDurationBuckets == null || state.taskDurationBuckets.length != DURATION_BOUNDS_SECONDS.length + 1) {
                    state.taskDurationBuckets = new long[DURATION_BOUNDS_SECONDS.length + 1];
                }
            } catch (IOException e) {
                org.slf4j.LoggerFactory.getLogger(MetricsStore.class).warn("The metrics file {} cannot be read; counting starts again", file, e);
                try {
                    Files.move(file, file.resolveSibling(file.getFileName() + ".unreadable-" + clock.millis()));
                } catch (IOException ignored) {
                    // it stays where it is and is overwritten at the next flush
                }
                state = null;
            }
        }
        if (state == null) {
            state = new StoredMetrics();
            state.since = clock.instant().getEpochSecond();
        }
        return new MetricsStore(file, clock, state);
    }

    /**
     * Records that a run of the host (identified by its process start) is going. A run not seen before
     * counts as a start, and the previous run's uptime is added up; if that run never wrote that it
     * stopped, it ended uncleanly.
     */
    synchronized void runStarted(Instant processStartedAt) {
        this.runStartedAt = processStartedAt;
        if (state.runStartedAtMillis != processStartedAt.toEpochMilli()) {
            if (state.running) {
                state.uncleanStops++;
            }
            state.earlierRunsUptimeSeconds += state.runUptimeSeconds;
            state.runUptimeSeconds = 0;
            state.runStartedAtMillis = processStartedAt.toEpochMilli();
            state.starts++;
        }
        state.running = true;
        dirty = true;
    }

    /** Records a clean stop of this run (or of the telemetry bundle: the run then continues at its next start). */
    synchronized void runStopping() {
        state.running = false;
        dirty = true;
    }

    synchronized void count(String metric, String label) {
        String key = label == null ? NO_LABEL : label.toLowerCase(Locale.ROOT);
        state.counters.computeIfAbsent(metric, k -> new TreeMap<>()).merge(key, 1L, Long::sum);
        if (CHARTED.contains(metric)) {
            long hour = clock.instant().truncatedTo(ChronoUnit.HOURS).getEpochSecond();
            state.hours.computeIfAbsent(hour, k -> new TreeMap<>()).computeIfAbsent(metric, k -> new TreeMap<>())
                    .merge(key, 1L, Long::sum);
        }
        dirty = true;
    }

    synchronized void taskFinished(String outcome, Long durationMillis) {
        count(TASKS, outcome);
        if (durationMillis != null && durationMillis >= 0) {
            state.taskDurationCount++;
            state.taskDurationTotalMillis += durationMillis;
            state.taskDurationMaxMillis = Math.max(state.taskDurationMaxMillis, durationMillis);
            int bucket = DURATION_BOUNDS_SECONDS.length;
            for (int i = 0; i < DURATION_BOUNDS_SECONDS.length; i++) {
                if (durationMillis <= DURATION_BOUNDS_SECONDS[i] * 1000) {
                    bucket = i;
                    break;
                }
            }
            state.taskDurationBuckets[bucket]++;
        }
    }

    /** Drops hourly slices older than {@code retention}; totals are kept. */
    synchronized void prune(Duration retention) {
        long oldest = clock.instant().minus(retention).truncatedTo(ChronoUnit.HOURS).getEpochSecond();
        int before = state.hours.size();
        state.hours.keySet().removeIf(hour -> hour < oldest);
        dirty |= state.hours.size() != before;
    }

    /** Writes the file if anything changed since the last write. */
    synchronized void flush() throws IOException {
        if (runStartedAt != null) {
            long uptime = Math.max(0, Duration.between(runStartedAt, clock.instant()).toSeconds());
            dirty |= uptime != state.runUptimeSeconds;
            state.runUptimeSeconds = uptime;
        }
        if (!dirty) {
            return;
        }
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        byte[] bytes = JSON.writeValueAsBytes(state);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(java.nio.ByteBuffer.wrap(bytes));
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        dirty = false;
    }

    synchronized long total(String metric) {
        return state.counters.getOrDefault(metric, Map.of()).values().stream().mapToLong(Long::longValue).sum();
    }

    synchronized Map<String, Long> byLabel(String metric) {
        return Map.copyOf(state.counters.getOrDefault(metric, Map.of()));
    }

    synchronized MetricsSummary summary(boolean enabled) {
        Instant now = clock.instant();
        long uptime = runStartedAt == null ? 0 : Math.max(0, Duration.between(runStartedAt, now).toSeconds());
        Instant hour = now.truncatedTo(ChronoUnit.HOURS);
        List<MetricsBucket> day = new ArrayList<>();
        for (int i = 23; i >= 0; i--) {
            Instant start = hour.minus(i, ChronoUnit.HOURS);
            day.add(bucket(start, Duration.ofHours(1)));
        }
        Instant today = now.truncatedTo(ChronoUnit.DAYS);
        List<MetricsBucket> week = new ArrayList<>();
        for (int i = 6; i >= 0; i--) {
            week.add(bucket(today.minus(i, ChronoUnit.DAYS), Duration.ofDays(1)));
        }
        return new MetricsSummary(enabled, Instant.ofEpochSecond(state.since), uptime, state.earlierRunsUptimeSeconds + uptime,
                state.starts, state.uncleanStops, byLabel(CONNECTIONS), byLabel(CONNECTION_FAILURES), byLabel(PAIRING),
                total(PAIRING_WINDOWS), byLabel(TASKS), new MetricsSummary.TaskDurations(state.taskDurationCount,
                        state.taskDurationTotalMillis / 1000.0, state.taskDurationMaxMillis / 1000.0),
                total(PERMISSION_PROMPTS), byLabel(PERMISSION_ANSWERS), total(DEVICES_PAIRED), total(DEVICES_REVOKED),
                day, week);
    }

    private MetricsBucket bucket(Instant start, Duration length) {
        long from = start.getEpochSecond();
        long to = start.plus(length).getEpochSecond();
        Map<String, Long> tasks = new TreeMap<>();
        Map<String, Long> failures = new TreeMap<>();
        long connections = 0;
        for (Map.Entry<Long, Map<String, Map<String, Long>>> hour : state.hours.subMap(from, to).entrySet()) {
            hour.getValue().getOrDefault(TASKS, Map.of()).forEach((k, v) -> tasks.merge(k, v, Long::sum));
            hour.getValue().getOrDefault(CONNECTION_FAILURES, Map.of()).forEach((k, v) -> failures.merge(k, v, Long::sum));
            connections += hour.getValue().getOrDefault(CONNECTIONS, Map.of()).values().stream().mapToLong(Long::longValue).sum();
        }
        return new MetricsBucket(start, length.toSeconds(), tasks, failures, connections);
    }

    /** Everything, in the Prometheus text exposition format 0.0.4. */
    synchronized String prometheus(boolean enabled) {
        PrometheusText text = new PrometheusText();
        text.gauge("openwork_metrics_enabled", "Whether local metrics are collected (1) or switched off (0).", enabled ? 1 : 0);
        if (!enabled) {
            return text.toString();
        }
        MetricsSummary summary = summary(true);
        text.gauge("openwork_host_uptime_seconds", "Seconds since this run of the host started.", summary.uptimeSeconds());
        text.counter("openwork_host_uptime_seconds_total", "Uptime of every run added up.", summary.totalUptimeSeconds());
        text.counter("openwork_host_starts_total", "Starts of the host.", summary.starts());
        text.counter("openwork_host_unclean_stops_total", "Runs that ended without a clean stop.", summary.uncleanStops());
        text.labelled("openwork_connections_total", "Connections by kind (tls: LAN handshakes, stream: event streams).", "kind",
                summary.connections());
        text.labelled("openwork_connection_failures_total", "Refused connections and requests by reason.", "reason",
                summary.connectionFailures());
        text.counter("openwork_pairing_windows_total", "Pairing windows opened.", summary.pairingWindows());
        text.labelled("openwork_pairing_steps_total", "Pairing steps by outcome.", "outcome", summary.pairing());
        text.labelled("openwork_tasks_total", "Finished tasks by outcome.", "outcome", summary.tasks());
        text.histogram("openwork_task_duration_seconds", "Durations of finished tasks, from acceptance to end.",
                DURATION_BOUNDS_SECONDS, state.taskDurationBuckets, state.taskDurationTotalMillis / 1000.0);
        text.counter("openwork_permission_prompts_total", "Permission prompts asked.", summary.permissionPrompts());
        text.labelled("openwork_permission_answers_total", "Permission answers by answer.", "answer", summary.permissionAnswers());
        text.counter("openwork_devices_paired_total", "Devices approved.", summary.devicesPaired());
        text.counter("openwork_devices_revoked_total", "Devices revoked.", summary.devicesRevoked());
        return text.toString();
    }
}
