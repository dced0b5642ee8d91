package dev.openwork.host.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class HostInfoComponentTest {

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    private String dir(String name) {
        return temp.getRoot().toPath().resolve(name).toString();
    }

    @Test
    public void configuredVersionWins() {
        HostInfoComponent info = new HostInfoComponent("2.0.0", dir("d"), "1.0.0.SNAPSHOT");
        assertEquals("2.0.0", info.version());
    }

    @Test
    public void blankVersionFallsBackToTheBundleVersion() {
        assertEquals("1.0.0.SNAPSHOT", new HostInfoComponent("  ", dir("d"), "1.0.0.SNAPSHOT").version());
        assertEquals("1.0.0.SNAPSHOT", new HostInfoComponent("", dir("d"), "1.0.0.SNAPSHOT").version());
        assertEquals("1.0.0.SNAPSHOT", new HostInfoComponent(null, dir("d"), "1.0.0.SNAPSHOT").version());
    }

    @Test
    public void configuredDataDirectoryIsCreatedAndNormalized() {
        Path expected = temp.getRoot().toPath().resolve("a").resolve("b").toAbsolutePath().normalize();
        assertFalse(Files.exists(expected));
        HostInfoComponent info = new HostInfoComponent("1", dir("a") + "/x/../b", "1");
        assertEquals(expected, info.dataDirectory());
        assertTrue(info.dataDirectory().isAbsolute());
        assertTrue(Files.isDirectory(info.dataDirectory()));
    }

    @Test
    public void relativeDataDirectoryIsMadeAbsolute() throws IOException {
        // relative to the working directory (the module dir under surefire); keep it inside target/
        String relative = "target/host-info-test-" + System.nanoTime();
        Path absolute = Paths.get(relative).toAbsolutePath().normalize();
        try {
            HostInfoComponent info = new HostInfoComponent("1", relative, "1");
            assertTrue(info.dataDirectory().isAbsolute());
            assertEquals(absolute, info.dataDirectory());
            assertTrue(Files.isDirectory(absolute));
        } finally {
            Files.deleteIfExists(absolute);
        }
    }

    @Test
    public void blankDataDirectoryFallsBackToUserHome() {
        String oldHome = System.getProperty("user.home");
        Path fakeHome = temp.getRoot().toPath().resolve("home");
        System.setProperty("user.home", fakeHome.toString());
        try {
            HostInfoComponent info = new HostInfoComponent("1", " ", "1");
            assertEquals(fakeHome.resolve(".openwork-host").toAbsolutePath().normalize(), info.dataDirectory());
            assertTrue(Files.isDirectory(info.dataDirectory()));
        } finally {
            System.setProperty("user.home", oldHome);
        }
    }

    @Test
    public void startedAtIsInThePastAndUptimeIsNonNegative() {
        HostInfoComponent info = new HostInfoComponent("1", dir("d"), "1");
        assertFalse(info.startedAt().isAfter(Instant.now()));
        Duration uptime = info.uptime();
        assertFalse("uptime " + uptime, uptime.isNegative());
        assertEquals("startedAt never changes", info.startedAt(), info.startedAt());
    }

    @Test(expected = java.io.UncheckedIOException.class)
    public void aDataDirectoryThatCannotBeCreatedFails() throws IOException {
        Path file = temp.newFile("plain-file").toPath();
        new HostInfoComponent("1", file.resolve("sub").toString(), "1");
    }
}
