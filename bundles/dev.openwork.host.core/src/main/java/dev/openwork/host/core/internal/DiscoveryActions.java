package dev.openwork.host.core.internal;

import dev.openwork.host.api.discovery.DiscoveryControl;
import dev.openwork.host.api.discovery.DiscoveryMode;
import dev.openwork.host.api.discovery.DiscoveryState;
import dev.openwork.host.api.health.HealthAction;
import dev.openwork.host.api.health.HealthActionResult;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The recovery actions of the {@code discovery} check that switch the mechanism, one service each. */
final class DiscoveryActions {

    static final String USE_MANUAL = "use-manual-discovery";
    static final String USE_MDNS = "use-mdns-discovery";
    /** Registered by the mdns bundle while it announces; named here so the check can offer it. */
    static final String RESTART_MDNS = "restart-mdns-discovery";
    static final Duration SWITCH_WAIT = Duration.ofSeconds(5);

    private DiscoveryActions() {
    }

    static String idFor(DiscoveryMode mode) {
        return mode == DiscoveryMode.MANUAL ? USE_MANUAL : USE_MDNS;
    }

    static HealthActionResult use(DiscoveryControl control, DiscoveryMode mode) {
        Optional<DiscoveryState> state = control.use(mode, SWITCH_WAIT);
        if (state.isEmpty()) {
            return new HealthActionResult(idFor(mode), "Discovery is set to " + mode.id() + ", but no running bundle "
                    + "provides it: start dev.openwork.host.discovery." + mode.id() + ".", Map.of("mode", mode.id()));
        }
        String links = state.get().connectLinks().isEmpty() ? "" : " Connect link: " + state.get().connectLinks().get(0);
        return new HealthActionResult(idFor(mode), "Discovery is now " + mode.id() + ": " + state.get().cause() + links,
                Map.of("mode", mode.id(), "working", state.get().working(), "connectLinks", state.get().connectLinks()));
    }

    /** Switches to manual discovery: no multicast, clients connect with the link or its QR code. */
    @Component(service = HealthAction.class, property = {
            HealthAction.ID + "=" + USE_MANUAL,
            HealthAction.CHECK + "=" + DiscoveryControlComponent.NAME,
            HealthAction.LABEL + "=Switch to manual discovery (connect link and QR code)"})
    public static final class UseManual implements HealthAction {
        private final DiscoveryControl control;

        @Activate
        public UseManual(@Reference DiscoveryControl control) {
            this.control = control;
        }

        @Override
        public HealthActionResult run() {
            return use(control, DiscoveryMode.MANUAL);
        }
    }

    /** Switches to mDNS discovery. */
    @Component(service = HealthAction.class, property = {
            HealthAction.ID + "=" + USE_MDNS,
            HealthAction.CHECK + "=" + DiscoveryControlComponent.NAME,
            HealthAction.LABEL + "=Switch to mDNS discovery"})
    public static final class UseMdns implements HealthAction {
        private final DiscoveryControl control;

        @Activate
        public UseMdns(@Reference DiscoveryControl control) {
            this.control = control;
        }

        @Override
        public HealthActionResult run() {
            return use(control, DiscoveryMode.MDNS);
        }
    }
}
