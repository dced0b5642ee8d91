package dev.openwork.host.api.auth;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Who counts as the local admin. The admin credential is a random secret in a file readable by
 * the host's user only (like Jupyter's token); it is accepted on the loopback listener only.
 * Thread-safe; comparisons run in constant time.
 */
@ProviderType
public interface AdminAccess {

    /** The file that holds the admin credential (owner-only permissions). */
    Path credentialFile();

    /** Whether {@code credential} is the admin credential. */
    boolean isAdminCredential(String credential);

    /** A one-time code for a login link, valid for {@code validity}; never logged. */
    String issueLoginCode(Duration validity);

    /** Spends a login code once and returns a new browser session id; empty if unknown, used or expired. */
    Optional<String> redeemLoginCode(String code);

    /** Whether {@code sessionId} is a live admin browser session. */
    boolean isAdminSession(String sessionId);
}
