package dev.openwork.host.pairing.internal;

import dev.openwork.host.api.health.HealthCheck;
import dev.openwork.host.api.health.HealthCheckResult;
import dev.openwork.host.api.health.HealthStatus;
import dev.openwork.host.api.pairing.PairingCaps;
import dev.openwork.host.api.pairing.PairingService;
import dev.openwork.host.api.pairing.PairingWindow;
import dev.openwork.host.api.pairing.PendingPairing;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code pairing} check: whether a device can pair now. Locked caps are the problem an admin
 * must fix; a window, waiting devices or failures on the way to the cap are reported as facts.
 * Offers {@link PairingActions#RESET_CAPS} when failures pile up and
 * {@link PairingActions#OPEN_WINDOW} when no window is open.
 */
@Component(service = HealthCheck.class, property = HealthCheck.NAME + "=" + PairingHealthCheck.NAME)
public final class PairingHealthCheck implements HealthCheck {

    static final String NAME = "pairing";
    /** Past this many lifetime failures the check warns, well before pairing locks. */
    static final int WARN_AT = PairingCaps.MAX_LIFETIME / 2;

    private final PairingService pairing;

    @Activate
    public PairingHealthCheck(@Reference PairingService pairing) {
        this.pairing = pairing;
    }

    @Override
    public HealthCheckResult check() {
        return evaluate(pairing.caps(), pairing.window(), pairing.pending());
    }

    static HealthCheckResult evaluate(PairingCaps caps, Optional<PairingWindow> window, List<PendingPairing> pending) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("failuresLifetime", caps.failuresLifetime());
        details.put("maxLifetime", PairingCaps.MAX_LIFETIME);
        details.put("windowOpen", window.isPresent());
        details.put("pendingApprovals", pending.size());
        window.ifPresent(w -> details.put("windowClosesAt", w.closesAt().toString()));
        if (caps.lifetimeExhausted()) {
            return new HealthCheckResult(NAME, HealthStatus.CRITICAL, "Pairing is locked: " + caps.failuresLifetime()
                    + " pairing attempts failed over the host's life (the limit is " + PairingCaps.MAX_LIFETIME + ").",
                    "Find out who tried to pair (data/log/host.log); then reset the counter (pairing:reset or the button).",
                    details, List.of(PairingActions.RESET_CAPS));
        }
        if (caps.failuresLifetime() >= WARN_AT) {
            return new HealthCheckResult(NAME, HealthStatus.WARNING, caps.failuresLifetime() + " pairing attempts failed"
                    + " over the host's life; at " + PairingCaps.MAX_LIFETIME + " pairing locks.",
                    "If these were your own mistyped codes, reset the counter; if not, someone nearby is guessing:"
                            + " keep pairing windows short.", details, List.of(PairingActions.RESET_CAPS));
        }
        String waiting = pending.isEmpty() ? "" : " " + pending.size() + (pending.size() == 1 ? " device waits" : " devices wait")
                + " for approval.";
        if (window.isPresent()) {
            return new HealthCheckResult(NAME, HealthStatus.OK, "A pairing window is open until " + window.get().closesAt()
                    + " (" + window.get().failuresThisWindow() + " failed attempts in it)." + waiting, null, details, List.of());
        }
        return new HealthCheckResult(NAME, HealthStatus.OK, "Pairing is possible once an admin opens a window ("
                + caps.failuresLifetime() + " failed attempts so far)." + waiting, null, details,
                List.of(PairingActions.OPEN_WINDOW));
    }
}
