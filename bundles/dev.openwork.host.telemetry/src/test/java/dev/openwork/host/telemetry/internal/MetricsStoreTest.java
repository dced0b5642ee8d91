package dev.openwork.host.telemetry.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.openwork.host.api.events.HostEventProperties;
import dev.openwork.host.api.events.HostTopics;
import dev.openwork.host.api.telemetry.MetricsSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class MetricsStoreTest {

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-25T10:30:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private Path file;

    @Before
    public void setUp() {
        file = folder.getRoot().toPath().resolve("telemetry/metrics.json");
    }

    private static void send(EventRecorder recorder, String topic, Map<String, Object> properties) {
        recorder.record(topic, properties::get);
    }

    @Test
    public void eventsBecomeCountsThatSurviveARestart() throws Exception {
        MetricsStore store = MetricsStore.open(file, clock);
        Instant firstRun = now.get().minusSeconds(60);
        store.runStarted(firstRun);
        EventRecorder recorder = new EventRecorder(store);
        send(recorder, HostTopics.TASK_STATE, Map.of(HostEventProperties.NEW_STATUS, "running"));
        send(recorder, HostTopics.TASK_STATE, Map.of(HostEventProperties.NEW_STATUS, "succeeded", HostEventProperties.DURATION_MILLIS, 1500L));
        send(recorder, HostTopics.TASK_STATE, Map.of(HostEventProperties.NEW_STATUS, "failed", HostEventProperties.DURATION_MILLIS, 40L));
        send(recorder, HostTopics.CLIENT_FAILED, Map.of(HostEventProperties.REASON, HostEventProperties.REASON_BAD_CREDENTIAL));
        send(recorder, HostTopics.CLIENT_FAILED, Map.of(HostEventProperties.REASON, "Weird Reason!"));
        send(recorder, HostTopics.CLIENT_CONNECTED, Map.of(HostEventProperties.KIND, "tls"));
        send(recorder, HostTopics.PAIRING_WINDOW_OPENED, Map.of());
        send(recorder, HostTopics.PAIRING_ATTEMPT, Map.of(HostEventProperties.OUTCOME, "failed"));
        send(recorder, HostTopics.PERMISSION_ASKED, Map.of());
        send(recorder, HostTopics.PERMISSION_ANSWERED, Map.of(HostEventProperties.OUTCOME, "once"));
        send(recorder, HostTopics.DEVICE_PAIRED, Map.of(HostEventProperties.DEVICE_ID, "d1"));
        now.set(now.get().plusSeconds(30));
        store.flush();

        MetricsStore reopened = MetricsStore.open(file, clock);
        reopened.runStarted(firstRun); // the same run: the telemetry bundle was only restarted
        MetricsSummary summary = reopened.summary(true);
        assertEquals(Map.of("succeeded", 1L, "failed", 1L), summary.tasks());
        assertEquals(Map.of("bad_credential", 1L, "unknown", 1L), summary.connectionFailures());
        assertEquals(Map.of("tls", 1L), summary.connections());
        assertEquals(Map.of("failed", 1L), summary.pairing());
        assertEquals(1, summary.pairingWindows());
        assertEquals(1, summary.permissionPrompts());
        assertEquals(Map.of("once", 1L), summary.permissionAnswers());
        assertEquals(1, summary.devicesPaired());
        assertEquals(1, summary.starts());
        assertEquals(2, summary.taskDurations().count());
        assertEquals(1.5, summary.taskDurations().maxSeconds(), 0.001);
        assertEquals(24, summary.lastDay().size());
        assertEquals(7, summary.lastWeek().size());
        assertEquals(Map.of("succeeded", 1L, "failed", 1L), summary.lastDay().get(23).tasks());
        assertEquals(Map.of("succeeded", 1L, "failed", 1L), summary.lastWeek().get(6).tasks());
        assertEquals(Instant.parse("2026-11-25T10:00:00Z"), summary.lastDay().get(23).start());
    }

    @Test
    public void aNewRunCountsAStartAddsUpUptimeAndSpotsAnUncleanStop() throws Exception {
        MetricsStore store = MetricsStore.open(file, clock);
        store.runStarted(now.get().minusSeconds(100));
        store.flush(); // written while running; then the process dies without a clean stop

        now.set(now.get().plusSeconds(500));
        MetricsStore afterCrash = MetricsStore.open(file, clock);
        afterCrash.runStarted(now.get().minusSeconds(5));
        MetricsSummary summary = afterCrash.summary(true);
        assertEquals(2, summary.starts());
        assertEquals(1, summary.uncleanStops());
        assertEquals(5, summary.uptimeSeconds());
        assertEquals(105, summary.totalUptimeSeconds());

        afterCrash.runStopping();
        afterCrash.flush();
        MetricsStore afterCleanStop = MetricsStore.open(file, clock);
        afterCleanStop.runStarted(now.get().plusSeconds(10));
        assertEquals(1, afterCleanStop.summary(true).uncleanStops());
        assertEquals(3, afterCleanStop.summary(true).starts());
    }

    @Test
    public void hourlyHistoryOlderThanTheRetentionIsDroppedButTotalsStay() throws Exception {
        MetricsStore store = MetricsStore.open(file, clock);
        store.taskFinished("succeeded", 10L);
        now.set(now.get().plus(Duration.ofDays(9)));
        store.taskFinished("failed", 10L);
        store.prune(Duration.ofDays(7));
        MetricsSummary summary = store.summary(true);
        assertEquals(Map.of("succeeded", 1L, "failed", 1L), summary.tasks());
        long charted = summary.lastWeek().stream().mapToLong(b -> b.tasks().values().stream().mapToLong(Long::longValue).sum()).sum();
        assertEquals(1, charted);
    }

    @Test
    public void prometheusTextHasTypesLabelsAndACumulativeHistogram() {
        MetricsStore store = MetricsStore.open(file, clock);
        store.runStarted(now.get());
        store.taskFinished("succeeded", 500L);
        store.taskFinished("succeeded", 7_000L);
        store.count(MetricsStore.CONNECTION_FAILURES, "tls_handshake");
        String text = store.prometheus(true);
        assertTrue(text, text.contains("# TYPE openwork_tasks_total counter\nopenwork_tasks_total{outcome=\"succeeded\"} 2\n"));
        assertTrue(text, text.contains("openwork_connection_failures_total{reason=\"tls_handshake\"} 1\n"));
        assertTrue(text, text.contains("openwork_task_duration_seconds_bucket{le=\"1\"} 1\n"));
        assertTrue(text, text.contains("openwork_task_duration_seconds_bucket{le=\"30\"} 2\n"));
        assertTrue(text, text.contains("openwork_task_duration_seconds_bucket{le=\"+Inf\"} 2\n"));
        assertTrue(text, text.contains("openwork_task_duration_seconds_sum 7.500\n"));
        assertTrue(text, text.contains("openwork_metrics_enabled 1\n"));
        for (String line : text.split("\n")) {
            assertTrue(line, line.startsWith("# ") || line.matches("[a-z_]+(\\{[a-z]+=\"[^\"]*\"})? [0-9.]+"));
        }
        assertEquals("# HELP openwork_metrics_enabled Whether local metrics are collected (1) or switched off (0).\n"
                + "# TYPE openwork_metrics_enabled gauge\nopenwork_metrics_enabled 0\n", store.prometheus(false));
    }

    @Test
    public void anUnreadableFileIsSetAsideAndCountingStartsAgain() throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{not json");
        MetricsStore store = MetricsStore.open(file, clock);
        store.runStarted(now.get());
        store.flush();
        assertEquals(1, store.summary(true).starts());
        try (var files = Files.list(file.getParent())) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("metrics.json.unreadable-")));
        }
    }

    @Test
    public void labelValuesAreEscaped() {
        assertEquals("a\\\"b\\\\c\\n", PrometheusText.escape("a\"b\\c\n"));
    }
}
