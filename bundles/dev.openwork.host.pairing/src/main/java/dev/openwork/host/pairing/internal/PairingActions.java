package dev.openwork.host.pairing.internal;

import dev.openwork.host.api.health.HealthAction;
import dev.openwork.host.api.health.HealthActionResult;
import dev.openwork.host.api.pairing.PairingService;
import dev.openwork.host.api.pairing.PairingWindow;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The recovery actions of the {@code pairing} check, one whiteboard service each. */
final class PairingActions {

    static final String OPEN_WINDOW = "open-pairing-window";
    static final String RESET_CAPS = "reset-pairing-caps";

    private PairingActions() {
    }

    /** Opens a five-minute window without pre-approval: the admin still approves each device. */
    @Component(service = HealthAction.class, property = {
            HealthAction.ID + "=" + OPEN_WINDOW,
            HealthAction.CHECK + "=" + PairingHealthCheck.NAME,
            HealthAction.LABEL + "=Open a pairing window"})
    public static final class OpenWindow implements HealthAction {

        private final PairingService pairing;

        @Activate
        public OpenWindow(@Reference PairingService pairing) {
            this.pairing = pairing;
        }

        @Override
        public HealthActionResult run() {
            PairingWindow window = pairing.open(PairingService.MAX_WINDOW, Set.of(), null);
            // the code is not part of the result: it is shown where the window is shown (console, page)
            return new HealthActionResult(OPEN_WINDOW, "A pairing window is open until " + window.closesAt()
                    + "; the code is on the host's console (pairing:status) and its web page.",
                    Map.of("closesAt", window.closesAt().toString()));
        }
    }

    /** Resets the lifetime failure counter, unlocking pairing. */
    @Component(service = HealthAction.class, property = {
            HealthAction.ID + "=" + RESET_CAPS,
            HealthAction.CHECK + "=" + PairingHealthCheck.NAME,
            HealthAction.LABEL + "=Reset the pairing failure counter"})
    public static final class ResetCaps implements HealthAction {

        private final PairingService pairing;

        @Activate
        public ResetCaps(@Reference PairingService pairing) {
            this.pairing = pairing;
        }

        @Override
        public HealthActionResult run() {
            int before = pairing.caps().failuresLifetime();
            pairing.resetCaps();
            return new HealthActionResult(RESET_CAPS, "The pairing failure counter was reset (it stood at " + before + ").",
                    Map.of("failuresBefore", before));
        }
    }
}
