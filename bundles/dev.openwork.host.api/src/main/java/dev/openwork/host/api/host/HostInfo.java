package dev.openwork.host.api.host;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Facts about the running host. One service of this type is registered while the host runs.
 * Thread-safe; values other than {@link #uptime()} never change during a run.
 */
@ProviderType
public interface HostInfo {

    /** Framework property naming the data directory (all state lives there). */
    String DATA_DIR_PROPERTY = "openwork.host.data";
    /** Framework property carrying the distribution's version. */
    String VERSION_PROPERTY = "openwork.host.version";

    /** The host's version, e.g. {@code 0.1.0.SNAPSHOT}. */
    String version();

    /** The directory holding all state of the host; exists and is absolute. */
    Path dataDirectory();

    /** When the host process started. */
    Instant startedAt();

    /** Time since {@link #startedAt()}. */
    default Duration uptime() {
        return Duration.between(startedAt(), Instant.now());
    }
}
