package dev.openwork.host.telemetry.internal;

import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class TelemetryCommandsTest {

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void showSaysWhatWasCountedAndThatNothingLeaves() {
        Path file = folder.getRoot().toPath().resolve("metrics.json");
        MetricsStore store = MetricsStore.open(file, Clock.systemUTC());
        store.runStarted(java.time.Instant.now());
        store.taskFinished("succeeded", 1200L);
        store.count(MetricsStore.CONNECTION_FAILURES, "bad_credential");
        String text = TelemetryCommands.describe(store.summary(true));
        assertTrue(text, text.contains("1 succeeded"));
        assertTrue(text, text.contains("1 bad_credential"));
        assertTrue(text, text.contains("Nothing of this leaves the host"));
        assertTrue(TelemetryCommands.describe(store.summary(false)).contains("switched off"));
    }
}
