package dev.openwork.host.api.pairing;

import java.time.Instant;
import java.util.Set;

/**
 * An open pairing window, as the local admin sees it. The code is shown on the host only.
 *
 * @param code               8 digits
 * @param openedAt           when it opened
 * @param closesAt           when it closes (at most 5 minutes after opening)
 * @param preApprovedScopes  scopes granted without a separate approval step, or empty
 * @param nameHint           the device name the admin expects, or {@code null}
 * @param connectLink        {@code openwork-host://<addr>:<port>?fp=<spki>&code=<code>} for the QR code
 * @param failuresThisWindow failed attempts in this window
 */
public record PairingWindow(String code, Instant openedAt, Instant closesAt, Set<String> preApprovedScopes,
        String nameHint, String connectLink, int failuresThisWindow) {

    @Override
    public String toString() {
        return "PairingWindow[closesAt=" + closesAt + ", code=<hidden>]";
    }
}
