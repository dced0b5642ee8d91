package dev.openwork.host.api.pairing;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Pairing on the host. Thread-safe. Failures are {@code HostException}s: {@code CONFLICT} when
 * another pairing is under way, {@code NOT_FOUND} for an unknown or finished attempt,
 * {@code FORBIDDEN} with a clear message when no window is open or the caps are exhausted,
 * {@code INVALID_REQUEST} for a malformed or wrong PAKE message (a wrong code surfaces here, and
 * counts as a failure).
 */
@ProviderType
public interface PairingService {

    /** Longest window an admin may open. */
    Duration MAX_WINDOW = Duration.ofMinutes(5);

    /**
     * Opens a window with a fresh code (closing any open one).
     *
     * @param duration          at most {@link #MAX_WINDOW}
     * @param preApprovedScopes when not empty, a device that completes the PAKE gets these scopes
     *                          without a separate approval
     * @param nameHint          shown with pending devices, or {@code null}
     */
    PairingWindow open(Duration duration, Set<String> preApprovedScopes, String nameHint);

    /** The open window, if any. */
    Optional<PairingWindow> window();

    /** Closes the window and abandons any attempt under way. */
    void close();

    /** First round trip. */
    PairingStartResponse start(PairingStartRequest request, String remoteAddress);

    /** Second round trip. */
    PairingConfirmResponse confirm(PairingConfirmRequest request);

    /**
     * Waits up to {@code wait} for the admin's decision on a confirmed attempt.
     *
     * @param proof the client's result proof (see {@link PairingProtocol})
     */
    PairingResult result(String pairingId, String proof, Duration wait);

    /** Confirmed attempts that wait for the admin. */
    List<PendingPairing> pending();

    /** Approves a pending attempt with these scopes (empty: what it asked for). */
    void approve(String pairingId, Set<String> scopes);

    /** Denies a pending attempt. */
    void deny(String pairingId);

    /** The open window's connect link as an SVG QR code, if a window is open. */
    Optional<String> windowQrSvg();

    /** The open window's connect link as a PNG QR code ({@code scale} pixels a module), if a window is open. */
    Optional<byte[]> windowQrPng(int scale);

    /** The failure counters. */
    PairingCaps caps();

    /** Resets the lifetime failure counter (admin action). */
    void resetCaps();
}
