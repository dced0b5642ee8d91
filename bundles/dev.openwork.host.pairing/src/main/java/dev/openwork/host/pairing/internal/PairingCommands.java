package dev.openwork.host.pairing.internal;

import dev.openwork.host.api.error.HostException;
import dev.openwork.host.api.host.QrCodeRenderer;
import dev.openwork.host.api.pairing.PairingCaps;
import dev.openwork.host.api.pairing.PairingService;
import dev.openwork.host.api.pairing.PairingWindow;
import dev.openwork.host.api.pairing.PendingPairing;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The {@code pairing:} console commands. Failures come back as a sentence, never a stack trace. */
@Component(service = PairingCommands.class, property = {
        "osgi.command.scope=pairing",
        "osgi.command.function=open",
        "osgi.command.function=close",
        "osgi.command.function=status",
        "osgi.command.function=pending",
        "osgi.command.function=approve",
        "osgi.command.function=deny",
        "osgi.command.function=reset"})
public final class PairingCommands {

    private final PairingService pairing;
    private final QrCodeRenderer qrCodes;

    @Activate
    public PairingCommands(@Reference PairingService pairing, @Reference QrCodeRenderer qrCodes) {
        this.pairing = pairing;
        this.qrCodes = qrCodes;
    }

    @Descriptor("open a pairing window: shows the code and a QR code to scan")
    public String open(
            @Descriptor("minutes the window stays open (1-5)") @Parameter(names = {"-m", "--minutes"}, absentValue = "5") int minutes,
            @Descriptor("pre-approve these comma-separated scopes") @Parameter(names = {"-s", "--scopes"}, absentValue = "") String scopes,
            @Descriptor("the device name you expect") @Parameter(names = {"-n", "--name-hint"}, absentValue = "") String nameHint) {
        try {
            PairingWindow window = pairing.open(Duration.ofMinutes(minutes), split(scopes), nameHint);
            return describe(window, true);
        } catch (HostException e) {
            return sentence(e);
        }
    }

    @Descriptor("close the pairing window")
    public String close() {
        pairing.close();
        return "The pairing window is closed.";
    }

    @Descriptor("show the pairing window (with the current code) and the failure counters")
    public String status() {
        PairingCaps caps = pairing.caps();
        String counters = "Failures: " + caps.failuresThisWindow() + "/" + PairingCaps.MAX_PER_WINDOW + " in this window, "
                + caps.failuresLifetime() + "/" + PairingCaps.MAX_LIFETIME + " over the host's life"
                + (caps.lifetimeExhausted() ? " (locked: pairing:reset unlocks)" : "") + ".\n";
        return pairing.window().map(w -> describe(w, false)).orElse("No pairing window is open.\n") + counters;
    }

    @Descriptor("list devices waiting for approval")
    public String pending() {
        StringBuilder out = new StringBuilder();
        for (PendingPairing p : pairing.pending()) {
            out.append(String.format("%s  %-24s %-8s from %-15s asks for %s%n", p.pairingId(), p.deviceName(),
                    p.platform(), p.address(), String.join(",", p.requestedScopes())));
        }
        return out.length() == 0 ? "No device waits for approval.\n" : out.toString();
    }

    @Descriptor("approve a waiting device")
    public String approve(
            @Descriptor("grant these comma-separated scopes instead of those requested") @Parameter(names = {"-s", "--scopes"}, absentValue = "") String scopes,
            @Descriptor("the pairing id from pairing:pending") String pairingId) {
        try {
            pairing.approve(pairingId, split(scopes));
            return "Approved " + pairingId + ".";
        } catch (HostException e) {
            return sentence(e);
        }
    }

    @Descriptor("deny a waiting device")
    public String deny(@Descriptor("the pairing id from pairing:pending") String pairingId) {
        try {
            pairing.deny(pairingId);
            return "Denied " + pairingId + ".";
        } catch (HostException e) {
            return sentence(e);
        }
    }

    @Descriptor("reset the lifetime counter of failed pairings")
    public String reset() {
        pairing.resetCaps();
        return "The pairing failure counter is reset.";
    }

    private static String sentence(HostException e) {
        return e.action() == null ? e.getMessage() : e.getMessage() + " " + e.action();
    }

    private static Set<String> split(String scopes) {
        Set<String> set = new LinkedHashSet<>();
        Arrays.stream(scopes.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(set::add);
        return set;
    }

    private String describe(PairingWindow w, boolean withQr) {
        long seconds = Math.max(0, Duration.between(Instant.now(), w.closesAt()).toSeconds());
        StringBuilder out = new StringBuilder();
        out.append("Pairing code: ").append(w.code(), 0, 4).append(' ').append(w.code(), 4, 8)
                .append("   (open for ").append(seconds / 60).append("m ").append(seconds % 60).append("s more)\n");
        if (!w.preApprovedScopes().isEmpty()) {
            out.append("Pre-approved scopes: ").append(String.join(", ", w.preApprovedScopes())).append('\n');
        }
        if (w.connectLink() == null) {
            out.append("No LAN address is available: clients cannot reach this host until it is on a network.\n");
        } else {
            out.append("Connect link: ").append(w.connectLink()).append('\n');
            if (withQr) {
                out.append(qrCodes.terminalArt(w.connectLink()));
            }
        }
        out.append("On the device: owctl pair <link or address>, or scan the QR code in the OpenWork app.\n");
        return out.toString();
    }
}
