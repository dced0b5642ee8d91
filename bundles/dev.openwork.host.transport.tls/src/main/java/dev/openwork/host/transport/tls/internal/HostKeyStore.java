package dev.openwork.host.transport.tls.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the host's key and id once and reads them on every later start. Clients pin the key, so
 * a key that exists but cannot be read is an error for the admin to resolve, never a reason to
 * make a new one: that would silently break every pairing.
 */
final class HostKeyStore {

    static final String KEY_FILE = "host-key.pem";
    static final String ID_FILE = "host-id";
    private static final Pattern HOST_ID = Pattern.compile("[0-9a-f]{16}");
    private static final Logger LOG = LoggerFactory.getLogger(HostKeyStore.class);
    /** Two components of one JVM (tests, a quick restart) must not both create a key. */
    private static final Object CREATION_LOCK = new Object();

    private final Path directory;
    private final SecureRandom random;

    HostKeyStore(Path identityDirectory, SecureRandom random) {
        this.directory = identityDirectory;
        this.random = random;
    }

    Path keyFile() {
        return directory.resolve(KEY_FILE);
    }

    /**
     * The stored key and id, created on first use.
     *
     * @throws UnreadableIdentityException when they exist but cannot be used; its message names
     *         the file and the reason and never contains key material
     */
    HostKey loadOrCreate() {
        synchronized (CREATION_LOCK) {
            try {
                OwnerOnlyFiles.createDirectory(directory);
                return Files.exists(keyFile()) ? load() : create();
            } catch (IOException e) {
                throw new UnreadableIdentityException("The host key in " + directory + " cannot be read or written ("
                        + e.getClass().getSimpleName() + ": " + e.getMessage() + ").", e);
            }
        }
    }

    private HostKey create() throws IOException {
        KeyPair keyPair;
        try {
            keyPair = P256.generate(random);
        } catch (GeneralSecurityException e) {
            throw new UnreadableIdentityException("This JDK cannot create a P-256 key: " + e.getMessage(), e);
        }
        // The id goes first: the key file is what marks the identity as complete.
        String hostId = newHostId();
        OwnerOnlyFiles.write(directory.resolve(ID_FILE), (hostId + "\n").getBytes(StandardCharsets.US_ASCII));
        OwnerOnlyFiles.write(keyFile(), Pem.encode(Pem.PRIVATE_KEY, keyPair.getPrivate().getEncoded()));
        HostKey key = new HostKey(keyPair, hostId);
        LOG.info("Created the host key in {} (SPKI SHA-256 {}) and host id {}", directory, key.spkiSha256(), hostId);
        return key;
    }

    private HostKey load() throws IOException {
        if (OwnerOnlyFiles.restrict(keyFile())) {
            LOG.warn("{} could be read by other users; it is now readable by its owner only", keyFile());
        }
        KeyPair keyPair;
        try {
            keyPair = P256.fromPkcs8(Pem.decode(Pem.PRIVATE_KEY, Files.readAllBytes(keyFile())));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new UnreadableIdentityException(keyFile() + " is not a usable P-256 private key: " + e.getMessage() + ".", e);
        }
        return new HostKey(keyPair, loadOrCreateHostId());
    }

    private String loadOrCreateHostId() throws IOException {
        Path idFile = directory.resolve(ID_FILE);
        if (!Files.exists(idFile)) {
            String hostId = newHostId();
            OwnerOnlyFiles.write(idFile, (hostId + "\n").getBytes(StandardCharsets.US_ASCII));
            LOG.warn("{} was missing; created host id {} for the existing key", idFile, hostId);
            return hostId;
        }
        String hostId = Files.readString(idFile, StandardCharsets.US_ASCII).trim();
        if (!HOST_ID.matcher(hostId).matches()) {
            throw new UnreadableIdentityException(idFile + " does not hold 16 lower-case hex digits.", null);
        }
        return hostId;
    }

    private String newHostId() {
        byte[] bytes = new byte[8];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** The identity exists but cannot be used; the bundle reports it instead of replacing it. */
    static final class UnreadableIdentityException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnreadableIdentityException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
