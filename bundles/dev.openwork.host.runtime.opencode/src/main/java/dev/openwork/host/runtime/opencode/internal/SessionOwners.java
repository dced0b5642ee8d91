package dev.openwork.host.runtime.opencode.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which device owns which OpenCode session: the device that created it through the compatibility
 * layer, or whose task created it. A device sees and touches only its own sessions; the local
 * admin's sessions have no device. Kept in one small file, replaced atomically on every change.
 */
final class SessionOwners {

    private static final Logger LOG = LoggerFactory.getLogger(SessionOwners.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN = "";

    /**
     * @param deviceId  the owning device, or {@link #ADMIN} for the local admin
     * @param directory the session's project directory
     */
    record Owner(String deviceId, String directory) {
        boolean visibleTo(String callerDeviceId, boolean admin) {
            return admin || (callerDeviceId != null && callerDeviceId.equals(deviceId));
        }
    }

    private final Path file;
    private final Map<String, Owner> owners = new ConcurrentHashMap<>();

    SessionOwners(Path file) {
        this.file = file;
        if (Files.exists(file)) {
            try {
                owners.putAll(JSON.readValue(file.toFile(), new TypeReference<Map<String, Owner>>() { }));
            } catch (IOException e) {
                LOG.error("The OpenCode session owners in {} are unreadable; devices see none of their earlier sessions", file, e);
            }
        }
    }

    static String ownerId(String deviceId) {
        return deviceId == null ? ADMIN : deviceId;
    }

    Optional<Owner> get(String sessionId) {
        return sessionId == null ? Optional.empty() : Optional.ofNullable(owners.get(sessionId));
    }

    boolean visible(String sessionId, String callerDeviceId, boolean admin) {
        return get(sessionId).map(o -> o.visibleTo(callerDeviceId, admin)).orElse(admin);
    }

    void put(String sessionId, Owner owner) {
        owners.put(sessionId, owner);
        save();
    }

    void remove(String sessionId) {
        if (owners.remove(sessionId) != null) {
            save();
        }
    }

    private synchronized void save() {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            JSON.writerWithDefaultPrettyPrinter().writeValue(temporary.toFile(), new TreeMap<>(owners));
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.error("The OpenCode session owners could not be saved to {}", file, e);
        }
    }
}
