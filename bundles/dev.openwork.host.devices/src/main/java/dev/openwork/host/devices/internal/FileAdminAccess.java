package dev.openwork.host.devices.internal;

import dev.openwork.host.api.auth.AdminAccess;
import dev.openwork.host.api.host.HostInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local admin: a credential in {@code <data>/admin/admin.token} (created at first start,
 * readable by the host's user only), one-time login codes for login links, and the browser
 * sessions they turn into.
 *
 * <p>Only SHA-256 hashes of the secrets are kept in memory and compared, with
 * {@link java.security.MessageDigest#isEqual}. Login codes and sessions live in memory only: a
 * restart logs every browser out. Thread-safe.
 */
@Component(service = AdminAccess.class, configurationPid = FileAdminAccess.PID)
@Designate(ocd = FileAdminAccess.Config.class)
public final class FileAdminAccess implements AdminAccess {

    static final String PID = "dev.openwork.host.admin";
    static final String FOLDER_NAME = "admin";
    static final String FILE_NAME = "admin.token";
    static final String CREDENTIAL_PREFIX = "owa_";
    static final int CREDENTIAL_BYTES = 32;
    static final int LOGIN_CODE_BYTES = 16;
    static final int SESSION_BYTES = 32;
    static final Duration MAX_LOGIN_CODE_VALIDITY = Duration.ofMinutes(10);
    static final int MAX_LOGIN_CODES = 16;
    static final Duration MAX_SESSION_VALIDITY = Duration.ofHours(12);
    static final int MAX_SESSIONS = 64;
    private static final long MAX_FILE_SIZE = 1024;

    private static final Logger LOG = LoggerFactory.getLogger(FileAdminAccess.class);

    @ObjectClassDefinition(name = "OpenWork Host admin access",
            description = "Browser sessions of the local admin (created from one-time login links).")
    public @interface Config {
        @AttributeDefinition(name = "Session validity (minutes)",
                description = "How long a browser session lasts after its login link was used; at most 720 (12 hours).",
                min = "1", max = "720")
        int sessionValidityMinutes() default 720;
    }

    private final Path credentialFile;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final byte[] credentialHash;
    private volatile Duration sessionValidity;

    /**
     * Hex SHA-256 of a login code or session id -> its hash and expiry; insertion order = oldest
     * first. Looking up by the hash tells a caller nothing about the secrets held.
     */
    private final Map<String, Live> loginCodes = new LinkedHashMap<>();
    private final Map<String, Live> sessions = new LinkedHashMap<>();

    @Activate
    public FileAdminAccess(@Reference HostInfo hostInfo, Config config) {
        this(hostInfo.dataDirectory(), Clock.systemUTC());
        modified(config);
    }

    FileAdminAccess(Path dataDirectory, Clock clock) {
        this.credentialFile = dataDirectory.resolve(FOLDER_NAME).resolve(FILE_NAME);
        this.clock = clock;
        this.sessionValidity = MAX_SESSION_VALIDITY;
        try {
            this.credentialHash = loadOrCreateCredential();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the admin credential file " + credentialFile, e);
        }
    }

    @Modified
    void modified(Config config) {
        long minutes = Math.max(1, Math.min(config.sessionValidityMinutes(), MAX_SESSION_VALIDITY.toMinutes()));
        this.sessionValidity = Duration.ofMinutes(minutes);
    }

    private byte[] loadOrCreateCredential() throws IOException {
        PrivateFiles.ensureOwnerOnlyFolder(credentialFile.getParent());
        if (Files.exists(credentialFile)) {
            String existing = readCredential();
            if (existing != null) {
                PrivateFiles.restrictToOwner(credentialFile); // in case someone widened them
                return SecretTokens.sha256(existing);
            }
            LOG.warn("The admin credential file {} is unreadable or malformed; replacing it with a new credential. "
                    + "Tools that used the old one must read the file again.", credentialFile);
        }
        String credential = CREDENTIAL_PREFIX + SecretTokens.randomBase64Url(random, CREDENTIAL_BYTES);
        PrivateFiles.writeAtomically(credentialFile, (credential + "\n").getBytes(StandardCharsets.US_ASCII));
        LOG.info("Created the admin credential in {} (readable by this user only)", credentialFile);
        return SecretTokens.sha256(credential);
    }

    /** The credential in the file, or {@code null} when the file cannot be read or is not one. */
    private String readCredential() {
        try {
            if (!Files.isRegularFile(credentialFile) || Files.size(credentialFile) > MAX_FILE_SIZE) {
                return null;
            }
            String content = new String(Files.readAllBytes(credentialFile), StandardCharsets.US_ASCII).strip();
            return SecretTokens.hasShape(content, CREDENTIAL_PREFIX, CREDENTIAL_BYTES) ? content : null;
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public Path credentialFile() {
        return credentialFile;
    }

    @Override
    public boolean isAdminCredential(String credential) {
        if (!SecretTokens.hasShape(credential, CREDENTIAL_PREFIX, CREDENTIAL_BYTES)) {
            return false;
        }
        return SecretTokens.sameHash(credentialHash, SecretTokens.sha256(credential));
    }

    @Override
    public String issueLoginCode(Duration validity) {
        if (validity == null || validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("a login code must be valid for a positive time");
        }
        Duration capped = validity.compareTo(MAX_LOGIN_CODE_VALIDITY) > 0 ? MAX_LOGIN_CODE_VALIDITY : validity;
        String code = SecretTokens.randomBase64Url(random, LOGIN_CODE_BYTES);
        add(loginCodes, code, capped, MAX_LOGIN_CODES);
        return code;
    }

    @Override
    public Optional<String> redeemLoginCode(String code) {
        if (!SecretTokens.hasShape(code, "", LOGIN_CODE_BYTES)) {
            return Optional.empty();
        }
        if (!find(loginCodes, code, true)) {
            return Optional.empty();
        }
        String session = SecretTokens.randomBase64Url(random, SESSION_BYTES);
        add(sessions, session, sessionValidity, MAX_SESSIONS);
        LOG.info("A login link was used; an admin browser session started");
        return Optional.of(session);
    }

    @Override
    public boolean isAdminSession(String sessionId) {
        if (!SecretTokens.hasShape(sessionId, "", SESSION_BYTES)) {
            return false;
        }
        return find(sessions, sessionId, false);
    }

    private void add(Map<String, Live> secrets, String secret, Duration validity, int max) {
        byte[] hash = SecretTokens.sha256(secret);
        Instant now = clock.instant();
        synchronized (secrets) {
            purge(secrets, now);
            secrets.put(HexFormat.of().formatHex(hash), new Live(hash, now.plus(validity)));
            Iterator<String> oldestFirst = secrets.keySet().iterator();
            while (secrets.size() > max) {
                oldestFirst.next();
                oldestFirst.remove();
            }
        }
    }

    /** Whether {@code secret} is live; {@code spend} removes it (a login code works once). */
    private boolean find(Map<String, Live> secrets, String secret, boolean spend) {
        byte[] hash = SecretTokens.sha256(secret);
        String key = HexFormat.of().formatHex(hash);
        Instant now = clock.instant();
        synchronized (secrets) {
            purge(secrets, now);
            Live live = spend ? secrets.remove(key) : secrets.get(key);
            return live != null && SecretTokens.sameHash(live.hash(), hash);
        }
    }

    private static void purge(Map<String, Live> secrets, Instant now) {
        secrets.values().removeIf(live -> !now.isBefore(live.expiresAt()));
    }

    private record Live(byte[] hash, Instant expiresAt) {
    }

    @Override
    public String toString() {
        return "FileAdminAccess[credentialFile=" + credentialFile + "]";
    }
}
