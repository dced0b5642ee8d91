package dev.openwork.host.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.openwork.host.client.HostClientException.Kind;
import dev.openwork.host.client.internal.Hex;
import dev.openwork.host.client.internal.Json;
import dev.openwork.host.client.internal.Text;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The hosts this user paired with and their credentials, in {@code hosts.json}: in
 * {@code $OWCTL_CONFIG_DIR} when set (tests), else {@code $XDG_CONFIG_HOME/openwork}, else
 * {@code ~/.config/openwork}. The folder is {@code rwx------} and the file {@code rw-------}; every
 * change is written to a temporary file in the same folder, forced to disk and moved over the old
 * file atomically, under a lock, so a crash or a concurrent owctl never leaves a torn file.
 */
public final class CredentialStore {

    public static final String FILE_NAME = "hosts.json";
    private static final String LOCK_NAME = ".hosts.json.lock";
    private static final int FORMAT = 1;
    private static final Set<PosixFilePermission> DIR_PERMS = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_PERMS = PosixFilePermissions.fromString("rw-------");

    /** The file's shape. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record StoreFile(int version, List<KnownHost> hosts) {
    }

    private final Path directory;

    public CredentialStore(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
    }

    /** The store at its default place for this environment ({@code System.getenv()} normally). */
    public static CredentialStore locate(Map<String, String> env) {
        return new CredentialStore(defaultDirectory(env));
    }

    public static Path defaultDirectory(Map<String, String> env) {
        String override = env.get("OWCTL_CONFIG_DIR");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "openwork");
        }
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        return Path.of(home, ".config", "openwork");
    }

    public Path directory() {
        return directory;
    }

    public Path file() {
        return directory.resolve(FILE_NAME);
    }

    /** Every stored host, in the order they were paired. */
    public List<KnownHost> list() {
        return read();
    }

    /**
     * The host whose id is {@code key}, or whose name is {@code key} (ignoring case), or whose id
     * starts with {@code key}; {@code INVALID_INPUT} when several match.
     */
    public Optional<KnownHost> find(String key) {
        List<KnownHost> hosts = read();
        for (KnownHost h : hosts) {
            if (h.hostId().equals(key)) {
                return Optional.of(h);
            }
        }
        List<KnownHost> matches = new ArrayList<>();
        for (KnownHost h : hosts) {
            if (h.hostName() != null && h.hostName().equalsIgnoreCase(key)) {
                matches.add(h);
            }
        }
        if (matches.isEmpty() && key.length() >= 4) {
            for (KnownHost h : hosts) {
                if (h.hostId().startsWith(key.toLowerCase(Locale.ROOT))) {
                    matches.add(h);
                }
            }
        }
        if (matches.size() > 1) {
            StringBuilder ids = new StringBuilder();
            matches.forEach(h -> ids.append(ids.length() == 0 ? "" : ", ").append(h.hostId()));
            throw new HostClientException(Kind.INVALID_INPUT, "'" + Text.safe(key, 64) + "' matches several hosts: " + ids + ".",
                    "Name the host by its id (owctl hosts lists them).");
        }
        return matches.stream().findFirst();
    }

    /** Adds {@code host}, replacing a stored host with the same id. */
    public void save(KnownHost host) {
        update(hosts -> {
            List<KnownHost> next = new ArrayList<>();
            boolean replaced = false;
            for (KnownHost h : hosts) {
                if (h.hostId().equals(host.hostId())) {
                    next.add(host);
                    replaced = true;
                } else {
                    next.add(h);
                }
            }
            if (!replaced) {
                next.add(host);
            }
            return next;
        });
    }

    /** Removes the host with this id; false when there was none. */
    public boolean remove(String hostId) {
        boolean[] removed = {false};
        update(hosts -> {
            List<KnownHost> next = new ArrayList<>(hosts);
            removed[0] = next.removeIf(h -> h.hostId().equals(hostId));
            return next;
        });
        return removed[0];
    }

    /**
     * Whether the store's folder or file can be read by others (a warning for the user); false on
     * file systems without POSIX permissions or when the file does not exist.
     */
    public boolean readableByOthers() {
        if (!posix()) {
            return false;
        }
        try {
            for (Path p : List.of(directory, file())) {
                if (Files.exists(p)) {
                    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                    if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)
                            || perms.contains(PosixFilePermission.GROUP_EXECUTE)
                            || perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                        return true;
                    }
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private synchronized void update(UnaryOperator<List<KnownHost>> change) {
        ensureDirectory();
        Path lockFile = directory.resolve(LOCK_NAME);
        try (FileChannel lockChannel = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                fileAttributes());
                FileLock lock = lockChannel.lock()) {
            List<KnownHost> next = change.apply(read());
            write(next);
        } catch (IOException e) {
            throw fileFailure("write", e);
        }
    }

    private List<KnownHost> read() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file());
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw fileFailure("read", e);
        }
        StoreFile parsed;
        try {
            parsed = Json.read(bytes, StoreFile.class);
        } catch (IOException | RuntimeException e) {
            throw new HostClientException(Kind.LOCAL_FILE, "The credential store " + file() + " is not valid: "
                    + Json.describe(e) + ".", "Repair the file, or move it away and pair again.", e);
        }
        if (parsed == null || parsed.hosts() == null) {
            return List.of();
        }
        if (parsed.version() > FORMAT) {
            throw new HostClientException(Kind.LOCAL_FILE, "The credential store " + file()
                    + " was written by a newer owctl (format " + parsed.version() + ").", "Use the newer owctl.");
        }
        List<KnownHost> hosts = new ArrayList<>();
        for (KnownHost h : parsed.hosts()) {
            if (h == null || h.hostId() == null || h.address() == null || h.credential() == null
                    || !Hex.isHex(h.spkiSha256(), 64)) {
                throw new HostClientException(Kind.LOCAL_FILE, "The credential store " + file()
                        + " holds an incomplete host entry.", "Repair the file, or move it away and pair again.");
            }
            hosts.add(h);
        }
        return List.copyOf(hosts);
    }

    private void write(List<KnownHost> hosts) throws IOException {
        byte[] bytes = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(new StoreFile(FORMAT, hosts));
        Path temp = Files.createTempFile(directory, ".hosts-", ".json.tmp", fileAttributes());
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + directory + " cannot replace files atomically", e);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        syncDirectory();
    }

    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every platform can sync a directory; the rename itself is atomic
        }
    }

    private void ensureDirectory() {
        try {
            if (!Files.isDirectory(directory)) {
                Path parent = directory.getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                if (posix()) {
                    Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(DIR_PERMS));
                } else {
                    Files.createDirectory(directory);
                }
            }
            if (posix()) {
                Files.setPosixFilePermissions(directory, DIR_PERMS);
            }
        } catch (IOException e) {
            throw fileFailure("create the folder of", e);
        }
    }

    private FileAttribute<?>[] fileAttributes() {
        return posix() ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_PERMS)} : new FileAttribute<?>[0];
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    private HostClientException fileFailure(String verb, IOException e) {
        return new HostClientException(Kind.LOCAL_FILE, "Cannot " + verb + " the credential store " + file() + ": "
                + Text.safe(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), 200) + ".",
                "Check that " + directory + " belongs to you and is writable (set OWCTL_CONFIG_DIR to use another folder).",
                e);
    }
}
