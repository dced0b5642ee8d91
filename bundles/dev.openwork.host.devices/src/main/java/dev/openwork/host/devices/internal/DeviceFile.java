package dev.openwork.host.devices.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.openwork.host.api.devices.Scopes;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code devices.json}: the registry on disk. Holds each device's SHA-256 credential hash, never
 * a credential. Reading validates the whole file; anything unexpected is a {@link CorruptException}
 * whose message names what is wrong without quoting the file's content.
 */
final class DeviceFile {

    static final String FILE_NAME = "devices.json";
    /**
     * 2: devices need runtime and workspace grants. A version 1 file is read and upgraded: a
     * device that could run tasks keeps every runtime and workspace ({@code runtime:*},
     * {@code workspace:*}), as version 1 allowed.
     */
    static final int FORMAT_VERSION = 2;
    private static final int UNGRANTED_VERSION = 1;
    /** Far more than any real registry; a bigger file is not ours. */
    static final long MAX_SIZE_BYTES = 16L * 1024 * 1024;

    static final Pattern DEVICE_ID = Pattern.compile("dev_[0-9a-f]{12}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final DateTimeFormatter ASIDE_STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** One device as stored. Times are ISO-8601 instants; {@code lastSeenAt} and {@code lastAddress} may be null. */
    record StoredDevice(String id, String name, String platform, List<String> scopes, String pairedAt,
            String lastSeenAt, String lastAddress, String credentialSha256) {
    }

    /** The whole file. */
    record StoredRegistry(int version, List<StoredDevice> devices) {
    }

    /** What {@link #read} found: the devices, and whether they came from an older format (then save them). */
    record Loaded(List<StoredDevice> devices, boolean upgraded) {
    }

    /** The file exists but is not a registry this host can read. */
    static final class CorruptException extends Exception {
        private static final long serialVersionUID = 1L;

        CorruptException(String message) {
            super(message);
        }
    }

    private final Path folder;
    private final Path file;
    private final ObjectMapper mapper;

    DeviceFile(Path folder) {
        this.folder = folder;
        this.file = folder.resolve(FILE_NAME);
        this.mapper = JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) // a newer field is ignored, not fatal
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .build();
    }

    Path path() {
        return file;
    }

    /** The stored devices; empty when there is no file yet. */
    Loaded read() throws IOException, CorruptException {
        if (!Files.exists(file)) {
            return new Loaded(List.of(), false);
        }
        if (!Files.isRegularFile(file)) {
            throw new CorruptException("it is not a regular file");
        }
        if (Files.size(file) > MAX_SIZE_BYTES) {
            throw new CorruptException("it is larger than " + MAX_SIZE_BYTES / (1024 * 1024) + " MiB");
        }
        byte[] bytes = Files.readAllBytes(file);
        StoredRegistry registry;
        try {
            registry = mapper.readValue(bytes, StoredRegistry.class);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            // the parser's message may quote the file, and the file holds hashes: say where only
            throw new CorruptException("it is not valid JSON of a device registry"
                    + (at != null && at.getLineNr() > 0 ? " at line " + at.getLineNr() + ", column " + at.getColumnNr() : ""));
        }
        if (registry == null) {
            throw new CorruptException("it holds no registry");
        }
        if (registry.version() != FORMAT_VERSION && registry.version() != UNGRANTED_VERSION) {
            throw new CorruptException("it has format version " + registry.version() + ", this host reads version "
                    + FORMAT_VERSION);
        }
        if (registry.devices() == null) {
            throw new CorruptException("it has no device list");
        }
        Set<String> ids = new HashSet<>();
        Set<String> hashes = new HashSet<>();
        int index = 0;
        for (StoredDevice device : registry.devices()) {
            validate(device, index++);
            if (!ids.add(device.id())) {
                throw new CorruptException("the device id " + device.id() + " appears twice");
            }
            if (!hashes.add(device.credentialSha256())) {
                throw new CorruptException("two devices have the same credential hash");
            }
        }
        if (registry.version() == UNGRANTED_VERSION) {
            return new Loaded(registry.devices().stream().map(DeviceFile::withVersion1Grants).toList(), true);
        }
        return new Loaded(registry.devices(), false);
    }

    private static StoredDevice withVersion1Grants(StoredDevice device) {
        if (!device.scopes().contains(Scopes.TASKS_RUN)) {
            return device;
        }
        List<String> scopes = new java.util.ArrayList<>(device.scopes());
        for (String grant : List.of(Scopes.RUNTIME_ANY, Scopes.WORKSPACE_ANY)) {
            if (!scopes.contains(grant)) {
                scopes.add(grant);
            }
        }
        return new StoredDevice(device.id(), device.name(), device.platform(), scopes, device.pairedAt(),
                device.lastSeenAt(), device.lastAddress(), device.credentialSha256());
    }

    private static void validate(StoredDevice device, int index) throws CorruptException {
        String where = "device #" + (index + 1);
        if (device == null) {
            throw new CorruptException(where + " is null");
        }
        if (device.id() == null || !DEVICE_ID.matcher(device.id()).matches()) {
            throw new CorruptException(where + " has no valid id");
        }
        where = "device " + device.id();
        if (device.name() == null || device.name().isBlank()) {
            throw new CorruptException(where + " has no name");
        }
        if (device.platform() == null) {
            throw new CorruptException(where + " has no platform");
        }
        if (device.scopes() == null || device.scopes().contains(null)) {
            throw new CorruptException(where + " has no valid scope list");
        }
        if (device.credentialSha256() == null || !SHA256_HEX.matcher(device.credentialSha256()).matches()) {
            throw new CorruptException(where + " has no valid credential hash");
        }
        if (device.pairedAt() == null) {
            throw new CorruptException(where + " has no pairing time");
        }
        instant(device.pairedAt(), where + " has an invalid pairing time");
        if (device.lastSeenAt() != null) {
            instant(device.lastSeenAt(), where + " has an invalid last-seen time");
        }
    }

    static Instant instant(String text, String error) throws CorruptException {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new CorruptException(error);
        }
    }

    /** Replaces the file crash-safely. */
    void write(List<StoredDevice> devices) throws IOException {
        byte[] json = mapper.writeValueAsBytes(new StoredRegistry(FORMAT_VERSION, devices));
        PrivateFiles.writeAtomically(file, json);
    }

    /**
     * Moves the file out of the way as {@code devices.json.corrupt-<UTC time>} (with a counter if
     * that name is taken) and returns where it went.
     */
    Path keepAside(Instant now) throws IOException {
        String base = FILE_NAME + ".corrupt-" + ASIDE_STAMP.format(now);
        Path aside = folder.resolve(base);
        for (int n = 1; Files.exists(aside); n++) {
            aside = folder.resolve(base + "-" + n);
        }
        Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
        PrivateFiles.restrictToOwner(aside);
        return aside;
    }

    /** Removes temporary files a crash during {@link #write} left behind; they never replaced the registry. */
    void removeLeftOvers() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                if (PrivateFiles.isLeftOverTemp(entry, file)) {
                    Files.deleteIfExists(entry);
                }
            }
        }
    }
}
