package dev.openwork.host.devices.internal;

import dev.openwork.host.api.devices.Device;
import dev.openwork.host.api.devices.DeviceRegistry;
import dev.openwork.host.api.devices.Scopes;
import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import dev.openwork.host.api.events.HostEventProperties;
import dev.openwork.host.api.events.HostTopics;
import dev.openwork.host.api.health.HealthCheck;
import dev.openwork.host.api.health.HealthCheckResult;
import dev.openwork.host.api.health.HealthStatus;
import dev.openwork.host.api.host.HostInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry of paired devices, kept in {@code <data>/devices/devices.json} and in memory.
 *
 * <p>Credentials are {@code owd_} + base64url of 32 random bytes; only their SHA-256 is kept,
 * here and on disk. Registration, revocation and scope changes are on disk before the call
 * returns; when a device was last seen is written at most once a minute per device, so a storm of
 * requests does not rewrite the file on every call. A file that cannot be read is kept aside, the
 * registry starts empty, and the {@code devices} health check says so until the bundle restarts.
 *
 * <p>Thread-safe: state is guarded by one lock; hashing and event posting happen outside it.
 */
@Component(service = {DeviceRegistry.class, HealthCheck.class}, property = HealthCheck.NAME + "=" + FileDeviceRegistry.CHECK_NAME)
public final class FileDeviceRegistry implements DeviceRegistry, HealthCheck {

    static final String CHECK_NAME = "devices";
    static final String FOLDER_NAME = "devices";
    static final String CREDENTIAL_PREFIX = "owd_";
    static final int CREDENTIAL_BYTES = 32;
    static final String DEVICE_ID_PREFIX = "dev_";
    /** Shortest time between two writes caused only by a device being seen. */
    static final Duration LAST_SEEN_WRITE_INTERVAL = Duration.ofMinutes(1);

    private static final Logger LOG = LoggerFactory.getLogger(FileDeviceRegistry.class);

    private final Path folder;
    private final DeviceFile file;
    private final Clock clock;
    private final EventSink events;
    private final SecureRandom random = new SecureRandom();

    private final Object lock = new Object();
    /** By device id, oldest first. */
    private final Map<String, Entry> byId = new LinkedHashMap<>();
    /** By hex SHA-256 of the credential. */
    private final Map<String, Entry> byHash = new HashMap<>();
    /** Why the file was not loaded, or {@code null}; fixed for the life of this instance. */
    private final LoadProblem loadProblem;
    /** Why the last write failed, or {@code null} once a write succeeds. */
    private String saveProblem;
    private long writes;

    @Activate
    public FileDeviceRegistry(@Reference HostInfo hostInfo, @Reference EventSink events) {
        this(hostInfo.dataDirectory(), Clock.systemUTC(), events);
    }

    FileDeviceRegistry(Path dataDirectory, Clock clock, EventSink events) {
        this.folder = dataDirectory.resolve(FOLDER_NAME);
        this.file = new DeviceFile(folder);
        this.clock = clock;
        this.events = events;
        try {
            PrivateFiles.ensureOwnerOnlyFolder(folder);
            file.removeLeftOvers();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the device registry folder " + folder, e);
        }
        this.loadProblem = load();
    }

    @Deactivate
    void deactivate() {
        synchronized (lock) {
            if (byId.values().stream().anyMatch(Entry::hasUnwrittenSighting)) {
                trySave("the host stops");
            }
        }
    }

    private LoadProblem load() {
        DeviceFile.Loaded stored;
        try {
            stored = file.read();
        } catch (DeviceFile.CorruptException | IOException e) {
            String reason = e instanceof DeviceFile.CorruptException ? e.getMessage()
                    : "it could not be read (" + e.getClass().getSimpleName() + ")";
            return keepAside(reason, e);
        }
        try {
            List<Entry> entries = new ArrayList<>();
            for (DeviceFile.StoredDevice device : stored.devices()) {
                entries.add(Entry.of(device));
            }
            // stable: devices paired in the same instant keep the file's order
            entries.sort(Comparator.comparing((Entry e) -> e.pairedAt));
            for (Entry entry : entries) {
                byId.put(entry.id, entry);
                byHash.put(entry.credentialSha256, entry);
            }
        } catch (DeviceFile.CorruptException e) {
            return keepAside(e.getMessage(), e);
        }
        LOG.info("Loaded {} paired device(s) from {}", byId.size(), file.path());
        if (stored.upgraded()) {
            synchronized (lock) {
                trySave("the registry was upgraded to format " + DeviceFile.FORMAT_VERSION);
            }
        }
        return null;
    }

    private LoadProblem keepAside(String reason, Exception cause) {
        Path aside;
        try {
            aside = file.keepAside(clock.instant());
        } catch (IOException e) {
            // It can be neither read nor moved: refuse changes so it is not overwritten either.
            LOG.error("The device registry {} cannot be read ({}) and cannot be moved aside ({}); "
                    + "no device can authenticate or be paired until it is fixed", file.path(), reason, e.toString());
            return new LoadProblem(reason, null);
        }
        LOG.error("The device registry {} is unusable: {}. It was kept as {} and the host starts with no paired "
                + "devices; devices must pair again unless the file is repaired and restored.", file.path(), reason, aside,
                cause instanceof IOException ? cause : null);
        return new LoadProblem(reason, aside);
    }

    @Override
    public List<Device> list() {
        synchronized (lock) {
            return byId.values().stream().map(Entry::toDevice).toList();
        }
    }

    @Override
    public Optional<Device> find(String deviceId) {
        if (deviceId == null) {
            return Optional.empty();
        }
        synchronized (lock) {
            return Optional.ofNullable(byId.get(deviceId)).map(Entry::toDevice);
        }
    }

    @Override
    public Registration register(String name, String platform, Set<String> scopes) {
        String validName = DeviceInput.name(name);
        String validPlatform = DeviceInput.platform(platform);
        Set<String> validScopes = DeviceInput.scopes(scopes);
        Device device;
        String credential;
        synchronized (lock) {
            refuseChangesIfStuck();
            String id;
            do {
                id = DEVICE_ID_PREFIX + HexFormat.of().formatHex(randomBytes(6));
            } while (byId.containsKey(id));
            String hash;
            do {
                credential = CREDENTIAL_PREFIX + SecretTokens.randomBase64Url(random, CREDENTIAL_BYTES);
                hash = SecretTokens.sha256Hex(credential);
            } while (byHash.containsKey(hash));
            Entry entry = new Entry(id, validName, validPlatform, validScopes, clock.instant(), null, null, hash);
            byId.put(id, entry);
            byHash.put(hash, entry);
            try {
                save();
            } catch (IOException e) {
                byId.remove(id);
                byHash.remove(hash);
                throw notSaved("The device could not be paired", e);
            }
            device = entry.toDevice();
        }
        LOG.info("Paired device {} ({}, {}) with scopes {}", device.id(), DeviceInput.printable(device.name()),
                device.platform(), new TreeSet<>(device.scopes()));
        events.post(HostTopics.DEVICE_PAIRED, Map.of(HostEventProperties.DEVICE_ID, device.id()));
        return new Registration(device, credential);
    }

    @Override
    public Optional<Device> authenticate(String credential, String remoteAddress) {
        if (!SecretTokens.hasShape(credential, CREDENTIAL_PREFIX, CREDENTIAL_BYTES)) {
            return Optional.empty(); // null, blank, overlong or malformed: no hashing, no lock
        }
        byte[] hash = SecretTokens.sha256(credential);
        String hashHex = HexFormat.of().formatHex(hash);
        synchronized (lock) {
            Entry entry = byHash.get(hashHex);
            if (entry == null || !SecretTokens.sameHash(entry.credentialHash, hash)) {
                return Optional.empty();
            }
            Instant now = clock.instant();
            entry.lastSeenAt = now;
            if (remoteAddress != null && !remoteAddress.isBlank()) {
                entry.lastAddress = DeviceInput.address(remoteAddress);
            }
            if (entry.sightingDue(now)) {
                trySave("device " + entry.id + " was seen");
            }
            return Optional.of(entry.toDevice());
        }
    }

    @Override
    public boolean revoke(String deviceId) {
        if (deviceId == null) {
            return false;
        }
        IOException notSaved = null;
        synchronized (lock) {
            Entry entry = byId.remove(deviceId);
            if (entry == null) {
                return false;
            }
            // Gone from memory first: the credential stops working now, even if the write below fails.
            byHash.remove(entry.credentialSha256);
            try {
                save();
            } catch (IOException e) {
                notSaved = e;
            }
        }
        LOG.info("Revoked device {}", deviceId);
        events.post(HostTopics.DEVICE_REVOKED, Map.of(HostEventProperties.DEVICE_ID, deviceId));
        if (notSaved != null) {
            throw notSaved("Device " + deviceId + " is revoked until the host restarts, but the change", notSaved);
        }
        return true;
    }

    @Override
    public Device setScopes(String deviceId, Set<String> scopes) {
        Set<String> validScopes = DeviceInput.scopes(scopes);
        synchronized (lock) {
            Entry entry = deviceId == null ? null : byId.get(deviceId);
            if (entry == null) {
                throw new HostException(ErrorCode.NOT_FOUND, "No paired device has the id '"
                        + DeviceInput.printable(deviceId) + "'.", "List the paired devices (devices:list) and use one of their ids.");
            }
            refuseChangesIfStuck();
            Set<String> previous = entry.scopes;
            entry.scopes = validScopes;
            try {
                save();
            } catch (IOException e) {
                entry.scopes = previous;
                throw notSaved("The scopes of device " + deviceId + " were not changed", e);
            }
            LOG.info("Scopes of device {} are now {}", deviceId, new TreeSet<>(validScopes));
            return entry.toDevice();
        }
    }

    @Override
    public HealthCheckResult check() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("file", file.path().toString());
        String savingProblem;
        int count;
        synchronized (lock) {
            count = byId.size();
            savingProblem = saveProblem;
        }
        details.put("devices", count);
        if (loadProblem != null && loadProblem.aside() == null) {
            return new HealthCheckResult(CHECK_NAME, HealthStatus.CRITICAL,
                    "The device registry " + file.path() + " cannot be read (" + loadProblem.reason()
                            + ") nor moved aside; no device can authenticate or pair.",
                    "Fix the file's permissions or move it away, then restart the host.", details);
        }
        if (loadProblem != null) {
            details.put("keptAs", loadProblem.aside().toString());
            return new HealthCheckResult(CHECK_NAME, HealthStatus.CRITICAL,
                    "The device registry was unusable: " + loadProblem.reason() + ". It was kept as "
                            + loadProblem.aside().getFileName() + " and the host started with no paired devices.",
                    "Pair your devices again, or stop the host, repair " + loadProblem.aside()
                            + " and restore it as " + DeviceFile.FILE_NAME + "; this message clears when the host restarts.",
                    details);
        }
        if (savingProblem != null) {
            return new HealthCheckResult(CHECK_NAME, HealthStatus.CRITICAL,
                    "The device registry could not be saved to " + file.path() + " (" + savingProblem
                            + "); recent changes will be lost when the host restarts.",
                    "Check free disk space and the permissions of " + folder + ".", details);
        }
        return HealthCheckResult.ok(CHECK_NAME, count + " paired device(s), stored in " + file.path() + ".", details);
    }

    /** How many times the file was written by this instance; for tests of the write throttle. */
    long writes() {
        synchronized (lock) {
            return writes;
        }
    }

    Path file() {
        return file.path();
    }

    // --- under the lock -------------------------------------------------------------------------

    private void save() throws IOException {
        if (loadProblem != null && loadProblem.aside() == null) {
            throw new IOException("the unreadable registry file is still in place");
        }
        List<DeviceFile.StoredDevice> stored = byId.values().stream().map(Entry::toStored).toList();
        try {
            file.write(stored);
        } catch (IOException e) {
            saveProblem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            LOG.error("Could not write the device registry {}", file.path(), e);
            throw e;
        }
        writes++;
        saveProblem = null;
        byId.values().forEach(Entry::sightingWritten);
    }

    private void trySave(String why) {
        try {
            save();
        } catch (IOException e) {
            LOG.warn("When {}, the device registry could not be written; will try again later", why);
        }
    }

    private void refuseChangesIfStuck() {
        if (loadProblem != null && loadProblem.aside() == null) {
            throw new HostException(ErrorCode.UNAVAILABLE, "The device registry cannot be read, so it cannot be changed.",
                    "See the 'devices' health check and the host's log.");
        }
    }

    private static HostException notSaved(String what, IOException cause) {
        return new HostException(ErrorCode.INTERNAL, what + " could not be saved to disk.",
                "Check free disk space and the permissions of the host's data directory, then try again.", cause);
    }

    private byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }

    private record LoadProblem(String reason, Path aside) {
    }

    /** One device; mutable fields are guarded by the registry's lock. */
    private static final class Entry {
        final String id;
        final String name;
        final String platform;
        Set<String> scopes;
        final Instant pairedAt;
        Instant lastSeenAt;
        String lastAddress;
        final String credentialSha256;
        final byte[] credentialHash;
        /** The {@code lastSeenAt} value the file holds. */
        Instant lastSeenWritten;

        Entry(String id, String name, String platform, Set<String> scopes, Instant pairedAt, Instant lastSeenAt,
                String lastAddress, String credentialSha256) {
            this.id = id;
            this.name = name;
            this.platform = platform;
            this.scopes = scopes;
            this.pairedAt = pairedAt;
            this.lastSeenAt = lastSeenAt;
            this.lastAddress = lastAddress;
            this.credentialSha256 = credentialSha256;
            this.credentialHash = HexFormat.of().parseHex(credentialSha256);
            this.lastSeenWritten = lastSeenAt;
        }

        static Entry of(DeviceFile.StoredDevice stored) throws DeviceFile.CorruptException {
            Set<String> scopes = new LinkedHashSet<>();
            for (String scope : stored.scopes()) {
                if (Scopes.isValid(scope)) {
                    scopes.add(scope);
                } else {
                    // deny by default: a scope this host does not know grants nothing
                    LOG.warn("Device {} has the unknown scope '{}' in the registry; it is ignored", stored.id(),
                            DeviceInput.printable(scope));
                }
            }
            Instant pairedAt = DeviceFile.instant(stored.pairedAt(), "bad time");
            Instant lastSeen = stored.lastSeenAt() == null ? null : DeviceFile.instant(stored.lastSeenAt(), "bad time");
            return new Entry(stored.id(), stored.name(), stored.platform(), Set.copyOf(scopes), pairedAt, lastSeen,
                    stored.lastAddress(), stored.credentialSha256());
        }

        /** Whether the file's last-seen time is old enough to be replaced. */
        boolean sightingDue(Instant now) {
            return lastSeenWritten == null
                    || !now.isBefore(lastSeenWritten.plus(LAST_SEEN_WRITE_INTERVAL))
                    || now.isBefore(lastSeenWritten); // the clock went back: do not wait for it
        }

        boolean hasUnwrittenSighting() {
            return lastSeenAt != null && !lastSeenAt.equals(lastSeenWritten);
        }

        void sightingWritten() {
            lastSeenWritten = lastSeenAt;
        }

        Device toDevice() {
            return new Device(id, name, platform, scopes, pairedAt, lastSeenAt, lastAddress);
        }

        DeviceFile.StoredDevice toStored() {
            return new DeviceFile.StoredDevice(id, name, platform, List.copyOf(new TreeSet<>(scopes)), pairedAt.toString(),
                    lastSeenAt == null ? null : lastSeenAt.toString(), lastAddress, credentialSha256);
        }

        @Override
        public String toString() {
            return "Entry[id=" + id + "]";
        }
    }
}
