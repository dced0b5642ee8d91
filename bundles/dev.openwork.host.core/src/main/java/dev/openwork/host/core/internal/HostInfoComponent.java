package dev.openwork.host.core.internal;

import dev.openwork.host.api.host.HostInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Publishes the facts the launcher hands over as framework properties. Falls back to sensible
 * values so the host also runs inside a test framework that no launcher started.
 */
@Component(service = HostInfo.class)
public final class HostInfoComponent implements HostInfo {

    private final String version;
    private final Path dataDirectory;
    private final Instant startedAt;

    @Activate
    public HostInfoComponent(BundleContext context) {
        this(context.getProperty(VERSION_PROPERTY), context.getProperty(DATA_DIR_PROPERTY),
                context.getBundle().getVersion().toString());
    }

    HostInfoComponent(String configuredVersion, String configuredDataDir, String bundleVersion) {
        this.version = configuredVersion != null && !configuredVersion.isBlank() ? configuredVersion : bundleVersion;
        Path dir = configuredDataDir != null && !configuredDataDir.isBlank()
                ? Paths.get(configuredDataDir)
                : Paths.get(System.getProperty("user.home"), ".openwork-host");
        this.dataDirectory = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dataDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dataDirectory, e);
        }
        this.startedAt = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public Path dataDirectory() {
        return dataDirectory;
    }

    @Override
    public Instant startedAt() {
        return startedAt;
    }
}
