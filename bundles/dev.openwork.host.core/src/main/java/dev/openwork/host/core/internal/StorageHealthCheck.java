package dev.openwork.host.core.internal;

import dev.openwork.host.api.health.HealthCheck;
import dev.openwork.host.api.health.HealthCheckResult;
import dev.openwork.host.api.health.HealthStatus;
import dev.openwork.host.api.host.HostInfo;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Checks that the data directory, where every durable thing lives, is writable and not near full:
 * a host that cannot write its journal loses task output.
 */
@Component(service = HealthCheck.class, configurationPid = StorageHealthCheck.PID,
        property = HealthCheck.NAME + "=storage")
@Designate(ocd = StorageHealthCheck.Config.class)
public final class StorageHealthCheck implements HealthCheck {

    static final String PID = "dev.openwork.host.health.storage";
    static final String NAME = "storage";
    private static final long MIB = 1024L * 1024L;

    @ObjectClassDefinition(name = "OpenWork Host storage check",
            description = "Free-space thresholds for the data directory.")
    public @interface Config {
        @AttributeDefinition(name = "Warn below (MiB)", min = "0")
        long warnBelowMiB() default 1024;

        @AttributeDefinition(name = "Critical below (MiB)", min = "0")
        long criticalBelowMiB() default 128;
    }

    private final Path dataDirectory;
    private volatile Config config;

    @Activate
    public StorageHealthCheck(@Reference HostInfo hostInfo, Config config) {
        this(hostInfo.dataDirectory(), config);
    }

    StorageHealthCheck(Path dataDirectory, Config config) {
        this.dataDirectory = dataDirectory;
        this.config = config;
    }

    @Modified
    void modified(Config newConfig) {
        this.config = newConfig;
    }

    @Override
    public HealthCheckResult check() {
        Config current = config;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("dataDirectory", dataDirectory.toString());
        if (Files.exists(dataDirectory) && !Files.isDirectory(dataDirectory)) {
            return new HealthCheckResult(NAME, HealthStatus.CRITICAL,
                    "The data directory " + dataDirectory + " is a file, not a directory.",
                    "Move the file away, or start the host with --data pointing to a writable directory.", details);
        }
        if (!Files.isDirectory(dataDirectory)) {
            return new HealthCheckResult(NAME, HealthStatus.CRITICAL,
                    "The data directory " + dataDirectory + " does not exist.",
                    "Create it, or start the host with --data pointing to a writable directory.", details);
        }
        try {
            Path probe = Files.createTempFile(dataDirectory, ".write-probe", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            return new HealthCheckResult(NAME, HealthStatus.CRITICAL,
                    "The host cannot write to its data directory " + dataDirectory + ".",
                    "Give the user running the host write permission on it, or free the disk.", details);
        }
        long freeMiB;
        try {
            FileStore store = Files.getFileStore(dataDirectory);
            freeMiB = store.getUsableSpace() / MIB;
        } catch (IOException e) {
            return new HealthCheckResult(NAME, HealthStatus.WARNING,
                    "The free space of " + dataDirectory + " cannot be read.",
                    "Check the file system that holds the data directory.", details);
        }
        details.put("freeMiB", freeMiB);
        if (freeMiB < current.criticalBelowMiB()) {
            return new HealthCheckResult(NAME, HealthStatus.CRITICAL,
                    "Only " + freeMiB + " MiB are free where the data directory lives; task output may be lost.",
                    "Free disk space now, or lower the retention of task journals.", details);
        }
        if (freeMiB < current.warnBelowMiB()) {
            return new HealthCheckResult(NAME, HealthStatus.WARNING,
                    "Only " + freeMiB + " MiB are free where the data directory lives.",
                    "Free disk space soon, or lower the retention of task journals.", details);
        }
        return HealthCheckResult.ok(NAME, "The data directory is writable and has " + freeMiB + " MiB free.", details);
    }
}
