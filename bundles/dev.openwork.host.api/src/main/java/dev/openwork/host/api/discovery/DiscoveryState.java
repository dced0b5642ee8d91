package dev.openwork.host.api.discovery;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a discovery mechanism announces and whether it works, written for an admin.
 *
 * @param mode        the mechanism
 * @param working     whether clients can find the host through it now
 * @param cause       why it works or not, in plain words (e.g. "advertised on eth0 (192.168.1.20)")
 * @param action      what the admin should do when it does not work, or {@code null}
 * @param addresses   where clients are told to connect, as {@code host:port} (IPv6 in brackets)
 * @param connectLinks one {@code openwork-host://<addr>:<port>?fp=<fingerprint>} link per address,
 *                    for a QR code or to paste into a client
 * @param details     measured facts behind the verdict (interfaces, TXT record, ...); never a secret
 */
public record DiscoveryState(DiscoveryMode mode, boolean working, String cause, String action, List<String> addresses,
        List<String> connectLinks, Map<String, Object> details) {

    public DiscoveryState {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(cause, "cause");
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
        connectLinks = connectLinks == null ? List.of() : List.copyOf(connectLinks);
        details = details == null ? Map.of() : Map.copyOf(details);
    }
}
