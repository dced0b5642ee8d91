package dev.openwork.host.console.internal;

import dev.openwork.host.api.discovery.DiscoveryControl;
import dev.openwork.host.api.discovery.DiscoveryMode;
import dev.openwork.host.api.discovery.DiscoveryState;
import dev.openwork.host.api.discovery.HostAnnouncement;
import dev.openwork.host.api.host.QrCodeRenderer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The {@code discovery:} console commands: which mechanism announces the host, and swapping it. */
@Component(service = DiscoveryCommands.class, property = {
        "osgi.command.scope=discovery",
        "osgi.command.function=status",
        "osgi.command.function=use"})
public final class DiscoveryCommands {

    static final Duration SWITCH_WAIT = Duration.ofSeconds(5);

    private final DiscoveryControl control;
    private final QrCodeRenderer qrCodes;

    @Activate
    public DiscoveryCommands(@Reference DiscoveryControl control, @Reference QrCodeRenderer qrCodes) {
        this.control = control;
        this.qrCodes = qrCodes;
    }

    /** The active mechanism, whether it works, and the connect link with its QR code. */
    public String status() {
        DiscoveryMode mode = control.configuredMode();
        Optional<HostAnnouncement> active = control.active();
        if (active.isEmpty()) {
            return "Discovery mode: " + mode.id() + " (not running: no bundle announces the host this way)\n"
                    + "Start dev.openwork.host.discovery." + mode.id() + " (lb discovery), or switch with discovery:use "
                    + other(mode).id() + ".\n";
        }
        return describe(active.get().state(), true);
    }

    /** Switches discovery at once, without a restart; the choice is kept in etc/dev.openwork.host.discovery.cfg. */
    public String use(String mode) {
        Optional<DiscoveryMode> wanted = DiscoveryMode.parse(mode);
        if (wanted.isEmpty()) {
            return "Unknown discovery mode '" + mode + "': use one of "
                    + Arrays.stream(DiscoveryMode.values()).map(DiscoveryMode::id).collect(Collectors.joining(", ")) + ".\n";
        }
        Optional<DiscoveryState> state = control.use(wanted.get(), SWITCH_WAIT);
        if (state.isEmpty()) {
            return "Discovery mode is now " + wanted.get().id() + ", but no running bundle provides it: install or start "
                    + "dev.openwork.host.discovery." + wanted.get().id() + ".\n";
        }
        return "Discovery mode is now " + wanted.get().id() + ". Connected clients keep their connections.\n"
                + describe(state.get(), wanted.get() == DiscoveryMode.MANUAL);
    }

    private String describe(DiscoveryState state, boolean withQr) {
        StringBuilder out = new StringBuilder();
        out.append("Discovery mode: ").append(state.mode().id()).append(state.working() ? " (working)" : " (NOT working)")
                .append('\n');
        out.append("  ").append(state.cause()).append('\n');
        if (state.action() != null) {
            out.append("  Action: ").append(state.action()).append('\n');
        }
        for (String link : state.connectLinks()) {
            out.append("Connect link: ").append(link).append('\n');
        }
        if (withQr && !state.connectLinks().isEmpty()) {
            out.append(qrCodes.terminalArt(state.connectLinks().get(0)));
            out.append("On the device: owctl pair <link>, or scan the QR code in the OpenWork app.\n");
        }
        return out.toString();
    }

    private static DiscoveryMode other(DiscoveryMode mode) {
        return mode == DiscoveryMode.MDNS ? DiscoveryMode.MANUAL : DiscoveryMode.MDNS;
    }
}
