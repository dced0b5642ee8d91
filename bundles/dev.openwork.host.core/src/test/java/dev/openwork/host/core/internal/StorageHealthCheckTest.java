package dev.openwork.host.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import dev.openwork.host.api.health.HealthCheckResult;
import dev.openwork.host.api.health.HealthStatus;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.Assume;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class StorageHealthCheckTest {

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    private static StorageHealthCheck.Config config(long warnBelowMiB, long criticalBelowMiB) {
        return new StorageHealthCheck.Config() {
            @Override
            public long warnBelowMiB() {
                return warnBelowMiB;
            }

            @Override
            public long criticalBelowMiB() {
                return criticalBelowMiB;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return StorageHealthCheck.Config.class;
            }
        };
    }

    @Test
    public void okOnAWritableDirectoryWithZeroThresholds() throws IOException {
        Path dir = temp.newFolder("data").toPath();
        HealthCheckResult result = new StorageHealthCheck(dir, config(0, 0)).check();
        assertEquals("storage", result.name());
        assertEquals(HealthStatus.OK, result.status());
        assertNull(result.action());
        assertEquals(dir.toString(), result.details().get("dataDirectory"));
        assertTrue(result.details().get("freeMiB") instanceof Long);
        assertTrue((Long) result.details().get("freeMiB") >= 0);
        try (var files = Files.list(dir)) {
            assertEquals("the write probe must be removed", 0, files.count());
        }
    }

    @Test
    public void criticalWhenTheDirectoryDoesNotExist() {
        Path missing = temp.getRoot().toPath().resolve("missing");
        HealthCheckResult result = new StorageHealthCheck(missing, config(0, 0)).check();
        assertEquals(HealthStatus.CRITICAL, result.status());
        assertTrue(result.cause(), result.cause().contains("does not exist"));
        assertNotNull(result.action());
        assertEquals(missing.toString(), result.details().get("dataDirectory"));
    }

    @Test
    public void warningWhenFreeSpaceIsBelowTheWarnThreshold() throws IOException {
        Path dir = temp.newFolder("data").toPath();
        HealthCheckResult result = new StorageHealthCheck(dir, config(Long.MAX_VALUE / 2, 0)).check();
        assertEquals(HealthStatus.WARNING, result.status());
        assertNotNull(result.action());
        assertEquals(dir.toString(), result.details().get("dataDirectory"));
        assertTrue(result.details().containsKey("freeMiB"));
    }

    @Test
    public void criticalWhenFreeSpaceIsBelowTheCriticalThreshold() throws IOException {
        Path dir = temp.newFolder("data").toPath();
        HealthCheckResult result = new StorageHealthCheck(dir, config(0, Long.MAX_VALUE / 2)).check();
        assertEquals(HealthStatus.CRITICAL, result.status());
        assertTrue(result.cause(), result.cause().contains("MiB"));
        assertEquals(dir.toString(), result.details().get("dataDirectory"));
        assertTrue(result.details().containsKey("freeMiB"));
    }

    @Test
    public void criticalWinsOverWarning() throws IOException {
        Path dir = temp.newFolder("data").toPath();
        HealthCheckResult result = new StorageHealthCheck(dir, config(Long.MAX_VALUE / 2, Long.MAX_VALUE / 2)).check();
        assertEquals(HealthStatus.CRITICAL, result.status());
    }

    @Test
    public void modifiedConfigTakesEffect() throws IOException {
        Path dir = temp.newFolder("data").toPath();
        StorageHealthCheck check = new StorageHealthCheck(dir, config(0, 0));
        assertEquals(HealthStatus.OK, check.check().status());
        check.modified(config(Long.MAX_VALUE / 2, 0));
        assertEquals(HealthStatus.WARNING, check.check().status());
    }

    @Test
    public void criticalWhenTheDirectoryIsReadOnly() throws IOException {
        Assume.assumeTrue("needs POSIX permissions",
                FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path dir = temp.newFolder("readonly").toPath();
        Set<PosixFilePermission> original = Files.getPosixFilePermissions(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            boolean canStillWrite;
            try {
                Files.delete(Files.createTempFile(dir, "probe", ".tmp"));
                canStillWrite = true;
            } catch (IOException expected) {
                canStillWrite = false;
            }
            Assume.assumeFalse("the user (root?) can write to a read-only directory", canStillWrite);

            HealthCheckResult result = new StorageHealthCheck(dir, config(0, 0)).check();
            assertEquals(HealthStatus.CRITICAL, result.status());
            assertTrue(result.cause(), result.cause().contains("cannot write"));
            assertEquals(dir.toString(), result.details().get("dataDirectory"));
        } finally {
            Files.setPosixFilePermissions(dir, original);
        }
    }

    /**
     * Even root cannot create files in /proc, so this covers the "cannot write" branch where the
     * permission-based test above is skipped.
     */
    @Test
    public void criticalWhenTheDirectoryRefusesNewFilesEvenForRoot() {
        Path proc = Path.of("/proc");
        Assume.assumeTrue("needs Linux /proc", Files.isDirectory(proc));
        boolean canWrite;
        try {
            Files.delete(Files.createTempFile(proc, "probe", ".tmp"));
            canWrite = true;
        } catch (IOException | RuntimeException expected) {
            canWrite = false;
        }
        Assume.assumeFalse(canWrite);

        HealthCheckResult result = new StorageHealthCheck(proc, config(0, 0)).check();
        assertEquals(HealthStatus.CRITICAL, result.status());
        assertTrue(result.cause(), result.cause().contains("cannot write"));
        assertEquals(proc.toString(), result.details().get("dataDirectory"));
    }
}
